// The ginn command line's parts: each add_*_command registers one subcommand on the CLI11 app and binds a callback
// that calls the library. Shared helpers for run/snapshot selection and output live here too. No logic of its own.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "ginn/run/run.h"

namespace ginn::app {

void add_train_command(CLI::App& app);
void add_inspect_commands(CLI::App& app);   // info, weights, geometry
void add_figure_commands(CLI::App& app);    // render, animate
void add_explore_commands(CLI::App& app);   // view, analyze, demo
void add_sweep_command(CLI::App& app);
void add_play_command(CLI::App& app);      // play: the live page
void add_flips_command(CLI::App& app);      // flips (naive Bayes one-pixel flips)
void add_annotate_command(CLI::App& app);   // annotate serve|export

/// Raised by SIGINT/SIGTERM while training; a second signal ends the process at once.
std::atomic<bool>& stop_flag();
void install_signal_handlers();

/// A CLI11 check that a numeric flag lies in lo..hi (NaN and non-numbers fail), worded like ginn's errors:
/// "--grid: '5000' is not in 2..1024" (an infinite hi reads "is not >= lo"). Example: cmd->add_option("--fps", fps)->check(in_range(1, 120));
CLI::Validator in_range(double lo, double hi);
/// Largest iteration count a flag takes: 10^18 (CLI11 silently saturates larger numbers at 2^63 - 1).
inline constexpr double max_flag_iterations = 1e18;

/// --snapshot K / --iteration N, shared by every command that reads one snapshot of a run.
struct SnapshotChoice {
    int snapshot = -1;        // -1 = last
    long long iteration = -1; // -1 = not given (the flag itself must be >= 0)
    void add_to(CLI::App* cmd);
};

/// Where a command's network comes from: a run directory (one snapshot of it), a `--weights FILE.json` or a
/// `--model FILE.onnx` (drawn on `--domain`, default [-1, 1]^2).
struct NetworkSource {
    std::string run_dir, weights, model, domain;
    SnapshotChoice choice;
    void add_to(CLI::App* cmd);
    /// Only --weights, --model and --domain, for commands whose RUN arguments are their own (view, analyze).
    void add_file_options(CLI::App* cmd);
    bool names_file() const { return !weights.empty() || !model.empty(); }
};
/// The network a source names, with its run when it came from one.
struct LoadedNetwork {
    std::optional<Run> run;
    int snapshot = -1;
    Network net;
    std::string label;  // "iteration N   loss L" for runs, the file name for weights
};
LoadedNetwork load_network(const NetworkSource& source);

/// Several run directories opened for reading, and pointers to them for the library's run-list functions.
struct OpenedRuns {
    std::vector<Run> runs;
    std::vector<const Run*> pointers;  // into runs (a moved vector keeps its elements in place)
};
OpenedRuns open_runs(const std::vector<std::string>& dirs);

class ProgressPrinter;
/// Training options for an interactive command: Ctrl-C/SIGTERM stop and save, progress goes to `printer`.
TrainOptions interactive_train_options(const std::shared_ptr<ProgressPrinter>& printer);

/// Prints a progress bar on a terminal, a line every few seconds otherwise, nothing when quiet.
class ProgressPrinter {
public:
    ProgressPrinter(bool quiet, int n_runs);
    void update(int run, long long iteration, long long total, double seconds, double loss);
    /// A stage that counts items (e.g. `ginn view` encoding snapshots): "what done/total" with a bar.
    void update_count(const char* what, long long done, long long total);
    void finish();

private:
    bool quiet_, tty_;
    int n_runs_;
    double last_print_ = -1e9;
    std::vector<long long> done_, total_;
};

/// Exit codes beyond 0 (success), listed in `ginn --help` and the README: an error, a bad command line, a diverged
/// run and an interrupted one.
inline constexpr int exit_error = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_diverged = 3;
inline constexpr int exit_interrupted = 130;
/// Thrown by a command to end with a given exit code after it has printed its own message.
struct Exit {
    int code;
};

}  // namespace ginn::app
