// Detectors of the behaviours the GINN report (sections 5-10) and Fishbein & Debata (section 7) found by eye:
// dead neurons, bias-before-weight shifts, critical points, copycats, indecisive neurons, symmetry, failure,
// region dynamics, margins and fragile points. Measured on recorded runs; not drawing (render.h) nor the viewer.
//
// Intended usage:
//   1. Run r = Run::open("runs/a");
//   2. AnalysisReport rep = analyze({&r}, AnalysisOptions{});     // geometry once per snapshot, shared by detectors
//   3. write analysis_to_json(rep) and analysis_html(rep); hand viewer_findings(rep) to the viewer
//      (ViewerOptions::findings), or let run_findings({&r}) analyse and summarise in one call.
// Every detector is also a plain function of networks, geometry and rasters (the "building blocks" below), so a
// hand-built case needs no Run. docs/analysis.md defines each detector, its thresholds and the JSON schema.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ginn/dataset.h"
#include "ginn/geometry.h"
#include "ginn/network.h"

namespace ginn {

class Run;

inline constexpr const char* analysis_format = "ginn-analysis";
inline constexpr int analysis_format_version = 1;

/// A hidden neuron, counted from 1 in both layer and index (as in geometry.h and the GINN figures).
struct NeuronId {
    int layer = 1;
    int index = 1;
    friend bool operator==(const NeuronId&, const NeuronId&) = default;
};

// ============================================================================================== options
// Lengths are fractions of the domain's scale s = max(width, height) unless stated otherwise.

struct DeadOptions {
    int min_stay = 3;  ///< a death (or a return) counts once the new state has held for this many snapshots
};
struct BiasShiftOptions {
    double rotation_radius = 0.5;  ///< rotation by dθ moves a line by dθ * rotation_radius * min(width, height)
    double phase_share = 0.75;     ///< bias share of a step at or above which bias motion dominates it
    int min_phase_steps = 3;       ///< shortest run of bias-dominated steps reported as a phase
};
struct CriticalOptions {
    double simplify = 0.01;        ///< Douglas-Peucker tolerance for the target outline
    double min_turn_degrees = 35;  ///< an outline vertex turning at least this much is a corner
    double merge = 0.03;           ///< corners closer than this merge into one (rounded corners)
    double radius = 0.02;          ///< r: a corner is reached when a geometry vertex lies within r
};
struct CopycatOptions {
    double max_disagreement = 0.02;  ///< fraction of grid points where on/off states differ (or agree, flipped)
    double max_distance = 0.02;      ///< symmetric mean distance between the two boundaries
    int min_stay = 3;                ///< a pair "became copies" when it then stayed copies this many snapshots
    double min_length = 0.1;         ///< both boundaries at least this long: two slivers across a corner are no copies
};
struct IndecisiveOptions {
    double late_fraction = 0.5;            ///< only steps whose start iteration >= late_fraction * last iteration
    double min_jump = 0.05;                ///< boundary moves at least this far (symmetric mean distance)
    double max_loss_change = 0.01;         ///< |loss(k+1) - loss(k)| <= this * loss(k) + 1e-4
    double max_prediction_change = 0.005;  ///< fraction of grid points whose predicted class changes
    int min_events = 1;                    ///< jumps needed to call the neuron indecisive
};
struct SymmetryOptions {
    double min_overlap = 0.5;  ///< candidate axes keep at least this fraction of columns mirrored inside the raster
};
struct FailureOptions {
    double min_component_fraction = 0.001;  ///< smaller target parts (fraction of grid pixels) are not reported
    double modelled_accuracy = 0.8;         ///< a part counts as modelled at a snapshot with this accuracy on it
};
struct RegionOptions {
    int every = 1;        ///< region polygons (for density) every k-th snapshot and the last; 0 = never
    double band = 0.05;   ///< "near the decision boundary": a region's centroid within this distance
};
struct MarginOptions {
    int n_closest = 20;        ///< training points with the smallest margins listed
    double epsilon = 0.01;     ///< report the fraction of points with |margin| below this
    bool per_point = false;    ///< include every point's margin in the JSON
};
enum class FragileMode { automatic, on, off };
struct FragileOptions {
    FragileMode mode = FragileMode::automatic;  ///< automatic: on when every training point has integer coordinates
    int64_t max_brute_force = int64_t{1} << 22; ///< integer points up to this count are all checked
    int max_listed = 1000;                      ///< fragile points listed in the report (all are counted)
};

struct AnalysisOptions {
    int grid = 0;                          ///< grid x grid pixel centres for approximate measures; 0 = the
                                           ///< dataset's own raster for square grid tasks up to 256, else 128
    int threads = 0;                       ///< worker threads over snapshots; 0 = hardware concurrency
    std::string viewer = "viewer.html";    ///< file name of the viewer in report links (VIEWER.html#run=..)
    DeadOptions dead;
    BiasShiftOptions bias;
    CriticalOptions critical;
    CopycatOptions copycat;
    IndecisiveOptions indecisive;
    SymmetryOptions symmetry;
    FailureOptions failure;
    RegionOptions regions;
    MarginOptions margins;
    FragileOptions fragile;
};

// ============================================================================================== report

/// A notable moment: what happened, to which neurons, at which snapshot (links into the viewer).
struct Event {
    int snapshot = 0;
    std::string kind;               ///< "died", "revived", "copycat", "indecisive", "bias_phase", "corner_reached", ...
    std::vector<NeuronId> neurons;
    std::string text;               ///< one readable line
};

enum class NeuronState : uint8_t { boundary = 0, dead = 1, always_on = 2 };

struct DeadReport {
    bool exact = true;                               ///< from exact geometry (false: smooth network)
    std::vector<std::vector<NeuronState>> state;     ///< [snapshot][neuron, layer by layer]
    std::vector<int> n_dead, n_always_on;            ///< per snapshot
    struct Neuron {
        NeuronId id;
        NeuronState final_state = NeuronState::boundary;
        int died_at = -1;         ///< snapshot where its last death began (-1: never died)
        int n_deaths = 0;
        bool came_back = false;   ///< alive again after a death
        std::vector<int> deaths, returns;  ///< snapshots where each counted death / return began
        double fraction_dead = 0, fraction_always_on = 0;
    };
    std::vector<Neuron> neurons;
};

struct BiasShiftReport {
    /// Per hidden layer; per step k (snapshot k -> k+1). Layer 1: translation vs rotation of lines;
    /// deeper layers: relative change of b against incoming W.
    struct Layer {
        int layer = 1;
        std::vector<double> bias, weight;   ///< per step: translation and rotation length (layer 1) or |db|/|b| and |dW|/|W|
        std::vector<double> share;          ///< bias / (bias + weight) per step (0.5 when both are 0)
        double share_total = 0;             ///< sum bias / sum (bias + weight) over all steps
        double share_early = 0;             ///< same over the first 10% of steps
        std::vector<std::pair<int, int>> phases;  ///< [first step, last step] runs with share >= phase_share
    };
    std::vector<Layer> layers;
    /// Layer 1, per neuron: total translation and rotation length over training.
    std::vector<double> neuron_translation, neuron_rotation;
};

struct Corner {
    double x = 0, y = 0;
    double turn_degrees = 0;
};
struct CriticalReport {
    std::vector<Corner> corners;              ///< target corners
    std::vector<std::vector<double>> distance;///< [snapshot][corner]: distance to the nearest geometry vertex
    std::vector<double> fraction_reached;     ///< per snapshot: corners with a vertex within r
    std::vector<int> first_reached;           ///< per corner: first snapshot from which it stays reached (-1: not at end)
};

struct CopycatPair {
    NeuronId a, b;
    bool flipped = false;       ///< copies with opposite on/off sides
    int since = -1;             ///< snapshot from which they stayed copies to the end (-1: not copies at the end)
    int first = -1;             ///< first snapshot they were copies
    double fraction = 0;        ///< fraction of snapshots they were copies
    double distance = 0, disagreement = 0;  ///< at the last snapshot they were copies
};
struct CopycatReport {
    std::vector<int> n_pairs;          ///< per snapshot
    std::vector<CopycatPair> pairs;    ///< every pair that was ever copies
};

struct IndecisiveJump {
    int step = 0;            ///< snapshot k -> k+1
    double jump = 0, loss_change = 0, prediction_change = 0;
};
struct IndecisiveNeuron {
    NeuronId id;
    std::vector<IndecisiveJump> jumps;
};
struct IndecisiveReport {
    int first_step = 0;                     ///< first late step considered
    std::vector<double> prediction_change;  ///< per step: fraction of grid points whose class changed
    std::vector<IndecisiveNeuron> neurons;
};

struct SymmetryReport {
    double axis_x = 0;                 ///< the target's best vertical mirror axis (domain x)
    double target_score = 0;           ///< agreement of the target with its mirror image about the axis
    std::vector<double> prediction;    ///< per snapshot: agreement of predicted classes with their mirror
    std::vector<std::vector<double>> boundary;  ///< [snapshot][layer, then decision boundary]: mirror distance
};

struct TargetPart {
    int label = 0;
    int n_pixels = 0;
    double cx = 0, cy = 0;                 ///< centroid (domain)
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0; ///< bounding box (domain)
    std::vector<double> accuracy;          ///< per snapshot
    int first_modelled = -1;               ///< first snapshot with accuracy >= modelled_accuracy
    bool modelled_at_end = false;
};
struct FailureReport {
    std::vector<double> accuracy;   ///< per snapshot, over the whole grid
    std::vector<TargetPart> parts;  ///< connected components of each colour, largest first
    int n_small_parts = 0;
};

struct RegionReport {
    std::vector<int64_t> activation, linear;       ///< per snapshot (exact networks; else zeros)
    std::vector<std::vector<int64_t>> per_layer;   ///< [snapshot][layer]
    /// Snapshots where region polygons were computed, and there the density (regions per unit area) of regions
    /// whose centroid lies within `band` of the decision boundary, and of the others.
    std::vector<int> density_snapshots;
    std::vector<double> density_near, density_far;
};

struct MarginReport {
    int snapshot = -1;                   ///< the snapshot measured (the last)
    int n_points = 0;
    double min = 0, median = 0, mean = 0;///< of |distance|
    double fraction_within_epsilon = 0;
    int n_misclassified = 0;
    std::vector<double> margin;          ///< per training point: distance, negative when misclassified (per_point)
    struct Point { int index = 0; double x = 0, y = 0, margin = 0; };
    std::vector<Point> closest;
};

struct FragilePoint { int x = 0, y = 0; int axis = 0; int delta = 1; };  ///< (x, y) flips when coord `axis` += delta
struct FragileReport {
    bool checked = false;
    bool brute_force = false;
    int64_t n_candidates = 0;            ///< integer points evaluated
    int64_t n_fragile = 0;               ///< integer points with a flipping neighbour
    std::vector<FragilePoint> points;    ///< up to max_listed, sorted by (y, x, axis, delta)
};

struct RunAnalysis {
    std::string name;                    ///< run directory (or in-memory name)
    std::string config_key;              ///< the config without its seed: runs with equal keys are compared
    uint64_t seed = 0;
    std::vector<NeuronId> neuron_ids;    ///< hidden neurons, layer by layer
    std::vector<int64_t> iterations;
    std::vector<double> loss, accuracy;  ///< recorded metrics per snapshot
    bool exact = true;
    DeadReport dead;
    BiasShiftReport bias;
    CriticalReport critical;
    CopycatReport copycat;
    IndecisiveReport indecisive;
    SymmetryReport symmetry;
    FailureReport failure;
    RegionReport regions;
    MarginReport margins;
    FragileReport fragile;
    std::vector<Event> events;           ///< sorted by snapshot
    double seconds = 0;                  ///< time spent analysing this run
};

struct AnalysisReport {
    AnalysisOptions options;
    std::vector<RunAnalysis> runs;
};

// ============================================================================================== entry points

/// Analyses each run (geometry computed once per snapshot, snapshots spread over threads).
/// Example: `Run r = Run::open("runs/a"); auto rep = analyze({&r}, {}); write(analysis_html(rep));`
AnalysisReport analyze(const std::vector<const Run*>& runs, const AnalysisOptions& options = {});
/// One run from plain data: networks per snapshot, their iterations and metrics, and the task's points.
RunAnalysis analyze_networks(const std::vector<Network>& nets, const std::vector<int64_t>& iterations,
                             const std::vector<double>& loss, const std::vector<double>& accuracy,
                             const Dataset& data, const AnalysisOptions& options, const std::string& name = "run");

/// The report as JSON: {"format": "ginn-analysis", "format_version": 1, "options", "runs": [...], "comparison"}.
nlohmann::json analysis_to_json(const AnalysisReport& report);
/// A self-contained HTML page: per run, each detector over training as an inline SVG, notable neurons and moments
/// with links `<viewer>#run=<r>&snapshot=<k>&neurons=L1:3,L2:5`; several runs of one config compared side by side.
std::string analysis_html(const AnalysisReport& report);
/// The compact findings the viewer embeds: {"format": "ginn-findings", "format_version": 1, "badges": {"L1:3":
/// ["dead", "copycat of L1:5", ...]}, "spans": {"L1:3": {"dead": [[first, last], ...], ...}}, "events":
/// [{"snapshot", "kind", "neurons", "text"}], "regions": {...}}. `spans` says at which snapshots each badge holds.
nlohmann::json viewer_findings(const RunAnalysis& run);
/// viewer_findings of every run in a report, in its order: hand them to ViewerOptions::findings (viewer.h).
std::vector<nlohmann::json> viewer_findings(const AnalysisReport& report);
/// Analyses the runs once and returns their viewer findings (region polygons skipped: the findings carry no
/// densities). Example: `write_viewer({&r}, "ginn.html", {.findings = run_findings({&r})});`
std::vector<nlohmann::json> run_findings(const std::vector<const Run*>& runs, const AnalysisOptions& options = {});
/// "L2:5" for layer 2, neuron 5.
std::string neuron_label(const NeuronId& id);
/// The viewer link fragment "run=<r>&snapshot=<k>&neurons=L1:3,L2:5" (without the file name and '#').
std::string viewer_fragment(int run, int snapshot, const std::vector<NeuronId>& neurons);

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
