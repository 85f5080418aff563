// The ginn command line: parses, calls the library, maps errors to one line and a non-zero exit. No logic of its own.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <unistd.h>

#include "commands.h"
#include "ginn/core/error.h"
#include "ginn/render/render.h"

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

void SnapshotChoice::add_to(CLI::App* cmd) {
    auto* s = cmd->add_option("--snapshot", snapshot, "Snapshot index (0 = initialisation; negative counts from the end; default: last)");
    auto* i = cmd->add_option("--iteration", iteration, "Training iteration of a recorded snapshot");
    s->excludes(i);
}

void NetworkSource::add_to(CLI::App* cmd) {
    auto* run = cmd->add_option("RUN", run_dir, "Run directory");
    auto* w = cmd->add_option("--weights", weights, "A weights JSON file (docs/weights-format.md) instead of a run");
    run->excludes(w);
    choice.add_to(cmd);
}

LoadedNetwork load_network(const NetworkSource& source) {
    LoadedNetwork loaded;
    if (!source.weights.empty()) {
        loaded.net = load_network_json(source.weights);
        loaded.label = source.weights;
        return loaded;
    }
    if (source.run_dir.empty())
        throw Error("command line", "no network given", "a RUN directory or --weights FILE.json", "see --help");
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

int main(int argc, char** argv) {
    CLI::App app{"ginn: geometric illustration of neural networks.\n"
                 "Trains small networks on 2-D tasks, records the whole training, and computes and draws where every\n"
                 "neuron switches on and off, the decision boundary and the linear regions, exactly."};
    app.set_version_flag("--version", std::string("ginn ") + GINN_VERSION);
    app.require_subcommand(1);
    // Every bad flag gets one line, like every other error: what, and where to look.
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return std::string("ginn: error: ") + e.what() + " (hint: see `ginn --help` and `ginn COMMAND --help`)\n";
    });
    ginn::app::add_train_command(app);
    ginn::app::add_inspect_commands(app);
    ginn::app::add_figure_commands(app);
    ginn::app::add_explore_commands(app);
    ginn::app::add_sweep_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const ginn::app::Exit& e) {
        return e.code;
    } catch (const ginn::Error& e) {
        std::cerr << "ginn: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "ginn: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
