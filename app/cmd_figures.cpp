// `ginn render` and `ginn animate`: figures of one snapshot, a strip of several, or the whole training as a video.
// Parses flags (refusing, never silently replacing, what it cannot honour) and calls the library.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "ginn/core/error.h"
#include "ginn/geometry/geometry.h"
#include "ginn/render/curves.h"
#include "ginn/render/figures.h"
#include "ginn/render/render.h"
#include "ginn/render/surface.h"

namespace ginn::app {

namespace {

/// "frames 120/432" redrawn on a terminal; nothing otherwise or when quiet.
std::function<void(int, int)> progress_printer(bool quiet, const char* what) {
    if (quiet || !::isatty(STDERR_FILENO)) return [](int, int) {};
    return [what](int done, int total) {
        std::fprintf(stderr, "\r%s %d/%d%s", what, done, total, done == total ? "\n" : "");
        std::fflush(stderr);
    };
}

/// Flags shared by render and animate: what to draw and how big.
struct LookFlags {
    std::string neurons = "all", background = "prediction", palette = "standard", points = "auto", width;
    int size = 0;
    double font_size = 0, dpi = 300;
    bool no_decision = false, colour_bar = false, axes = false, legend = false, quiet = false, traced = false;
    CLI::App* cmd = nullptr;

