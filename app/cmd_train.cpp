// `ginn train`: flags and/or a TOML config -> RunConfig -> train_run / train_runs / resume_run.
// Reads top to bottom as: defaults (GINN) -> config file -> flags -> train -> report.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "ginn/train/config.h"
#include "ginn/core/error.h"
#include "ginn/run/run.h"
#include "ginn/train/schedule.h"

namespace ginn::app {

namespace {

constexpr const char* list_hint = "comma-separated integers, e.g. 16,16,16";

std::vector<long long> parse_int_list(const std::string& text, const std::string& flag) {
    std::vector<long long> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            size_t used = 0;
            out.push_back(std::stoll(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw Error(flag, "'" + item + "' in '" + text + "' is not an integer", list_hint);
        }
    }
    if (out.empty()) throw Error(flag, "empty list", list_hint);
    return out;
}

/// A seed: a whole number in 0..2^64-1, no sign, no exponent (strtoull would wrap "-1" and saturate overflow).
uint64_t parse_seed(const std::string& text, const std::string& flag) {
    uint64_t seed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw Error(flag, "seed '" + text + "' is not a whole number in range", "a seed in 0..18446744073709551615",
                    "for example --seed 1");
    return seed;
}

/// --seeds LIST: distinct seeds (two runs with one seed would write the same directory), at most max_seeds.
constexpr size_t max_seeds = 1024;
std::vector<uint64_t> parse_seeds(const std::string& text) {
    const char* expected = "distinct seeds, comma-separated, e.g. 1,2,3,4";
    std::vector<uint64_t> seeds;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const uint64_t s = parse_seed(item, "--seeds");
        if (std::find(seeds.begin(), seeds.end(), s) != seeds.end())
            throw Error("--seeds", "seed " + item + " is given twice", expected, "each seed trains into its own seed-N");
        seeds.push_back(s);
        if (seeds.size() > max_seeds)
            throw Error("--seeds", "more than " + std::to_string(max_seeds) + " seeds", expected, "split the list");
    }
    if (seeds.empty()) throw Error("--seeds", "empty list", expected);
    return seeds;
}

struct TrainFlags {
    std::string out = "ginn-run", config_file, resume, init_from, seeds;
    bool force = false, quiet = false;
    // Overrides: applied only when given on the command line.
    std::string answers;
    std::string target, resize, widths, activation, head, init, optimizer, schedule, snapshots, sampling;
    int resolution = 0, batch = 0, n_points = 0, margin = 0;
    long long iterations = 0, step_size = 0;
    std::string seed;
    double lr = 0, momentum = 0, weight_decay = 0, dropout = 0, test_fraction = 0, noise = 0, gamma = 0, threshold = 0;
    bool batch_norm = false, residual = false;
};

/// --resume continues the saved config: any flag but --quiet would be silently ignored, so it is an error.
void check_resume_alone(const CLI::App* cmd) {
    for (const CLI::Option* opt : cmd->get_options()) {
        const std::string name = opt->get_name();
        if (opt->count() == 0 || name == "--resume" || name == "--quiet" || name == "--help") continue;
        throw Error("--resume", name + " cannot be combined with --resume",
                    "only --quiet besides --resume", "resume continues the saved config; train a new run to change it");
    }
}

/// Flags of one optimiser or schedule given with another would do nothing: say so instead of ignoring them.
void check_flags_take_effect(CLI::App* cmd, const RunConfig& c) {
    auto given = [&](const char* name) { return cmd->get_option(name)->count() > 0; };
    for (const char* flag : {"--step-size", "--gamma"})
        if (given(flag) && c.optim.schedule != LrSchedule::step)
            throw Error(flag, "has no effect with the " + std::string(lr_schedule_name(c.optim.schedule)) + " schedule", "--schedule step", "drop the flag or add --schedule step");
    // Task settings the target's kind does not read (--noise with an image, --resolution with a formula, ...).
    const TaskKind kind = task_kind(c.task.target);
    for (const auto& [flag, field] : {std::pair{"--resolution", "resolution"}, {"--n-points", "n_points"},
                                      {"--noise", "noise"}, {"--margin", "margin"}, {"--threshold", "threshold"},
                                      {"--resize", "resize"}, {"--answers", "answers"}}) {
        if (!given(flag) || std::find(kind.fields.begin(), kind.fields.end(), field) != kind.fields.end()) continue;
        std::string reads;
        for (const std::string& f : kind.fields) reads += (reads.empty() ? "" : ", ") + std::string("--") + f;
        std::replace(reads.begin(), reads.end(), '_', '-');
        throw Error(flag, std::string("has no effect on --target ") + c.task.target + " (task kind: " + kind.name + ")",
                    reads.empty() ? "no task flags besides --test-fraction" : "its task flags: " + reads + ", --test-fraction",
                    "drop the flag");
    }
    if (given("--momentum") && c.optim.kind != OptimizerKind::momentum)
        throw Error("--momentum", "has no effect with optimizer " + std::string(optimizer_name(c.optim.kind)),
                    "--optimizer momentum", "Adam's betas are fixed at PyTorch's 0.9 and 0.999");
}

RunConfig build_config(CLI::App* cmd, const TrainFlags& f) {
    RunConfig c = f.config_file.empty() ? RunConfig{} : config_from_toml_file(f.config_file);
    auto given = [&](const char* name) { return cmd->get_option(name)->count() > 0; };
    if (given("--target")) c.task.target = f.target;
    if (given("--resolution")) c.task.resolution = f.resolution;
    if (given("--n-points")) c.task.n_points = f.n_points;
    if (given("--noise")) c.task.noise = f.noise;
    if (given("--margin")) c.task.margin = f.margin;
    if (given("--test-fraction")) c.task.test_fraction = f.test_fraction;
    if (given("--threshold")) c.task.threshold = f.threshold;
    if (given("--resize")) c.task.resize = resize_from_name(f.resize, "--resize");
    if (given("--answers")) c.task.answers = f.answers;
    if (given("--widths")) {
        c.model.widths.clear();
        for (long long w : parse_int_list(f.widths, "--widths")) {
            if (w < 1 || w > max_width)
                throw Error("--widths", "width " + std::to_string(w) + " is out of range",
                            "1.." + std::to_string(max_width) + " neurons per layer");
            c.model.widths.push_back(static_cast<int>(w));
        }
    }
    if (given("--activation")) c.model.activation = activation_from_name(f.activation, "--activation");
    if (given("--head")) {
        c.model.head = head_from_name(f.head, "--head");
        c.model.head_chosen = true;
    }
    if (given("--init")) c.model.init = init_from_name(f.init, "--init");
    if (given("--dropout")) c.model.dropout = f.dropout;
    if (given("--batch-norm")) c.model.batch_norm = f.batch_norm;
    if (given("--residual")) c.model.residual = f.residual;
    if (given("--optimizer")) c.optim.kind = optimizer_from_name(f.optimizer, "--optimizer");
    if (given("--lr")) c.optim.lr = f.lr;
    if (given("--momentum")) c.optim.momentum = f.momentum;
    if (given("--weight-decay")) c.optim.weight_decay = f.weight_decay;
    if (given("--schedule")) c.optim.schedule = lr_schedule_from_name(f.schedule, "--schedule");
    if (given("--step-size")) c.optim.step_size = f.step_size;
    if (given("--gamma")) c.optim.gamma = f.gamma;
    if (given("--batch")) c.train.batch = f.batch;
    if (given("--iterations")) c.train.iterations = f.iterations;
    if (given("--seed")) c.train.seed = parse_seed(f.seed, "--seed");
    if (given("--sampling")) {
        if (f.sampling != "replacement" && f.sampling != "epochs")
            throw Error("--sampling", "unknown sampling '" + f.sampling + "'", "replacement or epochs");
        c.train.sampling = f.sampling == "epochs" ? Sampling::epochs : Sampling::replacement;
    }
    if (given("--snapshots")) c.snapshots = f.snapshots;
    c.validate();
    check_flags_take_effect(cmd, c);
    return c;
}

/// The rest of a run's summary line, read back from its directory: why log:N recorded fewer snapshots, the last
/// iteration, the final (or last recorded) loss and the time. Without the loss when nothing was recorded.
std::string run_details(const TrainResult& r) {
    std::string details, loss;
    if (r.n_snapshots > 0) {
        const Run run = Run::open(r.dir);
        const std::string note = snapshot_schedule_note(run.config().snapshots, run.config().train.iterations);
        if (!note.empty()) details = " (" + note + ")";
        char text[64];
        std::snprintf(text, sizeof text, ", %s loss %.4g", r.status == RunStatus::complete ? "final" : "last snapshot's",
                      run.snapshots().back().loss);
        loss = text;
    }
    char time[32];
    std::snprintf(time, sizeof time, ", %.1f s", r.seconds);
    return details + ", iteration " + std::to_string(r.iteration) + loss + time;
}

/// One line per run: status, snapshots (and why fewer than asked), last iteration, final loss, time.
int report(const std::vector<TrainResult>& results) {
    int code = 0;
    for (const auto& r : results) {
        std::cout << r.dir << ": " << run_status_name(r.status) << ", " << r.n_snapshots << " snapshots"
                  << run_details(r) << "\n";
        if (r.status == RunStatus::diverged) {
            std::cerr << "ginn: error: " << r.dir << ": " << r.message << "\n";
            code = exit_diverged;
        } else if (r.status == RunStatus::interrupted) {
            std::cerr << "ginn: " << r.dir << ": " << r.message << "\n";
            if (code == 0) code = exit_interrupted;
        }
    }
    return code;
}

}  // namespace

