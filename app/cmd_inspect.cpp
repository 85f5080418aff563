// `ginn info`, `ginn weights` and `ginn geometry`: read a run (or a weights file) and print what it holds.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "ginn/error.h"
#include "ginn/io.h"
#include "ginn/run.h"

namespace ginn::app {

namespace {
/// Writes text to the file if one is given (atomically), else to stdout.
void emit(const std::string& text, const std::string& out) {
    if (out.empty() || out == "-") std::cout << text << "\n";
    else write_file_atomic(out, text + "\n");
}
}  // namespace

void add_inspect_commands(CLI::App& app) {
    {
        auto dir = std::make_shared<std::string>();
        CLI::App* cmd = app.add_subcommand("info", "Summarise a run: task, architecture, optimiser, snapshots, final metrics, time.");
        cmd->add_option("RUN", *dir, "Run directory")->required();
        cmd->callback([dir] { std::cout << run_summary(Run::open(*dir)); });
    }
    {
        auto dir = std::make_shared<std::string>();
        auto out = std::make_shared<std::string>();
        auto choice = std::make_shared<SnapshotChoice>();
        CLI::App* cmd = app.add_subcommand(
            "weights", "Print one snapshot's network as JSON that an outside tool can evaluate (docs/weights-format.md):\n"
                       "domain, layers with W (rows = outputs), b, activation, residual; batch norm folded in.");
        cmd->add_option("RUN", *dir, "Run directory")->required();
        cmd->add_option("-o,--out", *out, "Write to this file instead of standard output");
        choice->add_to(cmd);
        cmd->callback([dir, out, choice] {
            const Run run = Run::open(*dir);
            const int k = run.resolve_snapshot(choice->snapshot, choice->iteration);
            nlohmann::json j = network_to_json(run.network(k));
            j["iteration"] = run.snapshot(k).iteration;
            j["snapshot"] = k;
            emit(j.dump(), *out);
        });
    }
}

}  // namespace ginn::app
