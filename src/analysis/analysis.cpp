// The analysis driver: geometry and a grid forward pass once per snapshot (threads over snapshots), shared by every
// detector; then the timelines and events. Not the detectors' building blocks (blocks.cpp,
// detectors.cpp) nor the output formats (json.cpp, report_html.cpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "analysis/internal.h"
#include "ginn/analysis/analysis.h"
#include "ginn/train/config.h"
#include "ginn/core/error.h"
#include "ginn/core/parallel.h"
#include "ginn/run/run.h"

namespace ginn {

namespace {

using detail::domain_scale;
using detail::SnapshotWork;
using detail::Context;
using detail::analyse_snapshot;
using detail::make_context;
using detail::add_event;

std::vector<NeuronId> neuron_ids(const Network& net) {
    std::vector<NeuronId> ids;
    for (int l = 0; l < net.n_hidden_layers(); ++l)
        for (int i = 0; i < net.layers[l].n_out(); ++i) ids.push_back({l + 1, i + 1});
    return ids;
}

}  // namespace

std::string neuron_label(const NeuronId& id) { return "L" + std::to_string(id.layer) + ":" + std::to_string(id.index); }

std::string viewer_fragment(int run, int snapshot, const std::vector<NeuronId>& neurons) {
    std::string s = "run=" + std::to_string(run) + "&snapshot=" + std::to_string(snapshot);
    if (!neurons.empty()) {
        s += "&neurons=";
        for (size_t i = 0; i < neurons.size(); ++i) s += (i ? "," : "") + neuron_label(neurons[i]);
    }
    return s;
}

RunAnalysis analyze_networks(const std::vector<Network>& nets, const std::vector<int64_t>& iterations,
                             const std::vector<double>& loss, const std::vector<double>& accuracy,
                             const Dataset& data, const AnalysisOptions& options, const std::string& name,
                             std::vector<Geometry>* geometry) {
    const auto t0 = std::chrono::steady_clock::now();
    validate(options);
    if (nets.empty()) throw Error(name, "no snapshots to analyse", "at least one snapshot");
    if (iterations.size() != nets.size())
        throw Error(name, std::to_string(iterations.size()) + " iterations for " + std::to_string(nets.size()) + " networks",
                    "one iteration per snapshot");
    const int n = static_cast<int>(nets.size());
    for (size_t k = 0; k < nets.size(); ++k) {
        nets[k].validate(name + ": snapshot " + std::to_string(k));
        bool same = nets[k].layers.size() == nets[0].layers.size();
        for (size_t l = 0; same && l < nets[k].layers.size(); ++l)
            same = nets[k].layers[l].W.rows() == nets[0].layers[l].W.rows() &&
                   nets[k].layers[l].W.cols() == nets[0].layers[l].W.cols();
        if (!same)
            throw Error(name + ": snapshot " + std::to_string(k), "layer shapes differ from snapshot 0",
                        "one architecture for every snapshot of a run");
    }
    if (nets[0].n_outputs() > 255) throw Error(name, "too many classes for analysis", "at most 255 outputs");

    RunAnalysis r;
    r.name = name;
    r.neuron_ids = neuron_ids(nets[0]);
    r.iterations = iterations;
    r.loss = loss;
    r.accuracy = accuracy;
    r.exact = nets[0].piecewise_linear();
    r.domain = nets[0].domain;
    r.class_names = data.class_names;
    const Context ctx = make_context(nets[0], data, options);
    const AnalysisOptions& o = options;

    // ---- one pass over snapshots: geometry, grid forward pass, per-snapshot measures
    std::vector<SnapshotWork> work(static_cast<size_t>(n));
    const int every = o.regions.every;
    std::mutex progress_mutex;
    int done = 0;
    parallel_for(n, o.threads, [&](int k) {
        const bool regions = every > 0 && (k % every == 0 || k == n - 1);
        work[k] = analyse_snapshot(nets[k], ctx, regions);
        if (!o.on_progress) return;
        std::lock_guard lock(progress_mutex);
        o.on_progress(++done, n);
    });

    // ---- 1-7: each detector's timeline, events and threshold sweep (findings.cpp)
    detail::find_dead(r, work, o, detail::hidden_neurons_can_die(nets[0]));
    detail::find_bias_phases(r, nets, o);
    detail::find_corners(r, work, ctx, o);
    detail::find_copycats(r, work, o);
    detail::find_indecisive(r, work, ctx, o);
    detail::find_symmetry(r, work, ctx, o);
    detail::find_roles(r, work, nets, ctx, o);
    detail::find_failure(r, work, ctx, o);  // after roles: where the neurons near a failed part went
    detail::find_loss_drops(r, o);
    detail::find_class_outputs(r, work, nets[0], data, o);
    // ---- 8. region dynamics
    for (int k = 0; k < n; ++k) {
        const auto& c = work[k].g.counts;
        r.regions.activation.push_back(c.activation);
        r.regions.linear.push_back(c.linear);
        r.regions.per_layer.push_back(c.per_layer);
        if (work[k].has_density) {
            r.regions.density_snapshots.push_back(k);
            r.regions.density_near.push_back(work[k].density_near);
            r.regions.density_far.push_back(work[k].density_far);
        }
    }
    if (r.exact) {  // a peak only when the count then falls by a fifth: a count that keeps growing has none
        const auto peak = std::max_element(r.regions.activation.begin(), r.regions.activation.end());
        const int k = static_cast<int>(peak - r.regions.activation.begin());
        if (static_cast<double>(r.regions.activation.back()) <= 0.8 * static_cast<double>(*peak))
            add_event(r, k, "regions_peak", {}, "most activation regions: " + std::to_string(*peak) + ", " +
                                                    std::to_string(r.regions.activation.back()) + " at the end");
    }
    // ---- 9. margins (last snapshot) and fragile integer points
    {
        const Network& last = nets.back();
        std::vector<int> train;
        for (int64_t i = 0; i < data.size(); ++i)
            if (data.is_test.empty() || !data.is_test[static_cast<size_t>(i)]) train.push_back(static_cast<int>(i));
        Eigen::MatrixXd P(static_cast<Eigen::Index>(train.size()), 2);  // #train by 2
        std::vector<int32_t> labels;
        bool integer = !train.empty();
        for (size_t i = 0; i < train.size(); ++i) {
            P.row(static_cast<Eigen::Index>(i)) = data.X.row(train[i]).cast<double>();
            labels.push_back(data.label[train[i]]);
            integer = integer && P(i, 0) == std::round(P(i, 0)) && P(i, 1) == std::round(P(i, 1));
        }
        const Eigen::VectorXd m = signed_margins(last, work.back().g, P, labels);
        auto& mr = r.margins;
        mr.snapshot = n - 1;
        mr.n_points = static_cast<int>(m.size());
        if (m.size() > 0) {
            std::vector<double> a(static_cast<size_t>(m.size()));
            for (Eigen::Index i = 0; i < m.size(); ++i) a[i] = std::abs(m(i));
            std::vector<int> order(a.size());
            for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
            const size_t n_close = std::min(order.size(), static_cast<size_t>(std::max(0, o.margins.n_closest)));
            std::partial_sort(order.begin(), order.begin() + n_close, order.end(), [&](int x, int y) { return a[x] < a[y]; });
            for (size_t i = 0; i < n_close; ++i)
                mr.closest.push_back({train[order[i]], P(order[i], 0), P(order[i], 1), m(order[i])});
            std::vector<double> sorted = a;
            std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
            mr.median = sorted[sorted.size() / 2];
            mr.min = *std::min_element(a.begin(), a.end());
            double sum = 0, within = 0;
            for (size_t i = 0; i < a.size(); ++i) {
                if (std::isfinite(a[i])) sum += a[i];
                within += a[i] < o.margins.epsilon * ctx.scale;
                mr.n_misclassified += m(static_cast<Eigen::Index>(i)) < 0;
            }
            mr.mean = sum / static_cast<double>(a.size());
            mr.fraction_within_epsilon = within / static_cast<double>(a.size());
            if (o.margins.per_point) mr.margin.assign(m.data(), m.data() + m.size());
        }
        const bool fragile = o.fragile.mode == FragileMode::on || (o.fragile.mode == FragileMode::automatic && integer);
        if (fragile) {
            const Box& d = last.domain;
            const double nx = std::floor(d.x1) - std::ceil(d.x0) + 1, ny = std::floor(d.y1) - std::ceil(d.y0) + 1;
            const bool brute = nx * ny <= static_cast<double>(o.fragile.max_brute_force) || !r.exact;
            r.fragile = fragile_points(last, work.back().g, brute, o.fragile.max_listed);
        }
    }
    std::stable_sort(r.events.begin(), r.events.end(), [](const Event& a, const Event& b) { return a.snapshot < b.snapshot; });
    if (geometry != nullptr) {  // the work is done with it: hand each snapshot's geometry over (regions were cleared)
        geometry->clear();
        for (SnapshotWork& w : work) geometry->push_back(std::move(w.g));
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

AnalysisReport analyze(const std::vector<const Run*>& runs, const AnalysisOptions& options,
                       std::vector<std::vector<Geometry>>* geometry) {
    validate(options);
    AnalysisReport rep;
    rep.options = options;
    if (geometry != nullptr) geometry->assign(runs.size(), {});
    int total = 0, before = 0;  // snapshots of every run; of the runs analysed so far (progress over all runs)
    for (const Run* run : runs) total += run != nullptr ? run->n_snapshots() : 0;
    for (const Run* run : runs) {
        GINN_ASSERT(run != nullptr);
        if (run->n_snapshots() == 0) throw Error(run->dir(), "run has no snapshots", "at least one recorded snapshot");
        const Dataset& data = run->dataset();
        std::vector<Network> nets;
        std::vector<int64_t> iterations;
        std::vector<double> loss, accuracy;
        for (int k = 0; k < run->n_snapshots(); ++k) {
            nets.push_back(run->network(k));
            iterations.push_back(run->snapshot(k).iteration);
            loss.push_back(run->snapshot(k).loss);
            accuracy.push_back(run->snapshot(k).accuracy);
        }
        AnalysisOptions run_options = options;
        if (options.on_progress)
            run_options.on_progress = [&options, before, total](int done, int) { options.on_progress(before + done, total); };
        before += run->n_snapshots();
        run_options.human_rule.margin = run->config().task.margin;  // S1's rule as the run's task defines it
        RunAnalysis r = analyze_networks(nets, iterations, loss, accuracy, data, run_options, run->dir(),
                                         geometry != nullptr ? &(*geometry)[rep.runs.size()] : nullptr);
        nlohmann::json key = config_to_json(run->config());
        r.seed = run->config().train.seed;
        if (key.contains("train") && key["train"].is_object()) key["train"].erase("seed");
        r.config_key = key.dump();
        rep.runs.push_back(std::move(r));
    }
    return rep;
}

}  // namespace ginn
