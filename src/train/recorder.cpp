// The recorder: trains a run and writes it to disk (train_run, resume_run, train_runs). Snapshot parameters are
// appended to params.bin; the manifest, rewritten atomically, is the commit record; the trainer state is
// double-buffered (state.a.bin / state.b.bin) so a crash at any moment leaves a readable, resumable run.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/core/parallel.h"
#include "ginn/run/run.h"
#include "ginn/train/schedule.h"
#include "ginn/train/trainer.h"
#include "run/format.h"

namespace ginn {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr char run_marker[] = ".ginn-run";  // written first: marks a directory as a (possibly half-created) run
constexpr char lock_name[] = ".lock";

/// A run killed before its first save: ginn's marker, but no manifest naming a trainer state. Replaceable without
/// --force, as nothing in it can be resumed.
bool is_half_created(const fs::path& dir) {
    if (!fs::exists(dir / run_marker)) return false;
    const fs::path manifest = dir / "manifest.json";
    if (!fs::exists(manifest)) return true;
    try {
        return parse_json(read_file(manifest.string()), manifest.string()).value("state_file", std::string()).empty();
    } catch (const std::exception&) {
        return false;  // a damaged manifest of a real run: only --force replaces it
    }
}

/// A run stopped (interrupted, or killed after its first save) that --resume can continue.
bool is_resumable(const fs::path& dir) {
    try {
        const nlohmann::json m = parse_json(read_file((dir / "manifest.json").string()), "manifest.json");
        const std::string status = m.value("status", std::string());
        return (status == "running" || status == "interrupted") && !m.value("state_file", std::string()).empty();
    } catch (const std::exception&) {
        return false;
    }
}

/// Removes files write_file_atomic left behind when a process died between writing and renaming them (also the
/// `NAME.tmp.<pid>` names of earlier versions).
void remove_stale_temporaries(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const size_t at = name.rfind(".tmp.");
        const bool legacy = at != std::string::npos && at + 5 < name.size() &&
                            name.find_first_not_of("0123456789", at + 5) == std::string::npos;
        if (is_atomic_temp_name(name) || legacy) fs::remove(entry.path(), ec);
    }
}

/// Makes `out` an empty run directory and locks it for this process: refuses an existing one unless `force` (or
/// it is a half-created run), and with force only replaces an empty directory or an earlier ginn run (never an
/// arbitrary folder). A second writer gets a clear error instead of corrupting the run.
DirLock prepare_directory(const std::string& out, bool force) {
    if (out.empty()) throw Error("--out", "no output directory given", "a directory path", "pass -o DIR");
    const fs::path dir(out);
    std::error_code ec;
    const bool existed = fs::exists(dir, ec);
    if (existed && !fs::is_directory(dir, ec))
        throw Error(out, "exists and is not a directory", "a new directory or an earlier run", "choose another -o");
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec))
        throw Error(out, "cannot create output directory" + (ec ? ": " + ec.message() : std::string()),
                    "a writable location", "check the path and permissions");
    DirLock lock(out);  // from here on no other ginn writes this directory
    bool empty = true;
    for (const auto& entry : fs::directory_iterator(dir, ec)) empty &= entry.path().filename() == lock_name;
    if (existed && !empty) {
        const bool half = is_half_created(dir);
        if (!force && !half)
            throw Error(out, "output directory already exists", "a new directory",
                        is_resumable(dir) ? "continue it with `ginn train --resume " + out + "`, or pass --force to replace it"
                                          : "pass --force to replace it");
        const bool is_run = fs::exists(dir / "manifest.json") || fs::exists(dir / run_marker);
        if (!is_run)
            throw Error(out, "exists and is not a ginn run directory", "a new directory or an earlier run",
                        "choose another -o; --force only replaces runs");
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.path().filename() != lock_name) fs::remove_all(entry.path(), ec);
        if (ec) throw Error(out, "cannot remove the old run: " + ec.message(), "a writable directory");
    } else if (existed && !force) {
        throw Error(out, "output directory already exists", "a new directory", "pass --force to replace it");
    }
    std::FILE* f = std::fopen((dir / run_marker).c_str(), "wb");
    if (!f) throw Error(out, "output directory is not writable", "a writable directory", "check permissions");
    std::fclose(f);
    return lock;
}

/// One run being recorded: the trainer plus what has been written and what is pending.
class Recorder {
public:
    Recorder(const RunConfig& config, Dataset data, std::string dir, const TrainOptions& options, int run_index)
        : config_(config), data_(std::move(data)), dir_(std::move(dir)), options_(options), run_index_(run_index),
          trainer_(config.model, config.optim, config.train, data_),
          schedule_(snapshot_iterations(config.snapshots, config.train.iterations)) {}

