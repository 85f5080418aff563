// The analysis driver: geometry and a grid forward pass once per snapshot (threads over snapshots), shared by every
// detector; then the timelines and events. Not the detectors' building blocks (blocks.cpp,
// detectors.cpp) nor the output formats (json.cpp, report_html.cpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
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

std::vector<NeuronId> neuron_ids(const Network& net) {
    std::vector<NeuronId> ids;
    for (int l = 0; l < net.n_hidden_layers(); ++l)
        for (int i = 0; i < net.layers[l].n_out(); ++i) ids.push_back({l + 1, i + 1});
    return ids;
}

void add_event(RunAnalysis& r, int snapshot, std::string kind, std::vector<NeuronId> neurons, std::string text) {
    r.events.push_back({snapshot, std::move(kind), std::move(neurons), std::move(text)});
}

std::string fmt(double v, int digits = 3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
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
                             const Dataset& data, const AnalysisOptions& options, const std::string& name) {
    const auto t0 = std::chrono::steady_clock::now();
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
    const Context ctx = make_context(nets[0], data, options);
    const AnalysisOptions& o = options;

    // ---- one pass over snapshots: geometry, grid forward pass, per-snapshot measures
    std::vector<SnapshotWork> work(static_cast<size_t>(n));
    const int every = o.regions.every;
    parallel_for(n, o.threads, [&](int k) {
        const bool regions = every > 0 && (k % every == 0 || k == n - 1);
        work[k] = analyse_snapshot(nets[k], ctx, regions);
    });

    // ---- 1. dead and always-on neurons
    {
        std::vector<std::vector<NeuronState>> states;
        for (auto& w : work) states.push_back(w.states);
        r.dead = dead_timeline(std::move(states), r.neuron_ids, o.dead);
        r.dead.exact = r.exact;
        for (const auto& nr : r.dead.neurons) {
            for (int k : nr.deaths)
                add_event(r, k, "died", {nr.id}, neuron_label(nr.id) + (k == 0 ? " is dead from the start" : " died"));
            for (int k : nr.returns) add_event(r, k, "revived", {nr.id}, neuron_label(nr.id) + " came back to life");
        }
    }
    // ---- 2. bias shifts before weight shifts
    r.bias = bias_shifts(nets, o.bias);
    for (const auto& L : r.bias.layers)
        for (const auto& [a, b] : L.phases) {
            std::vector<NeuronId> ids;
            for (const auto& id : r.neuron_ids)
                if (id.layer == L.layer) ids.push_back(id);
            add_event(r, a, "bias_phase", ids,
                      "layer " + std::to_string(L.layer) + ": bias motion dominates snapshots " + std::to_string(a) +
                          "-" + std::to_string(b + 1));
        }
    // ---- 3. critical points
    r.critical.corners = ctx.corners;
    const double radius = o.critical.radius * ctx.scale;
    for (auto& w : work) {
        r.critical.distance.push_back(w.corner_dist);
        int reached = 0;
        for (double d : w.corner_dist) reached += d <= radius;
        r.critical.fraction_reached.push_back(ctx.corners.empty() ? 0.0 : static_cast<double>(reached) / ctx.corners.size());
    }
    for (size_t c = 0; c < ctx.corners.size(); ++c) {
        int since = -1;
        for (int k = n - 1; k >= 0 && work[k].corner_dist[c] <= radius; --k) since = k;
        r.critical.first_reached.push_back(since);
    }
    for (int k = 0; k < n; ++k)
        if (!ctx.corners.empty() && r.critical.fraction_reached[k] >= 0.5) {
            add_event(r, k, "corners_half", {}, "geometry vertices reach half of the target's corners");
            break;
        }
    // ---- 4. copycats
    {
        std::map<std::pair<int, int>, std::vector<int>> seen;  // pair -> snapshots (with the copy's index)
        for (int k = 0; k < n; ++k) {
            r.copycat.n_pairs.push_back(static_cast<int>(work[k].copies.size()));
            for (size_t c = 0; c < work[k].copies.size(); ++c)
                seen[{work[k].copies[c].a, work[k].copies[c].b}].push_back(k);
        }
        for (const auto& [ab, ks] : seen) {
            CopycatPair p;
            p.a = r.neuron_ids[ab.first];
            p.b = r.neuron_ids[ab.second];
            p.first = ks.front();
            p.fraction = static_cast<double>(ks.size()) / n;
            if (ks.back() == n - 1) {  // copies at the end: since when, without a break
                p.since = n - 1;
                for (int i = static_cast<int>(ks.size()) - 1; i > 0 && ks[i - 1] == ks[i] - 1; --i) p.since = ks[i - 1];
            }
            for (const auto& c : work[ks.back()].copies)
                if (c.a == ab.first && c.b == ab.second) p.flipped = c.flipped, p.distance = c.distance, p.disagreement = c.disagreement;
            const bool lasting = p.since >= 0 && (n - p.since >= o.copycat.min_stay || p.since == 0);
            if (p.since >= 0 && !lasting) p.since = -1;
            if (p.since < 0 && p.fraction * n < o.copycat.min_stay) continue;  // a passing coincidence
            r.copycat.pairs.push_back(p);
            if (p.since >= 0)
                add_event(r, p.since, "copycat", {p.a, p.b},
                          neuron_label(p.a) + " and " + neuron_label(p.b) + " became copies" + (p.flipped ? " (flipped sign)" : ""));
        }
        std::sort(r.copycat.pairs.begin(), r.copycat.pairs.end(), [](const CopycatPair& x, const CopycatPair& y) {
            return x.fraction > y.fraction;
        });
    }
    // ---- 5. indecisive neurons
    {
        auto& rep = r.indecisive;
        const double late = o.indecisive.late_fraction * static_cast<double>(iterations.back());
        rep.first_step = n - 1;
        for (int k = 0; k + 1 < n; ++k)
            if (static_cast<double>(iterations[k]) >= late) {
                rep.first_step = k;
                break;
            }
        std::vector<std::vector<IndecisiveJump>> jumps(r.neuron_ids.size());
        for (int k = 0; k + 1 < n; ++k) {
            int64_t changed = 0;
            for (size_t i = 0; i < work[k].cls.size(); ++i) changed += work[k].cls[i] != work[k + 1].cls[i];
            const double pred = static_cast<double>(changed) / static_cast<double>(work[k].cls.size());
            rep.prediction_change.push_back(pred);
            if (k < rep.first_step || pred > o.indecisive.max_prediction_change) continue;
            double dloss = 0;
            if (loss.size() == nets.size() && std::isfinite(loss[k]) && std::isfinite(loss[k + 1])) {
                dloss = std::abs(loss[k + 1] - loss[k]);
                if (dloss > o.indecisive.max_loss_change * std::abs(loss[k]) + 1e-4) continue;
            }
            for (size_t i = 0; i < r.neuron_ids.size(); ++i) {
                double jump = polyline_set_distance(work[k].g.neurons[i].polylines, work[k + 1].g.neurons[i].polylines);
                if (!std::isfinite(jump)) jump = ctx.scale;  // the boundary appeared or left the domain
                if (jump >= o.indecisive.min_jump * ctx.scale) jumps[i].push_back({k, jump, dloss, pred});
            }
        }
        for (size_t i = 0; i < jumps.size(); ++i) {
            if (static_cast<int>(jumps[i].size()) < o.indecisive.min_events) continue;
            rep.neurons.push_back({r.neuron_ids[i], jumps[i]});
            for (const auto& j : jumps[i])
                add_event(r, j.step + 1, "indecisive", {r.neuron_ids[i]},
                          neuron_label(r.neuron_ids[i]) + " jumps " + fmt(j.jump) + " while the prediction changes on " +
                              fmt(100 * j.prediction_change) + "% of the domain");
        }
    }
    // ---- 6. symmetry
    r.symmetry.axis_x = ctx.axis_x;
    r.symmetry.target_score = mirror_axis(ctx.raster, ctx.G, ctx.G, ctx.domain, o.symmetry).second;
    for (auto& w : work) {
        r.symmetry.prediction.push_back(w.sym_prediction);
        r.symmetry.boundary.push_back(w.sym_boundary);
    }
    // ---- 7. failure
    for (auto& w : work) r.failure.accuracy.push_back(w.accuracy);
    r.failure.n_small_parts = 0;
    {
        int n_comp = 0;
        label_components(ctx.raster, ctx.G, ctx.G, &n_comp);
        r.failure.n_small_parts = n_comp - static_cast<int>(ctx.parts.size());
    }
    for (size_t p = 0; p < ctx.parts.size(); ++p) {
        TargetPart t = ctx.parts[p].info;
        for (int k = 0; k < n; ++k) {
            t.accuracy.push_back(work[k].part_accuracy[p]);
            if (t.first_modelled < 0 && t.accuracy.back() >= o.failure.modelled_accuracy) t.first_modelled = k;
        }
        t.modelled_at_end = t.accuracy.back() >= o.failure.modelled_accuracy;
        const std::string what = "part " + std::to_string(p + 1) + (t.label ? " (white" : " (black") + ", " +
                                 std::to_string(t.n_pixels) + " px at " + fmt(t.cx, 2) + "," + fmt(t.cy, 2) + ")";
        if (t.first_modelled >= 0) add_event(r, t.first_modelled, "part_modelled", {}, what + " is modelled");
        else add_event(r, n - 1, "part_never_modelled", {}, what + " is never modelled");
        r.failure.parts.push_back(std::move(t));
    }
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
    if (r.exact) {
        const auto peak = std::max_element(r.regions.activation.begin(), r.regions.activation.end());
        const int k = static_cast<int>(peak - r.regions.activation.begin());
        add_event(r, k, "regions_peak", {}, "most activation regions: " + std::to_string(*peak));
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
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

AnalysisReport analyze(const std::vector<const Run*>& runs, const AnalysisOptions& options) {
    AnalysisReport rep;
    rep.options = options;
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
        RunAnalysis r = analyze_networks(nets, iterations, loss, accuracy, data, options, run->dir());
        nlohmann::json key = config_to_json(run->config());
        r.seed = run->config().train.seed;
        if (key.contains("train") && key["train"].is_object()) key["train"].erase("seed");
        r.config_key = key.dump();
        rep.runs.push_back(std::move(r));
    }
    return rep;
}

}  // namespace ginn
