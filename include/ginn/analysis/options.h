// The analysis' thresholds, one struct per detector, and the neuron naming they share (NeuronId).
// Not the detectors (analysis.h, blocks.h) nor their results (report.h); docs/analysis.md defines each threshold.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ginn {

/// A hidden neuron, counted from 1 in both layer and index (as in geometry.h and the GINN figures).
struct NeuronId {
    int layer = 1;
    int index = 1;
    friend bool operator==(const NeuronId&, const NeuronId&) = default;
};

// ============================================================================================== options
// Lengths are fractions of the domain's scale s = max(width, height) unless stated otherwise.

struct DeadOptions {
    double min_stay = 0.02;     ///< a death (or a return) counts once the new state has held this fraction of training
                                ///< (in iterations), or to the end
    double min_length = 0.01;   ///< a boundary shorter than this is a sliver: the neuron counts as dead / always on
};
struct BiasShiftOptions {
    double phase_share = 0.75;     ///< bias share of a step at or above which bias motion dominates it
    int min_phase_steps = 3;       ///< shortest run of bias-dominated steps reported as a phase
    double margin = 0.1;           ///< and the share beats the null (steps of the same length in all directions) by this
};
struct CriticalOptions {
    double simplify = 0.01;        ///< Douglas-Peucker tolerance for the target outline
    double min_turn_degrees = 35;  ///< an outline vertex turning at least this much is a corner
    double merge = 0.03;           ///< corners closer than this merge into one (rounded corners)
    double min_arm = 0;            ///< both outline edges at a corner at least this long (0 on image tasks; point
                                   ///< tasks use 2x the points' mean spacing: a zigzag of the data is no corner)
    double radius = 0.02;          ///< r: a corner is reached when a geometry vertex lies within r
    double null_shift = 0.06;      ///< the null: the same vertices scored against the corners shifted by this
    double margin = 0.2;           ///< corners_beat_null fires when reached - null reached >= margin
};
struct CopycatOptions {
    double max_disagreement = 0.02;  ///< fraction of grid points where on/off states differ (or agree, flipped)
    double max_distance = 0.02;      ///< symmetric mean distance between the two boundaries
    double min_stay = 0.02;          ///< a pair "became copies" when it then stayed copies this fraction of training
    double min_length = 0.1;         ///< both boundaries at least this long: two slivers across a corner are no copies
};
struct IndecisiveOptions {
    double late_fraction = 0.5;            ///< only steps whose start iteration >= late_fraction * last iteration
    double min_jump = 0.05;                ///< mean distance moved times min(1, boundary length): at least this
    double max_loss_change = 0.01;         ///< |loss(k+1) - loss(k)| <= this * loss(k) + 1e-4
    double max_prediction_change = 0.005;  ///< fraction of grid points whose predicted class changes
    int min_events = 1;                    ///< returns (a jump back to an earlier state) needed to call it indecisive
};
struct SymmetryOptions {
    double min_overlap = 0.8;  ///< candidate axes keep at least this fraction of columns mirrored inside the raster
    double margin = 0.2;       ///< mirror symmetric when the chance-corrected agreement (score - chance) / (1 - chance)
                               ///< is at least 1 - margin
};
struct FailureOptions {
    double min_component_fraction = 0.001;  ///< smaller target parts (fraction of grid pixels) are not reported
    double margin = 0.3;   ///< a part is modelled when its balanced accuracy (part vs its surroundings) is at least
                           ///< 0.5 + margin; a constant prediction scores exactly 0.5
    double ring = 0.03;    ///< the part's surroundings: other-label pixels within this distance of it
};
struct RoleOptions {
    double min_share = 0.5;  ///< a neuron tracks a feature when at least this share of its boundary lies on the outline
    double corner_share = 0.25;  ///< ... and tracks the corner between two edges when the second edge has this share
                                 ///< of its on-outline boundary
    double min_stay = 0.02;  ///< a role counts once it has held this fraction of training (in iterations), or to the end
};
struct LossOptions {
    double min_drop = 0.3;  ///< a loss drop: the loss falls by this fraction while iterations grow by at most 1.5x
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

struct DormantOptions {
    double threshold = 0.01;   ///< a class predicted on less than this share of the domain is dormant (0..1)
};
struct HumanRuleOptions {
    int margin = 20;           ///< S1's margin n (analyze() takes the run's task margin)
};

struct AnalysisOptions {
    int grid = 0;                          ///< grid x grid pixel centres for approximate measures; 0 = the
                                           ///< dataset's own raster for square grid tasks up to 256, else 128
    int threads = 0;                       ///< worker threads over snapshots; 0 = hardware concurrency
    std::string viewer = "viewer.html";    ///< file name of the viewer in report links (VIEWER.html#run=..)
    /// Called after each snapshot's pass with (done, total) over all runs, from worker threads one at a time (the
    /// command line's progress bar). Empty: no calls.
    std::function<void(int, int)> on_progress{};
    DeadOptions dead;
    BiasShiftOptions bias;
    CriticalOptions critical;
    CopycatOptions copycat;
    IndecisiveOptions indecisive;
    SymmetryOptions symmetry;
    FailureOptions failure;
    RegionOptions regions;
    LossOptions loss;
    RoleOptions roles;
    MarginOptions margins;
    FragileOptions fragile;
    DormantOptions dormant;
    HumanRuleOptions human_rule;
};

/// Throws ginn::Error naming the first option out of range, its range and its command-line flag.
/// analyze() calls it; the command line calls it before any work. Example: validate(AnalysisOptions{}) passes.
void validate(const AnalysisOptions& options);

}  // namespace ginn
