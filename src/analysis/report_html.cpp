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
    std::vector<int> k;  // snapshot of each y; empty: 0, 1, 2, ... (steps k -> k+1 are drawn at snapshot k + 1)
};

/// The charts' x axis: iterations, on a log scale (log10(1 + iteration)) when training spans 100 or more.
struct Axis {
    const std::vector<int64_t>* iterations = nullptr;
    bool log = true;
    double at(int k) const {
        const double it = static_cast<double>((*iterations)[static_cast<size_t>(std::clamp<int>(k, 0, static_cast<int>(iterations->size()) - 1))]);
        return log ? std::log10(1 + it) : it;
    }
    double max() const { return std::max(at(static_cast<int>(iterations->size()) - 1), 1e-9); }
};

/// A small line chart over iterations with axis titles; `marks` are vertical lines at notable snapshots.
std::string chart(const std::string& title, const std::string& y_title, const std::vector<Series>& series, const Axis& axis,
                  const std::vector<int>& marks = {}, bool unit_range = false) {
    constexpr double W = 320, H = 150, L = 52, R = 8, T = 8, B = 34;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& s : series)
        for (double v : s.y)
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (unit_range) lo = 0, hi = 1;
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) hi = lo + 1;
    const double x_max = axis.max();
    auto X = [&](double x) { return L + (W - L - R) * x / x_max; };
    auto Y = [&](double y) { return T + (H - T - B) * (1 - (y - lo) / (hi - lo)); };
    std::ostringstream o;
    o << "<figure><div class='t'>" << html_escape(title) << "</div><svg viewBox='0 0 " << W << ' ' << H << "' width='" << W
      << "' height='" << H << "'>";
    o << "<rect x='" << L << "' y='" << T << "' width='" << W - L - R << "' height='" << H - T - B << "' class='frame'/>";
    o << "<text x='" << L - 4 << "' y='" << T + 10 << "' class='ax' text-anchor='end'>" << num(hi) << "</text>";
    o << "<text x='" << L - 4 << "' y='" << H - B << "' class='ax' text-anchor='end'>" << num(lo) << "</text>";
    o << "<text transform='translate(12," << (T + H - B) / 2 << ") rotate(-90)' class='ax' text-anchor='middle'>"
      << html_escape(y_title) << "</text>";
    // x ticks: powers of ten on a log axis, else the two ends
    std::vector<double> ticks;
    const double last = static_cast<double>(axis.iterations->back());
    if (axis.log)
        for (double t = 1; t <= last; t *= 10) ticks.push_back(t);
    ticks.push_back(last);
    for (double t : ticks) {
        const double x = X(axis.log ? std::log10(1 + t) : t);
        if (t != last && x > X(x_max) - 62) continue;  // keep the last label (anchored at its end) readable
        o << "<text x='" << x << "' y='" << H - B + 13 << "' class='ax' text-anchor='" << (t == last ? "end" : "middle") << "'>"
          << num(t, 3) << "</text>";
    }
    o << "<text x='" << (L + W - R) / 2 << "' y='" << H - 4 << "' class='ax' text-anchor='middle'>iteration"
      << (axis.log ? " (log scale)" : "") << "</text>";
    for (int m : marks) o << "<line x1='" << X(axis.at(m)) << "' x2='" << X(axis.at(m)) << "' y1='" << T << "' y2='" << H - B << "' class='mark'/>";
    for (size_t si = 0; si < series.size(); ++si) {
        const auto& s = series[si];
        o << "<polyline fill='none' stroke='" << palette[si % 8] << "' stroke-width='1.2' points='";
        for (size_t i = 0; i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            const int k = s.k.empty() ? static_cast<int>(i) : s.k[i];
            o << num(X(axis.at(k)), 5) << ',' << num(Y(s.y[i]), 5) << ' ';
        }
        o << "'/>";
    }
    o << "</svg><figcaption>";
    for (size_t si = 0; si < series.size() && series.size() > 1; ++si)
        o << "<span style='color:" << palette[si % 8] << "'>&#9632;</span> " << html_escape(series[si].name) << " ";
    o << "</figcaption></figure>";
    return o.str();
}

