// Detectors over sequences of plain data: neuron states and deaths, bias-versus-weight motion of layer-1 lines.
// Not the driver that computes geometry per snapshot (analysis.cpp) nor the output formats.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "analysis/internal.h"
#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"

namespace ginn {

// ---------------------------------------------------------------------------------------------- dead neurons

std::vector<NeuronState> neuron_states(const Network& net, const Geometry& g, double min_length) {
    const int n = net.n_neurons();
    GINN_ASSERT(static_cast<int>(g.neurons.size()) == n);
    // A neuron without a zero set in the domain (or with only a sliver of one) has one sign on (nearly) all of it:
    // the majority sign on a 9 x 9 lattice over the domain says which.
    constexpr int m = 9;
    Eigen::MatrixXd P(m * m, 2);  // #81 by 2 lattice points
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < m; ++j)
            P.row(i * m + j) << net.domain.x0 + (j + 0.5) / m * net.domain.width(),
                net.domain.y0 + (i + 0.5) / m * net.domain.height();
    std::vector<Eigen::MatrixXd> pre;
    forward(net, P, &pre);
    std::vector<NeuronState> out(static_cast<size_t>(n));
    int flat = 0;
    for (size_t l = 0; l < pre.size(); ++l)
        for (Eigen::Index i = 0; i < pre[l].cols(); ++i, ++flat) {
            const auto& polys = g.neurons[static_cast<size_t>(flat)].polylines;
            if (!polys.empty() && (min_length <= 0 || polyline_set_length(polys) >= min_length)) {
                out[flat] = NeuronState::boundary;
                continue;
            }
            const auto n_on = (pre[l].col(i).array() > 0).count();
            out[flat] = 2 * n_on > m * m ? NeuronState::always_on : NeuronState::dead;
        }
    return out;
}

DeadReport dead_timeline(std::vector<std::vector<NeuronState>> states, const std::vector<NeuronId>& ids,
                         const DeadOptions& options, std::vector<int64_t> iterations) {
    DeadReport rep;
    const int n_snap = static_cast<int>(states.size());
    if (iterations.empty())
        for (int k = 0; k < n_snap; ++k) iterations.push_back(k);
    GINN_ASSERT(static_cast<int>(iterations.size()) == n_snap);
    for (const auto& s : states) {
        GINN_ASSERT(s.size() == ids.size());
        rep.n_dead.push_back(static_cast<int>(std::count(s.begin(), s.end(), NeuronState::dead)));
        rep.n_always_on.push_back(static_cast<int>(std::count(s.begin(), s.end(), NeuronState::always_on)));
    }
    const double span = n_snap > 0 ? static_cast<double>(iterations.back() - iterations.front()) : 0.0;
    const double min_stay = options.min_stay * span;  // in iterations
    for (size_t n = 0; n < ids.size(); ++n) {
        DeadReport::Neuron r;
        r.id = ids[n];
        if (n_snap == 0) {
            rep.neurons.push_back(r);
            continue;
        }
        r.final_state = states.back()[n];
        // Runs of equal "dead" flags; a run counts when it lasts min_stay iterations (until the next run starts) or
        // reaches the end. Hysteresis: a counted run is a death or a return only when it changes the last counted
        // state, so a short blip inside a long state is no event at all.
        bool dead_counted = false;  // the last counted state (alive before training starts)
        for (int k = 0; k < n_snap;) {
            const bool dead = states[k][n] == NeuronState::dead;
            int e = k;
            while (e < n_snap && (states[e][n] == NeuronState::dead) == dead) ++e;
            const bool counts = e == n_snap || static_cast<double>(iterations[e] - iterations[k]) >= min_stay;
            if (counts && dead && !dead_counted) {
                ++r.n_deaths;
                r.died_at = k;
                r.deaths.push_back(k);
            } else if (counts && !dead && dead_counted) {
                r.came_back = true;
                r.returns.push_back(k);
            }
            if (counts) dead_counted = dead;
            k = e;
        }
        for (int s = 0; s < n_snap; ++s) {
            r.fraction_dead += states[s][n] == NeuronState::dead;
            r.fraction_always_on += states[s][n] == NeuronState::always_on;
        }
        r.fraction_dead /= n_snap;
        r.fraction_always_on /= n_snap;
        rep.neurons.push_back(r);
    }
    rep.state = std::move(states);
    return rep;
}

