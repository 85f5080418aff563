// The analysis report as one self-contained HTML page: per run, small inline SVG plots of each detector over
// training, the notable neurons and moments with links into the viewer; several runs of one config compared.
// Not the JSON (json.cpp); no scripts, no external files.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/internal.h"
#include "ginn/analysis/analysis.h"

#include "ginn/core/detail/html.h"

namespace ginn {

using detail::html_escape;

namespace detail {
nlohmann::json comparison_json(const AnalysisReport& report);
}

namespace {

const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string num(double v, int digits = 3) {
    if (!std::isfinite(v)) return "–";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

struct Series {
    std::string name;
    std::vector<double> y;
    std::vector<double> x;  // empty: 0, 1, 2, ... (snapshot or step index)
};

/// A small line chart over snapshot index; `marks` are vertical lines at notable x values.
std::string chart(const std::string& title, const std::vector<Series>& series, double x_max,
                  const std::vector<double>& marks = {}, bool unit_range = false) {
    constexpr double W = 300, H = 120, L = 36, R = 6, T = 18, B = 16;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& s : series)
        for (double v : s.y)
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (unit_range) lo = 0, hi = 1;
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) hi = lo + 1;
    x_max = std::max(x_max, 1.0);
    auto X = [&](double x) { return L + (W - L - R) * x / x_max; };
    auto Y = [&](double y) { return T + (H - T - B) * (1 - (y - lo) / (hi - lo)); };
    std::ostringstream o;
    o << "<figure><svg viewBox='0 0 " << W << ' ' << H << "' width='" << W << "' height='" << H << "'>";
    o << "<text x='4' y='12' class='t'>" << html_escape(title) << "</text>";
    o << "<rect x='" << L << "' y='" << T << "' width='" << W - L - R << "' height='" << H - T - B << "' class='frame'/>";
    o << "<text x='" << L - 3 << "' y='" << T + 8 << "' class='ax' text-anchor='end'>" << num(hi) << "</text>";
    o << "<text x='" << L - 3 << "' y='" << H - B << "' class='ax' text-anchor='end'>" << num(lo) << "</text>";
    o << "<text x='" << W - R << "' y='" << H - 3 << "' class='ax' text-anchor='end'>" << num(x_max) << "</text>";
    for (double m : marks) o << "<line x1='" << X(m) << "' x2='" << X(m) << "' y1='" << T << "' y2='" << H - B << "' class='mark'/>";
    for (size_t si = 0; si < series.size(); ++si) {
        const auto& s = series[si];
        o << "<polyline fill='none' stroke='" << palette[si % 8] << "' stroke-width='1.2' points='";
        for (size_t i = 0; i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            const double x = s.x.empty() ? static_cast<double>(i) : s.x[i];
            o << num(X(x), 5) << ',' << num(Y(s.y[i]), 5) << ' ';
        }
        o << "'/>";
    }
    o << "</svg><figcaption>";
    for (size_t si = 0; si < series.size() && series.size() > 1; ++si)
        o << "<span style='color:" << palette[si % 8] << "'>&#9632;</span> " << html_escape(series[si].name) << " ";
    o << "</figcaption></figure>";
    return o.str();
}

std::string link(const AnalysisOptions& o, int run, int snapshot, const std::vector<NeuronId>& neurons,
                 const std::string& text) {
    return "<a href=\"" + html_escape(o.viewer + "#" + viewer_fragment(run, snapshot, neurons)) + "\">" + html_escape(text) + "</a>";
}

std::string labels(const std::vector<NeuronId>& ids) {
    std::string s;
    for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + neuron_label(ids[i]);
    return s;
}

std::string run_section(const AnalysisReport& rep, int ri) {
    const RunAnalysis& r = rep.runs[ri];
    const AnalysisOptions& o = rep.options;
    const int n = static_cast<int>(r.iterations.size());
    const double xm = n - 1;
    std::ostringstream h;
    h << "<section><h2 id='run" << ri << "'>Run " << ri << ": " << html_escape(r.name) << "</h2>";
    h << "<p class='meta'>seed " << r.seed << " · " << n << " snapshots (iterations 0–"
      << (n ? r.iterations.back() : 0) << ") · geometry " << (r.exact ? "exact" : "approximate (smooth activations)")
      << " · analysed in " << num(r.seconds) << " s</p>";

    // Findings in words.
    h << "<ul class='findings'>";
    int n_dead_end = 0, n_on_end = 0;
    std::vector<NeuronId> dead_end, came_back;
    for (const auto& d : r.dead.neurons) {
        if (d.final_state == NeuronState::dead) ++n_dead_end, dead_end.push_back(d.id);
        if (d.final_state == NeuronState::always_on) ++n_on_end;
        if (d.came_back) came_back.push_back(d.id);
    }
    h << "<li><b>Dead neurons</b> at the end: " << n_dead_end << " (" << html_escape(labels(dead_end)) << "), always on: "
      << n_on_end << "; came back after dying: " << (came_back.empty() ? "none" : html_escape(labels(came_back))) << ".</li>";
    for (const auto& L : r.bias.layers)
        h << "<li><b>Bias vs weights</b>, layer " << L.layer << ": bias share " << num(L.share_early, 2)
          << " in the first 10% of steps, " << num(L.share_total, 2) << " overall; " << L.phases.size()
          << " bias-dominated phase(s).</li>";
    if (!r.critical.corners.empty())
        h << "<li><b>Critical points</b>: " << r.critical.corners.size() << " target corners; at the end "
          << num(100 * r.critical.fraction_reached.back(), 3) << "% have a geometry vertex within "
          << num(o.critical.radius) << " (domain scale).</li>";
    int lasting = 0;
    for (const auto& p : r.copycat.pairs) lasting += p.since >= 0;
    h << "<li><b>Copycats</b>: " << lasting << " pair(s) are copies at the end, " << r.copycat.pairs.size()
      << " were copies at some point.</li>";
    h << "<li><b>Indecisive</b> neurons (late in training): "
      << (r.indecisive.neurons.empty() ? std::string("none") : html_escape(std::to_string(r.indecisive.neurons.size()))) << ".</li>";
    if (!r.symmetry.prediction.empty())
        h << "<li><b>Symmetry</b>: target axis x = " << num(r.symmetry.axis_x) << " (target agrees with its mirror on "
          << num(100 * r.symmetry.target_score, 3) << "%); prediction agrees with its mirror on "
          << num(100 * r.symmetry.prediction.back(), 3) << "% at the end.</li>";
    if (!r.failure.accuracy.empty()) {
        h << "<li><b>Failure</b>: accuracy over the domain " << num(100 * r.failure.accuracy.back(), 4) << "%.";
        for (size_t p = 0; p < r.failure.parts.size(); ++p)
            if (r.failure.parts[p].first_modelled < 0)
                h << " <span class='bad'>Part " << p + 1 << " is never modelled.</span>";
        h << "</li>";
    }
    h << "<li><b>Margins</b> (snapshot " << r.margins.snapshot << "): median " << num(r.margins.median) << ", min "
      << num(r.margins.min) << ", " << num(100 * r.margins.fraction_within_epsilon, 3) << "% within "
      << num(o.margins.epsilon) << "; " << r.margins.n_misclassified << " of " << r.margins.n_points
      << " training points misclassified.</li>";
    if (r.fragile.checked)
        h << "<li><b>Fragile points</b>: " << r.fragile.n_fragile << " integer inputs flip class when one coordinate "
          << "changes by 1 (" << (r.fragile.brute_force ? "all " : "") << r.fragile.n_candidates << " checked).</li>";
    h << "</ul>";

    // Plots.
    std::vector<double> marks;
    for (const auto& e : r.events)
        if (e.kind != "bias_phase") marks.push_back(e.snapshot);
    h << "<div class='plots'>";
    h << chart("loss (training set)", {{"loss", r.loss, {}}}, xm, marks);
    std::vector<double> nd(r.dead.n_dead.begin(), r.dead.n_dead.end()), na(r.dead.n_always_on.begin(), r.dead.n_always_on.end());
    h << chart("dead / always-on neurons", {{"dead", nd, {}}, {"always on", na, {}}}, xm);
    std::vector<Series> bias;
    for (const auto& L : r.bias.layers) bias.push_back({"layer " + std::to_string(L.layer), L.share, {}});
    h << chart("bias share of motion per step", bias, xm, {}, true);
    if (!r.critical.corners.empty())
        h << chart("target corners reached", {{"fraction", r.critical.fraction_reached, {}}}, xm, {}, true);
    std::vector<double> cp(r.copycat.n_pairs.begin(), r.copycat.n_pairs.end());
    h << chart("copycat pairs", {{"pairs", cp, {}}}, xm);
    h << chart("prediction change per step (grid fraction)", {{"change", r.indecisive.prediction_change, {}}}, xm,
               {static_cast<double>(r.indecisive.first_step)});
    std::vector<Series> sym = {{"prediction", r.symmetry.prediction, {}}};
    h << chart("mirror agreement of the prediction", sym, xm, {}, true);
    std::vector<Series> parts = {{"whole domain", r.failure.accuracy, {}}};
    for (size_t p = 0; p < r.failure.parts.size() && p < 7; ++p)
        parts.push_back({"part " + std::to_string(p + 1), r.failure.parts[p].accuracy, {}});
    h << chart("accuracy per target part", parts, xm, {}, true);
    if (r.exact) {
        std::vector<double> ra(r.regions.activation.begin(), r.regions.activation.end()),
            rl(r.regions.linear.begin(), r.regions.linear.end());
        h << chart("regions", {{"activation", ra, {}}, {"linear", rl, {}}}, xm);
    }
    if (!r.regions.density_snapshots.empty()) {
        std::vector<double> xs(r.regions.density_snapshots.begin(), r.regions.density_snapshots.end());
        h << chart("region density near / far from the decision boundary",
                   {{"near", r.regions.density_near, xs}, {"far", r.regions.density_far, xs}}, xm);
    }
    h << "</div>";

    // Parts table.
    if (!r.failure.parts.empty()) {
        h << "<h3>Target parts</h3><table><tr><th>part</th><th>colour</th><th>pixels</th><th>centre</th>"
             "<th>first modelled</th><th>final accuracy</th></tr>";
        for (size_t p = 0; p < r.failure.parts.size(); ++p) {
            const auto& t = r.failure.parts[p];
            h << "<tr" << (t.first_modelled < 0 ? " class='bad'" : "") << "><td>" << p + 1 << "</td><td>"
              << (t.label ? "white" : "black") << "</td><td>" << t.n_pixels << "</td><td>" << num(t.cx, 2) << ", "
              << num(t.cy, 2) << "</td><td>"
              << (t.first_modelled < 0 ? std::string("never") : link(o, ri, t.first_modelled, {}, std::to_string(t.first_modelled)))
              << "</td><td>" << num(100 * t.accuracy.back(), 3) << "%</td></tr>";
        }
        h << "</table>";
    }
    // Notable neurons.
    h << "<h3>Notable neurons</h3><table><tr><th>neuron(s)</th><th>finding</th><th>view</th></tr>";
    for (const auto& d : r.dead.neurons)
        if (d.final_state == NeuronState::dead)
            h << "<tr><td>" << neuron_label(d.id) << "</td><td>dead since snapshot " << d.died_at
              << (d.n_deaths > 1 ? " (died " + std::to_string(d.n_deaths) + " times)" : "") << "</td><td>"
              << link(o, ri, std::max(d.died_at, 0), {d.id}, "at death") << "</td></tr>";
    for (const auto& p : r.copycat.pairs)
        if (p.since >= 0)
            h << "<tr><td>" << neuron_label(p.a) << ", " << neuron_label(p.b) << "</td><td>copies"
              << (p.flipped ? " (flipped sign)" : "") << " since snapshot " << p.since << ", distance "
              << num(p.distance) << "</td><td>" << link(o, ri, p.since, {p.a, p.b}, "since") << " · "
              << link(o, ri, n - 1, {p.a, p.b}, "end") << "</td></tr>";
    for (const auto& ind : r.indecisive.neurons)
        h << "<tr><td>" << neuron_label(ind.id) << "</td><td>indecisive: " << ind.jumps.size()
          << " jump(s) late in training, largest " << num(std::max_element(ind.jumps.begin(), ind.jumps.end(),
                                                                            [](auto& a, auto& b) { return a.jump < b.jump; })->jump)
          << "</td><td>" << link(o, ri, ind.jumps[0].step, {ind.id}, "before") << " · "
          << link(o, ri, ind.jumps[0].step + 1, {ind.id}, "after") << "</td></tr>";
    h << "</table>";
    // Events.
    h << "<h3>Timeline</h3><table><tr><th>snapshot</th><th>iteration</th><th>event</th><th>view</th></tr>";
    constexpr size_t max_events = 200;
    for (size_t i = 0; i < r.events.size() && i < max_events; ++i) {
        const auto& e = r.events[i];
        h << "<tr><td>" << e.snapshot << "</td><td>" << r.iterations[e.snapshot] << "</td><td>" << html_escape(e.text)
          << "</td><td>" << link(o, ri, e.snapshot, e.neurons, "view") << "</td></tr>";
    }
    if (r.events.size() > max_events) h << "<tr><td colspan='4'>… " << r.events.size() - max_events << " more in the JSON</td></tr>";
    h << "</table>";
    if (!r.margins.closest.empty()) {
        h << "<h3>Smallest margins</h3><table><tr><th>point</th><th>x</th><th>y</th><th>margin</th></tr>";
        for (const auto& p : r.margins.closest)
            h << "<tr><td>" << p.index << "</td><td>" << num(p.x, 4) << "</td><td>" << num(p.y, 4) << "</td><td>"
              << num(p.margin) << "</td></tr>";
        h << "</table>";
    }
    h << "</section>";
    return h.str();
}

}  // namespace

