// Figures of a recorded run: which snapshots a strip shows, and each snapshot as a panel (network, exact geometry,
// label). The glue between run.h, geometry.h and render.h that `ginn render`, `ginn animate` and `ginn demo` share.
// Not drawing: render.h draws.
#pragma once

#include <string>
#include <vector>

#include "ginn/render/render.h"
#include "ginn/run/run.h"

namespace ginn {

/// n snapshot indices from the initialisation to the last snapshot, evenly spaced by snapshot index (which, for
/// GINN's schedule, is roughly logarithmic in iterations, like the report's Figure 3). n is clamped to the count.
std::vector<int> strip_snapshots(const Run& run, int n);
/// Snapshot k of a run as a panel: its network, its geometry and "iteration N   loss L".
PanelInput run_panel(const Run& run, int k);
/// Render options for a run: the target raster (for Background::target) points into the run's dataset.
RenderOptions run_render_options(const Run& run, RenderOptions options);

/// Writes the final-snapshot figure and a six-panel strip of a run into `dir` (final.png, strip.pdf);
/// returns the paths written. Used by `ginn demo`.
std::vector<std::string> write_run_figures(const Run& run, const std::string& dir);

}  // namespace ginn
