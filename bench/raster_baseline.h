// The baseline the geometry benchmarks compare against: GINN's own method. Every neuron (and the decision value) is
// evaluated on an n x n pixel grid, and a pixel is marked where its on/off state differs from its right or lower
// neighbour's. Shared by geometry_bench and run_geometry_bench; not part of ginn.
#pragma once

#include <cstdint>
#include <vector>

#include "ginn/data/dataset.h"
#include "ginn/model/network.h"

namespace bench {

/// Number of marked (pixel, neuron) pairs, so the work cannot be optimised away.
inline int64_t ginn_raster_baseline(const ginn::Network& net, int n) {
    std::vector<Eigen::MatrixXd> pre;  // per layer: #pixels by n_out
    const Eigen::VectorXd decision = [&] {
        const Eigen::MatrixXd Z = ginn::forward(net, ginn::pixel_centres(net.domain, n, n), &pre);
        return Eigen::VectorXd(Z.cols() == 2 ? Eigen::VectorXd(Z.col(1) - Z.col(0)) : Eigen::VectorXd(Z.col(0)));
    }();
    pre.push_back(decision);
    int64_t marked = 0;
    for (const auto& P : pre)
        for (Eigen::Index k = 0; k < P.cols(); ++k)
            for (int r = 0; r < n; ++r)
                for (int c = 0; c < n; ++c) {
                    const bool on = P(r * n + c, k) > 0;
                    marked += (c + 1 < n && on != (P(r * n + c + 1, k) > 0)) || (r + 1 < n && on != (P((r + 1) * n + c, k) > 0));
                }
    return marked;
}

}  // namespace bench