double median_of(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

/// Steps k -> k+1 drawn at snapshot k + 1.
std::vector<int> step_snapshots(size_t n_steps) {
    std::vector<int> k(n_steps);
    for (size_t i = 0; i < n_steps; ++i) k[i] = static_cast<int>(i) + 1;
    return k;
}

/// A small picture of a target part: its pixels (red) on the grid (grey frame), 64 px across.
std::string part_picture(const TargetPart& t) {
    if (t.grid <= 0) return "";
    std::ostringstream o;
    o << "<svg class='pic' viewBox='0 0 " << t.grid << ' ' << t.grid << "' width='64' height='64' shape-rendering='crispEdges'>"
      << "<rect width='" << t.grid << "' height='" << t.grid << "' fill='#f4f4f4' stroke='#999'/>";
    for (const auto& r : t.rows)
        o << "<rect x='" << r[1] << "' y='" << r[0] << "' width='" << r[2] - r[1] + 1 << "' height='1' fill='#c00'/>";
    o << "</svg>";
    return o.str();
}

/// A copy group's boundaries at the end over the target.
std::string group_picture(const RunAnalysis& r, int run, const std::vector<NeuronId>& neurons, const std::string& title) {
    std::vector<detail::PictureCurve> curves;
    for (size_t j = 0; j < neurons.size(); ++j)
        for (size_t i = 0; i < r.roles.size(); ++i)
            if (r.roles[i].id == neurons[j]) curves.push_back({r.roles[i].boundary_end, palette[j % 8], false});
    return detail::picture(r, run, curves, nullptr, -1, title);
}

/// A failed part highlighted, with its nearest neurons when they came nearest (dashed) and at the end (solid).
std::string failed_part_picture(const RunAnalysis& r, int run, const TargetPart& t) {
    std::vector<detail::PictureCurve> curves;
    for (size_t j = 0; j < t.nearest.size(); ++j) {
        curves.push_back({t.nearest_then_boundary[j], palette[j % 8], true});
        curves.push_back({t.nearest_end_boundary[j], palette[j % 8], false});
    }
    return detail::picture(r, run, curves, &t, -1, "the part (pink) and the neurons nearest to it");
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

/// Neuron roles: which edge or corner each neuron tracks over training, with pictures, and its contribution.
std::string roles_section(const RunAnalysis& r, int ri, const AnalysisOptions& o, const Axis& axis) {
    const int n = static_cast<int>(r.iterations.size());
    std::vector<const NeuronRole*> by;
    for (const auto& role : r.roles) by.push_back(&role);
    std::stable_sort(by.begin(), by.end(), [](auto* a, auto* b) { return a->contribution.back() > b->contribution.back(); });
    std::ostringstream h;
    h << "<h3>Neuron roles over training</h3><p class='meta'>The target's outline is cut at its " << r.critical.corners.size()
      << " corners into " << r.features.size() - r.critical.corners.size() << " edges. A neuron tracks an edge when the part of "
         "its boundary within " << num(o.critical.radius) << " of that edge is at least " << num(o.roles.min_share)
      << " of the shorter of the two; the corner between two edges when it also runs along the neighbour. A role counts "
         "once held " << num(100 * o.roles.min_stay) << "% of training. Contribution: norm of the outgoing weights times "
         "the active fraction of the domain (<i>grid</i>). Ten largest contributions at the end, then every other neuron "
         "that held a role.</p><table><tr><th>neuron</th><th>at the end</th><th>roles over training (iterations)</th>"
         "<th>contribution: start, largest, end</th><th>on the outline at the end</th></tr>";
    for (size_t i = 0; i < by.size(); ++i) {
        const NeuronRole& role = *by[i];
        bool had_role = false;
        for (const auto& sp : role.spans) had_role = had_role || sp.feature >= 0;
        if (i >= 10 && !had_role) continue;
        std::string history;
        for (const auto& sp : role.spans)
            history += (history.empty() ? "" : " &rarr; ") + (sp.feature < 0 ? std::string("none") : html_escape(r.features[sp.feature].name)) +
                       " (" + std::to_string(r.iterations[sp.first]) + "&ndash;" + std::to_string(r.iterations[sp.last]) + ")";
        const int end_feature = role.feature.empty() ? -1 : role.feature.back();
        h << "<tr><td>" << link(o, ri, n - 1, {role.id}, neuron_label(role.id)) << "</td><td>"
          << detail::picture(r, ri, {{role.boundary_end, "#1f77b4", false}}, nullptr, end_feature,
                             neuron_label(role.id) + " at the end" + (end_feature >= 0 ? ", tracking " + r.features[end_feature].name : ""))
          << "</td><td>" << history << "</td><td>" << num(role.contribution.front()) << ", "
          << num(*std::max_element(role.contribution.begin(), role.contribution.end())) << ", " << num(role.contribution.back())
          << "</td><td>" << num(100 * role.on_outline.back(), 3) << "%</td></tr>";
    }
    h << "</table><div class='plots'>";
    std::vector<Series> top;
    for (size_t i = 0; i < by.size() && i < 6; ++i) top.push_back({neuron_label(by[i]->id), by[i]->contribution, {}});
    h << chart("contribution of the six largest at the end", "|w_out| x active fraction", top, axis);
    std::vector<double> n_roles(static_cast<size_t>(n), 0.0);
    for (const auto& role : r.roles)
        for (int k = 0; k < n; ++k) n_roles[k] += role.feature[k] >= 0;
    h << chart("neurons tracking an edge or corner", "neurons", {{"tracking", n_roles, {}}}, axis);
    h << "</div>";
    return h.str();
}

std::string run_section(const AnalysisReport& rep, int ri) {
    const RunAnalysis& r = rep.runs[ri];
    const AnalysisOptions& o = rep.options;
    const int n = static_cast<int>(r.iterations.size());
    std::ostringstream h;
    h << "<section><h2 id='run" << ri << "'>Run " << ri << ": " << html_escape(r.name) << "</h2>" << detail::picture_defs(r, ri);
    h << "<p class='meta'>seed " << r.seed << " · " << n << " snapshots (iterations 0–"
      << (n ? r.iterations.back() : 0) << ") · geometry " << (r.exact ? "exact" : "approximate (smooth activations)")
      << " · analysed in " << num(r.seconds) << " s</p>";

    // Findings in words: each beside its baseline.
    h << "<ul class='findings'>";
    int n_on_end = 0;
    std::vector<NeuronId> dead_end, came_back;
    for (const auto& d : r.dead.neurons) {
        if (d.final_state == NeuronState::dead) dead_end.push_back(d.id);
        if (d.final_state == NeuronState::always_on) ++n_on_end;
        if (d.came_back) came_back.push_back(d.id);
    }
    const std::string dead_word = r.dead.can_die ? "Dead neurons" : "Neurons without a sign change";
    h << "<li><b>" << dead_word << "</b> at the end: " << dead_end.size() << " (" << html_escape(labels(dead_end))
      << "), always on: " << n_on_end << "; " << (r.dead.can_die ? "came back after dying: " : "changed sign again: ")
      << (came_back.empty() ? "none" : html_escape(labels(came_back))) << ".</li>";
    for (const auto& L : r.bias.layers)
        h << "<li><b>Bias vs weights</b>, layer 1 (parallel shift of the lines against their turn, measured inside the "
             "domain): shift share " << num(L.share_early, 2) << " in the first 10% of steps, " << num(L.share_total, 2)
          << " overall; steps of the same length in every direction give " << num(median_of(L.share_null), 2)
          << " (median, the null); " << L.phases.size() << " phase(s) where the shift share beats the null by "
          << num(o.bias.margin) << ".</li>";
    if (!r.critical.corners.empty()) {
        const double real = r.critical.fraction_reached.back(), null = r.critical.null_reached.back();
        h << "<li><b>Critical points</b>: " << r.critical.corners.size() << " target corners; at the end "
          << num(100 * real, 3) << "% have a geometry vertex within " << num(o.critical.radius) << ", against "
          << num(100 * null, 3) << "% of the same corners shifted by " << num(o.critical.null_shift) << " (the null). "
          << (r.critical.beats_null_from >= 0
                  ? "Beats the null by " + num(o.critical.margin) + " from iteration " + std::to_string(r.iterations[r.critical.beats_null_from]) + "."
                  : std::string("<span class='bad'>Does not beat the null by ") + num(o.critical.margin) + ".</span>")
          << "</li>";
    }
    h << "<li><b>Copycats</b>: ";
    if (r.copycat.groups.empty()) h << "no copies at the end";
    for (size_t g = 0; g < r.copycat.groups.size(); ++g)
        h << (g ? "; " : "") << "group " << link(o, ri, n - 1, r.copycat.groups[g].neurons, labels(r.copycat.groups[g].neurons))
          << " (since iteration " << r.iterations[r.copycat.groups[g].since] << ")";
    for (const auto& g : r.copycat.groups)
        h << group_picture(r, ri, g.neurons, labels(g.neurons) + " at the end");
    int n_comp = 0;
    for (const auto& p : r.copycat.complementary) n_comp += p.since >= 0;
    h << ". Complementary pairs (same line, opposite sides; not copies): " << n_comp << ".</li>";
    h << "<li><b>Indecisive</b> neurons (late in training, back and forth while loss and prediction stay put): ";
    if (r.indecisive.neurons.empty()) h << "none";
    for (size_t i = 0; i < r.indecisive.neurons.size(); ++i)
        h << (i ? ", " : "") << neuron_label(r.indecisive.neurons[i].id) << " (" << r.indecisive.neurons[i].n_returns << " returns)";
    h << ".</li>";
    if (!r.symmetry.prediction.empty())
        h << "<li><b>Symmetry</b>: target axis x = " << num(r.symmetry.axis_x) << "; the target agrees with its mirror on "
          << num(100 * r.symmetry.target_score, 3) << "% (chance with its class balance: " << num(100 * r.symmetry.target_null, 3)
          << "%, so it is " << (r.symmetry.target_symmetric ? "" : "<b>not</b> ") << "mirror symmetric); the prediction on "
          << num(100 * r.symmetry.prediction.back(), 3) << "% at the end.</li>";
    if (!r.failure.has_parts) {
        h << "<li><b>Failure</b>: a regression run has no classes, so no target parts to model.</li>";
    } else if (!r.failure.accuracy.empty()) {
        h << "<li><b>Failure</b>: accuracy over the domain " << num(100 * r.failure.accuracy.back(), 4)
          << "%. A part is modelled when its balanced accuracy against its surroundings reaches " << num(0.5 + o.failure.margin, 2)
          << " (a constant prediction gets 0.5).";
        for (size_t p = 0; p < r.failure.parts.size(); ++p) {
            const auto& t = r.failure.parts[p];
            if (t.modelled_at_end) continue;
            h << "<div class='lost'>" << failed_part_picture(r, ri, t) << "<span class='bad'>Part " << p + 1 << " (" << t.n_pixels
              << " px at " << num(t.cx, 2) << ", " << num(t.cy, 2) << ") is " << (t.first_modelled < 0 ? "never modelled" : "lost")
              << "</span>: balanced accuracy " << num(t.score.back(), 2) << ", accuracy on the part itself "
              << num(t.accuracy.back(), 2) << ".";
            if (!t.nearest.empty()) {
                h << " The neurons that came nearest (mean distance of the nearest quarter of the boundary to the part, "
                     "<i>grid</i>; dashed: then, solid: at the end): ";
                for (size_t j = 0; j < t.nearest.size(); ++j)
                    h << (j ? "; " : "") << "<span style='color:" << palette[j % 8] << "'>&#9632;</span> "
                      << link(o, ri, t.nearest_at[j], {t.nearest[j]}, neuron_label(t.nearest[j])) << " came within "
                      << num(t.nearest_distance[j][t.nearest_at[j]], 2) << " at iteration " << r.iterations[t.nearest_at[j]]
                      << " (" << (std::isfinite(t.nearest_start[j]) ? num(t.nearest_start[j], 2) : "no boundary")
                      << " at the start) and ends " << html_escape(t.nearest_went[j]) << ", "
                      << (std::isfinite(t.nearest_end[j]) ? num(t.nearest_end[j], 2) + " away" : "without a boundary");
                h << ". " << link(o, ri, n - 1, t.nearest, "view at the end");
            }
            h << "</div>";
        }
        h << "</li>";
    }
    if (!r.loss_phases.drops.empty()) {
        h << "<li><b>Loss drops</b> (by " << num(100 * o.loss.min_drop, 2) << "% or more within 1.5x the iterations): ";
        for (size_t i = 0; i < r.loss_phases.drops.size(); ++i) {
            const auto& d = r.loss_phases.drops[i];
            h << (i ? "; " : "") << num(d.from) << " to " << num(d.to) << " over iterations " << r.iterations[d.first] << "–"
              << r.iterations[d.last];
        }
        h << ".</li>";
    }
    h << "<li><b>Margins</b> (snapshot " << r.margins.snapshot << "): median " << num(r.margins.median) << ", min "
      << num(r.margins.min) << ", " << num(100 * r.margins.fraction_within_epsilon, 3) << "% within "
      << num(o.margins.epsilon) << "; " << r.margins.n_misclassified << " of " << r.margins.n_points
      << " training points misclassified.</li>";
    if (r.fragile.checked)
        h << "<li><b>Fragile points</b>: " << r.fragile.n_fragile << " integer inputs flip class when one coordinate "
          << "changes by 1 (" << (r.fragile.brute_force ? "all " : "") << r.fragile.n_candidates << " checked).</li>";
    h << detail::class_outputs_html(r);
    h << "</ul>";

    // Robustness: each detector over a range of its main threshold.
    if (!r.sweeps.empty()) {
        h << "<h3>Robustness</h3><table><tr><th>detector</th><th>threshold (findings counted)</th><th>values</th>"
             "<th>findings</th><th>stable</th></tr>";
        for (const auto& sw : r.sweeps) {
            std::string values, findings;
            for (size_t i = 0; i < sw.values.size(); ++i)
                values += (i ? ", " : "") + num(sw.values[i]), findings += (i ? ", " : "") + std::to_string(sw.findings[i]);
            h << "<tr" << (sw.stable ? "" : " class='bad'") << "><td>" << html_escape(sw.detector) << "</td><td>"
              << html_escape(sw.parameter) << "</td><td>" << values << "</td><td>" << findings << "</td><td>"
              << (sw.stable ? "yes" : "no") << "</td></tr>";
            if (!sw.stable_findings.empty() || !sw.unstable_findings.empty()) {
                auto list = [](const std::vector<std::string>& v) {
                    std::string out;
                    for (size_t i = 0; i < v.size(); ++i) out += (i ? "; " : "") + html_escape(v[i]);
                    return out.empty() ? std::string("none") : out;
                };
                h << "<tr><td colspan='5' class='meta'>stable at every value: " << list(sw.stable_findings)
                  << "<br><span class='bad'>at some values only: " << list(sw.unstable_findings) << "</span></td></tr>";
            }
        }
        h << "</table>";
    }

    // Plots, all over iterations.
    const Axis axis{&r.iterations, n > 1 && r.iterations.back() >= 100};
    std::vector<int> marks;
    for (const auto& e : r.events)
        if (e.kind != "bias_phase" && e.kind != "died" && e.kind != "revived") marks.push_back(e.snapshot);
    h << "<div class='plots'>";
    h << chart("loss (training set), events marked", "loss", {{"loss", r.loss, {}}}, axis, marks);
    std::vector<double> nd(r.dead.n_dead.begin(), r.dead.n_dead.end()), na(r.dead.n_always_on.begin(), r.dead.n_always_on.end());
    h << chart(r.dead.can_die ? "dead / always-on neurons" : "neurons without a sign change", "neurons",
               {{r.dead.can_die ? "dead" : "negative everywhere", nd, {}}, {"always on", na, {}}}, axis);
    std::vector<Series> bias;
    for (const auto& L : r.bias.layers) {
        bias.push_back({"layer " + std::to_string(L.layer), L.share, step_snapshots(L.share.size())});
        bias.push_back({"null (random-direction steps)", L.share_null, step_snapshots(L.share_null.size())});
    }
    h << chart("layer 1: share of parallel shift in line motion", "shift share", bias, axis, {}, true);
    if (!r.critical.corners.empty())
        h << chart("target corners reached, and the shifted null", "fraction of corners",
                   {{"target", r.critical.fraction_reached, {}}, {"shifted (null)", r.critical.null_reached, {}}}, axis, {}, true);
    std::vector<double> cp(r.copycat.n_pairs.begin(), r.copycat.n_pairs.end());
    h << chart("copy pairs (same line, same side)", "pairs", {{"pairs", cp, {}}}, axis);
    h << chart("prediction change per step", "fraction of the domain",
               {{"change", r.indecisive.prediction_change, step_snapshots(r.indecisive.prediction_change.size())}}, axis,
               {r.indecisive.first_step});
    std::vector<double> chance(r.symmetry.prediction.size(), r.symmetry.target_null);
    h << chart("mirror agreement of the prediction", "agreement",
               {{"prediction", r.symmetry.prediction, {}}, {"chance", chance, {}}}, axis, {}, true);
    if (r.failure.has_parts) {
        std::vector<Series> parts;
        for (size_t p = 0; p < r.failure.parts.size() && p < 7; ++p)
            parts.push_back({"part " + std::to_string(p + 1), r.failure.parts[p].score, {}});
        h << chart("balanced accuracy per target part (0.5: constant)", "balanced accuracy", parts, axis, {}, true);
    }
    if (r.exact) {
        std::vector<double> ra(r.regions.activation.begin(), r.regions.activation.end()),
            rl(r.regions.linear.begin(), r.regions.linear.end());
        h << chart("regions", "regions", {{"activation", ra, {}}, {"linear", rl, {}}}, axis);
    }
    if (!r.regions.density_snapshots.empty())
        h << chart("region density near / far from the decision boundary", "regions per unit area",
                   {{"near", r.regions.density_near, r.regions.density_snapshots},
                    {"far", r.regions.density_far, r.regions.density_snapshots}}, axis);
    h << "</div>";

    // Parts table.
    if (!r.failure.parts.empty()) {
        h << "<h3>Target parts</h3><table><tr><th>part</th><th>picture</th><th>colour</th><th>pixels</th><th>centre</th>"
             "<th>first modelled</th><th>modelled since</th><th>final balanced accuracy</th><th>final accuracy on the part</th></tr>";
        for (size_t p = 0; p < r.failure.parts.size(); ++p) {
            const auto& t = r.failure.parts[p];
            auto at = [&](int k) { return k < 0 ? std::string("never") : link(o, ri, k, {}, "iteration " + std::to_string(r.iterations[k])); };
            h << "<tr" << (t.modelled_at_end ? "" : " class='bad'") << "><td>" << p + 1 << "</td><td>" << part_picture(t)
              << "</td><td>" << t.label << "</td><td>" << t.n_pixels << "</td><td>" << num(t.cx, 2) << ", " << num(t.cy, 2)
              << "</td><td>" << at(t.first_modelled) << "</td><td>" << (t.modelled_at_end ? at(t.modelled_since) : "not at the end")
              << "</td><td>" << num(t.score.back(), 3) << "</td><td>" << num(100 * t.accuracy.back(), 3) << "%</td></tr>";
        }
        h << "</table>";
    }
    // Notable neurons.
    h << "<h3>Notable neurons</h3><table><tr><th>neuron(s)</th><th>finding</th><th>view</th></tr>";
    for (const auto& d : r.dead.neurons)
        if (d.final_state == NeuronState::dead)
            h << "<tr><td>" << neuron_label(d.id) << "</td><td>" << (r.dead.can_die ? "dead" : "no sign change") << " since iteration " << r.iterations[std::max(d.died_at, 0)]
              << (d.n_deaths > 1 ? " (died " + std::to_string(d.n_deaths) + " times)" : "") << "</td><td>"
              << link(o, ri, std::max(d.died_at, 0), {d.id}, "at death") << "</td></tr>";
    for (const auto& g : r.copycat.groups)
        h << "<tr><td>" << labels(g.neurons) << "</td><td>" << g.neurons.size() << " copies of one boundary (same active side) since iteration "
          << r.iterations[g.since] << "</td><td>" << link(o, ri, g.since, g.neurons, "since") << " · "
          << link(o, ri, n - 1, g.neurons, "end") << "</td></tr>";
    for (const auto& p : r.copycat.complementary)
        if (p.since >= 0)
            h << "<tr><td>" << neuron_label(p.a) << ", " << neuron_label(p.b) << "</td><td>complementary (same line, opposite sides) since iteration "
              << r.iterations[p.since] << "</td><td>" << link(o, ri, n - 1, {p.a, p.b}, "end") << "</td></tr>";
    for (const auto& ind : r.indecisive.neurons)
        h << "<tr><td>" << neuron_label(ind.id) << "</td><td>indecisive: " << ind.jumps.size()
          << " jump(s) late in training, " << ind.n_returns << " back, largest " << num(std::max_element(ind.jumps.begin(), ind.jumps.end(),
                                                                            [](auto& a, auto& b) { return a.jump < b.jump; })->jump)
          << "</td><td>" << link(o, ri, ind.jumps[0].step, {ind.id}, "before") << " · "
          << link(o, ri, ind.jumps[0].step + 1, {ind.id}, "after") << "</td></tr>";
    h << "</table>";
    if (!r.roles.empty()) h << roles_section(r, ri, o, axis);
    // Events.
    // Role events (one per neuron and change) are in the roles table above, so they cannot crowd the others out.
    std::vector<const Event*> timeline;
    for (const auto& e : r.events)
        if (e.kind.rfind("role_", 0) != 0) timeline.push_back(&e);
    const size_t n_role = r.events.size() - timeline.size();
    h << "<h3>Timeline</h3>";
    if (n_role > 0) h << "<p class='meta'>" << n_role << " role events are listed under the neuron roles above (and in the JSON).</p>";
    h << "<table><tr><th>snapshot</th><th>iteration</th><th>event</th><th>view</th></tr>";
    constexpr size_t max_events = 200;
    for (size_t i = 0; i < timeline.size() && i < max_events; ++i) {
        const Event& e = *timeline[i];
        h << "<tr><td>" << e.snapshot << "</td><td>" << r.iterations[e.snapshot] << "</td><td>" << html_escape(e.text)
          << "</td><td>" << link(o, ri, e.snapshot, e.neurons, "view") << "</td></tr>";
    }
    if (timeline.size() > max_events) h << "<tr><td colspan='4'>… " << timeline.size() - max_events << " more in the JSON</td></tr>";
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

/// A network without a run (analyze_network): what applies to one network, and plainly what needs a run.
std::string network_section(const AnalysisReport& rep, int ri) {
    const RunAnalysis& r = rep.runs[ri];
    const AnalysisOptions& o = rep.options;
    std::ostringstream h;
    h << "<section><h2 id='run" << ri << "'>Network " << ri << ": " << html_escape(r.name) << "</h2>";
    h << "<p class='meta'>a network without a training run · geometry " << (r.exact ? "exact" : "approximate (smooth activations)")
      << " · analysed in " << num(r.seconds) << " s</p><ul class='findings'>";
    std::vector<NeuronId> dead, always;
    for (const auto& d : r.dead.neurons) {
        if (d.final_state == NeuronState::dead) dead.push_back(d.id);
        if (d.final_state == NeuronState::always_on) always.push_back(d.id);
    }
    h << "<li><b>" << (r.dead.can_die ? "Dead neurons" : "Neurons without a sign change") << "</b> (never active in the domain): "
      << dead.size() << (dead.empty() ? "" : " (" + html_escape(labels(dead)) + ")") << "; always active: " << always.size()
      << (always.empty() ? "" : " (" + html_escape(labels(always)) + ")") << ".</li>";
    h << "<li><b>Copies</b> (neurons tracing one boundary with the same active side): ";
    if (r.copycat.groups.empty()) h << "none";
    for (size_t g = 0; g < r.copycat.groups.size(); ++g)
        h << (g ? "; " : "") << link(o, ri, 0, r.copycat.groups[g].neurons, labels(r.copycat.groups[g].neurons));
    h << ". Complementary pairs (same line, opposite sides): " << r.copycat.complementary.size() << ".</li>";
    if (r.exact && !r.regions.activation.empty()) {
        h << "<li><b>Regions</b>: " << r.regions.activation[0] << " activation regions, " << r.regions.linear[0]
          << " linear regions; by layer";
        for (int64_t c : r.regions.per_layer[0]) h << " " << c;
        if (!r.regions.density_near.empty())
            h << "; " << num(r.regions.density_near[0]) << " regions per unit area near the decision boundary against "
              << num(r.regions.density_far[0]) << " elsewhere";
        h << ".</li>";
    }
    if (r.fragile.checked)
        h << "<li><b>Fragile points</b>: " << r.fragile.n_fragile << " integer inputs flip class when one coordinate "
          << "changes by 1 (" << r.fragile.n_candidates << " checked).</li>";
    if (r.dormant.checked) {
        h << "<li><b>Dormant outputs</b> (predicted on less than " << num(100 * r.dormant.threshold) << "% of the domain): ";
        int n_dormant = 0;
        for (const DormantOutput& d : r.dormant.classes)
            if (d.dormant_at_end) h << (n_dormant++ ? ", " : "") << html_escape(d.name) << " (" << num(100 * d.share[0]) << "%)";
        h << (n_dormant ? "" : "none") << ".</li>";
    }
    h << "</ul><h3>Needs a training run</h3><ul>";
    for (const std::string& n : r.needs_run) h << "<li>" << html_escape(n) << "</li>";
    h << "</ul><p class='meta'>Train it with ginn (ginn train) or analyse a run directory to get these.</p></section>";
    return h.str();
}

}  // namespace

std::string network_findings_text(const RunAnalysis& r) {
    std::ostringstream t;
    std::vector<NeuronId> dead, always;
    for (const auto& d : r.dead.neurons) {
        if (d.final_state == NeuronState::dead) dead.push_back(d.id);
        if (d.final_state == NeuronState::always_on) always.push_back(d.id);
    }
    t << "geometry:   " << (r.exact ? "exact" : "approximate (smooth activations)");
    if (r.exact && !r.regions.activation.empty())
        t << "; " << r.regions.activation[0] << " activation regions, " << r.regions.linear[0] << " linear";
    t << "\n" << (r.dead.can_die ? "dead:       " : "no sign change: ") << (dead.empty() ? "none" : labels(dead))
      << "; always active: " << (always.empty() ? "none" : labels(always)) << "\n";
    t << "copies:     ";
    if (r.copycat.groups.empty()) t << "none";
    for (size_t g = 0; g < r.copycat.groups.size(); ++g) t << (g ? "; " : "") << labels(r.copycat.groups[g].neurons);
    t << "; complementary pairs: " << r.copycat.complementary.size() << "\n";
    if (r.dormant.checked) {
        t << "dormant:    ";
        int n = 0;
        for (const DormantOutput& d : r.dormant.classes)
            if (d.dormant_at_end) t << (n++ ? ", " : "") << d.name << " (" << num(100 * d.share[0]) << "% of the domain)";
        t << (n ? "" : "none") << "\n";
    }
    for (const std::string& need : r.needs_run) t << "needs a run: " << need << "\n";
    return t.str();
}

std::string analysis_html(const AnalysisReport& report) {
    std::ostringstream h;
    h << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>ginn analysis</title><style>"
         "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}"
         "h2{border-bottom:1px solid #ccc;margin-top:2em}.meta{color:#666}"
         ".plots{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}figcaption{font-size:12px;color:#555}"
         ".t{font-size:13px;font-weight:600;max-width:320px}svg .ax{font-size:11px;fill:#555}.pic{vertical-align:middle;margin:2px 6px 2px 0}.lost{margin:4px 0;overflow:hidden}.lost>.pic{float:left}"
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
                      << "%" << (bad ? " (unmodelled)" : "") << "</td>";
                }
                h << "<td>" << num(100 * row["symmetry"].get<double>(), 3) << "%</td><td>" << row["n_dead"].get<int>()
                  << "</td><td>" << row["n_copycat_pairs"].get<int>() << "</td><td>" << row["n_indecisive"].get<size_t>()
                  << "</td></tr>";
            }
            h << "</table>";
        }
    }
    for (size_t i = 0; i < report.runs.size(); ++i)
        h << (report.runs[i].imported ? network_section(report, static_cast<int>(i)) : run_section(report, static_cast<int>(i)));
    h << "</body></html>\n";
    return h.str();
}

}  // namespace ginn
