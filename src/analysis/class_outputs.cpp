// Fishbein & Debata's output detectors: dormant outputs (a class the data has that the network hardly ever
// predicts), one-step flips counted per class pair, and people's labels against S1's rule (S4). Building blocks,
// their place in a run's analysis, JSON and HTML. Not the fragile-point search itself (blocks.cpp).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/internal.h"
#include "ginn/analysis/analysis.h"
#include "ginn/core/detail/html.h"

namespace ginn {

// ---------------------------------------------------------------------------------------------- building blocks

std::vector<double> class_shares(const std::vector<uint8_t>& cls, int n_classes) {
    std::vector<double> share(static_cast<size_t>(n_classes), 0.0);
    for (uint8_t c : cls)
        if (c < n_classes) share[c] += 1;
    for (double& s : share) s /= std::max<double>(1, static_cast<double>(cls.size()));
    return share;
}

DormantReport dormant_outputs(const std::vector<std::vector<double>>& shares, const Dataset& data, double threshold) {
    DormantReport rep;
    rep.checked = true;
    rep.threshold = threshold;
    const int n_classes = shares.empty() ? 0 : static_cast<int>(shares[0].size());
    std::vector<int64_t> n_data(static_cast<size_t>(n_classes), 0);
    for (int32_t y : data.label)
        if (y >= 0 && y < n_classes) ++n_data[static_cast<size_t>(y)];
    for (int c = 0; c < n_classes; ++c) {
        DormantOutput d{.cls = c, .name = data.class_name(c), .n_data = n_data[static_cast<size_t>(c)]};
        for (const auto& s : shares) d.share.push_back(s[static_cast<size_t>(c)]);
        const int n = static_cast<int>(d.share.size());
        auto dormant = [&](int k) { return d.n_data > 0 && d.share[static_cast<size_t>(k)] < threshold; };
        d.dormant_at_end = n > 0 && dormant(n - 1);
        if (d.dormant_at_end) {
            d.dormant_since = n - 1;
            while (d.dormant_since > 0 && dormant(d.dormant_since - 1)) --d.dormant_since;
        }
        rep.classes.push_back(std::move(d));
    }
    return rep;
}

bool is_pixel_pair_answers(const Dataset& data) {
    if (data.class_names != pixel_pair_class_names() || data.size() == 0) return false;
    if (data.name == "s1" || data.name == "s2" || data.name == "s3") return false;  // made by a rule, not by people
    for (int64_t i = 0; i < data.size(); ++i)
        for (int a = 0; a < 2; ++a) {
            const float v = data.X(i, a);
            if (!(v >= 0 && v <= 255 && v == std::round(v))) return false;
        }
    return true;
}

HumanRuleReport human_vs_rule(const Dataset& data, int margin, int max_listed) {
    HumanRuleReport rep;
    rep.margin = margin;
    if (!is_pixel_pair_answers(data)) return rep;
    rep.checked = true;
    rep.confusion.assign(3, std::vector<int64_t>(3, 0));
    for (int64_t i = 0; i < data.size(); ++i) {
        const int x1 = static_cast<int>(data.X(i, 0)), x2 = static_cast<int>(data.X(i, 1));
        const int human = data.label[static_cast<size_t>(i)], rule = pixel_pair_class("s1", x1, x2, margin);
        ++rep.confusion[static_cast<size_t>(human)][static_cast<size_t>(rule)];
        ++rep.n_points;
        if (human == rule) ++rep.n_agree;
        else if (static_cast<int>(rep.disagree.size()) < max_listed) rep.disagree.push_back({x1, x2, human, rule});
    }
    return rep;
}

namespace detail {

// ---------------------------------------------------------------------------------------------- in a run

void find_class_outputs(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Network& net0, const Dataset& data,
                        const AnalysisOptions& o) {
    if (net0.head != Head::regression) {
        const int n_classes = std::max(2, net0.n_outputs());
        std::vector<std::vector<double>> shares;
        for (const SnapshotWork& w : work) shares.push_back(class_shares(w.cls, n_classes));
        r.dormant = dormant_outputs(shares, data, o.dormant.threshold);
        for (const DormantOutput& d : r.dormant.classes)
            if (d.dormant_at_end)
                add_event(r, d.dormant_since, "dormant_output", {},
                          "output '" + d.name + "' is dormant: predicted on " + fmt(100 * d.share.back(), 3) +
                              "% of the domain though " + std::to_string(d.n_data) + " points carry it");
    }
    r.human_rule = human_vs_rule(data, o.human_rule.margin, o.fragile.max_listed);
}

nlohmann::json class_outputs_json(const RunAnalysis& r) {
    using nlohmann::json;
    json classes = json::array();
    for (const DormantOutput& d : r.dormant.classes)
        classes.push_back({{"class", d.cls}, {"name", d.name}, {"n_data", d.n_data}, {"share", d.share},
                           {"dormant_at_end", d.dormant_at_end}, {"dormant_since", d.dormant_since}});
    json disagree = json::array();
    for (const auto& p : r.human_rule.disagree) disagree.push_back({p.x1, p.x2, p.human, p.rule});
    return {{"dormant", {{"checked", r.dormant.checked}, {"threshold", r.dormant.threshold}, {"classes", classes}}},
            {"human_rule",
             {{"checked", r.human_rule.checked}, {"rule", "s1"}, {"margin", r.human_rule.margin},
              {"n_points", r.human_rule.n_points}, {"n_agree", r.human_rule.n_agree},
              {"confusion", r.human_rule.confusion}, {"disagree", disagree}}}};
}

namespace {

std::string pct(double v) {
    std::ostringstream s;
    s.precision(3);
    s << 100 * v << "%";
    return s.str();
}

/// A square map of the domain with dots: each (x, y, colour) drawn as a small square, y upwards.
std::string dot_map(const Box& d, const std::vector<std::tuple<double, double, std::string>>& dots, const std::string& title) {
    constexpr double S = 220, pad = 4;
    std::ostringstream h;
    h << "<svg class='map' width='" << S + 2 * pad << "' height='" << S + 2 * pad << "' viewBox='0 0 " << S + 2 * pad << " "
      << S + 2 * pad << "'><title>" << html_escape(title) << "</title><rect x='" << pad << "' y='" << pad << "' width='" << S
      << "' height='" << S << "' fill='#fafafa' stroke='#888'/>";
    const double cell = std::max(1.0, S / std::max(d.width(), d.height()) * 1.5);
    for (const auto& [x, y, colour] : dots) {
        const double px = pad + (x - d.x0) / d.width() * S, py = pad + (d.y1 - y) / d.height() * S;
        h << "<rect x='" << px - cell / 2 << "' y='" << py - cell / 2 << "' width='" << cell << "' height='" << cell
          << "' fill='" << colour << "'/>";
    }
    h << "</svg>";
    return h.str();
}

const char* class_ink(int c) {
    static const char* inks[] = {"#e0c000", "#202020", "#909090", "#1f77b4", "#d62728", "#2ca02c"};
    return inks[static_cast<size_t>(c) % 6];
}

}  // namespace

std::string class_outputs_html(const RunAnalysis& r) {
    const Box& domain = r.domain;
    const std::vector<std::string>& names = r.class_names;
    auto name = [&](int c) { return c < static_cast<int>(names.size()) ? names[static_cast<size_t>(c)] : "class " + std::to_string(c); };
    std::ostringstream h;
    if (r.dormant.checked) {
        h << "<li><b>Dormant outputs</b> (predicted on less than " << pct(r.dormant.threshold) << " of the domain though the"
          << " data has them): <table><tr><th>class</th><th>points</th><th>share predicted at the end</th><th>dormant</th></tr>";
        for (const DormantOutput& d : r.dormant.classes)
            h << "<tr" << (d.dormant_at_end ? " class='bad'" : "") << "><td>" << html_escape(d.name) << "</td><td>" << d.n_data
              << "</td><td>" << pct(d.share.empty() ? 0 : d.share.back()) << "</td><td>"
              << (d.dormant_at_end ? "since snapshot " + std::to_string(d.dormant_since) : "no") << "</td></tr>";
        h << "</table></li>";
    }
    const auto& steps = r.fragile.pair_steps;
    if (r.fragile.checked && !steps.empty()) {
        h << "<li><b>One-step flips by class pair</b> (unit steps of x or y between integer inputs whose predicted class "
             "differs): <table><tr><th>classes</th><th>steps</th></tr>";
        for (size_t a = 0; a < steps.size(); ++a)
            for (size_t b = a + 1; b < steps.size(); ++b)
                if (steps[a][b] > 0)
                    h << "<tr><td>" << html_escape(name(static_cast<int>(a))) << " / " << html_escape(name(static_cast<int>(b)))
                      << "</td><td>" << steps[a][b] << "</td></tr>";
        h << "</table>";
        std::vector<std::tuple<double, double, std::string>> dots;
        for (const FragilePoint& p : r.fragile.points) dots.emplace_back(p.x, p.y, "#d62728");
        h << "<div>" << dot_map(domain, dots, "fragile inputs") << "<br><small>the first " << r.fragile.points.size()
          << " fragile inputs (of " << r.fragile.n_fragile << ")</small></div></li>";
    }
    if (r.human_rule.checked) {
        const auto& hr = r.human_rule;
        h << "<li><b>People against S1's rule</b> (margin " << hr.margin << "): " << hr.n_agree << " of " << hr.n_points
          << " answers agree (" << pct(hr.n_points ? static_cast<double>(hr.n_agree) / static_cast<double>(hr.n_points) : 0)
          << "). <table><tr><th>people \\ rule</th>";
        for (int c = 0; c < 3; ++c) h << "<th>" << html_escape(name(c)) << "</th>";
        h << "</tr>";
        for (int a = 0; a < 3; ++a) {
            h << "<tr><th>" << html_escape(name(a)) << "</th>";
            for (int b = 0; b < 3; ++b) h << "<td>" << hr.confusion[static_cast<size_t>(a)][static_cast<size_t>(b)] << "</td>";
            h << "</tr>";
        }
        h << "</table>";
        std::vector<std::tuple<double, double, std::string>> dots;
        for (const auto& p : hr.disagree) dots.emplace_back(p.x1, p.x2, class_ink(p.human));
        h << "<div>" << dot_map(domain, dots, "answers that differ from the rule") << "<br><small>answers that differ "
          << "from the rule, coloured by the people's label (yellow white, black, grey)</small></div></li>";
    }
    return h.str();
}

}  // namespace detail
}  // namespace ginn
