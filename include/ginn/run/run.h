// A run on disk: the recorded training of one network (docs/run-format.md), and the recorder that trains and writes
// it. Reading is Run::open; writing is train_run / resume_run. Not the trainer itself (trainer.h) nor any geometry.
//
// A run directory holds
//   manifest.json  format "ginn-run" v2: config, task, architecture, schedule, per-snapshot metrics, status
//                  (the commit record: rewritten atomically; data files may hold more than it names, never less)
//   params.bin     magic "GINNPARM", version, dtype, n_params; then per snapshot: iteration (u64) + params (f32)
//                  + checksum (u64)
//   dataset.bin    the task's points and labels (dataset.h), so a run is shareable without its image
//   state.a.bin / state.b.bin  trainer state at the last saved snapshot (double-buffered), for --resume
//   .ginn-run, .lock  marker of a ginn run, and the file a writer holds an exclusive flock on
//
// Intended usage:
//   1. RunConfig c; TrainOptions o{.out = "runs/a"}; train_run(c, o);
//   2. Run r = Run::open("runs/a"); Network net = r.network(r.n_snapshots() - 1);
//   3. after Ctrl-C: resume_run("runs/a", o) continues to the same parameters an uninterrupted run gives.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "ginn/train/config.h"
#include "ginn/data/dataset.h"
#include "ginn/model/network.h"

namespace ginn {

inline constexpr int run_format_version = 3;  // 2: params.bin records and trainer states carry checksums; 3: the
                                              // manifest's train_seconds; 1 and 2 are still read

/// One recorded snapshot's metadata (the parameters are in params.bin).
struct SnapshotInfo {
    int64_t iteration = 0;
    double lr = 0;                 ///< learning rate of the next update
    double loss_batch = 0;         ///< mean minibatch loss since the previous snapshot (NaN at iteration 0)
    double loss = 0, accuracy = 0; ///< whole training set (the full pixel grid of an image target)
    double loss_test = -1, accuracy_test = -1;  ///< -1 without a test split
};

enum class RunStatus { running, complete, interrupted, diverged };
std::string_view run_status_name(RunStatus s);

/// A run directory opened for reading. Validates the manifest and the parameter file on open.
class Run {
public:
    /// Throws Error naming the file and what is wrong for a missing, truncated or corrupt run.
    static Run open(const std::string& dir);
    /// A run held in memory (for tests and tools): params[k] is snapshot k's flat parameter vector (model.h layout).
    static Run in_memory(const RunConfig& config, std::vector<SnapshotInfo> snapshots,
                         const std::vector<std::vector<float>>& params, Dataset dataset, std::string name = "memory");

    const std::string& dir() const { return dir_; }
    const nlohmann::json& manifest() const { return manifest_; }
    const RunConfig& config() const { return config_; }
    RunStatus status() const { return status_; }
    bool complete() const { return status_ == RunStatus::complete; }
    double seconds() const;  ///< wall time spent training so far
    Box domain() const { return domain_; }

    int n_snapshots() const { return static_cast<int>(snapshots_.size()); }
    const std::vector<SnapshotInfo>& snapshots() const { return snapshots_; }
    const SnapshotInfo& snapshot(int k) const;
    /// Index of the snapshot recorded at `iteration`; throws Error naming the nearest recorded iterations.
    int snapshot_at_iteration(int64_t iteration) const;
    /// Resolves --snapshot K / --iteration N options: k < 0 counts from the end (-1 = last); iteration >= 0 wins.
    int resolve_snapshot(int k, int64_t iteration) const;

    std::span<const float> params(int k) const;
    Network network(int k) const;
    /// The task's points and labels (read from dataset.bin on first use).
    const Dataset& dataset() const;

private:
    std::string dir_;
    nlohmann::json manifest_;
    RunConfig config_;
    RunStatus status_ = RunStatus::running;
    Box domain_;
    std::vector<SnapshotInfo> snapshots_;
    int64_t n_params_ = 0;
    std::vector<float> params_;  // n_snapshots * n_params
    mutable std::shared_ptr<Dataset> dataset_;
};

/// Progress of a training run, for the command line's progress bar.
struct Progress {
    int run = 0;               ///< which run (of several trained at once)
    int64_t iteration = 0, total = 0;
    double seconds = 0;
    double loss = 0;           ///< latest full-dataset loss
};

struct TrainOptions {
    std::string out;                       ///< run directory to create
    bool force = false;                    ///< replace an existing run directory
    std::string init_from;                 ///< start from another run's initial parameters
    const std::atomic<bool>* stop = nullptr;   ///< raised by SIGINT/SIGTERM: save and mark incomplete
    std::function<void(const Progress&)> on_progress;  ///< called every ~0.2 s and at the end (may be empty)
    double flush_seconds = 2.0;            ///< save state and manifest at least this often
};

struct TrainResult {
    std::string dir;
    RunStatus status = RunStatus::running;
    int64_t iteration = 0;   ///< last iteration reached
    int n_snapshots = 0;
    double seconds = 0;
    std::string message;     ///< for diverged runs: where and what to try
};

/// Trains a new run of `config` into options.out. Throws Error for an existing (without force) or unwritable
/// directory and for bad config; a diverged or interrupted run returns normally with its status.
TrainResult train_run(const RunConfig& config, const TrainOptions& options);
/// Continues an interrupted run to completion; bit-identical to an uninterrupted run.
TrainResult resume_run(const std::string& dir, const TrainOptions& options);
/// Trains several runs at once, one per core (each single-threaded, so results equal sequential training).
/// outs[i] is the directory of configs[i].
std::vector<TrainResult> train_runs(const std::vector<RunConfig>& configs, const std::vector<std::string>& outs,
                                    const TrainOptions& options);

/// A readable multi-line summary for `ginn info`.
std::string run_summary(const Run& run);

}  // namespace ginn