    /// A fresh run: writes dataset.bin and the params.bin header, then trains.
    TrainResult start() {
        if (!options_.init_from.empty()) adopt_initialisation(options_.init_from);
        write_file_atomic(path("dataset.bin"), dataset_to_bytes(data_));
        write_file_atomic(path("params.bin"), detail::params_header(n_params(config_.model)));
        write_manifest(RunStatus::running);
        return train();
    }

    /// Continues from the state saved with the manifest's last snapshot.
    TrainResult resume(const Run& run) {
        const auto& m = run.manifest();
        snapshots_ = run.snapshots();
        seconds_before_ = run.seconds();
        train_seconds_before_ = m.value("train_seconds", 0.0);  // absent before format version 3
        state_slot_ = m.value("state_file", std::string());
        if (state_slot_.empty() || snapshots_.empty())
            throw Error(path("manifest.json"), "no saved trainer state", "state_file in the manifest",
                        "the run stopped before its first save; train it again");
        const std::string state_path = path(state_slot_);
        last_state_ = read_file(state_path);
        trainer_.load_state(last_state_, state_path);
        if (trainer_.iteration() != snapshots_.back().iteration)
            throw Error(state_path, "state is at iteration " + std::to_string(trainer_.iteration()),
                        "iteration " + std::to_string(snapshots_.back().iteration) + " (the last snapshot)",
                        "the run directory is damaged; train it again");
        // Rewrite params.bin with the committed records only (dropping any written after the last manifest; a
        // version-1 file becomes version 2).
        std::string params = detail::params_header(n_params(config_.model));
        for (int k = 0; k < run.n_snapshots(); ++k) params += detail::params_record(snapshots_[k].iteration, run.params(k));
        write_file_atomic(path("params.bin"), params);
        return train();
    }

private:
    std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }

    void adopt_initialisation(const std::string& other_dir) {
        const Run other = Run::open(other_dir);
        if (n_params(other.config().model) != n_params(config_.model) ||
            other.config().model.widths != config_.model.widths || other.config().model.batch_norm != config_.model.batch_norm)
            throw Error(other_dir, "architecture differs from this run's",
                        "the same widths, head and batch norm for --init-from", "see `ginn info " + other_dir + "`");
        trainer_.set_params(other.params(0));
    }

    TrainResult train() {
        const auto t0 = Clock::now();
        auto last_flush = t0, last_progress = t0;
        RunStatus status = RunStatus::complete;
        std::string message;
        size_t next = 0;
        while (next < schedule_.size() && schedule_[next] <= trainer_.iteration() && !snapshots_.empty() &&
               schedule_[next] <= snapshots_.back().iteration)
            ++next;
        for (; next < schedule_.size(); ++next) {
            const auto t_steps = Clock::now();
            const StepResult step = trainer_.run_until(schedule_[next], options_.stop);
            train_seconds_ += seconds_since(t_steps);
            if (step.non_finite) {
                status = RunStatus::diverged;
                message = "loss became non-finite at iteration " + std::to_string(trainer_.iteration()) +
                          "; try a smaller learning rate (--lr " + number_text(config_.optim.lr / 10) + ")";
                break;
            }
            if (step.stopped) {
                status = RunStatus::interrupted;
                message = "interrupted at iteration " + std::to_string(trainer_.iteration()) +
                          "; continue with `ginn train --resume " + dir_ + "`";
                break;
            }
            record(step);
            if (seconds_since(last_flush) >= options_.flush_seconds) {
                flush(RunStatus::running, seconds_since(t0), "");
                last_flush = Clock::now();
            }
            if (options_.on_progress && seconds_since(last_progress) >= 0.2) {
                options_.on_progress({run_index_, trainer_.iteration(), config_.train.iterations,
                                      seconds_before_ + seconds_since(t0), snapshots_.back().loss});
                last_progress = Clock::now();
            }
        }
        flush(status, seconds_since(t0), message);
        if (options_.on_progress && !snapshots_.empty())
            options_.on_progress({run_index_, trainer_.iteration(), config_.train.iterations,
                                  seconds_before_ + seconds_since(t0), snapshots_.back().loss});
        return {dir_, status, trainer_.iteration(), static_cast<int>(snapshots_.size()),
                seconds_before_ + seconds_since(t0), message};
    }

    void record(const StepResult& step) {
        const Metrics metrics = trainer_.evaluate();
        SnapshotInfo s;
        s.iteration = trainer_.iteration();
        s.lr = trainer_.lr();
        s.loss_batch = step.steps > 0 ? step.mean_batch_loss : NAN;
        s.loss = metrics.loss;
        s.accuracy = metrics.accuracy;
        s.loss_test = metrics.loss_test;
        s.accuracy_test = metrics.accuracy_test;
        snapshots_.push_back(s);
        pending_params_ += detail::params_record(s.iteration, trainer_.params());
        last_state_ = trainer_.save_state();
    }

    /// Appends pending parameters, saves the state into the slot the manifest does not name, then commits the
    /// manifest. A crash anywhere leaves the previous manifest and the state it names intact.
    void flush(RunStatus status, double seconds, const std::string& message) {
        if (!pending_params_.empty()) {
            std::FILE* f = std::fopen(path("params.bin").c_str(), "ab");
            const bool ok = f && std::fwrite(pending_params_.data(), 1, pending_params_.size(), f) == pending_params_.size() &&
                            std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
            if (f) std::fclose(f);
            if (!ok) throw Error(path("params.bin"), "cannot append snapshots", "a writable run directory",
                                 "check free disk space");
            pending_params_.clear();
        }
        if (!last_state_.empty()) {
            state_slot_ = state_slot_ == "state.a.bin" ? "state.b.bin" : "state.a.bin";
            write_file_atomic(path(state_slot_), last_state_);
        }
        write_manifest(status, seconds, message);
    }

    void write_manifest(RunStatus status, double seconds = 0, const std::string& message = "") {
        nlohmann::json m = detail::manifest_json(config_, data_, schedule_, snapshots_);
        m["status"] = run_status_name(status);
        m["message"] = message;
        m["seconds"] = seconds_before_ + seconds;
        m["train_seconds"] = train_seconds_before_ + train_seconds_;  // the updates alone (version 3)
        m["state_file"] = state_slot_;
        write_file_atomic(path("manifest.json"), m.dump(1));
    }

    RunConfig config_;
    Dataset data_;
    std::string dir_;
    TrainOptions options_;
    int run_index_;
    Trainer trainer_;
    std::vector<int64_t> schedule_;
    std::vector<SnapshotInfo> snapshots_;
    std::string pending_params_, last_state_, state_slot_;
    double seconds_before_ = 0;
    double train_seconds_ = 0, train_seconds_before_ = 0;  ///< time inside the updates (run_until), this process and before
};

