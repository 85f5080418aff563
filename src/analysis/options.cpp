// Range checks of the analysis options: one validate() that names the option, its range and its flag.
// Not the options' defaults (options.h) nor the command line that sets them (app/cmd_explore.cpp).
#include <cmath>
#include <string>

#include "ginn/analysis/options.h"
#include "ginn/core/error.h"

namespace ginn {

namespace {

std::string show(double v) {
    if (std::isnan(v)) return "nan";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

/// Throws unless lo <= v <= hi (lo < v when lo_open); NaN is always out of range.
void check(double v, double lo, double hi, const char* name, const char* flag, const char* meaning, bool lo_open = false) {
    const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
    if (ok) return;
    const std::string where = std::string(flag[0] ? flag : name);
    const std::string range = std::string(lo_open ? "(" : "[") + show(lo) + ", " + show(hi) + "]";
    throw Error(where, std::string(name) + " = " + show(v) + " is out of range", "a number in " + range,
                std::string(meaning) + (flag[0] ? std::string(" (option ") + name + ")" : std::string()));
}

}  // namespace

void validate(const AnalysisOptions& o) {
    if (o.grid != 0) check(o.grid, 8, 2048, "grid", "--grid", "grid points per side; 0 picks the target's raster");
    check(o.threads, 0, 1024, "threads", "--threads", "worker threads; 0 uses every core");
    if (o.viewer.empty() || o.viewer.find('/') != std::string::npos)
        throw Error("viewer", "'" + o.viewer + "' is not a file name", "a file name such as viewer.html",
                    "the report links to this file beside it");
    check(o.dead.min_stay, 0, 1, "dead.min_stay", "--dead-stay", "fraction of training a new state must hold");
    check(o.bias.phase_share, 0, 1, "bias.phase_share", "--bias-share", "bias share at which a step counts as bias-dominated", true);
    check(o.bias.margin, 0, 1, "bias.margin", "--bias-margin", "how far the bias share must beat the null share");
    check(o.bias.min_phase_steps, 1, 1e6, "bias.min_phase_steps", "", "shortest phase in steps");
    check(o.critical.simplify, 0, 1, "critical.simplify", "", "outline simplification tolerance, domain fraction");
    check(o.critical.min_turn_degrees, 0, 180, "critical.min_turn_degrees", "", "turn of a corner in degrees", true);
    check(o.critical.merge, 0, 1, "critical.merge", "", "corner merge distance, domain fraction");
    check(o.critical.min_arm, 0, 1, "critical.min_arm", "", "shortest outline edge at a corner, domain fraction");
    check(o.critical.radius, 0, 1, "critical.radius", "--corner-radius", "distance within which a corner is reached, domain fraction", true);
    check(o.critical.margin, 0, 1, "critical.margin", "--corner-margin", "how much the real score must beat the null");
    check(o.copycat.max_disagreement, 0, 0.5, "copycat.max_disagreement", "--copycat-disagreement", "fraction of the domain");
    check(o.copycat.max_distance, 0, 1, "copycat.max_distance", "--copycat-distance", "mean boundary distance, domain fraction");
    check(o.copycat.min_stay, 0, 1, "copycat.min_stay", "", "fraction of training copies must hold");
    check(o.copycat.min_length, 0, 10, "copycat.min_length", "--copycat-length", "shortest boundary, domain fraction");
    check(o.indecisive.late_fraction, 0, 1, "indecisive.late_fraction", "--late-fraction", "fraction of training before which jumps are ignored");
    check(o.indecisive.min_jump, 0, 10, "indecisive.min_jump", "--indecisive-jump", "length-weighted jump, domain fraction", true);
    check(o.indecisive.max_loss_change, 0, 1e6, "indecisive.max_loss_change", "", "relative loss change of a flat step");
    check(o.indecisive.max_prediction_change, 0, 1, "indecisive.max_prediction_change", "", "fraction of the domain");
    check(o.indecisive.min_events, 1, 1e6, "indecisive.min_events", "", "jumps needed");
    check(o.symmetry.min_overlap, 0, 1, "symmetry.min_overlap", "", "fraction of columns mirrored inside the raster", true);
    check(o.symmetry.margin, 0, 1, "symmetry.margin", "", "how far below 1 the chance-corrected mirror agreement may be");
    check(o.failure.min_component_fraction, 0, 1, "failure.min_component_fraction", "", "fraction of the grid");
    check(o.failure.margin, 0, 0.5, "failure.margin", "--part-margin", "how much a part's accuracy must beat a constant prediction");
    check(o.roles.min_share, 0, 1, "roles.min_share", "", "share of a boundary on the outline", true);
    check(o.roles.corner_share, 0, 1, "roles.corner_share", "", "share of the on-outline boundary on the second edge", true);
    check(o.roles.min_stay, 0, 1, "roles.min_stay", "", "fraction of training a role must hold");
    check(o.regions.every, 0, 1e9, "regions.every", "", "every k-th snapshot; 0 never");
    check(o.regions.band, 0, 1, "regions.band", "", "distance from the decision boundary, domain fraction");
    check(o.margins.n_closest, 0, 1e6, "margins.n_closest", "", "points listed");
    check(o.margins.epsilon, 0, 1e6, "margins.epsilon", "", "margin, domain fraction");
    check(o.loss.min_drop, 0, 1, "loss.min_drop", "", "relative fall of the loss that counts as a drop", true);
    check(static_cast<double>(o.fragile.max_brute_force), 0, 1e12, "fragile.max_brute_force", "", "integer points");
    check(o.fragile.max_listed, 0, 1e7, "fragile.max_listed", "", "points listed");
    check(o.dormant.threshold, 0, 1, "dormant.threshold", "--dormant-threshold", "share of the domain");
    check(o.human_rule.margin, 0, 255, "human_rule.margin", "", "S1's margin in grey levels");
}

}  // namespace ginn