    void add_to(CLI::App* c, int default_size) {
        cmd = c;
        size = default_size;
        cmd->add_option("--neurons", neurons, "Boundaries to draw: all, none, L1, L2:3,5, L1+L3:2 ...")->capture_default_str();
        cmd->add_option("--background", background, "prediction (fixed scale), target, regions or none")->capture_default_str();
        cmd->add_option("--size", size, std::string("Width of a plot in pixels (PNG) or points (SVG/PDF), 16..8192") +
                        (default_size == 800 ? "\n(strip panels 300, --curves 480, --surface 560 unless given)" : ""))
            ->capture_default_str();
        cmd->add_option("--width", width, "Width of the whole figure as a length: 7in, 178mm, 504pt (instead of --size)");
        cmd->add_option("--font-size", font_size, "Text size in points (default: from the size; 8 with --width)");
        cmd->add_option("--dpi", dpi, "PNG pixels per inch with --width")->capture_default_str();
        cmd->add_flag("--no-decision", no_decision, "Do not draw the decision boundary");
        cmd->add_flag("--traced", traced, "Smooth activations: the decision boundary traced by continuation to 1e-10 in the\n"
                                          "logit difference, triple points (three classes meet) ringed");
        cmd->add_flag("--colour-bar,--color-bar", colour_bar, "The prediction's scale: P(class 1), the regression output, or the classes");
        cmd->add_flag("--legend", legend, "A legend of the layers' colours, the decision boundary, points and classes");
        cmd->add_flag("--axes", axes, "Add axes with domain coordinates (shared in strips)");
        cmd->add_option("--palette", palette, "Layer colours: standard, or cb (Okabe-Ito, colour-blind-safe)")->capture_default_str();
        cmd->add_option("--points", points, "Data points over the picture: train, test (hollow), all, none (default: all for point tasks)");
        cmd->add_flag("-q,--quiet", quiet, "No progress output");
    }
    RenderOptions options(const Dataset* data) const {
        RenderOptions o;
        if (!width.empty() && cmd->count("--size"))
            throw Error("--size", "given with --width", "one of --size (plot width) or --width (figure width)",
                        "drop one of them");
        if (cmd->count("--dpi") && width.empty())
            throw Error("--dpi", "given without --width", "--dpi with a physical --width", "--size sets PNG pixels");
        if (!(dpi >= 36 && dpi <= 1200)) throw Error("--dpi", std::to_string(dpi), "36..1200 pixels per inch", "300 for print");
        o.size = size;
        if (!width.empty()) o.width_pt = parse_length_pt(width);
        o.font_size = font_size;
        if (cmd->count("--font-size") && !(font_size >= 2 && font_size <= 72))
            throw Error("--font-size", std::to_string(font_size), "a text size in 2..72 points", "8 suits a paper");
        o.dpi = dpi;
        o.neurons = parse_neuron_selection(neurons);
        o.background = background_from_name(background);
        o.decision_boundary = !no_decision;
        if (traced && no_decision) throw Error("--traced", "given with --no-decision", "one of them", "");
        o.traced = traced;
        o.colour_bar = colour_bar;
        o.legend = legend;
        o.axes = axes;
        o.palette = palette_from_name(palette);
        if (points == "auto") o.points = data && !data->is_grid() ? PointSet::all : PointSet::none;
        else o.points = point_set_from_name(points);
        if (o.points != PointSet::none && !data)
            throw Error("--points", "no dataset with --weights or --model", "a RUN directory", "drop --points");
        return o;
    }
};

}  // namespace

void add_figure_commands(CLI::App& app) {
    {
        struct RenderFlags {
            NetworkSource source;
            LookFlags look;
            std::string out, iterations;
            int panels = 0, columns = 0;
            bool curves = false, surface = false;
            int class_index = 1, surface_grid = 48;
            std::string neuron;
        };
        auto f = std::make_shared<RenderFlags>();
        CLI::App* cmd = app.add_subcommand(
            "render", "Draw a snapshot as GINN did: prediction background, every neuron's boundary coloured by layer,\n"
                      "the decision boundary. PNG, SVG or PDF by the extension (SVG/PDF keep boundaries as vectors).\n"
                      "--panels N or --iterations LIST draws a strip of snapshots side by side.");
        f->source.add_to(cmd);
        f->look.add_to(cmd, 800);
        cmd->add_option("-o,--out", f->out, "Output file: .png, .svg or .pdf")->required();
        auto* panels = cmd->add_option("--panels", f->panels, "A strip of N snapshots from initialisation to the end (runs only); default size 300");
        auto* iterations = cmd->add_option("--iterations", f->iterations, "A strip of the snapshots nearest these iterations: 0,1000,50000");
        panels->excludes(iterations);
        cmd->add_option("--columns", f->columns, "Panels per row in a strip (default: all in one row)");
        auto* curves = cmd->add_flag("--curves", f->curves, "Charts of loss (train, test), accuracy and region counts over iterations");
        curves->excludes(panels)->excludes(iterations);
        auto* surface = cmd->add_flag("--surface", f->surface, "A 3-D surface of P(class), a neuron's activation or the regression output");
        surface->excludes(panels)->excludes(iterations)->excludes(curves);
        cmd->add_option("--class", f->class_index, "With --surface: the class label whose probability is the height (0..k-1)")->capture_default_str();
        cmd->add_option("--neuron", f->neuron, "With --surface: the neuron whose activation is the height, as L2:3");
        cmd->add_option("--surface-grid", f->surface_grid, "With --surface: quads per side, 2..400")->capture_default_str();
        cmd->callback([f, cmd] {
            const bool strip = cmd->count("--panels") || cmd->count("--iterations");
            if (cmd->count("--panels") && f->panels < 1)
                throw Error("--panels", std::to_string(f->panels), "a panel count >= 1", "6 gives the GINN strip");
            if (cmd->count("--columns") && (f->columns < 1 || !strip))
                throw Error("--columns", std::to_string(f->columns), strip ? "a column count >= 1" : "--columns with a strip",
                            "use it with --panels or --iterations");
            for (const char* flag : {"--class", "--neuron", "--surface-grid"})
                if (cmd->count(flag) && !f->surface)
                    throw Error(flag, "given without --surface", "--surface " + std::string(flag), "add --surface");
            if (f->surface) {
                const LoadedNetwork loaded = load_network(f->source);
                RenderOptions options = f->look.options(nullptr);
                if (!cmd->count("--size")) options.size = 560;
                SurfaceSpec spec{.class_index = f->class_index, .grid = f->surface_grid};
                if (loaded.run && !loaded.run->dataset().class_names.empty())
                    spec.class_label = loaded.run->dataset().class_name(f->class_index);
                if (!f->neuron.empty()) {
                    if (cmd->count("--class")) throw Error("--neuron", "given with --class", "one of them", "");
                    const NeuronSelection sel = parse_neuron_selection(f->neuron, "--neuron");
                    if (sel.all || sel.ranges.size() != 1 || sel.ranges.begin()->first != sel.ranges.begin()->last)
                        throw Error("--neuron", "'" + f->neuron + "'", "one neuron such as L2:3", "");
                    spec.quantity = SurfaceQuantity::neuron;
                    spec.layer = sel.ranges.begin()->layer, spec.index = sel.ranges.begin()->first;
                } else if (loaded.net.head == Head::regression) {
                    if (cmd->count("--class")) throw Error("--class", "a regression head has no classes", "a classifier", "drop --class");
                    spec.quantity = SurfaceQuantity::output;
                }
                write_figure(figure_surface(surface_values(loaded.net, spec), options), f->out);
            } else if (f->curves) {
                if (f->source.run_dir.empty())
                    throw Error("--curves", "needs a run", "a RUN directory", "a --weights or --model network has no training to chart");
                const Run run = Run::open(f->source.run_dir);
                RenderOptions options = f->look.options(nullptr);
                if (!cmd->count("--size")) options.size = 480;
                write_figure(figure_curves(run, options), f->out);
            } else if (strip) {
                if (f->source.run_dir.empty())
                    throw Error(cmd->count("--panels") ? "--panels" : "--iterations", "a strip needs a run",
                                "a RUN directory", "drop it for --weights or --model");
                const Run run = Run::open(f->source.run_dir);
                RenderOptions options = run_render_options(run, f->look.options(&run.dataset()));
                if (!cmd->count("--size")) options.size = 300;  // a strip's panels default smaller
                std::vector<std::string> notes;
                const std::vector<int> ks = f->panels > 0 ? strip_snapshots(run, f->panels)
                                                          : snapshots_near_iterations(run, f->iterations, &notes);
                if (!f->look.quiet)
                    for (const std::string& n : notes) std::cerr << n << "\n";
                const auto progress = progress_printer(f->look.quiet, "panels");
                std::vector<PanelInput> inputs;
                for (int k : ks) {
                    inputs.push_back(run_panel(run, k));
                    progress(static_cast<int>(inputs.size()), static_cast<int>(ks.size()));
                }
                render_strip(inputs, f->out, options, f->columns);
            } else {
                const LoadedNetwork loaded = load_network(f->source);
                const Dataset* data = loaded.run ? &loaded.run->dataset() : nullptr;
                RenderOptions options = f->look.options(data);
                if (options.background == Background::target && !loaded.run)
                    throw Error("--background", "target needs a run", "a RUN directory", "use prediction for --weights or --model");
                if (loaded.run) options = run_render_options(*loaded.run, options);
                render_snapshot(loaded.net, compute_geometry(loaded.net), f->out, options, loaded.label);
            }
            if (!f->look.quiet) std::cout << "wrote " << f->out << "\n";
        });
    }
    {
        struct AnimateFlags {
            std::string run_dir, out;
            LookFlags look;
            int fps = 12, threads = 0;
        };
        auto f = std::make_shared<AnimateFlags>();
        CLI::App* cmd = app.add_subcommand(
            "animate", "The training as a video: one frame per snapshot with iteration and loss (.mp4 or .gif; needs ffmpeg).");
        cmd->add_option("RUN", f->run_dir, "Run directory")->required();
        cmd->add_option("-o,--out", f->out, "Output file: .mp4 or .gif")->required();
        cmd->add_option("--fps", f->fps, "Frames per second, 1..120")->capture_default_str();
        cmd->add_option("--threads", f->threads, "Threads drawing frames (0: every core)")->capture_default_str();
        f->look.add_to(cmd, 480);
        cmd->callback([f] {
            const Run run = Run::open(f->run_dir);
            AnimationOptions options;
            options.render = run_render_options(run, f->look.options(&run.dataset()));
            options.fps = f->fps;
            if (f->threads < 0 || f->threads > 256)
                throw Error("--threads", std::to_string(f->threads), "0 (every core) .. 256", "");
            options.threads = f->threads;
            options.on_frame = progress_printer(f->look.quiet, "frames");
            render_animation(run.n_snapshots(), [&](int k) { return run_panel(run, k); }, f->out, options);
            if (!f->look.quiet) std::cout << "wrote " << f->out << " (" << run.n_snapshots() << " frames)\n";
        });
    }
}

}  // namespace ginn::app
