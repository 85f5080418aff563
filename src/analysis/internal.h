// Shared internals of the analysis sources: segment distances, the sampling grid and the per-snapshot pass.
// Not public API: include/ginn/analysis/analysis.h is the contract.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ginn/analysis/analysis.h"

namespace ginn::detail {

struct Segment {
    double ax, ay, bx, by;
};
double point_segment_distance(double px, double py, const Segment& s);
std::vector<Segment> polyline_segments(const std::vector<Polyline>& polylines);

/// Nearest-segment queries through a uniform grid of buckets (ring search).
class SegmentIndex {
public:
    explicit SegmentIndex(std::vector<Segment> segments);
    /// Distance from (px, py) to the nearest segment (its index in *which); +inf without segments.
    double distance(double px, double py, int* which = nullptr) const;

private:
    int cell_x(double x) const;
    int cell_y(double y) const;
    std::vector<Segment> segs_;
    double x0_ = 0, y0_ = 0, cell_ = 1;
    int n_ = 0;
    std::vector<std::vector<int>> cells_;  // n_ * n_ buckets of segment indices
};

std::vector<Eigen::Vector2d> sample_polylines(const std::vector<Polyline>& polylines, int n);
double mean_distance(const std::vector<Eigen::Vector2d>& points, const SegmentIndex& index);
/// max(width, height): the unit of the options' lengths.
double domain_scale(const Box& d);

// ============================================================================================== per-snapshot pass
// (snapshot.cpp)

/// One target part: a connected component of one colour of the target raster.
struct Part {
    TargetPart info;
    std::vector<int> pixels;
    std::vector<int> ring;  // other-label pixels within failure.ring of it
};

/// Everything the per-snapshot pass produces (geometry kept without region polygons).
struct SnapshotWork {
    Geometry g;
    std::vector<NeuronState> states;
    std::vector<uint8_t> cls;          // predicted class per grid point
    std::vector<double> corner_dist;
    std::vector<std::vector<double>> null_dist;  // per null shift: corner_dist of the shifted corners
    std::vector<double> active, on_outline;     // per neuron: active fraction of the grid; share of its boundary on
                                                // the target's outline (within critical.radius)
    std::vector<int> feature;                   // per neuron: the target feature its boundary tracks (-1: none)
    struct Copy { int a, b; bool flipped; double disagreement, distance; };
    std::vector<Copy> copies;
    double sym_prediction = 0;
    std::vector<double> sym_boundary;  // per layer, then decision boundary
    double accuracy = 0;
    std::vector<double> part_accuracy, part_score;  // per part: accuracy on it, balanced accuracy with its ring
    bool has_density = false;
    double density_near = 0, density_far = 0;
};

/// What every snapshot's pass needs from the task.
struct Context {
    const AnalysisOptions* options = nullptr;
    Box domain;
    double scale = 1;
    int G = 0;
    Eigen::MatrixXd X;                  // #G^2 by 2 grid points
    std::vector<int32_t> raster;        // target labels at the grid points
    std::vector<std::string> class_names;  // the task's (Dataset::class_names; empty when it has none)
    std::vector<Corner> corners;
    std::vector<std::vector<Corner>> null_corners;  // the corners shifted by +-null_shift in x and y
    int axis_k = 0;                     // mirror: grid column c <-> axis_k - 1 - c
    double axis_x = 0, axis_score = 0;
    std::vector<Part> parts;
    bool has_parts = true;
    std::shared_ptr<const SegmentIndex> outline;  // the target's outline (marching squares), for neuron roles
    std::vector<TargetFeature> features;          // its edges (cut at the corners), then the corners
    std::vector<int> segment_edge;                // per outline segment: its edge
    std::vector<double> edge_length;              // per edge
    std::vector<int> layer_start;       // flat index of each hidden layer's first neuron (+ total at the end)
};

/// The task's context (grid, target raster, corners, mirror axis, parts) from the first network and the dataset.
Context make_context(const Network& net0, const Dataset& data, const AnalysisOptions& options);
/// Geometry, grid forward pass and every per-snapshot measure of one network (region polygons only if with_regions).
SnapshotWork analyse_snapshot(const Network& net, const Context& ctx, bool with_regions);

// ============================================================================================== timelines
// (findings.cpp) Each fills its part of the run's report from the per-snapshot work and adds its events.

void add_event(RunAnalysis& r, int snapshot, std::string kind, std::vector<NeuronId> neurons, std::string text);
/// A sweep whose detector names its findings: per value how many, the findings made at every value
/// (stable_findings) and at some only; stable when the named sets agree.
ThresholdSweep named_sweep(std::string detector, std::string parameter, const std::vector<double>& values,
                           const std::function<std::vector<std::string>(double)>& find);
/// printf("%.*g"): short numbers for event texts.
std::string fmt(double v, int digits = 3);
/// Whether every hidden neuron outputs exactly 0 below zero (ReLU, or leaky ReLU / PReLU with slope 0), so that a
/// neuron without a sign change in the domain is dead. Any other activation passes a signal below zero.
bool hidden_neurons_can_die(const Network& net);
void find_dead(RunAnalysis& r, const std::vector<SnapshotWork>& work, const AnalysisOptions& o, bool can_die);
void find_bias_phases(RunAnalysis& r, const std::vector<Network>& nets, const AnalysisOptions& o);
void find_corners(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o);
void find_copycats(RunAnalysis& r, const std::vector<SnapshotWork>& work, const AnalysisOptions& o);
void find_indecisive(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o);
void find_symmetry(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o);
void find_failure(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx, const AnalysisOptions& o);
void find_loss_drops(RunAnalysis& r, const AnalysisOptions& o);

// (roles.cpp)
/// The outline cut at the corners (each at its nearest outline vertex within `merge`) into edges "edge 1", ...,
/// then the corners "corner 1", ... (features' corner_a / corner_b index into the same list).
std::vector<TargetFeature> target_features(const std::vector<Polyline>& outline, const std::vector<Corner>& corners,
                                           double merge);
/// Share of the boundary samples on the outline and the feature the boundary tracks (-1: none; roles options).
std::pair<double, int> tracked_feature(const std::vector<Eigen::Vector2d>& samples, double boundary_length,
                                       const Context& ctx);
void find_roles(RunAnalysis& r, const std::vector<SnapshotWork>& work, const std::vector<Network>& nets,
                const Context& ctx, const AnalysisOptions& o);
/// For each part unmodelled at the end: the three neurons that came nearest to its outline and where they went
/// (needs r.failure, r.dead and r.roles).
void find_nearest_to_parts(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx,
                           const AnalysisOptions& o);

// ============================================================================================== pictures
// (pictures.cpp) Small inline SVGs for the HTML report.

struct PictureCurve {
    std::vector<Polyline> polylines;
    std::string colour;
    bool dashed = false;
};
/// The run's target outline as an SVG symbol "target<run>", once per run section.
std::string picture_defs(const RunAnalysis& r, int run);
/// A 120 px picture of the domain: the target's outline, `part` highlighted (if any), `feature` (an edge or corner,
/// -1: none) in orange, and the curves on top.
std::string picture(const RunAnalysis& r, int run, const std::vector<PictureCurve>& curves, const TargetPart* part,
                    int feature, const std::string& title);
/// (class_outputs.cpp) Dormant outputs over training and people's labels against S1's rule.
void find_class_outputs(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Network& net0, const Dataset& data,
                        const AnalysisOptions& o);
/// {"dormant": ..., "human_rule": ...} of a run's report.
nlohmann::json class_outputs_json(const RunAnalysis& r);
/// The report page's items for dormant outputs, flips by class pair (with a map) and people against the rule.
std::string class_outputs_html(const RunAnalysis& r);

}  // namespace ginn::detail