std::string analysis_html(const AnalysisReport& report) {
    std::ostringstream h;
    h << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>ginn analysis</title><style>"
         "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}"
         "h2{border-bottom:1px solid #ccc;margin-top:2em}.meta{color:#666}"
         ".plots{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}figcaption{font-size:11px;color:#555}"
         "svg .t{font-size:11px;font-weight:600}svg .ax{font-size:9px;fill:#666}"
         "svg .frame{fill:none;stroke:#ddd}svg .mark{stroke:#f3c;stroke-width:.5;stroke-dasharray:2 2}"
         "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px;font-size:13px}"
         ".bad{color:#b00}</style></head><body>";
    h << "<h1>ginn analysis</h1><p class='meta'>" << report.runs.size() << " run(s). Definitions and thresholds: "
         "docs/analysis.md. Links open " << html_escape(report.options.viewer) << " at the moment and neurons named.</p>";
    if (report.runs.size() > 1) {
        const auto cmp = detail::comparison_json(report);
        h << "<h2>Comparison</h2>";
        for (const auto& g : cmp) {
            const auto& first = report.runs[g["runs"][0].get<int>()];
            h << "<table><tr><th>run</th><th>seed</th><th>accuracy</th>";
            for (size_t p = 0; p < first.failure.parts.size(); ++p) h << "<th>part " << p + 1 << "</th>";
            h << "<th>mirror agreement</th><th>dead</th><th>copycat pairs</th><th>indecisive</th></tr>";
            for (const auto& row : g["table"]) {
                const int ri = row["run"].get<int>();
                h << "<tr><td><a href='#run" << ri << "'>" << ri << ": " << html_escape(row["name"].get<std::string>())
                  << "</a></td><td>" << row["seed"].get<uint64_t>() << "</td><td>"
                  << num(100 * row["accuracy"].get<double>(), 4) << "%</td>";
                const auto& never = row["never_modelled"];
                for (size_t p = 0; p < row["part_accuracy"].size(); ++p) {
                    const bool bad = std::find(never.begin(), never.end(), static_cast<int>(p)) != never.end();
                    h << "<td" << (bad ? " class='bad'" : "") << ">" << num(100 * row["part_accuracy"][p].get<double>(), 3)
                      << "%" << (bad ? " (never)" : "") << "</td>";
                }
                h << "<td>" << num(100 * row["symmetry"].get<double>(), 3) << "%</td><td>" << row["n_dead"].get<int>()
                  << "</td><td>" << row["n_copycat_pairs"].get<int>() << "</td><td>" << row["n_indecisive"].get<size_t>()
                  << "</td></tr>";
            }
            h << "</table>";
        }
    }
    for (size_t i = 0; i < report.runs.size(); ++i) h << run_section(report, static_cast<int>(i));
    h << "</body></html>\n";
    return h.str();
}

}  // namespace ginn
