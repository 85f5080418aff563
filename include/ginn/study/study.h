// A study: a sweep (sweep.h) run through the pipeline, train -> run -> geometry -> figures | viewer, and composed
// into one directory. A layer above the pipeline, not a branch inside it: every run is an ordinary run directory.
//
// A sweep directory holds
//   sweep.json           the normalised sweep (a directory made from another sweep file is refused)
//   runs/NNN/            one run directory per run (run.h), NNN = SweepRun::name
//   metrics.csv, .md     one row per run: task, variant, parameters, losses, accuracies, exact error area, regions, time
//   grid.png, .svg, .pdf one panel per run, rows and columns as the sweep says, the ground truth as the first row
//   viewer.html          every run in one viewer file
//
// Intended usage:
//   1. Sweep s = sweep_from_toml_file("examples/gupta/depth.toml");
//   2. SweepResult r = run_sweep(s, {.out = "depth"});   // trains what is missing, then writes the outputs
//   3. on a cluster: run_sweep(s, {.out = d, .shard = i, .n_shards = n}) per job, then run_sweep(s, {.out = d, .collect = true}).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ginn/render/render.h"
#include "ginn/run/run.h"
#include "ginn/study/sweep.h"
#include "ginn/study/truth.h"

namespace ginn {

/// Progress of the whole sweep.
struct SweepProgress {
    int runs_done = 0, runs_total = 0;             ///< runs of this process's share
    int64_t iterations_done = 0, iterations_total = 0;
    double seconds = 0;
};

struct SweepOptions {
    std::string out;                  ///< sweep directory (created; reused when it holds the same sweep)
    int shard = 0, n_shards = 1;      ///< train only the runs with index % n_shards == shard, write no outputs
    bool collect = false;             ///< train nothing: write the outputs from complete runs
    int threads = 0;                  ///< runs trained at once (0: every core); each run is single-threaded
    bool neurons = false;             ///< grid figure: draw every neuron's boundary too
    bool surfaces = false;            ///< grid figure: Gupta's 3-D surfaces of P(1) over a floor contour (surface.h)
    int panel_size = 220;             ///< grid figure: pixels (points) per panel, 32..2048
    bool viewer = true;               ///< write viewer.html
    const std::atomic<bool>* stop = nullptr;                  ///< raised by Ctrl-C: runs save and stop
    std::function<void(const SweepProgress&)> on_progress{};  ///< called from training threads, serialised
};

struct SweepResult {
    int trained = 0, resumed = 0, skipped = 0;   ///< runs trained from scratch, continued, already complete
    int interrupted = 0, diverged = 0;
    std::vector<std::string> written;            ///< output files (empty for a shard or an incomplete sweep)
};

/// One row of the metrics table.
struct RunMetrics {
    std::string name, target, label;
    int64_t n_params = 0;                        ///< trainable parameters
    double loss = 0, accuracy = 0, loss_test = -1, accuracy_test = -1;
    bool has_error = false;                      ///< a formula task: error against the truth below
    ErrorArea error;
    int64_t regions_activation = -1, regions_linear = -1;   ///< -1 for smooth activations (no exact regions)
    double seconds = 0;
    std::string status;
};

/// Trains every run of the sweep that is not complete (one per core; resuming interrupted ones, skipping complete
/// ones), then, unless sharded or interrupted, writes the metrics table, the grid figure and the viewer.
/// Throws Error before training anything for a directory made from another sweep (naming the first differing key),
/// and in collect mode for runs that are missing or incomplete.
/// Example: `run_sweep(sweep_from_toml_file("examples/gupta/width.toml"), {.out = "width"});`
SweepResult run_sweep(const Sweep& sweep, const SweepOptions& options);

/// Several sweeps as one study (Gupta's six: `ginn sweep examples/gupta/*.toml -o study`): sweep k goes to
/// options.out/<its name>/, every run of every sweep is trained in one pool of threads (longest runs first), then each
/// sweep's outputs are written as run_sweep writes them. Throws Error for two sweeps of the same name, and for shards
/// or collect mode (one sweep at a time).
SweepResult run_study(const std::vector<Sweep>& sweeps, const SweepOptions& options);

/// Creates the sweep directory and its sweep.json (or checks that an existing one holds the same sweep), as run_sweep
/// does first. Processes that train shards at once (MPI ranks) call it once, from one process, before they start.
void prepare_sweep_directory(const Sweep& sweep, const std::string& out);

/// Marching-squares cells per side for smooth networks' boundaries in a grid figure of `panel_size` pixels: about one
/// cell per two pixels (the boundaries are refined by bisection along cell edges), 32..256.
inline int sweep_approx_grid(int panel_size) { return std::clamp(panel_size / 2, 32, 256); }

/// The final snapshot's metrics of every run (geometry and error area on `threads` threads).
std::vector<RunMetrics> sweep_metrics(const Sweep& sweep, const std::string& out, int threads = 0);
/// For `ginn info`: "error against the truth: ..." of a run's final snapshot for formula tasks, "" for others.
std::string run_truth_summary(const Run& run);

/// The metrics table as CSV (one header line) and as a Markdown table.
std::string metrics_csv(const std::vector<RunMetrics>& rows);
std::string metrics_markdown(const std::vector<RunMetrics>& rows);

/// The grid figure: one panel per run (panels[i] is run i's final snapshot; metrics[i] its row) at (row, column),
/// labelled by the row and column factor values, with the exact decision boundary (yellow), the true boundary (dashed
/// look: thin magenta) and the error area under each panel; a ground-truth row (or column, when the task runs along
/// the rows) first. Write it with write_figure (render.h).
Figure figure_sweep_grid(const Sweep& sweep, const std::vector<PanelInput>& panels, const std::vector<RunMetrics>& metrics,
                         const SweepOptions& options);

}  // namespace ginn