void add_train_command(CLI::App& app) {
    auto f = std::make_shared<TrainFlags>();
    CLI::App* cmd = app.add_subcommand(
        "train", "Train a network and record its whole training into a run directory.\n"
                 "With no options it reproduces GINN: bottle at 200x200, 2-16-16-16-2 ReLU, PyTorch init, Adam 1e-3,\n"
                 "cosine annealing over 1,280,000 iterations, batch 128 with replacement, the `ginn` snapshot schedule.");
    cmd->add_option("-o,--out", f->out, "Run directory to create (with --seeds: parent of seed-N directories)")->capture_default_str();
    cmd->add_flag("--force", f->force, "Replace an existing run directory");
    cmd->add_flag("-q,--quiet", f->quiet, "No progress output");
    cmd->add_option("--config", f->config_file, "TOML config file (flags override it); see examples/ginn-default.toml");
    cmd->add_option("--resume", f->resume, "Continue an interrupted run directory to completion with its saved config\n"
                                          "(no other flag but --quiet)");
    cmd->add_option("--init-from", f->init_from, "Start from another run's initial parameters (same architecture)");
    auto* seeds = cmd->add_option("--seeds", f->seeds, "Train one run per distinct seed (at most 1024), in parallel, e.g. 1,2,3,4");
    auto* task = "Task";
    cmd->add_option("--target", f->target, "bottle, circle, xor, gauss, spiral, y-x, y-|x|, 1-x^2/4-y^2, y-sin(pi*x), s1, s2, s3 (grey-level pairs 0..255: white, black, grey), an image/CSV file, or people's labels\n(labels.sqlite from ginn annotate, or its CSV export)")->group(task);
    cmd->add_option("--resolution", f->resolution, "Image targets: pixels per side (default 200)")->group(task);
    cmd->add_option("--n-points", f->n_points, "Point and formula tasks: number of points (default 10000)")->group(task);
    cmd->add_option("--margin", f->margin, "s1, s2, s3: the rules' margin n in grey levels, 0..255 (default 20)")->group(task);
    cmd->add_option("--noise", f->noise, "Point tasks: noise 0..1 as in TensorFlow Playground (circle, xor: labels from points displaced by up to 5*noise; gauss: variance 0.5+7*noise; spiral: points displaced by up to noise) (default 0)")->group(task);
    cmd->add_option("--test-fraction", f->test_fraction, "Fraction held out as a test split (default 0)")->group(task);
    cmd->add_option("--threshold", f->threshold, "Image targets: grey level at or above which a pixel is white (default 0.5)")->group(task);
    cmd->add_option("--resize", f->resize, "Image targets: stb (default) or bilinear (Pillow's, as GINN; with --threshold 1 gives GINN's labels)")->group(task);
    cmd->add_option("--answers", f->answers, "Labels files (ginn annotate): several answers for one pair make one example by majority\n(ties: white, then black, then grey) or one example each (default majority)")->check(CLI::IsMember({"majority", "each"}))->group(task);
    auto* model = "Model";
    cmd->add_option("--widths", f->widths, "Hidden widths, e.g. 16,16,16")->group(model);
    cmd->add_option("--activation", f->activation, "relu, leaky_relu, elu, tanh, sigmoid, swish, gelu, linear")->group(model);
    cmd->add_option("--head", f->head, "softmax2 (GINN), sigmoid, softmax, regression (default: softmax2, or softmax for a task of more than two classes)")->group(model);
    cmd->add_option("--init", f->init, "pytorch (GINN), he_normal, xavier")->group(model);
    cmd->add_option("--dropout", f->dropout, "Drop probability after each hidden activation")->group(model);
    cmd->add_flag("--batch-norm", f->batch_norm, "Batch normalisation after each hidden linear layer")->group(model);
    cmd->add_flag("--residual", f->residual, "Residual connections where widths match")->group(model);
    auto* optim = "Optimiser";
    cmd->add_option("--optimizer", f->optimizer, "sgd, momentum, adam (GINN)")->group(optim);
    cmd->add_option("--lr", f->lr, "Learning rate (default 1e-3)")->group(optim);
    cmd->add_option("--momentum", f->momentum, "Momentum for `momentum` (default 0.9)")->group(optim);
    cmd->add_option("--weight-decay", f->weight_decay, "L2 weight decay (default 0)")->group(optim);
    cmd->add_option("--schedule", f->schedule, "Learning-rate schedule: constant, cosine (GINN), step")->group(optim);
    cmd->add_option("--step-size", f->step_size, "Step schedule: iterations between decays")
        ->check(in_range(1, max_flag_iterations))->group(optim);
    cmd->add_option("--gamma", f->gamma, "Step schedule: decay factor")->group(optim);
    auto* training = "Training";
    cmd->add_option("--batch", f->batch, "Minibatch size (default 128)")->group(training);
    cmd->add_option("--iterations", f->iterations, "Parameter updates, 0..1e18 (default 1280000)")
        ->check(in_range(0, max_flag_iterations))->group(training);
    cmd->add_option("--sampling", f->sampling, "replacement (GINN) or epochs")->group(training);
    cmd->add_option("--seed", f->seed, "Random seed, 0..2^64-1 (default 1)")->group(training)->excludes(seeds);
    cmd->add_option("--snapshots", f->snapshots,
                    "Snapshot schedule: ginn (GINN's 431), log:N (N log-spaced; those that round to the same\n"
                    "iteration are kept once, so fewer than N early on), every:K; the final iteration is always\n"
                    "recorded; at most 100000 snapshots")->group(training);

    cmd->callback([cmd, f] {
        auto printer = std::make_shared<ProgressPrinter>(f->quiet, 1);
        TrainOptions options = interactive_train_options(printer);
        options.force = f->force;
        options.init_from = f->init_from;
        std::vector<TrainResult> results;
        if (cmd->get_option("--resume")->count() > 0) {
            check_resume_alone(cmd);
            results.push_back(resume_run(f->resume, options));
        } else {
            const RunConfig config = build_config(cmd, *f);
            if (cmd->get_option("--seeds")->count() == 0) {
                options.out = f->out;
                results.push_back(train_run(config, options));
            } else {
                std::vector<RunConfig> configs;
                std::vector<std::string> outs;
                for (uint64_t s : parse_seeds(f->seeds)) {
                    RunConfig c = config;
                    c.train.seed = s;
                    configs.push_back(c);
                    outs.push_back((std::filesystem::path(f->out) / ("seed-" + std::to_string(s))).string());
                }
                *printer = ProgressPrinter(f->quiet, static_cast<int>(configs.size()));
                results = train_runs(configs, outs, options);
            }
        }
        printer->finish();
        if (const int code = report(results); code != 0) throw Exit{code};
    });
}

}  // namespace ginn::app
