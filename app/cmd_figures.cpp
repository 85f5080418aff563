// `ginn render` and `ginn animate`: figures of one snapshot, a strip of several, or the whole training as a video.
#include <iostream>

#include "commands.h"
#include "ginn/core/error.h"
#include "ginn/render/figures.h"
#include "ginn/geometry/geometry.h"
#include "ginn/render/render.h"

namespace ginn::app {

namespace {

/// Flags shared by render and animate: what to draw and how big.
struct LookFlags {
    std::string neurons = "all", background = "prediction";
    int size = 0;
    bool no_decision = false, colour_bar = false, axes = false;

    void add_to(CLI::App* cmd, int default_size) {
        size = default_size;
        cmd->add_option("--neurons", neurons, "Boundaries to draw: all, none, L1, L2:3,5, L1+L3:2 ...")->capture_default_str();
        cmd->add_option("--background", background, "prediction (fixed 0..1 scale), target, regions or none")->capture_default_str();
        cmd->add_option("--size", size, "Width of a plot in pixels (PNG) or points (SVG/PDF)")->capture_default_str();
        cmd->add_flag("--no-decision", no_decision, "Do not draw the decision boundary");
        cmd->add_flag("--colour-bar,--color-bar", colour_bar, "Add a colour bar for the prediction scale");
        cmd->add_flag("--axes", axes, "Add axes with domain coordinates");
    }
    RenderOptions options() const {
        RenderOptions o;
        o.size = size;
        o.neurons = parse_neuron_selection(neurons);
        o.background = background_from_name(background);
        o.decision_boundary = !no_decision;
        o.colour_bar = colour_bar;
        o.axes = axes;
        return o;
    }
};

}  // namespace

void add_figure_commands(CLI::App& app) {
    {
        struct RenderFlags {
            NetworkSource source;
            LookFlags look;
            std::string out;
            int panels = 0, columns = 0;
        };
        auto f = std::make_shared<RenderFlags>();
        CLI::App* cmd = app.add_subcommand(
            "render", "Draw a snapshot as GINN did: prediction background, every neuron's boundary coloured by layer,\n"
                      "the decision boundary. PNG, SVG or PDF by the extension (SVG/PDF keep boundaries as vectors).\n"
                      "--panels N draws N snapshots from initialisation to the end side by side.");
        f->source.add_to(cmd);
        f->look.add_to(cmd, 800);
        cmd->add_option("-o,--out", f->out, "Output file: .png, .svg or .pdf")->required();
        cmd->add_option("--panels", f->panels, "A strip of N snapshots from initialisation to the end (runs only)");
        cmd->add_option("--columns", f->columns, "Panels per row in a strip (default: all in one row)");
        cmd->callback([f] {
            RenderOptions options = f->look.options();
            if (f->panels > 0) {
                if (f->source.run_dir.empty())
                    throw Error("--panels", "a strip needs a run", "a RUN directory", "drop --panels for --weights");
                const Run run = Run::open(f->source.run_dir);
                std::vector<PanelInput> panels;
                for (int k : strip_snapshots(run, f->panels)) panels.push_back(run_panel(run, k));
                if (f->look.size == 800) options.size = 300;  // a strip's panels default smaller
                render_strip(panels, f->out, run_render_options(run, options), f->columns);
            } else {
                const LoadedNetwork loaded = load_network(f->source);
                if (options.background == Background::target && !loaded.run)
                    throw Error("--background", "target needs a run", "a RUN directory", "use prediction for --weights");
                if (loaded.run) options = run_render_options(*loaded.run, options);
                render_snapshot(loaded.net, compute_geometry(loaded.net), f->out, options, loaded.label);
            }
            std::cout << "wrote " << f->out << "\n";
        });
    }
    {
        struct AnimateFlags {
            std::string run_dir, out;
            LookFlags look;
            int fps = 12;
        };
        auto f = std::make_shared<AnimateFlags>();
        CLI::App* cmd = app.add_subcommand(
            "animate", "The training as a video: one frame per snapshot with iteration and loss (.mp4 or .gif; needs ffmpeg).");
        cmd->add_option("RUN", f->run_dir, "Run directory")->required();
        cmd->add_option("-o,--out", f->out, "Output file: .mp4 or .gif")->required();
        cmd->add_option("--fps", f->fps, "Frames per second")->capture_default_str();
        f->look.add_to(cmd, 480);
        cmd->callback([f] {
            const Run run = Run::open(f->run_dir);
            AnimationOptions options;
            options.render = run_render_options(run, f->look.options());
            options.fps = f->fps;
            render_animation(run.n_snapshots(), [&](int k) { return run_panel(run, k); }, f->out, options);
            std::cout << "wrote " << f->out << " (" << run.n_snapshots() << " frames)\n";
        });
    }
}

}  // namespace ginn::app
