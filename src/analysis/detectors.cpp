// Detectors over sequences of plain data: neuron states and deaths, bias-versus-weight motion.
// Not the driver that computes geometry per snapshot (analysis.cpp) nor the output formats.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "analysis/internal.h"
#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"

namespace ginn {

// ---------------------------------------------------------------------------------------------- dead neurons

std::vector<NeuronState> neuron_states(const Network& net, const Geometry& g) {
    const int n = net.n_neurons();
    GINN_ASSERT(static_cast<int>(g.neurons.size()) == n);
    // A neuron without a zero set in the domain has one sign there: read it at the domain's centre.
    Eigen::MatrixXd centre(1, 2);
    centre << 0.5 * (net.domain.x0 + net.domain.x1), 0.5 * (net.domain.y0 + net.domain.y1);
    std::vector<Eigen::MatrixXd> pre;
    forward(net, centre, &pre);
    std::vector<NeuronState> out(static_cast<size_t>(n));
    int flat = 0;
    for (size_t l = 0; l < pre.size(); ++l)
        for (Eigen::Index i = 0; i < pre[l].cols(); ++i, ++flat) {
            if (!g.neurons[static_cast<size_t>(flat)].polylines.empty()) out[flat] = NeuronState::boundary;
            else out[flat] = pre[l](0, i) > 0 ? NeuronState::always_on : NeuronState::dead;
        }
    return out;
}

DeadReport dead_timeline(std::vector<std::vector<NeuronState>> states, const std::vector<NeuronId>& ids,
                         const DeadOptions& options) {
    DeadReport rep;
    const int n_snap = static_cast<int>(states.size());
    for (const auto& s : states) {
        GINN_ASSERT(s.size() == ids.size());
        rep.n_dead.push_back(static_cast<int>(std::count(s.begin(), s.end(), NeuronState::dead)));
        rep.n_always_on.push_back(static_cast<int>(std::count(s.begin(), s.end(), NeuronState::always_on)));
    }
    for (size_t n = 0; n < ids.size(); ++n) {
        DeadReport::Neuron r;
        r.id = ids[n];
        if (n_snap == 0) {
            rep.neurons.push_back(r);
            continue;
        }
        r.final_state = states.back()[n];
        // Runs of equal "dead" flags; a run counts when it lasts min_stay snapshots or reaches the end.
        int k = 0;
        bool was_dead = false;  // a counted death happened before the current run
        while (k < n_snap) {
            const bool dead = states[k][n] == NeuronState::dead;
            int e = k;
            while (e < n_snap && (states[e][n] == NeuronState::dead) == dead) ++e;
            const bool counts = e - k >= options.min_stay || e == n_snap;
            if (dead && counts) {
                ++r.n_deaths;
                r.died_at = k;
                r.deaths.push_back(k);
                was_dead = true;
            } else if (!dead && counts && was_dead) {
                r.came_back = true;
                r.returns.push_back(k);
            }
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

LineMotion line_motion(const Network& a, const Network& b) {
    GINN_ASSERT(!a.layers.empty() && a.layers[0].W.rows() == b.layers[0].W.rows());
    const Eigen::Vector2d centre(0.5 * (a.domain.x0 + a.domain.x1), 0.5 * (a.domain.y0 + a.domain.y1));
    const auto& A = a.layers[0];
    const auto& B = b.layers[0];
    LineMotion m;
    for (Eigen::Index i = 0; i < A.W.rows(); ++i) {
        const Eigen::Vector2d wa = A.W.row(i).transpose(), wb = B.W.row(i).transpose();
        if (wa.norm() == 0 || wb.norm() == 0) {  // no line: nothing to translate or rotate
            m.translation.push_back(0);
            m.rotation.push_back(0);
            continue;
        }
        // Signed distance of the centre from the normalised line w.x + b = 0, and the normal's angle.
        const double da = (wa.dot(centre) + A.b(i)) / wa.norm(), db = (wb.dot(centre) + B.b(i)) / wb.norm();
        double dtheta = std::atan2(wb.y(), wb.x()) - std::atan2(wa.y(), wa.x());
        dtheta = std::remainder(dtheta, 2 * std::numbers::pi);  // wrapped to [-pi, pi]
        m.translation.push_back(std::abs(db - da));
        m.rotation.push_back(std::abs(dtheta));
    }
    return m;
}

std::vector<std::pair<double, double>> relative_changes(const Network& a, const Network& b) {
    GINN_ASSERT(a.layers.size() == b.layers.size());
    std::vector<std::pair<double, double>> out;
    for (int l = 0; l < a.n_hidden_layers(); ++l) {
        const auto& A = a.layers[l];
        const auto& B = b.layers[l];
        // Relative to the larger of the two norms, so a zero-initialised bias gives a bounded ratio.
        const double nb = std::max(A.b.norm(), B.b.norm()), nw = std::max(A.W.norm(), B.W.norm());
        out.emplace_back(nb > 0 ? (B.b - A.b).norm() / nb : 0.0, nw > 0 ? (B.W - A.W).norm() / nw : 0.0);
    }
    return out;
}

BiasShiftReport bias_shifts(const std::vector<Network>& nets, const BiasShiftOptions& options) {
    BiasShiftReport rep;
    if (nets.empty()) return rep;
    const int n_layers = nets[0].n_hidden_layers();
    const int n_steps = static_cast<int>(nets.size()) - 1;
    const Box& d = nets[0].domain;
    const double radius = options.rotation_radius * std::min(d.width(), d.height());
    rep.layers.resize(static_cast<size_t>(n_layers));
    const int n1 = n_layers > 0 ? nets[0].layers[0].n_out() : 0;
    rep.neuron_translation.assign(static_cast<size_t>(n1), 0.0);
    rep.neuron_rotation.assign(static_cast<size_t>(n1), 0.0);
    for (int l = 0; l < n_layers; ++l) rep.layers[l].layer = l + 1;
    for (int k = 0; k < n_steps; ++k) {
        if (n_layers == 0) break;
        const LineMotion m = line_motion(nets[k], nets[k + 1]);
        double t = 0, r = 0;
        for (int i = 0; i < n1; ++i) {
            t += m.translation[i];
            r += m.rotation[i] * radius;
            rep.neuron_translation[i] += m.translation[i];
            rep.neuron_rotation[i] += m.rotation[i] * radius;
        }
        rep.layers[0].bias.push_back(t);
        rep.layers[0].weight.push_back(r);
        const auto rel = relative_changes(nets[k], nets[k + 1]);
        for (int l = 1; l < n_layers; ++l) {
            rep.layers[l].bias.push_back(rel[l].first);
            rep.layers[l].weight.push_back(rel[l].second);
        }
    }
    const int n_early = std::max(1, n_steps / 10);
    for (auto& L : rep.layers) {
        double sb = 0, sw = 0, eb = 0, ew = 0;
        for (int k = 0; k < n_steps; ++k) {
            const double b = L.bias[k], w = L.weight[k];
            L.share.push_back(b + w > 0 ? b / (b + w) : 0.5);
            sb += b, sw += w;
            if (k < n_early) eb += b, ew += w;
        }
        L.share_total = sb + sw > 0 ? sb / (sb + sw) : 0.5;
        L.share_early = eb + ew > 0 ? eb / (eb + ew) : 0.5;
        for (int k = 0; k < n_steps;) {
            if (L.share[k] < options.phase_share) {
                ++k;
                continue;
            }
            int e = k;
            while (e < n_steps && L.share[e] >= options.phase_share) ++e;
            if (e - k >= options.min_phase_steps) L.phases.emplace_back(k, e - 1);
            k = e;
        }
    }
    return rep;
}

}  // namespace ginn
