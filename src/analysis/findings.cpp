// The timelines and events of each detector, built from the per-snapshot work (snapshot.cpp): each finding is
// checked against a baseline (constant prediction, shifted corners, chance agreement) and swept over its main
// threshold. Not the per-snapshot measures themselves (snapshot.cpp) nor the output formats.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <string>

#include "analysis/internal.h"
#include "ginn/core/error.h"

namespace ginn::detail {

namespace {

/// A sweep of one threshold: how many findings at each value; stable when all counts agree.
ThresholdSweep sweep(std::string detector, std::string parameter, const std::vector<double>& values,
            const std::function<int(double)>& count) {
    ThresholdSweep s{std::move(detector), std::move(parameter), values, {}, true};
    for (double v : values) s.findings.push_back(count(v));
    s.stable = std::adjacent_find(s.findings.begin(), s.findings.end(), std::not_equal_to<>()) == s.findings.end();
    return s;
}

double span_of(const RunAnalysis& r) {
    return r.iterations.empty() ? 0.0 : static_cast<double>(r.iterations.back() - r.iterations.front());
}

std::string names(const std::vector<NeuronId>& ids) {
    std::string s;
    for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + neuron_label(ids[i]);
    return s;
}

/// The first snapshot from which pred(k) holds to the end (-1 when it does not hold at the end).
int holds_from(int n, const std::function<bool(int)>& pred) {
    int since = -1;
    for (int k = n - 1; k >= 0 && pred(k); --k) since = k;
    return since;
}

}  // namespace

ThresholdSweep named_sweep(std::string detector, std::string parameter, const std::vector<double>& values,
                           const std::function<std::vector<std::string>(double)>& find) {
    ThresholdSweep s{std::move(detector), std::move(parameter), values, {}, true, {}, {}};
    std::map<std::string, size_t> seen;  // finding -> at how many values
    for (double v : values) {
        const auto found = find(v);
        s.findings.push_back(static_cast<int>(found.size()));
        for (const auto& f : found) ++seen[f];
    }
    for (const auto& [f, count] : seen) (count == values.size() ? s.stable_findings : s.unstable_findings).push_back(f);
    s.stable = s.unstable_findings.empty();
    return s;
}

void add_event(RunAnalysis& r, int snapshot, std::string kind, std::vector<NeuronId> neurons, std::string text) {
    r.events.push_back({snapshot, std::move(kind), std::move(neurons), std::move(text)});
}

std::string fmt(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

// ---------------------------------------------------------------------------------------------- 1. dead

bool hidden_neurons_can_die(const Network& net) {
    for (int l = 0; l < net.n_hidden_layers(); ++l) {
        const DenseLayer& L = net.layers[static_cast<size_t>(l)];
        if (L.activation != Activation::relu && L.activation != Activation::leaky_relu) return false;
        for (int i = 0; i < L.n_out(); ++i)
            if (L.slope_below(i) != 0.0) return false;
    }
    return true;
}

void find_dead(RunAnalysis& r, const std::vector<SnapshotWork>& work, const AnalysisOptions& o, bool can_die) {
    std::vector<std::vector<NeuronState>> states;
    for (const auto& w : work) states.push_back(w.states);
    // The sweep names what the report says of each neuron: dead at the end (since the iteration its last death
    // began), came back after a death, died during training (after snapshot 0). Raw counts of deaths and returns
    // are not stable by nature: early in a log-spaced schedule a state lasting iterations 20..20000 of 1.28M is 1.6%
    // of training, inside any range of min_stay.
    const std::string dead_word = can_die ? "dead" : "no sign change";
    auto findings = [&](double min_stay) {
        DeadOptions d = o.dead;
        d.min_stay = min_stay;
        const DeadReport rep = dead_timeline(states, r.neuron_ids, d, r.iterations);
        std::vector<std::string> out;
        for (const auto& nr : rep.neurons) {
            const std::string who = neuron_label(nr.id);
            if (nr.final_state == NeuronState::dead)
                out.push_back(who + " " + dead_word + " at the end (since iteration " + std::to_string(r.iterations[std::max(nr.died_at, 0)]) + ")");
            if (nr.came_back) out.push_back(who + (can_die ? " came back" : " changed sign again"));
            if (!nr.deaths.empty() && nr.deaths.back() > 0) out.push_back(who + (can_die ? " died during training" : " lost its sign change"));
        }
        return out;
    };
    r.sweeps.push_back(named_sweep(dead_word, "dead.min_stay (named findings per neuron)",
                                   {o.dead.min_stay / 2, o.dead.min_stay, std::min(1.0, 2 * o.dead.min_stay)}, findings));
    r.dead = dead_timeline(std::move(states), r.neuron_ids, o.dead, r.iterations);
    r.dead.exact = r.exact;
    r.dead.can_die = can_die;
    for (const auto& nr : r.dead.neurons) {
        const std::string who = neuron_label(nr.id);
        for (int k : nr.deaths) {
            if (can_die) add_event(r, k, "died", {nr.id}, who + (k == 0 ? " is dead from the start" : " died"));
            else add_event(r, k, "no_sign_change", {nr.id}, who + " has no sign change in the domain (negative everywhere)");
        }
        for (int k : nr.returns) {
            if (can_die) add_event(r, k, "revived", {nr.id}, who + " came back to life");
            else add_event(r, k, "sign_change", {nr.id}, who + " changes sign in the domain again");
        }
    }
}

// ---------------------------------------------------------------------------------------------- 2. bias shifts

void find_bias_phases(RunAnalysis& r, const std::vector<Network>& nets, const AnalysisOptions& o) {
    r.bias = bias_shifts(nets, o.bias);
    if (r.bias.layers.empty()) return;
    const auto& L = r.bias.layers[0];
    std::vector<double> motion(L.bias.size());
    for (size_t k = 0; k < motion.size(); ++k) motion[k] = L.bias[k] + L.weight[k];
    r.sweeps.push_back(sweep("bias before weights", "bias.phase_share (layer-1 phases)", {0.65, 0.7, 0.75, 0.8, 0.85},
                             [&](double v) {
                                 BiasShiftOptions b = o.bias;
                                 b.phase_share = v;
                                 return static_cast<int>(bias_phases(L.share, motion, b, L.share_null).size());
                             }));
    std::vector<NeuronId> ids;
    for (const auto& id : r.neuron_ids)
        if (id.layer == 1) ids.push_back(id);
    for (const auto& [a, b] : L.phases)
        add_event(r, a, "bias_phase", ids,
                  "layer 1: lines mostly shift in parallel (bias-like) from iteration " + std::to_string(r.iterations[a]) +
                      " to " + std::to_string(r.iterations[b + 1]));
}

// ---------------------------------------------------------------------------------------------- 3. critical points

void find_corners(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o) {
    auto& cr = r.critical;
    const int n = static_cast<int>(work.size());
    cr.corners = ctx.corners;
    auto fraction = [](const std::vector<double>& d, double radius) {
        if (d.empty()) return 0.0;
        return static_cast<double>(std::count_if(d.begin(), d.end(), [&](double v) { return v <= radius; })) /
               static_cast<double>(d.size());
    };
    auto null_fraction = [&](const SnapshotWork& w, double radius) {
        double s = 0;
        for (const auto& d : w.null_dist) s += fraction(d, radius);
        return w.null_dist.empty() ? 0.0 : s / static_cast<double>(w.null_dist.size());
    };
    auto beats_from = [&](double radius, double margin) {
        if (ctx.corners.empty()) return -1;
        return holds_from(n, [&](int k) { return fraction(work[k].corner_dist, radius) - null_fraction(work[k], radius) >= margin; });
    };
    const double radius = o.critical.radius * ctx.scale;
    for (const auto& w : work) {
        cr.distance.push_back(w.corner_dist);
        cr.fraction_reached.push_back(fraction(w.corner_dist, radius));
        cr.null_reached.push_back(null_fraction(w, radius));
    }
    for (size_t c = 0; c < ctx.corners.size(); ++c)
        cr.first_reached.push_back(holds_from(n, [&](int k) { return work[k].corner_dist[c] <= radius; }));
    cr.beats_null_from = beats_from(radius, o.critical.margin);
    if (!ctx.corners.empty())
        r.sweeps.push_back(sweep("critical points", "critical.radius (beats the shifted null: 1/0)",
                                 {o.critical.radius / 2, o.critical.radius, 2 * o.critical.radius},
                                 [&](double v) { return beats_from(v * ctx.scale, o.critical.margin) >= 0 ? 1 : 0; }));
    if (cr.beats_null_from >= 0) {
        const int k = cr.beats_null_from;
        add_event(r, k, "corners_beat_null", {},
                  "geometry vertices reach " + fmt(100 * cr.fraction_reached[k], 2) + "% of the target's corners, against " +
                      fmt(100 * cr.null_reached[k], 2) + "% of the same corners shifted by " + fmt(o.critical.null_shift, 2));
    }
}

// ---------------------------------------------------------------------------------------------- 4. copycats

void find_copycats(RunAnalysis& r, const std::vector<SnapshotWork>& work, const AnalysisOptions& o) {
    const int n = static_cast<int>(work.size());
    const double span = span_of(r);
    struct Seen { std::vector<int> snapshots; const SnapshotWork::Copy* last = nullptr; };
    std::map<std::pair<int, int>, Seen> seen;  // pair -> snapshots where they were copies (same side or flipped)
    for (int k = 0; k < n; ++k) {
        int same = 0;
        for (const auto& c : work[k].copies) {
            Seen& s = seen[{c.a, c.b}];
            s.snapshots.push_back(k);
            s.last = &c;
            same += !c.flipped;
        }
        r.copycat.n_pairs.push_back(same);
    }
    // Pairs that last: copies to the end, since a snapshot at least min_stay of training before the end.
    auto pairs_for = [&](double min_stay, std::vector<CopycatPair>& same, std::vector<CopycatPair>& flipped) {
        for (const auto& [ab, s] : seen) {
            const auto& ks = s.snapshots;
            CopycatPair p;
            p.a = r.neuron_ids[ab.first];
            p.b = r.neuron_ids[ab.second];
            p.first = ks.front();
            p.fraction = static_cast<double>(ks.size()) / n;
            if (ks.back() == n - 1) {
                p.since = n - 1;
                for (int i = static_cast<int>(ks.size()) - 1; i > 0 && ks[i - 1] == ks[i] - 1; --i) p.since = ks[i - 1];
                const bool lasting = p.since == 0 || static_cast<double>(r.iterations[n - 1] - r.iterations[p.since]) >= min_stay * span;
                if (!lasting) p.since = -1;
            }
            if (p.since < 0 && ks.size() < 2) continue;  // a passing coincidence
            p.flipped = s.last->flipped, p.distance = s.last->distance, p.disagreement = s.last->disagreement;
            (p.flipped ? flipped : same).push_back(p);
        }
    };
    // Groups: connected components of the same-side pairs that are copies at the end.
    auto groups_of = [&](const std::vector<CopycatPair>& pairs) {
        std::vector<int> parent(r.neuron_ids.size());
        std::iota(parent.begin(), parent.end(), 0);
        std::function<int(int)> root = [&](int i) { return parent[i] == i ? i : parent[i] = root(parent[i]); };
        auto index = [&](const NeuronId& id) {
            return static_cast<int>(std::find(r.neuron_ids.begin(), r.neuron_ids.end(), id) - r.neuron_ids.begin());
        };
        std::map<int, int> since;  // root -> latest since of its pairs
        for (const auto& p : pairs)
            if (p.since >= 0) parent[root(index(p.a))] = root(index(p.b));
        std::map<int, CopycatGroup> by_root;
        for (const auto& p : pairs) {
            if (p.since < 0) continue;
            CopycatGroup& g = by_root[root(index(p.a))];
            for (const NeuronId& id : {p.a, p.b})
                if (std::find(g.neurons.begin(), g.neurons.end(), id) == g.neurons.end()) g.neurons.push_back(id);
            g.since = std::max(g.since, p.since);
        }
        std::vector<CopycatGroup> out;
        for (auto& [root_id, g] : by_root) {
            std::sort(g.neurons.begin(), g.neurons.end(), [](const NeuronId& x, const NeuronId& y) {
                return std::pair(x.layer, x.index) < std::pair(y.layer, y.index);
            });
            out.push_back(std::move(g));
        }
        return out;
    };
    r.sweeps.push_back(sweep("copycats", "copycat.min_stay (groups at the end)",
                             {o.copycat.min_stay / 2, o.copycat.min_stay, std::min(1.0, 2 * o.copycat.min_stay)},
                             [&](double v) {
                                 std::vector<CopycatPair> same, flipped;
                                 pairs_for(v, same, flipped);
                                 return static_cast<int>(groups_of(same).size());
                             }));
    pairs_for(o.copycat.min_stay, r.copycat.pairs, r.copycat.complementary);
    r.copycat.groups = groups_of(r.copycat.pairs);
    auto by_fraction = [](const CopycatPair& x, const CopycatPair& y) { return x.fraction > y.fraction; };
    std::sort(r.copycat.pairs.begin(), r.copycat.pairs.end(), by_fraction);
    std::sort(r.copycat.complementary.begin(), r.copycat.complementary.end(), by_fraction);
    for (const auto& g : r.copycat.groups)
        add_event(r, g.since, "copycat", g.neurons,
                  g.neurons.size() == 2 ? names(g.neurons) + " became copies (same line, same active side)"
                                        : names(g.neurons) + ": " + std::to_string(g.neurons.size()) + " neurons trace one boundary");
    for (const auto& p : r.copycat.complementary)
        if (p.since >= 0)
            add_event(r, p.since, "complementary", {p.a, p.b},
                      names({p.a, p.b}) + " share a line with opposite active sides (complementary, not copies)");
}

// ---------------------------------------------------------------------------------------------- 5. indecisive

void find_indecisive(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o) {
    auto& rep = r.indecisive;
    const int n = static_cast<int>(work.size());
    const double late = o.indecisive.late_fraction * static_cast<double>(r.iterations.back());
    rep.first_step = n - 1;
    for (int k = 0; k + 1 < n; ++k)
        if (static_cast<double>(r.iterations[k]) >= late) {
            rep.first_step = k;
            break;
        }
    // Candidate jumps: flat loss, unchanged prediction; size = mean distance moved times min(1, length / scale),
    // so a sliver entering or leaving the domain is as small as it is short.
    struct Candidate { int neuron; IndecisiveJump jump; double distance; };
    std::vector<Candidate> candidates;
    for (int k = 0; k + 1 < n; ++k) {
        int64_t changed = 0;
        for (size_t i = 0; i < work[k].cls.size(); ++i) changed += work[k].cls[i] != work[k + 1].cls[i];
        const double pred = static_cast<double>(changed) / static_cast<double>(work[k].cls.size());
        rep.prediction_change.push_back(pred);
        if (k < rep.first_step || pred > o.indecisive.max_prediction_change) continue;
        double dloss = 0;
        if (r.loss.size() == work.size() && std::isfinite(r.loss[k]) && std::isfinite(r.loss[k + 1])) {
            dloss = std::abs(r.loss[k + 1] - r.loss[k]);
            if (dloss > o.indecisive.max_loss_change * std::abs(r.loss[k]) + 1e-4) continue;
        }
        for (size_t i = 0; i < r.neuron_ids.size(); ++i) {
            const auto& a = work[k].g.neurons[i].polylines;
            const auto& b = work[k + 1].g.neurons[i].polylines;
            const double length = std::max(polyline_set_length(a), polyline_set_length(b));
            double d = polyline_set_distance(a, b);
            if (!std::isfinite(d)) d = length;  // appeared or left: it moved as far as it is long
            const double size = d * std::min(1.0, length / ctx.scale);
            if (size > 0) candidates.push_back({static_cast<int>(i), {k, size, dloss, pred, false}, d});
        }
    }
    auto neurons_for = [&](double min_jump) {
        std::vector<IndecisiveNeuron> out;
        std::map<int, std::vector<const Candidate*>> by_neuron;
        for (const auto& c : candidates)
            if (c.jump.jump >= min_jump * ctx.scale) by_neuron[c.neuron].push_back(&c);
        for (const auto& [i, cs] : by_neuron) {
            IndecisiveNeuron nr{r.neuron_ids[i], {}, 0};
            for (size_t m = 0; m < cs.size(); ++m) {
                IndecisiveJump j = cs[m]->jump;
                // Back and forth: this jump lands within half its distance of where an earlier jump started.
                const auto& landing = work[j.step + 1].g.neurons[i].polylines;
                for (size_t e = 0; e < m && !j.returns; ++e) {
                    const double back = polyline_set_distance(landing, work[cs[e]->jump.step].g.neurons[i].polylines);
                    j.returns = back <= 0.5 * cs[m]->distance;
                }
                nr.n_returns += j.returns;
                nr.jumps.push_back(j);
            }
            if (nr.n_returns >= o.indecisive.min_events) out.push_back(std::move(nr));
        }
        return out;
    };
    r.sweeps.push_back(sweep("indecisive", "indecisive.min_jump (neurons)",
                             {o.indecisive.min_jump / 2, o.indecisive.min_jump, 2 * o.indecisive.min_jump},
                             [&](double v) { return static_cast<int>(neurons_for(v).size()); }));
    rep.neurons = neurons_for(o.indecisive.min_jump);
    for (const auto& nr : rep.neurons) {
        const auto first = std::find_if(nr.jumps.begin(), nr.jumps.end(), [](const IndecisiveJump& j) { return j.returns; });
        add_event(r, first->step + 1, "indecisive", {nr.id},
                  neuron_label(nr.id) + " flips back and forth " + std::to_string(nr.n_returns) + " time(s) late in training (" +
                      std::to_string(nr.jumps.size()) + " jumps, largest " +
                      fmt(std::max_element(nr.jumps.begin(), nr.jumps.end(), [](auto& x, auto& y) { return x.jump < y.jump; })->jump) +
                      ") while loss and prediction stay put");
    }
}

// ---------------------------------------------------------------------------------------------- 6. symmetry

void find_symmetry(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o) {
    auto& s = r.symmetry;
    s.axis_x = ctx.axis_x;
    s.target_score = ctx.axis_score;
    std::map<int32_t, double> count;
    for (int32_t v : ctx.raster) count[v] += 1;
    for (const auto& [label, c] : count) s.target_null += (c / ctx.raster.size()) * (c / ctx.raster.size());
    // Chance-corrected agreement (Cohen's kappa) of a class map with its mirror, against the target's class balance.
    auto kappa = [&](double score) { return s.target_null < 1 ? (score - s.target_null) / (1 - s.target_null) : 0.0; };
    s.target_symmetric = kappa(s.target_score) >= 1 - o.symmetry.margin;
    for (const auto& w : work) {
        s.prediction.push_back(w.sym_prediction);
        s.boundary.push_back(w.sym_boundary);
    }
    r.sweeps.push_back(sweep("symmetry", "symmetry.margin (target symmetric: 1/0)",
                             {o.symmetry.margin / 2, o.symmetry.margin, std::min(1.0, 2 * o.symmetry.margin)},
                             [&](double v) { return kappa(s.target_score) >= 1 - v ? 1 : 0; }));
    if (!s.target_symmetric) return;
    // The prediction is symmetric from the snapshot on which its own chance-corrected mirror agreement stays there.
    const int n = static_cast<int>(work.size());
    const int k = holds_from(n, [&](int i) { return kappa(s.prediction[i]) >= 1 - o.symmetry.margin; });
    if (k >= 0)
        add_event(r, k, "symmetric", {},
                  "the prediction mirrors about x = " + fmt(s.axis_x) + " like the target (" + fmt(100 * s.prediction[k], 3) +
                      "% agreement against the target's " + fmt(100 * s.target_score, 3) + "% and chance " + fmt(100 * s.target_null, 3) + "%)");
}

// ---------------------------------------------------------------------------------------------- 7. failure

void find_failure(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o) {
    const int n = static_cast<int>(work.size());
    r.failure.has_parts = ctx.has_parts;
    for (const auto& w : work) r.failure.accuracy.push_back(w.accuracy);
    int n_comp = 0;
    label_components(ctx.raster, ctx.G, ctx.G, &n_comp);
    r.failure.n_small_parts = ctx.has_parts ? n_comp - static_cast<int>(ctx.parts.size()) : 0;
    int32_t max_label = 0;
    for (int32_t v : ctx.raster) max_label = std::max(max_label, v);
    auto part_name = [&](size_t p, const TargetPart& t) {
        const std::string colour = t.label >= 0 && static_cast<size_t>(t.label) < ctx.class_names.size()
                                       ? ctx.class_names[static_cast<size_t>(t.label)]
                                   : max_label <= 1 ? (t.label ? "white" : "black")
                                                    : "class " + std::to_string(t.label);
        return "part " + std::to_string(p + 1) + " (" + colour + ", " + std::to_string(t.n_pixels) + " px at " + fmt(t.cx, 2) +
               "," + fmt(t.cy, 2) + ")";
    };
    auto unmodelled = [&](double margin) {
        int count = 0;
        for (size_t p = 0; p < ctx.parts.size(); ++p) count += work.back().part_score[p] < 0.5 + margin;
        return count;
    };
    if (!ctx.parts.empty())
        r.sweeps.push_back(sweep("failure", "failure.margin (parts unmodelled at the end)",
                                 {o.failure.margin - 0.1, o.failure.margin, std::min(0.5, o.failure.margin + 0.1)}, unmodelled));
    for (size_t p = 0; p < ctx.parts.size(); ++p) {
        TargetPart t = ctx.parts[p].info;
        for (int k = 0; k < n; ++k) {
            t.accuracy.push_back(work[k].part_accuracy[p]);
            t.score.push_back(work[k].part_score[p]);
            if (t.first_modelled < 0 && t.score.back() >= 0.5 + o.failure.margin) t.first_modelled = k;
        }
        t.modelled_since = holds_from(n, [&](int k) { return t.score[k] >= 0.5 + o.failure.margin; });
        t.modelled_at_end = t.modelled_since >= 0;
        t.grid = ctx.G;
        for (size_t i = 0; i < ctx.parts[p].pixels.size(); ++i) {  // pixels are in row-major order
            const int px = ctx.parts[p].pixels[i], row = px / ctx.G, col = px % ctx.G;
            if (!t.rows.empty() && t.rows.back()[0] == row && t.rows.back()[2] == col - 1) t.rows.back()[2] = col;
            else t.rows.push_back({row, col, col});
        }
        const std::string what = part_name(p, t);
        if (t.modelled_at_end) {
            add_event(r, t.modelled_since, "part_modelled", {}, what + " is modelled (balanced accuracy " +
                                                                    fmt(t.score[t.modelled_since], 2) + ", a constant prediction gets 0.5)");
        }
        r.failure.parts.push_back(std::move(t));
    }
    // GINN section 10: which neurons came nearest to each part not modelled at the end, and where they went.
    find_nearest_to_parts(r, work, ctx, o);
    for (size_t p = 0; p < r.failure.parts.size(); ++p) {
        const TargetPart& t = r.failure.parts[p];
        if (t.modelled_at_end) continue;
        std::string text = part_name(p, t) + (t.first_modelled < 0 ? " is never modelled" : " is lost") + " (balanced accuracy " +
                           fmt(t.score.back(), 2) + " at the end, part accuracy " + fmt(t.accuracy.back(), 2) + ")";
        for (size_t j = 0; j < t.nearest.size(); ++j)
            text += (j ? "; " : "; nearest neurons: ") + neuron_label(t.nearest[j]) + " came within " + fmt(t.nearest_distance[j][t.nearest_at[j]], 2) +
                    " at iteration " + std::to_string(r.iterations[t.nearest_at[j]]) + ", ends " + t.nearest_went[j] +
                    (std::isfinite(t.nearest_end[j]) ? ", " + fmt(t.nearest_end[j], 2) + " away" : " (no boundary)");
        add_event(r, n - 1, t.first_modelled < 0 ? "part_never_modelled" : "part_lost", t.nearest, text);
    }
}

// ---------------------------------------------------------------------------------------------- loss phases

void find_loss_drops(RunAnalysis& r, const AnalysisOptions& o) {
    const int n = static_cast<int>(r.loss.size());
    if (n != static_cast<int>(r.iterations.size()) || n < 2) return;
    // Snapshot k starts a drop when the loss falls by min_drop before the iteration grows by 1.5x (at least one
    // snapshot ahead); overlapping windows merge into one drop.
    std::vector<std::pair<int, int>> windows;
    for (int k = 0; k + 1 < n; ++k) {
        if (!std::isfinite(r.loss[k])) continue;
        const double until = std::max(1.5 * static_cast<double>(r.iterations[k]), static_cast<double>(r.iterations[k + 1]));
        int best = -1;
        for (int j = k + 1; j < n && static_cast<double>(r.iterations[j]) <= until; ++j)
            if (std::isfinite(r.loss[j]) && r.loss[j] <= (1 - o.loss.min_drop) * r.loss[k] && (best < 0 || r.loss[j] < r.loss[best])) best = j;
        if (best >= 0) windows.emplace_back(k, best);
    }
    for (auto [a, b] : windows) {
        while (a < b && r.loss[a + 1] >= r.loss[a] * (1 - 1e-3)) ++a;  // start where the fall starts
        while (b > a && r.loss[b - 1] <= r.loss[b] * (1 + 1e-3)) --b;  // and end where it ends
        if (!r.loss_phases.drops.empty() && a <= r.loss_phases.drops.back().last) {
            auto& d = r.loss_phases.drops.back();
            if (b > d.last) d.last = b, d.to = r.loss[b];
        } else {
            r.loss_phases.drops.push_back({a, b, r.loss[a], r.loss[b]});
        }
    }
    for (const auto& d : r.loss_phases.drops)
        add_event(r, d.first, "loss_drop", {},
                  "the loss drops from " + fmt(d.from) + " to " + fmt(d.to) + " (iterations " + std::to_string(r.iterations[d.first]) +
                      "-" + std::to_string(r.iterations[d.last]) + ")");
}

}  // namespace ginn::detail
