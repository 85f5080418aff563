// `ginn demo`, `ginn view` and `ginn analyze`: the default experiment end to end, the browser viewer, the reports.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "ginn/analysis/analysis.h"
#include "ginn/train/config.h"
#include "ginn/core/io.h"
#include "ginn/core/error.h"
#include "ginn/render/figures.h"
#include "ginn/run/run.h"
#include "ginn/viewer/viewer.h"

namespace ginn::app {

namespace fs = std::filesystem;

namespace {

/// Thresholds of detectors that need a training run or its task (docs/analysis.md): refused with --model/--weights.
constexpr const char* run_only_analysis_flags[] = {"--corner-radius", "--corner-margin", "--bias-share", "--bias-margin",
                                                   "--late-fraction", "--dead-stay", "--part-margin", "--indecisive-jump"};

/// view and analyze take run directories or one network file, not both.
void refuse_runs_with_network(const std::vector<std::string>& runs, const NetworkSource& source) {
    if (runs.empty()) return;
    const std::string flag = source.model.empty() ? "--weights" : "--model";
    throw Error(flag, "given with the run directory " + runs[0], "either RUN directories or one " + flag + " network",
                "drop " + runs[0] + " to look at the network alone, or drop " + flag);
}

/// `ginn view --model/--weights`: the page of one network, with its findings unless skipped (geometry computed once).
void write_network_page(const NetworkSource& source, const std::string& out, const std::string& title, int image_size,
                        bool no_analysis) {
    const LoadedNetwork loaded = load_network(source);
    ViewerOptions options{.title = title, .image_size = image_size};
    std::vector<std::vector<Geometry>> geometry;  // computed once, for the findings and the page
    if (!no_analysis) options.findings = network_findings({&loaded.net}, {}, &geometry);
    for (const auto& g : geometry) options.geometry.push_back(&g);
    write_network_viewer({{&loaded.net, loaded.label}}, out, options);
    std::cout << "wrote " << out << " (" << fs::file_size(out) / 1024 << " KiB); open it in a browser\n";
}

}  // namespace

void add_explore_commands(CLI::App& app) {
    {
        struct ViewFlags {
            std::vector<std::string> runs;
            NetworkSource source;  // --weights / --model: one network without a run
            std::string out = "ginn.html", title;
            int image_size = 128;
            bool no_analysis = false, quiet = false;
        };
        auto f = std::make_shared<ViewFlags>();
        CLI::App* cmd = app.add_subcommand(
            "view", "Write one self-contained HTML file to explore runs in a browser (opens from disk, no server):\n"
                    "scrub the loss curve, play the training, toggle neurons, compare runs side by side; with the\n"
                    "analysis' findings (as in ginn analyze): neuron badges and a timeline of events. --model or\n"
                    "--weights: one network without a run (its geometry, prediction, neurons, regions, 3-D view).");
        cmd->add_option("RUN", f->runs, "Run directories (several: a switcher and side-by-side mode)");
        f->source.add_file_options(cmd);
        cmd->add_option("-o,--out", f->out, "Output HTML file")->capture_default_str();
        cmd->add_option("--title", f->title, "Page title");
        cmd->add_option("--image-size", f->image_size, "Prediction images per snapshot, pixels per side")->capture_default_str();
        cmd->add_flag("--no-analysis", f->no_analysis,
                      "Skip the analysis, and with it the neuron badges and the event timeline: the analysis adds a\n"
                      "few seconds (about 2 s for the default GINN run)");
        cmd->add_flag("-q,--quiet", f->quiet, "No progress output");
        cmd->callback([f] {
            if (f->source.names_file()) {
                refuse_runs_with_network(f->runs, f->source);
                write_network_page(f->source, f->out, f->title, f->image_size, f->no_analysis);
                return;
            }
            if (f->runs.empty())
                throw Error("ginn view", "no network given", "RUN directories, --weights FILE.json or --model FILE.onnx",
                            "ginn view RUN -o FILE.html");
            const OpenedRuns opened = open_runs(f->runs);
            const auto& pointers = opened.pointers;
            // The analysis computes every snapshot's geometry once; the page draws the same geometry.
            std::vector<nlohmann::json> findings;
            std::vector<std::vector<Geometry>> geometry;
            if (!f->no_analysis) {
                auto printer = std::make_shared<ProgressPrinter>(f->quiet, 1);
                AnalysisOptions options;
                options.on_progress = [printer](int done, int total) { printer->update_count("analysing snapshots", done, total); };
                findings = run_findings(pointers, options, &geometry);
                printer->finish();
            }
            std::vector<const std::vector<Geometry>*> known;
            for (const auto& g : geometry) known.push_back(&g);
            auto printer = std::make_shared<ProgressPrinter>(f->quiet, 1);
            write_viewer(pointers, f->out, {.title = f->title, .image_size = f->image_size, .findings = findings, .geometry = known,
                                            .on_progress = [printer](int done, int total) { printer->update_count("encoding snapshots", done, total); }});
            printer->finish();
            std::cout << "wrote " << f->out << " (" << fs::file_size(f->out) / 1024 << " KiB); open it in a browser\n";
        });
    }
    {
        struct AnalyzeFlags {
            std::vector<std::string> runs;
            NetworkSource source;  // --weights / --model: one network without a run
            std::string out = "ginn-analysis";
            bool no_viewer = false, quiet = false;
            AnalysisOptions options;
        };
        auto f = std::make_shared<AnalyzeFlags>();
        CLI::App* cmd = app.add_subcommand(
            "analyze", "Detect what GINN found by eye (dead, copycat and indecisive neurons, bias shifts before weight\n"
                       "shifts, critical points, symmetry, failure, region dynamics, margins) and write report.json,\n"
                       "report.html and the viewer the report links into. --model or --weights: one network without a\n"
                       "run (dead and always-on neurons, copies, dormant outputs, regions; it says which need a run).\n"
                       "Definitions: docs/analysis.md.");
        cmd->add_option("RUN", f->runs, "Run directories (several seeds of one config are compared)");
        f->source.add_file_options(cmd);
        cmd->add_option("-o,--out", f->out, "Output directory")->capture_default_str();
        cmd->add_flag("--no-viewer", f->no_viewer, "Do not write viewer.html beside the report");
        cmd->add_flag("-q,--quiet", f->quiet, "No progress output");
        auto& o = f->options;
        const char* th = "Thresholds (docs/analysis.md)";
        cmd->add_option("--grid", o.grid, "Grid for approximate measures (0: the target's own raster)")->group(th);
        cmd->add_option("--corner-radius", o.critical.radius, "A target corner is reached within this distance (domain fraction)")->capture_default_str()->group(th);
        cmd->add_option("--copycat-disagreement", o.copycat.max_disagreement, "Copycats: largest on/off disagreement")->capture_default_str()->group(th);
        cmd->add_option("--copycat-distance", o.copycat.max_distance, "Copycats: largest mean boundary distance")->capture_default_str()->group(th);
        cmd->add_option("--copycat-length", o.copycat.min_length, "Copycats: shortest boundary that can be a copy (domain fraction)")->capture_default_str()->group(th);
        cmd->add_option("--bias-share", o.bias.phase_share, "Bias shifts: bias share at which a step is bias-dominated")->capture_default_str()->group(th);
        cmd->add_option("--bias-margin", o.bias.margin, "Bias shifts: how far the share must beat that of random-direction steps")->capture_default_str()->group(th);
        cmd->add_option("--late-fraction", o.indecisive.late_fraction, "Indecisive: only after this fraction of training")->capture_default_str()->group(th);
        cmd->add_option("--threads", o.threads, "Worker threads (0: all cores)")->group(th);
        cmd->add_option("--dead-stay", o.dead.min_stay, "Dead neurons: a death or return holds this fraction of training")->capture_default_str()->group(th);
        cmd->add_option("--corner-margin", o.critical.margin, "Critical points: how far the real score must beat the shifted-corner null")->capture_default_str()->group(th);
        cmd->add_option("--part-margin", o.failure.margin, "Failure: a part is modelled at balanced accuracy 0.5 + this")->capture_default_str()->group(th);
        cmd->add_option("--dormant-threshold", o.dormant.threshold, "Dormant outputs: a class predicted on less than this share of the domain")->capture_default_str()->group(th);
        cmd->add_option("--indecisive-jump", o.indecisive.min_jump, "Indecisive: smallest length-weighted jump (domain fraction)")->capture_default_str()->group(th);
        cmd->callback([f, cmd] {
            validate(f->options);  // every threshold before any work
            // Everything is built in memory first: a failure leaves no partial set of files behind.
            AnalysisReport report;
            std::string viewer_text;
            if (f->source.names_file()) {
                refuse_runs_with_network(f->runs, f->source);
                for (const char* flag : run_only_analysis_flags)
                    if (cmd->count(flag))
                        throw Error(flag, "given with " + std::string(f->source.model.empty() ? "--weights" : "--model"),
                                    "a RUN directory: its detector needs a training run or its task",
                                    "drop it; docs/analysis.md says which detectors apply to one network");
                const LoadedNetwork loaded = load_network(f->source);
                Geometry geometry;  // computed once for report and viewer
                report.options = f->options;
                report.runs.push_back(analyze_network(loaded.net, f->options, loaded.label, &geometry));
                std::cout << network_findings_text(report.runs[0]);
                const std::vector<Geometry> known = {std::move(geometry)};
                if (!f->no_viewer)
                    viewer_text = network_viewer_html({{&loaded.net, loaded.label}},
                                                      {.findings = viewer_findings(report), .geometry = {&known}});
            } else {
                if (f->runs.empty())
                    throw Error("ginn analyze", "no network given", "RUN directories, --weights FILE.json or --model FILE.onnx",
                                "ginn analyze RUN -o DIR");
                const OpenedRuns opened = open_runs(f->runs);
                const auto& pointers = opened.pointers;
                std::vector<std::vector<Geometry>> geometry;  // each snapshot's, computed once for report and viewer
                auto printer = std::make_shared<ProgressPrinter>(f->quiet, 1);
                AnalysisOptions options = f->options;
                options.on_progress = [printer](int done, int total) { printer->update_count("analysing snapshots", done, total); };
                report = analyze(pointers, options, f->no_viewer ? nullptr : &geometry);
                printer->finish();
                std::vector<const std::vector<Geometry>*> known;
                for (const auto& g : geometry) known.push_back(&g);
                if (!f->no_viewer) viewer_text = viewer_html(pointers, {.findings = viewer_findings(report), .geometry = known});
            }
            const std::string json_text = analysis_to_json(report).dump(1), html_text = analysis_html(report);
            std::error_code ec;
            fs::create_directories(f->out, ec);
            if (ec) throw Error(f->out, "cannot create output directory: " + ec.message(), "a writable location");
            const std::string json = (fs::path(f->out) / "report.json").string();
            const std::string html = (fs::path(f->out) / "report.html").string();
            const std::string viewer = (fs::path(f->out) / f->options.viewer).string();
            if (!f->no_viewer) write_file_atomic(viewer, viewer_text);
            write_file_atomic(json, json_text);
            write_file_atomic(html, html_text);
            std::cout << "report:  " << json << "\n         " << html << "\n";
            if (!f->no_viewer) std::cout << "viewer:  " << viewer << "   (the report's links open it at each finding)\n";
        });
    }
    {
        struct DemoFlags {
            std::string out = "ginn-demo";
            long long iterations = 0;
            bool quiet = false;
        };
        auto f = std::make_shared<DemoFlags>();
        CLI::App* cmd = app.add_subcommand(
            "demo", "Train the default GINN run on the built-in bottle and write its outputs (run, figures, viewer).");
        cmd->add_option("-o,--out", f->out, "Output directory (an earlier demo there is replaced)")->capture_default_str();
        cmd->add_option("--iterations", f->iterations, "Shorter run for a quick look (default: GINN's 1,280,000)")
            ->check(in_range(1, max_flag_iterations));
        cmd->add_flag("-q,--quiet", f->quiet, "No progress output");
        cmd->callback([f] {
            RunConfig config;
            if (f->iterations > 0) config.train.iterations = f->iterations;
            const std::string run_dir = (fs::path(f->out) / "run").string();
            auto printer = std::make_shared<ProgressPrinter>(f->quiet, 1);
            TrainOptions options = interactive_train_options(printer);
            options.out = run_dir;
            options.force = true;  // only ever replaces an earlier run (see train_run)
            const TrainResult result = train_run(config, options);
            printer->finish();
            if (result.status != RunStatus::complete) {
                std::cerr << "ginn: " << result.message << "\n";
                throw Exit{result.status == RunStatus::diverged ? exit_diverged : exit_interrupted};
            }
            const Run run = Run::open(run_dir);
            const auto& last = run.snapshots().back();
            char line[160];
            std::snprintf(line, sizeof line, "trained the default GINN run in %.1f s: %d snapshots, final loss %.4f, accuracy %.4f\n",
                          result.seconds, run.n_snapshots(), last.loss, last.accuracy);
            std::cout << line;
            std::cout << "run:     " << run_dir << "   (ginn info " << run_dir << ")\n";
            const auto figures = write_run_figures(run, f->out);
            std::cout << "figure:  " << figures[0] << "   (final snapshot, exact boundaries)\n";
            std::cout << "strip:   " << figures[1] << "   (six snapshots from initialisation to the end)\n";
            const std::string viewer = (fs::path(f->out) / "viewer.html").string();
            write_viewer({&run}, viewer, {.title = "ginn demo: the GINN bottle", .findings = run_findings({&run})});
            std::cout << "viewer:  " << viewer << "   (open in a browser: scrub through training, toggle neurons, see the findings)\n";
        });
    }
}

}  // namespace ginn::app