/// The dataset of a config, with the model's class count taken from it.
Dataset dataset_for(RunConfig& config) {
    Dataset data = make_dataset(config.task);
    if (config.model.head == Head::softmax2 && data.n_classes > 2) {
        if (config.model.head_chosen)
            throw Error(config.task.target, "task has " + std::to_string(data.n_classes) + " classes",
                        "2 classes for the softmax2 head", "use --head softmax, or leave the head out");
        config.model.head = Head::softmax;
    }
    config.model.n_classes = data.n_classes;
    // Grey-level pairs (s1-s3 and people's labels, S4) keep their 0..255 inputs; the net sees them normalised.
    if (data.class_names == pixel_pair_class_names()) config.model.normalize = true;
    return data;
}

}  // namespace

TrainResult train_run(const RunConfig& config_in, const TrainOptions& options) {
    RunConfig config = config_in;
    config.validate();
    Dataset data = dataset_for(config);
    const DirLock lock = prepare_directory(options.out, options.force);
    Recorder recorder(config, std::move(data), options.out, options, 0);
    return recorder.start();
}

TrainResult resume_run(const std::string& dir, const TrainOptions& options) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(dir, "not a run directory", "a directory written by `ginn train`", "check the path");
    const DirLock lock(dir);
    remove_stale_temporaries(dir);
    const Run run = Run::open(dir);
    if (run.status() == RunStatus::complete)
        throw Error(dir, "run is already complete", "an interrupted run", "train a new run instead");
    if (run.status() == RunStatus::diverged)
        throw Error(dir, "run diverged", "an interrupted run", "resuming would diverge again; train with a smaller --lr");
    Recorder recorder(run.config(), run.dataset(), dir, options, 0);
    return recorder.resume(run);
}

std::vector<TrainResult> train_runs(const std::vector<RunConfig>& configs_in, const std::vector<std::string>& outs,
                                    const TrainOptions& options) {
    GINN_ASSERT(configs_in.size() == outs.size());
    // Validate everything and prepare every directory before any training starts.
    std::vector<RunConfig> configs = configs_in;
    std::vector<Dataset> datasets;
    for (auto& c : configs) {
        c.validate();
        datasets.push_back(dataset_for(c));
    }
    std::vector<DirLock> locks;
    for (const auto& out : outs) locks.push_back(prepare_directory(out, options.force));

    std::vector<TrainResult> results(configs.size());
    std::mutex progress_mutex;
    TrainOptions shared = options;
    if (options.on_progress)
        shared.on_progress = [&](const Progress& p) {
            std::lock_guard lock(progress_mutex);
            options.on_progress(p);
        };
    // One run per core; each run is single-threaded, so its bits do not depend on how many train at once.
    parallel_for(static_cast<int>(configs.size()), /*threads=*/0, [&](int i) {
        TrainOptions o = shared;
        o.out = outs[i];
        Recorder recorder(configs[i], std::move(datasets[i]), outs[i], o, i);
        results[i] = recorder.start();
    });
    return results;
}

}  // namespace ginn
