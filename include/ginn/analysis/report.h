// What the analysis finds: one report struct per detector, the events, and a run's and a study's whole report.
// Plain data; not how it is computed (analysis.h) nor written (analysis_to_json, analysis_html).
#pragma once

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ginn/analysis/options.h"
#include "ginn/data/dataset.h"
#include "ginn/geometry/geometry.h"

namespace ginn {

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
    /// ReLU neurons die (output and gradient 0 where z <= 0); for every other activation a neuron without a sign
    /// change in the domain still passes a signal, and the report says "no sign change" instead of "dead".
    bool can_die = true;
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
    /// Layer 1 only (deeper layers have no parametrisation-free split of bias and weight motion); per step k
    /// (snapshot k -> k+1): how far the lines move inside the domain, split into the parallel shift (what a bias
    /// change does) and the turn about the segment's middle (what a weight-direction change does).
    struct Layer {
        int layer = 1;
        std::vector<double> bias, weight;   ///< per step: shift and turn motion summed over the layer's lines
        std::vector<double> share;          ///< bias / (bias + weight) per step (0.5 when both are 0)
        /// The null per step: the share when every neuron's step (dw_x, dw_y, db) keeps its length but points in
        /// eight fixed directions spread over the sphere; a random step already shifts more than it turns.
        std::vector<double> share_null;
        double share_total = 0;             ///< sum bias / sum (bias + weight) over all steps
        double share_early = 0;             ///< same over the first 10% of steps
        std::vector<std::pair<int, int>> phases;  ///< [first step, last step]: entered at share >= phase_share and
                                                  ///< share - share_null >= margin, left when either falls 0.1 below
                                                  ///< (steps without motion keep the state)
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
    /// The null: the same vertices scored against the corners shifted by +-null_shift in x and in y (mean of the
    /// four shifts); the event fires only where fraction_reached - null_reached >= margin.
    std::vector<double> null_reached;
    int beats_null_from = -1;                 ///< first snapshot from which the real score beats the null to the end
};

struct CopycatPair {
    NeuronId a, b;
    bool flipped = false;       ///< copies with opposite on/off sides
    int since = -1;             ///< snapshot from which they stayed copies to the end (-1: not copies at the end)
    int first = -1;             ///< first snapshot they were copies
    double fraction = 0;        ///< fraction of snapshots they were copies
    double distance = 0, disagreement = 0;  ///< at the last snapshot they were copies
};
/// Neurons that trace one boundary with the same active side at the end: every pair in it is a copy.
struct CopycatGroup {
    std::vector<NeuronId> neurons;
    int since = -1;                    ///< snapshot from which all of its pairs stayed copies
};
struct CopycatReport {
    std::vector<int> n_pairs;          ///< per snapshot: same-side copy pairs
    std::vector<CopycatPair> pairs;    ///< every same-side pair that was ever copies for a while
    std::vector<CopycatPair> complementary;  ///< same line, opposite active sides (ReLU(z) and ReLU(-z)): not copies
    std::vector<CopycatGroup> groups;  ///< copies at the end, as groups
};

struct IndecisiveJump {
    int step = 0;            ///< snapshot k -> k+1
    double jump = 0;         ///< mean distance moved times min(1, boundary length), domain units
    double loss_change = 0, prediction_change = 0;
    bool returns = false;    ///< lands back near where an earlier jump of this neuron started
};
struct IndecisiveNeuron {
    NeuronId id;
    std::vector<IndecisiveJump> jumps;
    int n_returns = 0;       ///< jumps back to an earlier state: the back-and-forth that makes it indecisive
};
struct IndecisiveReport {
    int first_step = 0;                     ///< first late step considered
    std::vector<double> prediction_change;  ///< per step: fraction of grid points whose class changed
    std::vector<IndecisiveNeuron> neurons;
};

struct SymmetryReport {
    double axis_x = 0;                 ///< the target's best vertical mirror axis (domain x)
    double target_score = 0;           ///< agreement of the target with its mirror image about the axis
    double target_null = 0;            ///< the chance agreement with the same class balance (sum of p_c^2)
    /// (target_score - target_null) / (1 - target_null) >= 1 - margin: the agreement beyond chance is nearly all
    /// there could be (Cohen's kappa of the target against its mirror)
    bool target_symmetric = false;
    std::vector<double> prediction;    ///< per snapshot: agreement of predicted classes with their mirror
    std::vector<std::vector<double>> boundary;  ///< [snapshot][layer, then decision boundary]: mirror distance (NaN: no boundary)
};

struct TargetPart {
    int label = 0;
    int n_pixels = 0;
    double cx = 0, cy = 0;                 ///< centroid (domain)
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0; ///< bounding box (domain)
    std::vector<double> accuracy;          ///< per snapshot, on the part's own pixels
    /// Per snapshot: balanced accuracy over the part and its surroundings (the other-label pixels within
    /// failure.ring); a constant prediction scores at most 0.5 on every part.
    std::vector<double> score;
    int first_modelled = -1;               ///< first snapshot with score >= 0.5 + margin
    int modelled_since = -1;               ///< snapshot from which it stayed modelled to the end (-1: not at end)
    bool modelled_at_end = false;
    /// For a part not modelled at the end (GINN section 10): the three neurons whose boundaries came nearest to the
    /// part at any snapshot, boundary to boundary (*grid*: the mean distance of the nearest quarter of 64 points
    /// spread by arc length along the neuron's boundary to the centres of the part's border pixels), and their
    /// distances at the end and at snapshot 0 (+inf: no boundary).
    std::vector<NeuronId> nearest;
    std::vector<double> nearest_end, nearest_start;
    std::vector<int> nearest_at;                      ///< per nearest neuron: the snapshot where it came nearest
    std::vector<std::vector<double>> nearest_distance;///< [nearest neuron][snapshot] (+inf: no boundary)
    std::vector<std::string> nearest_went;            ///< per nearest neuron: where it ended ("tracks edge 3", "dead", ...)
    /// Their boundaries when nearest and at the end (for the report's pictures).
    std::vector<std::vector<Polyline>> nearest_then_boundary, nearest_end_boundary;
    std::vector<std::array<int, 3>> rows;  ///< its pixels as runs {row, first column, last column} of the grid
    int grid = 0;                          ///< the grid's side
};
struct FailureReport {
    bool has_parts = true;          ///< false for regression runs: no classes, no parts
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
    /// Unit steps between neighbouring integer points (each counted once) whose predicted classes differ, by class
    /// pair: pair_steps[a][b] for a < b (n_outputs x n_outputs, the rest 0).
    std::vector<std::vector<int64_t>> pair_steps;
};

/// Fishbein & Debata's dormant outputs: a class the data has that the network predicts nowhere in the domain, or on
/// less than `threshold` of it (share of the analysis grid's points).
struct DormantOutput {
    int cls = 0;
    std::string name;               ///< the task's class name ("class k" without one)
    int64_t n_data = 0;             ///< training and test points labelled with it
    std::vector<double> share{};    ///< per snapshot: share of the grid predicted as this class
    bool dormant_at_end = false;    ///< n_data > 0 and share.back() < threshold
    int dormant_since = -1;         ///< snapshot from which it stays dormant (-1: not dormant at the end)
};
struct DormantReport {
    bool checked = false;           ///< classifiers only (a regression head has no classes)
    double threshold = 0;
    std::vector<DormantOutput> classes;
};

/// People's labels against a rule (S4 against S1): a dataset of white/black/grey answers at integer pairs
/// 0..255 compared with pixel_pair_class("s1", x1, x2, margin).
struct HumanRuleReport {
    bool checked = false;           ///< the run's data are pixel-pair answers not made by a rule (not s1-s3)
    int margin = 20;
    int64_t n_points = 0, n_agree = 0;
    std::vector<std::vector<int64_t>> confusion;  ///< [human][rule], 3 x 3 (white, black, grey)
    struct Point { int x1 = 0, x2 = 0, human = 0, rule = 0; };
    std::vector<Point> disagree;    ///< every pair where they differ (up to fragile.max_listed)
};

/// A stretch where the training loss falls by at least loss.min_drop while iterations grow by at most 1.5x.
struct LossDrop {
    int first = 0, last = 0;   ///< snapshots
    double from = 0, to = 0;   ///< loss
};
struct LossReport {
    std::vector<LossDrop> drops;
};

/// A named piece of the target's outline: an edge (the outline between two corners, or a whole loop without
/// corners) or a corner. Image tasks: the target raster's outline; point and CSV tasks: the outline of the data's
/// class regions (nearest-neighbour fill); formula tasks: the formula's sign boundary sampled at the grid.
struct TargetFeature {
    std::string name;            ///< "edge 3", "corner 2"
    bool corner = false;
    double x = 0, y = 0;         ///< a corner's position; an edge's middle (by arc length)
    Polyline points;             ///< an edge's polyline (empty for a corner)
    int corner_a = -1, corner_b = -1;  ///< an edge's end corners (feature indices; -1: the domain's edge or a loop)
};

/// A span of training in which a neuron holds one role (feature index, -1: none).
struct RoleSpan {
    int feature = -1;
    int first = 0, last = 0;     ///< snapshots
};

/// A hidden neuron's role over training: which target edge or corner its boundary tracks, how much of its boundary
/// lies on the target's outline (within critical.radius) and how much it contributes to the next layer (norm of its
/// outgoing weights times the fraction of the domain where it is active, *grid*).
struct NeuronRole {
    NeuronId id;
    std::vector<double> on_outline, contribution;  ///< per snapshot
    int tracks_since = -1;   ///< snapshot from which at least half its boundary stays on the outline (-1: not at end)
    std::vector<int> feature;   ///< per snapshot: the feature it tracks (index into RunAnalysis::features; -1: none)
    /// Its roles over training: runs of one feature lasting roles.min_stay of training (shorter runs are absorbed
    /// into the role before them); consecutive, covering every snapshot.
    std::vector<RoleSpan> spans;
    std::vector<Polyline> boundary_end;  ///< its boundary at the last snapshot (for the report's pictures)
};

/// One detector's findings over a range of one threshold: stable when the count is the same across the range.
struct ThresholdSweep {
    std::string detector, parameter;
    std::vector<double> values;
    std::vector<int> findings;     ///< per value: how many findings (deaths, phases, parts unmodelled, ...)
    bool stable = false;
    /// Where the detector names its findings: those made at every swept value, and those made at some only.
    std::vector<std::string> stable_findings{}, unstable_findings{};
};

struct RunAnalysis {
    std::string name;                    ///< run directory (or in-memory name)
    std::string config_key;              ///< the config without its seed: runs with equal keys are compared
    uint64_t seed = 0;
    std::vector<NeuronId> neuron_ids;    ///< hidden neurons, layer by layer
    std::vector<int64_t> iterations;
    std::vector<double> loss, accuracy;  ///< recorded metrics per snapshot
    bool exact = true;
    Box domain;                          ///< the networks' domain (for maps and the report's pictures)
    std::vector<std::string> class_names;  ///< the task's class names (empty: "class k")
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
    DormantReport dormant;
    HumanRuleReport human_rule;
    LossReport loss_phases;
    std::vector<ThresholdSweep> sweeps;           ///< robustness of each detector to its main threshold
    std::vector<NeuronRole> roles;       ///< per hidden neuron, layer by layer
    std::vector<TargetFeature> features; ///< the target's named edges, then its corners (critical.corners' order)
    std::vector<Event> events;           ///< sorted by snapshot
    double seconds = 0;                  ///< time spent analysing this run
    /// A network without a training run (analyze_network): one snapshot at iteration 0, no task; only the detectors
    /// that need neither training history nor the task's data are filled, and `needs_run` says what the others need.
    bool imported = false;
    std::vector<std::string> needs_run;  ///< per detector not run: "bias shifts: need training history", ...
};

struct AnalysisReport {
    AnalysisOptions options;
    std::vector<RunAnalysis> runs;
};

}  // namespace ginn