// ---------------------------------------------------------------------------------------------- bias shifts

namespace {

/// The line w.p + c = 0 clipped to the box: its two end points, or nothing when it misses the box.
bool clip_line(const Eigen::Vector2d& w, double c, const Box& d, Eigen::Vector2d& p0, Eigen::Vector2d& p1) {
    const double n2 = w.squaredNorm();
    if (n2 == 0) return false;
    const Eigen::Vector2d o = -c / n2 * w, dir(-w.y(), w.x());  // a point on the line and its direction
    double t0 = -std::numeric_limits<double>::infinity(), t1 = -t0;
    const double lo[2] = {d.x0, d.y0}, hi[2] = {d.x1, d.y1};
    for (int a = 0; a < 2; ++a) {  // slab clipping (Liang-Barsky)
        if (dir(a) == 0) {
            if (o(a) < lo[a] || o(a) > hi[a]) return false;
            continue;
        }
        double ta = (lo[a] - o(a)) / dir(a), tb = (hi[a] - o(a)) / dir(a);
        if (ta > tb) std::swap(ta, tb);
        t0 = std::max(t0, ta), t1 = std::min(t1, tb);
    }
    if (!(t0 < t1)) return false;
    p0 = o + t0 * dir, p1 = o + t1 * dir;
    return true;
}

/// Shift and turn of line (wa, ca)'s in-box segment measured against line (wb, cb): the signed distance to the
/// other line is linear along the segment, from d0 to d1; its mean |(d0 + d1) / 2| is the parallel shift and the
/// mean of |d - mean| = |d1 - d0| / 4 the turn.
bool segment_motion(const Eigen::Vector2d& wa, double ca, const Eigen::Vector2d& wb, double cb, const Box& d,
                    double& shift, double& turn) {
    Eigen::Vector2d p0, p1;
    if (!clip_line(wa, ca, d, p0, p1) || wb.norm() == 0) return false;
    const double d0 = (wb.dot(p0) + cb) / wb.norm(), d1 = (wb.dot(p1) + cb) / wb.norm();
    shift = std::abs(d0 + d1) / 2;
    turn = std::abs(d1 - d0) / 4;
    return true;
}

/// Shift and turn of one line (wa, ca) -> (wb, cb), averaged over both directions (see line_motion).
std::pair<double, double> one_line_motion(const Eigen::Vector2d& wa, double ca, const Eigen::Vector2d& wb, double cb,
                                          const Box& d) {
    double shift = 0, turn = 0, s = 0, t = 0;
    int count = 0;
    if (segment_motion(wa, ca, wb, cb, d, s, t)) shift += s, turn += t, ++count;
    if (segment_motion(wb, cb, wa, ca, d, s, t)) shift += s, turn += t, ++count;
    return count ? std::pair{shift / count, turn / count} : std::pair{0.0, 0.0};
}

}  // namespace

LineMotion line_motion(const Network& a, const Network& b) {
    GINN_ASSERT(!a.layers.empty() && a.layers[0].W.rows() == b.layers[0].W.rows());
    const auto& A = a.layers[0];
    const auto& B = b.layers[0];
    LineMotion m;
    for (Eigen::Index i = 0; i < A.W.rows(); ++i) {
        // Both directions (a's segment against b's line and back), averaged over those that exist: a line that
        // enters or leaves the domain is measured by the segment it has inside.
        const auto [shift, turn] = one_line_motion(A.W.row(i).transpose(), A.b(i), B.W.row(i).transpose(), B.b(i), a.domain);
        m.translation.push_back(shift);
        m.rotation.push_back(turn);
    }
    return m;
}

