// The analysis report as JSON (format "ginn-analysis", docs/analysis.md) and the viewer's compact findings
// (format "ginn-findings"). Not the HTML report (report_html.cpp).
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/internal.h"
#include "ginn/analysis/analysis.h"

namespace ginn {

namespace {

using nlohmann::json;

const char* state_name(NeuronState s) {
    switch (s) {
        case NeuronState::boundary: return "boundary";
        case NeuronState::dead: return "dead";
        case NeuronState::always_on: return "always_on";
    }
    return "boundary";
}

json labels(const std::vector<NeuronId>& ids) {
    json a = json::array();
    for (const auto& id : ids) a.push_back(neuron_label(id));
    return a;
}

json options_json(const AnalysisOptions& o) {
    return {{"grid", o.grid},
            {"viewer", o.viewer},
            {"dead", {{"min_stay", o.dead.min_stay}, {"min_length", o.dead.min_length}}},
            {"bias", {{"phase_share", o.bias.phase_share}, {"margin", o.bias.margin},
                      {"min_phase_steps", o.bias.min_phase_steps}}},
            {"critical", {{"simplify", o.critical.simplify}, {"min_turn_degrees", o.critical.min_turn_degrees},
                          {"merge", o.critical.merge}, {"radius", o.critical.radius},
                          {"null_shift", o.critical.null_shift}, {"margin", o.critical.margin}}},
            {"copycat", {{"max_disagreement", o.copycat.max_disagreement}, {"max_distance", o.copycat.max_distance},
                         {"min_length", o.copycat.min_length},
                         {"min_stay", o.copycat.min_stay}}},
            {"indecisive", {{"late_fraction", o.indecisive.late_fraction}, {"min_jump", o.indecisive.min_jump},
                            {"max_loss_change", o.indecisive.max_loss_change},
                            {"max_prediction_change", o.indecisive.max_prediction_change},
                            {"min_events", o.indecisive.min_events}}},
            {"symmetry", {{"min_overlap", o.symmetry.min_overlap}, {"margin", o.symmetry.margin}}},
            {"failure", {{"min_component_fraction", o.failure.min_component_fraction},
                         {"margin", o.failure.margin}, {"ring", o.failure.ring}}},
            {"loss", {{"min_drop", o.loss.min_drop}}},
            {"roles", {{"min_share", o.roles.min_share}, {"corner_share", o.roles.corner_share}, {"min_stay", o.roles.min_stay}}},
            {"regions", {{"every", o.regions.every}, {"band", o.regions.band}}},
            {"margins", {{"n_closest", o.margins.n_closest}, {"epsilon", o.margins.epsilon},
                         {"per_point", o.margins.per_point}}},
            {"fragile", {{"mode", o.fragile.mode == FragileMode::on    ? "on"
                                  : o.fragile.mode == FragileMode::off ? "off"
                                                                       : "auto"},
                         {"max_brute_force", o.fragile.max_brute_force}, {"max_listed", o.fragile.max_listed}}}};
}

/// Non-finite distances (no boundary) as null.
json finite_or_null(const std::vector<double>& v) {
    json a = json::array();
    for (double x : v) a.push_back(std::isfinite(x) ? json(x) : json(nullptr));
    return a;
}
json nearest_series(const std::vector<std::vector<double>>& v) {
    json a = json::array();
    for (const auto& s : v) a.push_back(finite_or_null(s));
    return a;
}

json events_json(const std::vector<Event>& events) {
    json a = json::array();
    for (const auto& e : events)
        a.push_back({{"snapshot", e.snapshot}, {"kind", e.kind}, {"neurons", labels(e.neurons)}, {"text", e.text}});
    return a;
}

json run_json(const RunAnalysis& r) {
    json j;
    j["name"] = r.name;
    j["seed"] = r.seed;
    j["exact"] = r.exact;
    j["seconds"] = r.seconds;
    j["neurons"] = labels(r.neuron_ids);
    j["iterations"] = r.iterations;
    j["loss"] = r.loss;
    j["accuracy"] = r.accuracy;

    json dead = {{"exact", r.dead.exact}, {"can_die", r.dead.can_die}, {"n_dead", r.dead.n_dead}, {"n_always_on", r.dead.n_always_on}};
    dead["neurons"] = json::array();
    for (const auto& n : r.dead.neurons)
        dead["neurons"].push_back({{"neuron", neuron_label(n.id)}, {"final_state", state_name(n.final_state)},
                                   {"died_at", n.died_at}, {"n_deaths", n.n_deaths}, {"came_back", n.came_back},
                                   {"deaths", n.deaths}, {"returns", n.returns},
                                   {"fraction_dead", n.fraction_dead}, {"fraction_always_on", n.fraction_always_on}});
    j["dead"] = dead;

    json bias = {{"layers", json::array()},
                 {"neuron_translation", r.bias.neuron_translation},
                 {"neuron_rotation", r.bias.neuron_rotation}};
    for (const auto& L : r.bias.layers) {
        json phases = json::array();
        for (const auto& [a, b] : L.phases) phases.push_back({a, b});
        bias["layers"].push_back({{"layer", L.layer}, {"bias", L.bias}, {"weight", L.weight}, {"share", L.share}, {"share_null", L.share_null},
                                  {"share_total", L.share_total}, {"share_early", L.share_early}, {"phases", phases}});
    }
    j["bias"] = bias;

    json corners = json::array();
    for (const auto& c : r.critical.corners) corners.push_back({{"x", c.x}, {"y", c.y}, {"turn_degrees", c.turn_degrees}});
    j["critical"] = {{"corners", corners}, {"distance", r.critical.distance},
                     {"fraction_reached", r.critical.fraction_reached}, {"first_reached", r.critical.first_reached},
                     {"null_reached", r.critical.null_reached}, {"beats_null_from", r.critical.beats_null_from}};

    auto pairs = [](const std::vector<CopycatPair>& ps) {
        json a = json::array();
        for (const auto& p : ps)
            a.push_back({{"a", neuron_label(p.a)}, {"b", neuron_label(p.b)}, {"flipped", p.flipped}, {"since", p.since},
                         {"first", p.first}, {"fraction", p.fraction}, {"distance", p.distance},
                         {"disagreement", p.disagreement}});
        return a;
    };
    json groups = json::array();
    for (const auto& g : r.copycat.groups) groups.push_back({{"neurons", labels(g.neurons)}, {"since", g.since}});
    j["copycat"] = {{"n_pairs", r.copycat.n_pairs}, {"pairs", pairs(r.copycat.pairs)},
                    {"complementary", pairs(r.copycat.complementary)}, {"groups", groups}};

    json ind = json::array();
    for (const auto& n : r.indecisive.neurons) {
        json jumps = json::array();
        for (const auto& s : n.jumps)
            jumps.push_back({{"step", s.step}, {"jump", s.jump}, {"loss_change", s.loss_change},
                             {"prediction_change", s.prediction_change}, {"returns", s.returns}});
        ind.push_back({{"neuron", neuron_label(n.id)}, {"jumps", jumps}, {"n_returns", n.n_returns}});
    }
    j["indecisive"] = {{"first_step", r.indecisive.first_step},
                       {"prediction_change", r.indecisive.prediction_change},
                       {"neurons", ind}};

    j["symmetry"] = {{"axis_x", r.symmetry.axis_x}, {"target_score", r.symmetry.target_score},
                     {"target_null", r.symmetry.target_null}, {"target_symmetric", r.symmetry.target_symmetric},
                     {"prediction", r.symmetry.prediction}, {"boundary", r.symmetry.boundary}};

    json parts = json::array();
    for (const auto& p : r.failure.parts)
        parts.push_back({{"label", p.label}, {"n_pixels", p.n_pixels}, {"centroid", {p.cx, p.cy}},
                         {"box", {p.x0, p.x1, p.y0, p.y1}}, {"accuracy", p.accuracy},
                         {"score", p.score}, {"first_modelled", p.first_modelled}, {"modelled_since", p.modelled_since},
                         {"modelled_at_end", p.modelled_at_end}, {"nearest", labels(p.nearest)},
                         {"nearest_end", finite_or_null(p.nearest_end)}, {"nearest_start", finite_or_null(p.nearest_start)},
                         {"nearest_at", p.nearest_at}, {"nearest_went", p.nearest_went},
                         {"nearest_distance", nearest_series(p.nearest_distance)}});
    json unmodelled = json::array();
    for (size_t p = 0; p < r.failure.parts.size(); ++p)
        if (!r.failure.parts[p].modelled_at_end) unmodelled.push_back(p);
    j["failure"] = {{"has_parts", r.failure.has_parts}, {"accuracy", r.failure.accuracy}, {"parts", parts},
                    {"unmodelled_at_end", unmodelled}, {"n_small_parts", r.failure.n_small_parts}};
    json drops = json::array();
    for (const auto& d : r.loss_phases.drops) drops.push_back({{"first", d.first}, {"last", d.last}, {"from", d.from}, {"to", d.to}});
    j["loss_phases"] = {{"drops", drops}};
    json sweeps = json::array();
    for (const auto& s : r.sweeps)
        sweeps.push_back({{"detector", s.detector}, {"parameter", s.parameter}, {"values", s.values},
                          {"findings", s.findings}, {"stable", s.stable}, {"stable_findings", s.stable_findings},
                          {"unstable_findings", s.unstable_findings}});
    j["sweeps"] = sweeps;
    json roles = json::array();
    for (const auto& role : r.roles) {
        json spans = json::array();
        for (const auto& sp : role.spans) spans.push_back({{"feature", sp.feature}, {"first", sp.first}, {"last", sp.last}});
        roles.push_back({{"neuron", neuron_label(role.id)}, {"on_outline", role.on_outline},
                         {"contribution", role.contribution}, {"tracks_since", role.tracks_since},
                         {"feature", role.feature}, {"spans", spans}});
    }
    j["roles"] = roles;
    json features = json::array();
    for (const auto& f : r.features) {
        json points = json::array();
        for (Eigen::Index i = 0; i < f.points.rows(); ++i) points.push_back({f.points(i, 0), f.points(i, 1)});
        features.push_back({{"name", f.name}, {"corner", f.corner}, {"x", f.x}, {"y", f.y}, {"corners", {f.corner_a, f.corner_b}},
                            {"points", points}});
    }
    j["features"] = features;

    j["regions"] = {{"activation", r.regions.activation}, {"linear", r.regions.linear},
                    {"per_layer", r.regions.per_layer}, {"density_snapshots", r.regions.density_snapshots},
                    {"density_near", r.regions.density_near}, {"density_far", r.regions.density_far}};

    json closest = json::array();
    for (const auto& p : r.margins.closest)
        closest.push_back({{"index", p.index}, {"x", p.x}, {"y", p.y}, {"margin", p.margin}});
    j["margins"] = {{"snapshot", r.margins.snapshot}, {"n_points", r.margins.n_points}, {"min", r.margins.min},
                    {"median", r.margins.median}, {"mean", r.margins.mean},
                    {"fraction_within_epsilon", r.margins.fraction_within_epsilon},
                    {"n_misclassified", r.margins.n_misclassified}, {"closest", closest}};
    if (!r.margins.margin.empty()) j["margins"]["margin"] = r.margins.margin;

    json fp = json::array();
    for (const auto& p : r.fragile.points) fp.push_back({p.x, p.y, p.axis, p.delta});
    j["fragile"] = {{"checked", r.fragile.checked}, {"brute_force", r.fragile.brute_force},
                    {"n_candidates", r.fragile.n_candidates}, {"n_fragile", r.fragile.n_fragile}, {"points", fp},
                    {"pair_steps", r.fragile.pair_steps}};
    j.update(detail::class_outputs_json(r));
    j["class_names"] = r.class_names;

    j["events"] = events_json(r.events);
    if (r.imported) {
        j["imported"] = true;
        j["needs_run"] = r.needs_run;
    }
    return j;
}

}  // namespace

namespace detail {

/// Runs grouped by config (without seed): per group, each run's final accuracy, per-part final accuracy and
/// never-modelled parts, final prediction symmetry, dead neurons and copycat pairs at the end.
json comparison_json(const AnalysisReport& report) {
    std::map<std::string, std::vector<int>> groups;
    for (size_t i = 0; i < report.runs.size(); ++i) groups[report.runs[i].config_key].push_back(static_cast<int>(i));
    json out = json::array();
    for (const auto& [key, idx] : groups) {
        json g = {{"runs", idx}, {"table", json::array()}};
        for (int i : idx) {
            const RunAnalysis& r = report.runs[i];
            json parts = json::array(), never = json::array();
            for (size_t p = 0; p < r.failure.parts.size(); ++p) {
                parts.push_back(r.failure.parts[p].accuracy.empty() ? 0.0 : r.failure.parts[p].accuracy.back());
                if (!r.failure.parts[p].modelled_at_end) never.push_back(static_cast<int>(p));
            }
            g["table"].push_back({{"run", i},
                                  {"name", r.name},
                                  {"seed", r.seed},
                                  {"accuracy", r.failure.accuracy.empty() ? 0.0 : r.failure.accuracy.back()},
                                  {"part_accuracy", parts},
                                  {"never_modelled", never},
                                  {"symmetry", r.symmetry.prediction.empty() ? 0.0 : r.symmetry.prediction.back()},
                                  {"n_dead", r.dead.n_dead.empty() ? 0 : r.dead.n_dead.back()},
                                  {"n_copycat_pairs", r.copycat.n_pairs.empty() ? 0 : r.copycat.n_pairs.back()},
                                  {"n_indecisive", r.indecisive.neurons.size()}});
        }
        out.push_back(g);
    }
    return out;
}

}  // namespace detail

nlohmann::json analysis_to_json(const AnalysisReport& report) {
    json j = {{"format", analysis_format}, {"format_version", analysis_format_version}};
    j["options"] = options_json(report.options);
    j["runs"] = json::array();
    for (const auto& r : report.runs) j["runs"].push_back(run_json(r));
    j["comparison"] = detail::comparison_json(report);
    return j;
}

nlohmann::json viewer_findings(const RunAnalysis& r) {
    const int n = static_cast<int>(r.iterations.size());
    std::map<std::string, std::vector<std::string>> badges;  // over the run
    std::map<std::string, std::map<std::string, json>> spans;  // neuron -> badge -> [[first, last], ...] snapshots
    auto span = [&](const NeuronId& id, const std::string& badge, int first, int last) {
        json& s = spans[neuron_label(id)][badge];
        if (s.is_null()) s = json::array();
        s.push_back({first, last});
    };
    // dead / always on: every maximal run of snapshots in that state (the raw per-snapshot state, no min_stay);
    // neurons that cannot die (smooth activations) have "no sign change" instead of "dead".
    const std::string dead_name = r.dead.can_die ? "dead" : "no sign change";
    for (size_t i = 0; i < r.neuron_ids.size(); ++i)
        for (const NeuronState st : {NeuronState::dead, NeuronState::always_on}) {
            const std::string name = st == NeuronState::dead ? dead_name : "always on";
            for (int k = 0; k < n && k < static_cast<int>(r.dead.state.size()); ++k) {
                if (r.dead.state[k][i] != st) continue;
                int last = k;
                while (last + 1 < static_cast<int>(r.dead.state.size()) && r.dead.state[last + 1][i] == st) ++last;
                span(r.neuron_ids[i], name, k, last);
                k = last;
            }
        }
    for (const auto& nr : r.dead.neurons) {
        if (nr.final_state == NeuronState::dead) badges[neuron_label(nr.id)].push_back(dead_name);
        if (nr.final_state == NeuronState::always_on) badges[neuron_label(nr.id)].push_back("always on");
        if (nr.came_back) {
            const std::string back = r.dead.can_die ? "revived" : "sign change again";
            badges[neuron_label(nr.id)].push_back(back);
            span(nr.id, back, nr.returns.front(), n - 1);
        }
    }
    for (const auto& g : r.copycat.groups)  // each member: "copycat of" the others in its group
        for (const auto& id : g.neurons) {
            std::string others;
            for (const auto& o : g.neurons)
                if (!(o == id)) others += (others.empty() ? "" : ", ") + neuron_label(o);
            badges[neuron_label(id)].push_back("copycat of " + others);
            span(id, "copycat of " + others, g.since, n - 1);
        }
    for (const auto& p : r.copycat.complementary) {
        if (p.since < 0) continue;
        badges[neuron_label(p.a)].push_back("complement of " + neuron_label(p.b));
        badges[neuron_label(p.b)].push_back("complement of " + neuron_label(p.a));
        span(p.a, "complement of " + neuron_label(p.b), p.since, n - 1);
        span(p.b, "complement of " + neuron_label(p.a), p.since, n - 1);
    }
    for (const auto& nr : r.indecisive.neurons) {
        badges[neuron_label(nr.id)].push_back("indecisive");
        if (!nr.jumps.empty()) span(nr.id, "indecisive", nr.jumps.front().step + 1, n - 1);
    }
    json b = json::object(), s = json::object();
    for (const auto& [k, v] : badges) b[k] = v;
    for (const auto& [k, v] : spans) s[k] = v;
    return {{"format", "ginn-findings"},
            {"format_version", 1},
            {"badges", b},
            {"spans", s},
            {"events", events_json(r.events)},
            {"regions", {{"iterations", r.iterations}, {"activation", r.regions.activation}, {"linear", r.regions.linear}}}};
}

std::vector<nlohmann::json> viewer_findings(const AnalysisReport& report) {
    std::vector<json> out;
    for (const auto& r : report.runs) out.push_back(viewer_findings(r));
    return out;
}

std::vector<nlohmann::json> run_findings(const std::vector<const Run*>& runs, const AnalysisOptions& options,
                                         std::vector<std::vector<Geometry>>* geometry) {
    AnalysisOptions o = options;
    o.regions.every = 0;  // region polygons only feed the densities, which the findings do not carry
    return viewer_findings(analyze(runs, o, geometry));
}

}  // namespace ginn
