// The geometry of a 2-D-input network: where each hidden neuron switches on and off, where the decision boundary
// lies, and how the domain is cut into activation and linear regions. Exact (double precision, from the weights)
// for piecewise-linear networks; approximate (marching squares refined by bisection) for smooth activations,
// and marked so. Plain data out: figures (render.h), the viewer and analysis all consume these structs.
//
// Intended usage:
//   1. Network net = run.network(k);                     // or load_network_json(path)
//   2. Geometry g = compute_geometry(net);                // add {.regions = true} for each region's polygon
//   3. draw g.neurons[i].polylines and g.decision_boundary; read g.counts.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "ginn/model/network.h"

namespace ginn {

/// A polyline in domain coordinates, #points by 2 (closed loops repeat their first point at the end).
using Polyline = Eigen::Matrix<double, Eigen::Dynamic, 2>;

/// The zero set of one hidden neuron's pre-activation inside the domain.
struct NeuronBoundary {
    int layer = 1;   ///< hidden layer, counted from 1 as in the GINN figures
    int index = 1;   ///< neuron within the layer, counted from 1
    std::vector<Polyline> polylines;
};

/// One activation region (a face of the partition) with its pattern and output map.
struct Region {
    Polyline polygon;              ///< boundary, counter-clockwise, first point not repeated
    std::vector<uint8_t> pattern;  ///< one entry per hidden neuron (layer by layer): 1 active (z > 0), 0 not
    Eigen::MatrixXd A;             // (n_out, 2): on this region the logits are A * (x, y) + c
    Eigen::VectorXd c;             // (n_out)
    int linear_id = 0;             ///< regions with equal linear_id form one linear region
    double area = 0;
};

struct RegionCounts {
    int64_t activation = 0;           ///< faces of the full partition (all hidden layers)
    int64_t linear = 0;               ///< after merging adjacent faces whose output maps are equal
    std::vector<int64_t> per_layer;   ///< faces of the partition by layers 1..l, for l = 1..n_hidden
};

struct Geometry {
    bool exact = true;                       ///< false for smooth activations (grid + bisection approximation)
    Box domain;
    std::vector<NeuronBoundary> neurons;     ///< every hidden neuron, layer by layer
    std::vector<Polyline> decision_boundary; ///< two classes: decision value 0; k classes: where the argmax changes
    RegionCounts counts;                     ///< exact networks only (zeros when exact is false)
    Eigen::Matrix<double, Eigen::Dynamic, 2> vertices;  // #V by 2: interior points where two or more boundaries meet or bend
    std::vector<Region> regions;             ///< filled when GeometryOptions::regions is set (exact networks only)
    int64_t n_decisions = 0;        ///< exact networks, diagnostic: sign and equality decisions made
    int64_t n_exact_decisions = 0;  ///< of those (and of vertex placements), how many needed GMP rationals
};

/// Bounds on GeometryOptions::grid for smooth networks, checked by compute_geometry: 2..max_smooth_grid cells per
/// side, and (grid + 1)^2 x (neurons + 1) labels at most max_smooth_grid_labels, which keeps memory near 1 GB and
/// time within seconds (a 6 x 64 tanh network: grid <= 294; a 16-16-16 one: grid <= 719).
inline constexpr int max_smooth_grid = 1024;
inline constexpr int64_t max_smooth_grid_labels = int64_t{1} << 25;
/// The largest grid compute_geometry accepts for a smooth network with `n_neurons` neurons.
int max_smooth_grid_for(int n_neurons);

struct GeometryOptions {
    bool regions = false;      ///< fill Geometry::regions with every region's polygon, pattern and map
    int grid = 256;            ///< smooth networks: marching-squares grid cells per side (see max_smooth_grid)
    double tolerance = 1e-6;   ///< smooth networks: bisection tolerance, relative to the domain size
};

/// Computes the geometry of a network with 2 inputs. Throws Error if the network does not have 2 inputs.
/// Example: `Geometry g = compute_geometry(net); std::cout << g.counts.activation;`
Geometry compute_geometry(const Network& net, const GeometryOptions& options = {});

/// The geometry of many networks (the snapshots of a run) on `threads` threads (0: every core); out[k] is nets[k]'s.
std::vector<Geometry> compute_geometries(const std::vector<Network>& nets, const GeometryOptions& options = {},
                                         int threads = 0);

/// The JSON that `ginn geometry` writes (docs/geometry-format.md): {"exact", "domain", "neurons": [{"layer", "index",
/// "polylines"}], "decision_boundary", "regions": {"activation", "linear", "per_layer"}} and, with regions set,
/// "regions"."list": [{"polygon", "pattern", "linear_id"}].
nlohmann::json geometry_to_json(const Geometry& g, bool with_regions);

}  // namespace ginn
