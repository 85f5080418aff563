// What the analysis finds: one report struct per detector, the events, and a run's and a study's whole report.
// Plain data; not how it is computed (analysis.h) nor written (analysis_to_json, analysis_html).
#pragma once

#include <Eigen/Dense>
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

}  // namespace ginn
