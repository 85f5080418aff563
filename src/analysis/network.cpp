// The analysis of one network without a training run (imported from ONNX or a weights file, or built in Python):
// the per-snapshot pass of analysis.cpp on its one snapshot, without a task, and the detectors that need neither.
// Not the analysis of runs (analysis.cpp) nor the detectors themselves (findings.cpp, class_outputs.cpp).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "analysis/internal.h"
#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"

namespace ginn {

namespace {

using detail::Context;
using detail::SnapshotWork;

/// The context of a network without a task: the analysis grid over its domain, and no target (raster, corners,
/// parts, outline): the detectors that need one are not run.
Context network_context(const Network& net, const AnalysisOptions& options) {
    Context ctx;
    ctx.options = &options;
    ctx.domain = net.domain;
    ctx.scale = detail::domain_scale(ctx.domain);
    ctx.G = std::clamp(options.grid > 0 ? options.grid : 128, 8, 2048);
    ctx.X = pixel_centres(ctx.domain, ctx.G, ctx.G);  // #G^2 by 2
    ctx.raster.assign(static_cast<size_t>(ctx.G) * static_cast<size_t>(ctx.G), 0);
    ctx.axis_x = ctx.domain.x0;  // no mirror axis: no grid column pairs (axis_k 0)
    ctx.has_parts = false;
    int start = 0;
    for (int l = 0; l < net.n_hidden_layers(); ++l) ctx.layer_start.push_back(start), start += net.layers[l].n_out();
    ctx.layer_start.push_back(start);
    return ctx;
}

/// The detectors that need a training run or its task, and what each needs (docs/analysis.md).
std::vector<std::string> detectors_needing_a_run() {
    return {"deaths and returns over training, bias shifts before weight shifts, indecisive neurons, loss drops, "
            "region dynamics: need training history (snapshots of one run)",
            "critical points, neuron roles, symmetry against the target, failure (parts never modelled): need the "
            "task's target",
            "margins and people's labels against a rule: need the task's data points"};
}

/// Dormant outputs of one network: every output counts (there are no data to say which classes the task has).
DormantReport network_dormant(const std::vector<uint8_t>& cls, int n_classes, double threshold) {
    DormantReport rep;
    rep.checked = true;
    rep.threshold = threshold;
    const std::vector<double> share = class_shares(cls, n_classes);
    for (int c = 0; c < n_classes; ++c) {
        DormantOutput d{.cls = c, .name = "class " + std::to_string(c)};
        d.share = {share[static_cast<size_t>(c)]};
        d.dormant_at_end = d.share[0] < threshold;
        d.dormant_since = d.dormant_at_end ? 0 : -1;
        rep.classes.push_back(std::move(d));
    }
    return rep;
}

}  // namespace

RunAnalysis analyze_network(const Network& net, const AnalysisOptions& options, const std::string& name, Geometry* geometry) {
    const auto t0 = std::chrono::steady_clock::now();
    validate(options);
    net.validate(name);
    if (net.layers.front().n_in() != 2)
        throw Error(name, "network has " + std::to_string(net.layers.front().n_in()) + " inputs",
                    "a network on (x, y): 2 inputs", "the analysis measures networks of a 2-D input");
    if (net.n_outputs() > 255) throw Error(name, "too many classes for analysis", "at most 255 outputs");

    RunAnalysis r;
    r.name = name;
    r.imported = true;
    r.needs_run = detectors_needing_a_run();
    for (int l = 0; l < net.n_hidden_layers(); ++l)
        for (int i = 0; i < net.layers[l].n_out(); ++i) r.neuron_ids.push_back({l + 1, i + 1});
    r.iterations = {0};
    r.exact = net.piecewise_linear();
    r.domain = net.domain;
    const Context ctx = network_context(net, options);
    SnapshotWork w = detail::analyse_snapshot(net, ctx, /*with_regions=*/options.regions.every > 0);

    // Dead and always-on neurons over the domain (a ReLU neuron without a zero set in it never switches).
    const bool can_die = detail::hidden_neurons_can_die(net);
    r.dead = dead_timeline({w.states}, r.neuron_ids, options.dead, r.iterations);
    r.dead.exact = r.exact;
    r.dead.can_die = can_die;
    for (const auto& nr : r.dead.neurons) {
        const std::string who = neuron_label(nr.id);
        if (nr.final_state == NeuronState::dead)
            detail::add_event(r, 0, can_die ? "dead" : "no_sign_change", {nr.id},
                              who + (can_die ? " is dead: never active in the domain" : " has no sign change in the domain"));
        if (nr.final_state == NeuronState::always_on)
            detail::add_event(r, 0, "always_on", {nr.id}, who + " is always active in the domain");
    }
    // Copies and complementary pairs (the copycat detector on one snapshot; its events speak of training, so they
    // are replaced by ones about this network, and its threshold sweep over training time does not apply).
    const std::vector<SnapshotWork> one = {w};
    RunAnalysis copies = r;
    detail::find_copycats(copies, one, options);
    r.copycat = std::move(copies.copycat);
    for (const auto& g : r.copycat.groups) {
        std::string names;
        for (const auto& id : g.neurons) names += (names.empty() ? "" : ", ") + neuron_label(id);
        detail::add_event(r, 0, "copycat", g.neurons, names + ": " + std::to_string(g.neurons.size()) +
                                                          " neurons trace one boundary with the same active side");
    }
    for (const auto& p : r.copycat.complementary)
        detail::add_event(r, 0, "complementary", {p.a, p.b}, neuron_label(p.a) + ", " + neuron_label(p.b) +
                                                                 " share a line with opposite active sides (complementary)");
    // Dormant outputs: classes the network predicts on less than the threshold's share of its domain.
    if (net.head != Head::regression) {
        r.dormant = network_dormant(w.cls, std::max(2, net.n_outputs()), options.dormant.threshold);
        for (const DormantOutput& d : r.dormant.classes)
            if (d.dormant_at_end)
                detail::add_event(r, 0, "dormant_output", {}, "output '" + d.name + "' is dormant: predicted on " +
                                                                  detail::fmt(100 * d.share[0], 3) + "% of the domain");
    }
    // Region counts (and densities near the decision boundary when region polygons were computed).
    r.regions.activation = {w.g.counts.activation};
    r.regions.linear = {w.g.counts.linear};
    r.regions.per_layer = {w.g.counts.per_layer};
    if (w.has_density) {
        r.regions.density_snapshots = {0};
        r.regions.density_near = {w.density_near};
        r.regions.density_far = {w.density_far};
    }
    // Fragile integer points, when asked for (without data there is no sign that the inputs are integers).
    if (options.fragile.mode == FragileMode::on) {
        const Box& d = net.domain;
        const double nx = std::floor(d.x1) - std::ceil(d.x0) + 1, ny = std::floor(d.y1) - std::ceil(d.y0) + 1;
        const bool brute = nx * ny <= static_cast<double>(options.fragile.max_brute_force) || !r.exact;
        r.fragile = fragile_points(net, w.g, brute, options.fragile.max_listed);
    }
    r.margins.snapshot = -1;  // no data points
    r.failure.has_parts = false;
    if (geometry != nullptr) *geometry = std::move(w.g);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

std::vector<nlohmann::json> network_findings(const std::vector<const Network*>& nets, const AnalysisOptions& options,
                                             std::vector<std::vector<Geometry>>* geometry) {
    AnalysisOptions o = options;
    o.regions.every = 0;
    std::vector<nlohmann::json> out;
    if (geometry != nullptr) geometry->assign(nets.size(), std::vector<Geometry>(1));
    for (size_t i = 0; i < nets.size(); ++i) {
        const std::string name = "network " + std::to_string(i + 1);
        if (nets[i] == nullptr) throw Error(name, "is null", "a network");
        out.push_back(viewer_findings(analyze_network(*nets[i], o, name, geometry != nullptr ? &(*geometry)[i][0] : nullptr)));
    }
    return out;
}

}  // namespace ginn
