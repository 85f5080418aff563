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
/// Exact for piecewise-linear networks (a neuron without a zero set in the domain has one sign there). A boundary
/// shorter than min_length (domain units) is a sliver: the neuron takes the majority sign over the domain.
std::vector<NeuronState> neuron_states(const Network& net, const Geometry& g, double min_length = 0);
/// Deaths and returns over training from per-snapshot states and their iterations (empty: 0, 1, 2, ...).
DeadReport dead_timeline(std::vector<std::vector<NeuronState>> states, const std::vector<NeuronId>& ids,
                         const DeadOptions& options, std::vector<int64_t> iterations = {});

/// Layer-1 line motion from a to b (same shapes), parametrisation-free (rescaling w and b together moves
/// nothing): per neuron, the signed distance from the line's in-domain segment to the other line is linear along
/// it; `translation` is its mean (the parallel shift), `rotation` the mean deviation from that (the turn), both
/// in domain units and averaged over both directions (a -> b and b -> a).
struct LineMotion { std::vector<double> translation, rotation; };
LineMotion line_motion(const Network& a, const Network& b);
/// Bias-shift report (layer 1) from a sequence of networks.
BiasShiftReport bias_shifts(const std::vector<Network>& nets, const BiasShiftOptions& options);
/// The null of one step's layer-1 motion: {shift, turn} summed over the neurons when each neuron's parameter step
/// (dw_x, dw_y, db) keeps its length but points in each of eight fixed directions spread over the sphere.
std::pair<double, double> null_line_motion(const Network& a, const Network& b);
/// Bias-dominated phases from per-step shares, motions and null shares (empty: no null; see
/// BiasShiftReport::Layer::phases).
std::vector<std::pair<int, int>> bias_phases(const std::vector<double>& share, const std::vector<double>& motion,
                                             const BiasShiftOptions& options, const std::vector<double>& share_null = {});

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
/// pair_steps counts the unit steps whose ends are predicted as different classes, per class pair.
FragileReport fragile_points(const Network& net, const Geometry& g, bool brute_force, int max_listed = 1000);

/// Share of the points of a predicted-class raster in each class 0..n_classes-1.
std::vector<double> class_shares(const std::vector<uint8_t>& cls, int n_classes);
/// Dormant outputs from the per-snapshot class shares ([snapshot][class]) and the data's labels (which classes it has).
DormantReport dormant_outputs(const std::vector<std::vector<double>>& shares, const Dataset& data, double threshold);
/// Whether a dataset holds people's pixel-pair answers: classes named white, black, grey, every point an integer
/// pair in 0..255, and not one of the rule-made tasks s1-s3 (S4 from the annotation tool, or its CSV).
bool is_pixel_pair_answers(const Dataset& data);
/// People's answers against S1's rule with `margin`; unchecked (checked = false) unless is_pixel_pair_answers(data).
HumanRuleReport human_vs_rule(const Dataset& data, int margin, int max_listed = 1000);

}  // namespace ginn
