// The ginn command line: parses, calls the library, maps errors to one line and a non-zero exit. No logic of its own.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "commands.h"
#include "ginn/core/error.h"
#include "ginn/model/onnx_import.h"
#include "ginn/render/render.h"
#include "ginn/train/schedule.h"

namespace ginn::app {

std::atomic<bool>& stop_flag() {
    static std::atomic<bool> flag{false};
    return flag;
}

namespace {
void on_signal(int sig) {
    stop_flag() = true;
    std::signal(sig, SIG_DFL);  // a second Ctrl-C ends at once
}
}  // namespace

void install_signal_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

CLI::Validator in_range(double lo, double hi) {
    auto whole = [](double x) {  // 2..1024 rather than 2..1024.000000
        char text[32];
        std::snprintf(text, sizeof text, std::abs(x) < 1e15 && x == std::floor(x) ? "%.0f" : "%g", x);
        return std::string(text);
    };
    const std::string range = std::isinf(hi) ? ">= " + whole(lo) : whole(lo) + ".." + whole(hi);
    const std::string expected = std::isinf(hi) ? "is not " + range : "is not in " + range;
    return CLI::Validator(
        [lo, hi, expected](std::string& text) -> std::string {
            char* end = nullptr;
            const double x = std::strtod(text.c_str(), &end);
            if (text.empty() || end != text.c_str() + text.size() || !(x >= lo && x <= hi))
                return "'" + text + "' " + expected;
            return "";
        },
        range);
}

void SnapshotChoice::add_to(CLI::App* cmd) {
    auto* s = cmd->add_option("--snapshot", snapshot, "Snapshot index (0 = initialisation; negative counts from the end; default: last)")
                  ->check(in_range(-max_snapshots, max_snapshots));
    auto* i = cmd->add_option("--iteration", iteration, "Training iteration of a recorded snapshot (see `ginn info RUN`)")
                  ->check(in_range(0, max_flag_iterations));
    s->excludes(i);
}

namespace {
/// "xmin,xmax,ymin,ymax" as a Box, or nothing when the text is not four numbers of a box within +-1e6.
std::optional<Box> parse_domain(const std::string& text) {
    Box box;
    char tail = 0;
    const auto fine = [](double v) { return std::isfinite(v) && std::abs(v) <= max_abs_coordinate; };
    if (std::sscanf(text.c_str(), "%lf,%lf,%lf,%lf%c", &box.x0, &box.x1, &box.y0, &box.y1, &tail) != 4 ||
        !(fine(box.x0) && fine(box.x1) && fine(box.y0) && fine(box.y1) && box.x0 < box.x1 && box.y0 < box.y1))
        return std::nullopt;
    return box;
}
}  // namespace

void NetworkSource::add_file_options(CLI::App* cmd) {
    auto* w = cmd->add_option("--weights", weights, "A weights JSON file (docs/weights-format.md) instead of a run");
    auto* m = cmd->add_option("--model", model, "An ONNX file of an MLP with a 2-D input (docs/onnx.md) instead of a run");
    auto* d = cmd->add_option("--domain", domain, "The box an ONNX model is drawn on: xmin,xmax,ymin,ymax (default -1,1,-1,1)")
                  ->check(CLI::Validator([](std::string& text) { return parse_domain(text) ? "" : "'" + text +
                      "' is not xmin,xmax,ymin,ymax with xmin < xmax, ymin < ymax, all within +-1e6"; }, "BOX"));
    w->excludes(m);
    d->needs(m);
}

void NetworkSource::add_to(CLI::App* cmd) {
    auto* run = cmd->add_option("RUN", run_dir, "Run directory");
    add_file_options(cmd);
    run->excludes("--weights")->excludes("--model");
    choice.add_to(cmd);
    for (const char* file : {"--weights", "--model"})  // a weights or ONNX file holds one network
        cmd->get_option(file)->excludes("--snapshot")->excludes("--iteration");
}

LoadedNetwork load_network(const NetworkSource& source) {
    LoadedNetwork loaded;
    if (!source.weights.empty()) {
        loaded.net = load_network_json(source.weights);
        loaded.label = source.weights;
        return loaded;
    }
    if (!source.model.empty()) {
        loaded.net = load_network_onnx(source.model, {.domain = parse_domain(source.domain).value_or(default_onnx_domain)});
        loaded.label = source.model;
        return loaded;
    }
    if (source.run_dir.empty())
        throw Error("command line", "no network given", "a RUN directory, --weights FILE.json or --model FILE.onnx", "see --help");
    loaded.run = Run::open(source.run_dir);
    loaded.snapshot = loaded.run->resolve_snapshot(source.choice.snapshot, source.choice.iteration);
    loaded.net = loaded.run->network(loaded.snapshot);
    const auto& s = loaded.run->snapshot(loaded.snapshot);
    loaded.label = snapshot_label(s.iteration, s.loss);
    return loaded;
}

OpenedRuns open_runs(const std::vector<std::string>& dirs) {
    OpenedRuns opened;
    for (const auto& dir : dirs) opened.runs.push_back(Run::open(dir));
    for (const auto& run : opened.runs) opened.pointers.push_back(&run);
    return opened;
}

TrainOptions interactive_train_options(const std::shared_ptr<ProgressPrinter>& printer) {
    install_signal_handlers();
    TrainOptions options;
    options.stop = &stop_flag();
    options.on_progress = [printer](const Progress& p) { printer->update(p.run, p.iteration, p.total, p.seconds, p.loss); };
    return options;
}

}  // namespace ginn::app

