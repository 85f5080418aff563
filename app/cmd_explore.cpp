// `ginn demo`, `ginn view` and `ginn analyze`: the default experiment end to end, the browser viewer, the reports.
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "ginn/config.h"
#include "ginn/error.h"
#include "ginn/figures.h"
#include "ginn/run.h"
#include "ginn/viewer.h"

namespace ginn::app {

namespace fs = std::filesystem;

void add_explore_commands(CLI::App& app) {
    {
        struct ViewFlags {
            std::vector<std::string> runs;
            std::string out = "ginn.html", title;
            int image_size = 128;
        };
        auto f = std::make_shared<ViewFlags>();
        CLI::App* cmd = app.add_subcommand(
            "view", "Write one self-contained HTML file to explore runs in a browser (opens from disk, no server):\n"
                    "scrub the loss curve, play the training, toggle neurons, compare runs side by side.");
        cmd->add_option("RUN", f->runs, "Run directories (several: a switcher and side-by-side mode)")->required();
        cmd->add_option("-o,--out", f->out, "Output HTML file")->capture_default_str();
        cmd->add_option("--title", f->title, "Page title");
        cmd->add_option("--image-size", f->image_size, "Prediction images per snapshot, pixels per side")->capture_default_str();
        cmd->callback([f] {
            std::vector<Run> runs;
            for (const auto& dir : f->runs) runs.push_back(Run::open(dir));
            std::vector<const Run*> pointers;
            for (const auto& r : runs) pointers.push_back(&r);
            write_viewer(pointers, f->out, {.title = f->title, .image_size = f->image_size});
            std::cout << "wrote " << f->out << " (" << fs::file_size(f->out) / 1024 << " KiB); open it in a browser\n";
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
        cmd->add_option("--iterations", f->iterations, "Shorter run for a quick look (default: GINN's 1,280,000)");
        cmd->add_flag("-q,--quiet", f->quiet, "No progress output");
        cmd->callback([f] {
            install_signal_handlers();
            RunConfig config;
            if (f->iterations > 0) config.train.iterations = f->iterations;
            const std::string run_dir = (fs::path(f->out) / "run").string();
            TrainOptions options;
            options.out = run_dir;
            options.force = true;  // only ever replaces an earlier run (see train_run)
            options.stop = &stop_flag();
            auto printer = std::make_shared<ProgressPrinter>(f->quiet, 1);
            options.on_progress = [printer](const Progress& p) {
                printer->update(p.run, p.iteration, p.total, p.seconds, p.loss);
            };
            const TrainResult result = train_run(config, options);
            printer->finish();
            if (result.status != RunStatus::complete) {
                std::cerr << "ginn: " << result.message << "\n";
                throw Exit{result.status == RunStatus::diverged ? exit_diverged : exit_interrupted};
            }
            const Run run = Run::open(run_dir);
            const auto& last = run.snapshots().back();
            std::cout << "trained the default GINN run in " << result.seconds << " s: " << run.n_snapshots()
                      << " snapshots, final loss " << last.loss << ", accuracy " << last.accuracy << "\n";
            std::cout << "run:     " << run_dir << "   (ginn info " << run_dir << ")\n";
            const auto figures = write_run_figures(run, f->out);
            std::cout << "figure:  " << figures[0] << "   (final snapshot, exact boundaries)\n";
            std::cout << "strip:   " << figures[1] << "   (six snapshots from initialisation to the end)\n";
            const std::string viewer = (fs::path(f->out) / "viewer.html").string();
            write_viewer({&run}, viewer, {.title = "ginn demo: the GINN bottle"});
            std::cout << "viewer:  " << viewer << "   (open in a browser: scrub through training, toggle neurons)\n";
        });
    }
}

}  // namespace ginn::app
