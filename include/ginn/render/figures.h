// Figures of a recorded run: which snapshots a strip shows, and each snapshot as a panel (network, exact geometry,
// label). The glue between run.h, geometry.h and render.h that `ginn render`, `ginn animate` and `ginn demo` share.
// Not drawing: render.h draws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ginn/render/render.h"
#include "ginn/run/run.h"

namespace ginn {

/// n snapshot indices from the initialisation to the last snapshot, evenly spaced by snapshot index (which, for
/// GINN's schedule, is roughly logarithmic in iterations, like the report's Figure 3). Throws Error for n < 1 or
/// more panels than the run has snapshots (never repeats one).
std::vector<int> strip_snapshots(const Run& run, int n);

/// The snapshot nearest each requested iteration (the report's Figure 3 picks its moments), in the given order.
/// Parses "0,1000,50000" and finds each iteration's nearest snapshot; `notes` receives one line per iteration that
/// was not recorded ("--iterations 1000: nearest recorded snapshot is iteration 1,024"). Throws Error naming
/// `where` for a malformed list, a negative iteration or an iteration beyond the run's last.
std::vector<int> snapshots_near_iterations(const Run& run, std::string_view list, std::vector<std::string>* notes,
                                           const std::string& where = "--iterations");
/// Snapshot k of a run as a panel: its network, its geometry and "iteration N   loss L".
PanelInput run_panel(const Run& run, int k);
/// Render options for a run: the dataset (target background, points, classes) points into the run's dataset, and
/// regression heads get the label range as their output scale (widened by 1 around a constant label).
RenderOptions run_render_options(const Run& run, RenderOptions options);

/// Writes the final-snapshot figure and a six-panel strip of a run into `dir` (final.png, strip.pdf);
/// returns the paths written. Used by `ginn demo`.
std::vector<std::string> write_run_figures(const Run& run, const std::string& dir);

}  // namespace ginn
