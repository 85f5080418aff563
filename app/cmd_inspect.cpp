// `ginn info`, `ginn weights` and `ginn geometry`: read a run (or a weights file) and print what it holds.
#include <filesystem>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "ginn/core/error.h"
#include "ginn/geometry/continuation.h"
#include "ginn/geometry/geometry.h"
#include "ginn/core/io.h"
#include "ginn/run/run.h"
#include "ginn/study/study.h"

namespace ginn::app {

namespace {
/// Writes text to the file if one is given (atomically), else to stdout.
/// A device or pipe (/dev/stdout, /dev/full) is refused: the atomic rename would replace it with a regular file.
void emit(const std::string& text, const std::string& out) {
    if (out.empty() || out == "-") {
        std::cout << text << "\n";
        return;
    }
    std::error_code ec;
    const auto type = std::filesystem::status(out, ec).type();
    if (type != std::filesystem::file_type::not_found && type != std::filesystem::file_type::regular)
        throw Error(out, "is not a regular file", "a file name, or - for standard output", "use -o - or leave out -o");
    write_file_atomic(out, text + "\n");
}
}  // namespace

void add_inspect_commands(CLI::App& app) {
    {
        auto dir = std::make_shared<std::string>();
        CLI::App* cmd = app.add_subcommand("info", "Summarise a run: task, architecture, optimiser, snapshots, final metrics, time.");
        cmd->add_option("RUN", *dir, "Run directory")->required();
        cmd->callback([dir] {
            const Run run = Run::open(*dir);
            std::cout << run_summary(run) << run_truth_summary(run);
        });
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
    {
        struct GeometryFlags {
            NetworkSource source;
            std::string format = "json", out;
            bool regions = false, trace = false;
            int grid = 256;
            double tolerance = 1e-10;
        };
        auto f = std::make_shared<GeometryFlags>();
        CLI::App* cmd = app.add_subcommand(
            "geometry", "Compute a snapshot's geometry from its weights: every neuron's boundary, the decision boundary,\n"
                        "and the activation and linear region counts (exact for relu/leaky_relu/linear networks;\n"
                        "marked approximate for smooth activations). See docs/geometry-format.md.");
        f->source.add_to(cmd);
        cmd->add_option("--format", f->format, "json or summary")->check(CLI::IsMember({"json", "summary"}))->capture_default_str();
        cmd->add_flag("--regions", f->regions, "Add every region's polygon and activation pattern");
        cmd->add_option("--grid", f->grid, "Smooth activations: marching-squares cells per side, 2..1024; wide or deep\n"
                                           "networks allow less ((grid+1)^2 x (neurons+1) <= 2^25: 6 x 64 neurons <= 294)")
            ->check(in_range(2, max_smooth_grid))
            ->capture_default_str();
        cmd->add_option("-o,--out", f->out, "Write to this file instead of standard output");
        cmd->add_flag("--trace", f->trace, "Also trace the decision boundaries by numerical continuation (\"traced\":\n"
                                           "approximate to --tolerance in the logit difference) and their triple points");
        cmd->add_option("--tolerance", f->tolerance, "With --trace: Newton's tolerance on |z_a - z_b|, 1e-14..1e-2")->capture_default_str();
        cmd->callback([f, cmd] {
            if (cmd->count("--tolerance") && !f->trace) throw Error("--tolerance", "given without --trace", "--trace --tolerance", "add --trace");
            const LoadedNetwork loaded = load_network(f->source);
            const Geometry g = compute_geometry(loaded.net, {.regions = f->regions, .grid = f->grid});
            TracedBoundaries traced;
            if (f->trace) traced = trace_boundaries(loaded.net, {.tolerance = f->tolerance});
            if (f->format == "json") {
                nlohmann::json j = geometry_to_json(g, f->regions);
                if (f->trace) j["traced"] = traced_to_json(traced);
                if (loaded.run) j["iteration"] = loaded.run->snapshot(loaded.snapshot).iteration;
                emit(j.dump(), f->out);
                return;
            }
            std::ostringstream s;
            s << (g.exact ? "exact" : "approximate (grid + bisection)") << " geometry of " << loaded.label << "\n";
            s << "neurons           " << g.neurons.size() << "\n";
            size_t pieces = 0;
            for (const auto& n : g.neurons) pieces += n.polylines.size();
            s << "boundary pieces   " << pieces << " polylines\n";
            s << "decision boundary " << g.decision_boundary.size() << " polylines\n";
            if (g.exact) {
                s << "regions           " << g.counts.activation << " activation, " << g.counts.linear << " linear; by layer";
                for (auto c : g.counts.per_layer) s << " " << c;
                s << "\n";
            }
            if (f->trace) {
                s << "traced boundary   " << traced.curves.size() << " curves, " << traced.triple_points.size()
                  << " triple points (approximate to " << traced.tolerance << " in the logit difference; largest "
                  << traced.max_residual << ")\n";
                for (const TriplePoint& t : traced.triple_points)
                    s << "  triple point " << t.x << ", " << t.y << " classes " << t.a << ", " << t.b << ", " << t.c << "\n";
            }
            emit(s.str(), f->out);
        });
    }
}

}  // namespace ginn::app
