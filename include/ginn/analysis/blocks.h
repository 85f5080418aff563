// The analysis' building blocks: plain functions of networks, geometry and rasters that analyze() drives, usable
// on hand-built cases without a Run. Not the driver (analysis.h) nor the report types (report.h).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "ginn/analysis/options.h"
#include "ginn/analysis/report.h"
#include "ginn/data/dataset.h"
#include "ginn/geometry/geometry.h"
#include "ginn/model/network.h"

namespace ginn {

// ============================================================================================== building blocks
// Plain functions of networks, geometry and rasters; analyze() drives them. Useful for hand-built cases.

/// Each hidden neuron's state over the domain: boundary inside it, dead (z <= 0 everywhere), always on (z > 0).
/// Exact for piecewise-linear networks (a neuron without a zero set in the domain has one sign there).
std::vector<NeuronState> neuron_states(const Network& net, const Geometry& g);
/// Deaths and returns over training from per-snapshot states.
DeadReport dead_timeline(std::vector<std::vector<NeuronState>> states, const std::vector<NeuronId>& ids,
                         const DeadOptions& options);

/// Layer-1 line motion from a to b (same shapes): per neuron, translation |d_b - d_a| of the signed distance of the
/// domain centre from the normalised line w.x + b = 0, and rotation |angle change| (radians, in [0, pi]).
struct LineMotion { std::vector<double> translation, rotation; };
LineMotion line_motion(const Network& a, const Network& b);
/// Per hidden layer l (0-based) of a -> b: {||db|| / ||b||, ||dW||_F / ||W||_F} (norms of the previous network).
std::vector<std::pair<double, double>> relative_changes(const Network& a, const Network& b);
/// Bias-shift report from a sequence of networks.
BiasShiftReport bias_shifts(const std::vector<Network>& nets, const BiasShiftOptions& options);

/// Corners of the target: marching squares on the label raster (row-major from the top, w x h over `domain`),
/// Douglas-Peucker simplification, vertices turning >= min_turn_degrees, nearby corners merged.
std::vector<Corner> target_corners(const std::vector<int32_t>& raster, int w, int h, const Box& domain,
                                   const CriticalOptions& options);
/// The target outline as polylines (marching squares at the pixel centres, before simplification).
std::vector<Polyline> target_outline(const std::vector<int32_t>& raster, int w, int h, const Box& domain);
/// Distance from each corner to the nearest of the given vertices (#V by 2); +inf without vertices.
std::vector<double> corner_distances(const std::vector<Corner>& corners,
                                     const Eigen::Matrix<double, Eigen::Dynamic, 2>& vertices);

/// Total length of a set of polylines.
double polyline_set_length(const std::vector<Polyline>& polylines);
/// Symmetric mean distance between two polyline sets: the mean over points sampled along A of the distance to B,
/// and vice versa, averaged. +inf when exactly one set is empty, 0 when both are.
double polyline_set_distance(const std::vector<Polyline>& a, const std::vector<Polyline>& b);
/// Distance from each point (#points by 2) to the nearest segment of the polylines (+inf without segments).
Eigen::VectorXd distance_to_polylines(const Eigen::MatrixXd& points, const std::vector<Polyline>& polylines);

/// The vertical axis (domain x) about which the raster best mirrors onto itself, and that agreement (0..1).
std::pair<double, double> mirror_axis(const std::vector<int32_t>& raster, int w, int h, const Box& domain,
                                      const SymmetryOptions& options);
/// Polylines mirrored about x = axis_x.
std::vector<Polyline> mirror_polylines(const std::vector<Polyline>& polylines, double axis_x);

/// 4-connected components of equal labels in a raster; component id per pixel and the number of components.
std::vector<int> label_components(const std::vector<int32_t>& raster, int w, int h, int* n_components);

/// Distances from points to the decision boundary, negative where the predicted class differs from `labels`.
Eigen::VectorXd signed_margins(const Network& net, const Geometry& g, const Eigen::MatrixXd& points,
                               const std::vector<int32_t>& labels);
/// Integer points (x, y) in the box whose predicted class differs from that at (x +- 1, y) or (x, y +- 1).
/// brute_force checks every integer point; otherwise only those within distance 1.5 of the decision boundary
/// (exact for piecewise-linear networks: a class change along a unit step crosses the boundary).
FragileReport fragile_points(const Network& net, const Geometry& g, bool brute_force, int max_listed = 1000);

}  // namespace ginn
