// The interactive viewer: one self-contained HTML file (web/ page + a run set's data) to explore training in a browser.
// Not a server and not a renderer of its own: the page draws the exact geometry (geometry.h) the figures draw.
//
// Intended usage:
//   1. Run a = Run::open("runs/a"), b = Run::open("runs/b");
//   2. write_viewer({&a, &b}, "ginn.html");              // opens from disk (file://), no network, no server
//   3. or std::string html = viewer_html({&a}, {});      // the same bytes, for tests and tools
//   4. with the analysis' findings (badges, event timeline): write_viewer({&a}, "ginn.html",
//      {.findings = run_findings({&a})});                  // run_findings and viewer_findings: analysis.h
//   5. a network without a training run (ONNX, weights JSON, Python): write_network_viewer({{&net, "mlp.onnx"}}, "n.html");
//      one page entry per network, its weights exactly as given; training-only panels are hidden.
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

/// A network without a training run (imported from ONNX or a weights file, or built in Python) for the page: shown
/// as one snapshot with its exact geometry (smooth activations: the approximate path, labelled so), prediction,
/// neurons, regions, 3-D view and exports; no loss curve, slider or target (there is no training and no task).
struct ViewerNetwork {
    const Network* net = nullptr;  ///< not owned: it must outlive the call
    std::string name{};            ///< the page's name for it (e.g. the file name)
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

/// The page of networks without a run, one entry each (switcher and compare mode as for runs). `options.findings`
/// and `options.geometry` hold one entry per network (analyze_network in analysis.h; geometry: one Geometry each).
/// Throws Error for an empty list, a null network, or a network without 2 inputs.
/// Example: `std::string html = network_viewer_html({{&net, "mlp.onnx"}}, {.findings = {viewer_findings(analysis)}});`
std::string network_viewer_html(const std::vector<ViewerNetwork>& nets, const ViewerOptions& options = {});
nlohmann::json network_viewer_data(const std::vector<ViewerNetwork>& nets, const ViewerOptions& options = {});
void write_network_viewer(const std::vector<ViewerNetwork>& nets, const std::string& path, const ViewerOptions& options = {});

}  // namespace ginn