namespace {

/// Any text as one line: a message with a newline would break "one error line".
std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

int print_error(const std::string& message, int code = ginn::app::exit_error) {
    std::cerr << "ginn: error: " << one_line(message) << "\n";
    return code;
}

std::string command_names(const CLI::App& app) {
    std::string names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        names += (names.empty() ? "" : ", ") + sub->get_name();
    return names;
}

/// The subcommand named by argv[1], or nullptr for none or an unknown name (after options such as --version).
const CLI::App* named_command(CLI::App& app, int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') return nullptr;
    try {
        return app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound&) {
        return nullptr;
    }
}

/// Runs the parsed command; every exception becomes one "ginn: error:" line and a documented exit code.
int run(CLI::App& app, int argc, char** argv) {
    const CLI::App* command = named_command(app, argc, argv);
    if (argc >= 2 && argv[1][0] != '-' && !command)
        return print_error(ginn::Error("ginn", "unknown command '" + std::string(argv[1]) + "'", "a command: " + command_names(app),
                                       "see `ginn --help`").what(), ginn::app::exit_usage);
    const std::string help = command ? "ginn " + command->get_name() + " --help" : "ginn --help";
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        if (dynamic_cast<const CLI::RequiredError*>(&e) && !command)  // ginn, or ginn --unknown-flag
            return print_error(ginn::Error("ginn", argc < 2 ? "no command given" : "unknown option '" + std::string(argv[1]) + "'",
                                           "a command: " + command_names(app), "see `ginn --help`").what(),
                               ginn::app::exit_usage);
        const std::string where = command ? "ginn " + command->get_name() : "ginn";
        return print_error(ginn::Error(where, one_line(e.what()), "", "see `" + help + "`").what(), ginn::app::exit_usage);
    } catch (const ginn::app::Exit& e) {
        return e.code;
    } catch (const ginn::Error& e) {
        return print_error(e.what());
    } catch (const std::bad_alloc&) {
        return print_error(ginn::Error("ginn", "out of memory", "",
                                       "use smaller sizes (fewer points or snapshots, a lower resolution or grid, "
                                       "narrower layers); see `" + help + "`").what());
    } catch (const std::filesystem::filesystem_error& e) {
        return print_error(ginn::Error(e.path1().string(), e.code().message(), "",
                                       "check the path, free space and permissions").what());
    } catch (const nlohmann::json::exception& e) {
        const std::string text = e.what();  // "[json.exception.type.N] message": keep the message
        const size_t cut = text.find("] ");
        return print_error(ginn::Error("ginn", "malformed JSON: " + (cut == std::string::npos ? text : text.substr(cut + 2)),
                                       "", "check the file against docs/run-format.md or docs/weights-format.md").what());
    } catch (const std::exception& e) {
        return print_error(ginn::Error("ginn", std::string("unexpected error: ") + e.what(), "",
                                       "this is a bug in ginn; please report it with the command that caused it").what());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ginn: geometric illustration of neural networks.\n"
                 "Trains small networks on 2-D tasks, records the whole training, and computes and draws where every\n"
                 "neuron switches on and off, the decision boundary and the linear regions, exactly."};
    app.set_version_flag("--version", std::string("ginn ") + GINN_VERSION);
    app.require_subcommand(1);
    app.footer("Exit codes: 0 success; 1 error (one line on standard error: what, where, expected, hint); 2 bad command\n"
               "line (unknown command or flag, bad or out-of-range value); 3 training diverged (non-finite loss);\n"
               "130 interrupted (Ctrl-C or SIGTERM; the run is saved, continue with `ginn train --resume`).");
    ginn::app::add_train_command(app);
    ginn::app::add_inspect_commands(app);
    ginn::app::add_figure_commands(app);
    ginn::app::add_explore_commands(app);
    ginn::app::add_sweep_command(app);
    ginn::app::add_play_command(app);
    ginn::app::add_flips_command(app);
    ginn::app::add_annotate_command(app);
    return run(app, argc, argv);
}
