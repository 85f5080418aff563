// The interactive viewer: one self-contained HTML file (web/ page + a run set's data) to explore training in a browser.
// Not a server and not a renderer of its own: the page draws the exact geometry (geometry.h) the figures draw.
//
// Intended usage:
//   1. Run a = Run::open("runs/a"), b = Run::open("runs/b");
//   2. write_viewer({&a, &b}, "ginn.html");              // opens from disk (file://), no network, no server
//   3. or std::string html = viewer_html({&a}, {});      // the same bytes, for tests and tools
//   4. with the analysis' findings (badges, event timeline): write_viewer({&a}, "ginn.html",
//      {.findings = run_findings({&a})});                  // run_findings and viewer_findings: analysis.h
//
// The data encoding (weights, quantised delta-encoded polylines, prediction-image atlas) is described in
// docs/viewer.md; the page decodes it once on load.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ginn/geometry/geometry.h"
#include "ginn/run/run.h"

namespace ginn {

struct ViewerOptions {
    std::string title{};          ///< page title; empty: "ginn: " + the runs' names
    int image_size = 128;        ///< prediction images are image_size x image_size (16..512), 8-bit
    int threads = 0;             ///< threads for geometry and images; 0: hardware concurrency
    int approx_grid = 256;       ///< smooth networks: marching-squares cells per side (GeometryOptions::grid)
    /// One "ginn-findings" object per run, in the runs' order (viewer_findings or run_findings, analysis.h): neuron
    /// badges and the event timeline. Empty: the page shows neither.
    std::vector<nlohmann::json> findings{};
    /// Each run's geometry, already computed (one Geometry per snapshot, with GeometryOptions{.grid = approx_grid}),
    /// in the runs' order: the page draws it instead of computing it again (analyze and run_findings hand it out,
    /// analysis.h). Empty: computed here. Not owned: it must outlive the call.
    std::vector<const std::vector<Geometry>*> geometry{};
    /// Called after each snapshot is encoded with (done, total) over all runs, from worker threads one at a time
    /// (the command line's progress bar). Empty: no calls.
    std::function<void(int, int)> on_progress{};
};

/// The whole page as one HTML string: CSS, JS and every run's data inlined, no external references.
/// Throws Error for an empty run list, a null run, a run without snapshots, or a network without 2 inputs, and for
/// findings that are not one "ginn-findings" object per run with one region count per snapshot, and for geometry
/// that is not one Geometry per snapshot of each run.
/// Example: `std::string html = viewer_html({&run}, {.title = "bottle, 4 seeds"});`
std::string viewer_html(const std::vector<const Run*>& runs, const ViewerOptions& options = {});

/// The page's data alone (format "ginn-viewer", docs/viewer.md), for a page that already holds the viewer's
/// template (the live page's replay mode, web/play.js). Throws as viewer_html does.
nlohmann::json viewer_data(const std::vector<const Run*>& runs, const ViewerOptions& options = {});

/// Writes viewer_html(runs, options) to `path` atomically (io.h). Throws Error naming the path if it is unwritable.
/// Example: `write_viewer({&a, &b}, "ginn.html");`
void write_viewer(const std::vector<const Run*>& runs, const std::string& path, const ViewerOptions& options = {});

}  // namespace ginn