std::pair<double, double> null_line_motion(const Network& a, const Network& b) {
    // Eight fixed directions spread over the sphere of (dw_x, dw_y, db) (a Fibonacci lattice): each neuron's step
    // is replaced by a step of the same length in each direction, and the shifts and turns are summed.
    constexpr int n_dir = 8;
    const double golden = std::numbers::pi * (3 - std::sqrt(5.0));
    const auto& A = a.layers[0];
    const auto& B = b.layers[0];
    double shift = 0, turn = 0;
    for (Eigen::Index i = 0; i < A.W.rows(); ++i) {
        const Eigen::Vector3d p(A.W(i, 0), A.W(i, 1), A.b(i)), q(B.W(i, 0), B.W(i, 1), B.b(i));
        const double step = (q - p).norm();
        if (step == 0) continue;
        for (int j = 0; j < n_dir; ++j) {
            const double z = 1 - (2 * j + 1.0) / n_dir, r = std::sqrt(1 - z * z), phi = golden * j;
            const Eigen::Vector3d u = p + step * Eigen::Vector3d(r * std::cos(phi), r * std::sin(phi), z);
            const auto [s, t] = one_line_motion(p.head<2>(), p(2), u.head<2>(), u(2), a.domain);
            shift += s, turn += t;
        }
    }
    return {shift, turn};
}

BiasShiftReport bias_shifts(const std::vector<Network>& nets, const BiasShiftOptions& options) {
    BiasShiftReport rep;
    if (nets.empty() || nets[0].n_hidden_layers() == 0) return rep;
    const int n_steps = static_cast<int>(nets.size()) - 1;
    const int n1 = nets[0].layers[0].n_out();
    rep.neuron_translation.assign(static_cast<size_t>(n1), 0.0);
    rep.neuron_rotation.assign(static_cast<size_t>(n1), 0.0);
    BiasShiftReport::Layer L;
    L.layer = 1;
    for (int k = 0; k < n_steps; ++k) {
        const LineMotion m = line_motion(nets[k], nets[k + 1]);
        double t = 0, r = 0;
        for (int i = 0; i < n1; ++i) {
            t += m.translation[i], r += m.rotation[i];
            rep.neuron_translation[i] += m.translation[i];
            rep.neuron_rotation[i] += m.rotation[i];
        }
        L.bias.push_back(t);
        L.weight.push_back(r);
        const auto [null_shift, null_turn] = null_line_motion(nets[k], nets[k + 1]);
        L.share_null.push_back(null_shift + null_turn > 0 ? null_shift / (null_shift + null_turn) : 0.5);
    }
    const int n_early = std::max(1, n_steps / 10);
    double sb = 0, sw = 0, eb = 0, ew = 0;
    std::vector<double> motion;
    for (int k = 0; k < n_steps; ++k) {
        const double b = L.bias[k], w = L.weight[k];
        L.share.push_back(b + w > 0 ? b / (b + w) : 0.5);
        motion.push_back(b + w);
        sb += b, sw += w;
        if (k < n_early) eb += b, ew += w;
    }
    L.share_total = sb + sw > 0 ? sb / (sb + sw) : 0.5;
    L.share_early = eb + ew > 0 ? eb / (eb + ew) : 0.5;
    L.phases = bias_phases(L.share, motion, options, L.share_null);
    rep.layers.push_back(std::move(L));
    return rep;
}

std::vector<std::pair<int, int>> bias_phases(const std::vector<double>& share, const std::vector<double>& motion,
                                             const BiasShiftOptions& options, const std::vector<double>& share_null) {
    // Steps that barely move (below 1e-3 of the median motion) keep the current state; a phase starts at
    // share >= phase_share and ends below phase_share - 0.1 (hysteresis against threshold noise).
    std::vector<double> sorted = motion;
    double median = 0;
    if (!sorted.empty()) {
        std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
        median = sorted[sorted.size() / 2];
    }
    std::vector<std::pair<int, int>> phases;
    const int n = static_cast<int>(share.size());
    int start = -1, last = -1;
    auto close = [&] {
        if (start >= 0 && last - start + 1 >= options.min_phase_steps) phases.emplace_back(start, last);
        start = last = -1;
    };
    // The null: a step counts only when its share beats that of same-length steps in every direction by margin.
    auto beats = [&](int k, double slack) {
        const double null = share_null.empty() ? 0.0 : share_null[k];
        return share[k] >= options.phase_share - slack && share[k] - null >= options.margin - slack;
    };
    for (int k = 0; k < n; ++k) {
        if (motion[k] <= 1e-3 * median) continue;
        if (start < 0 && beats(k, 0)) start = last = k;
        else if (start >= 0 && beats(k, 0.1)) last = k;
        else if (start >= 0) close();
    }
    close();
    return phases;
}

}  // namespace ginn
