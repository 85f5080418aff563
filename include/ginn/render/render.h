// Figures of a network's geometry, as GINN drew them: a background (prediction, target, activation regions or none),
// every selected neuron's boundary coloured by layer, and the decision boundary on top. Not geometry (geometry.h).
// Dear ImGui style: the core builds a Figure (plain draw data in figure units); a Cairo backend writes it as
// .png, .svg or .pdf (cairo.cpp, the only file that includes <cairo.h>); animations go through ffmpeg.
//
// Intended usage:
//   1. Network net = run.network(k); Geometry g = compute_geometry(net);
//   2. render_snapshot(net, g, "fig.pdf", {.neurons = parse_neuron_selection("L1,L3:2"), .axes = true});
//   3. a strip of snapshots: render_strip({{net0, g0, snapshot_label(0, 0.69)}, ...}, "strip.pdf");
//   4. a video: render_animation(n, [&](int i) { return PanelInput{...}; }, "run.mp4");
//   5. or build the draw data yourself: Figure f = figure_snapshot(net, g, options); write_figure(f, "fig.svg").
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "ginn/data/dataset.h"
#include "ginn/geometry/geometry.h"
#include "ginn/model/network.h"

namespace ginn {

// ---------------------------------------------------------------------------------------------- palette

/// A colour, components in [0, 1].
struct Rgb {
    double r = 0, g = 0, b = 0;
    bool operator==(const Rgb&) const = default;
};

/// Layer hues: the default set, or the Okabe-Ito colour-blind-safe set (`--palette cb`).
enum class Palette { standard, colour_blind };
/// "standard" or "cb"; throws Error naming `where` and listing them.
Palette palette_from_name(std::string_view name, const std::string& where = "--palette");

/// Colour of hidden neuron `index` (1..n_in_layer) of hidden layer `layer` (from 1). The web viewer uses the same
/// numbers; copy them exactly:
///   hue (degrees) by layer: 1 blue 215, 2 red 355, 3 green 125, 4 purple 275, 5 orange 30, 6 teal 180,
///                           7 magenta 320, 8 olive 60; layer 9 uses layer 1's hue, and so on (cyclic).
///   t = (index - 1) / (n_in_layer - 1), or 0.5 when n_in_layer == 1
///   hue += (t - 0.5) * 24;  saturation = 0.80;  lightness = 0.30 + 0.32 * t     (index 1 darkest)
///   RGB from HSL by the standard formula (CSS hsl()).
/// Palette::colour_blind: layer l's base colour is Okabe-Ito[(l - 1) % 8] (#0072B2 #D55E00 #009E73 #CC79A7 #E69F00
/// #56B4E9 #F0E442 #000000); the shade within a layer mixes it with black (t < 0.5, by (0.5 - t) * 0.6) or white
/// (t > 0.5, by (t - 0.5) * 0.6), so neuron 1 is darkest as in the standard set.
Rgb neuron_colour(int layer, int index, int n_in_layer, Palette palette = Palette::standard);
/// The decision boundary: yellow hsl(48, 100%, 50%) drawn over a near-black outline #141414 twice as wide.
Rgb decision_colour();
Rgb decision_outline_colour();
/// Colour of an activation region, from a hash of its pattern (one byte per hidden neuron, 1 active), so the same
/// pattern has the same colour in every snapshot: h = FNV-1a 64 of the bytes; hue = h % 360,
/// saturation = 0.35 + 0.30 * ((h >> 20) % 64) / 63, lightness = 0.70 + 0.15 * ((h >> 40) % 64) / 63.
Rgb region_colour(std::span<const uint8_t> pattern);
/// Fill of class c (0-based) for k >= 3 classes: CLASS_FILLS[c % 10], light muted tones shared with the viewer:
/// #f4c7a1 #a8d5c9 #c9b8e0 #f2e29b #a9c7e8 #e8a9bf #cfd9a0 #d7c0a8 #b5e0e8 #e0b8d8.
Rgb class_fill(int c);
/// Colour of class k of n in target backgrounds: 2 classes black (0) and white (1), as the images; more classes
/// class_fill(k).
Rgb class_colour(int k, int n_classes);
/// a + (b - a) * t per channel.
Rgb mix(const Rgb& a, const Rgb& b, double t);

/// How a prediction becomes a colour (the shared encoding of figures and viewer):
///   two-class heads: P(class 1) on a grey scale, 0 black, 1 white;
///   k >= 3 classes: mix(white, class_fill(c), conf) for the top class c with probability p,
///                   conf = clamp((p - 1/k) / (1 - 1/k), 0, 1);
///   regression: the output on a grey scale, black = lo, white = hi, clamped outside.
struct OutputScale {
    double lo = 0, hi = 1;  ///< regression only: the run's label range (widened by 1 when constant)
};
/// The colour of one point's logits (a row of forward()).
Rgb prediction_colour(Head head, std::span<const double> logits, const OutputScale& scale = {});

// ---------------------------------------------------------------------------------------------- options

/// Which hidden neurons to draw. Layers and indices count from 1, as in the GINN figures.
struct NeuronSelection {
    struct Range {
        int layer = 1, first = 1, last = 1;  ///< neurons first..last of a layer
        bool operator<(const Range& o) const { return std::tie(layer, first, last) < std::tie(o.layer, o.first, o.last); }
    };
    bool all = true;
    std::set<int> layers{};       ///< whole layers
    std::set<Range> ranges{};     ///< index ranges, kept as ranges (never expanded) so a huge range costs nothing
    bool contains(int layer, int index) const;
};
/// Parses `all`, `none`, `L1`, `L2:3,5`, `L2:3-6`, combined with `,` or `+`: `L1,L3:2`, `L1+L2:1,4`.
/// A number after `Lk:` continues that layer's list. Throws Error naming `where` for anything else.
NeuronSelection parse_neuron_selection(std::string_view spec, const std::string& where = "--neurons");
/// Throws Error when the selection names a layer or neuron the network does not have (checked per range, before
/// anything is drawn).
void check_neuron_selection(const Network& net, const NeuronSelection& selection);

enum class Background { prediction, target, regions, none };
/// "prediction", "target", "regions", "none"; throws Error naming `where` and listing them.
Background background_from_name(std::string_view name, const std::string& where = "--background");

/// Which of the dataset's points to draw over the picture: training points filled, test points hollow.
enum class PointSet { none, train, test, all };
/// "none", "train", "test", "all"; throws Error naming `where` and listing them.
PointSet point_set_from_name(std::string_view name, const std::string& where = "--points");

struct RenderOptions {
    int size = 800;               ///< width of one plot area in pixels (PNG) or points (SVG/PDF), 16..8192
    Background background = Background::prediction;
    NeuronSelection neurons{};      ///< default: every neuron
    bool decision_boundary = true;
    bool colour_bar = false;      ///< the prediction's scale: P(class 1) or the regression output; a class legend
                                  ///< for k >= 3 classes
    bool axes = false;            ///< frame with ticks and numbers in domain coordinates (shared in strips)
    bool frame = true;            ///< a thin frame around each plot area
    const Dataset* target = nullptr;  ///< the run's dataset: Background::target, points, class count
    double line_width = 0;        ///< neuron line width in figure units; 0: size / 400 (at least 1)
    Palette palette = Palette::standard;
    bool legend = false;          ///< a legend of layers (and decision boundary, and classes for k >= 3)
    PointSet points = PointSet::none;  ///< needs `target`
    OutputScale output{};         ///< regression heads: the grey scale's range
    double font_size = 0;         ///< text size in figure units (points in SVG/PDF), 2..72; 0: from size
    double width_pt = 0;          ///< > 0: the whole figure is this wide in points (size is chosen to fit), 36..7200
    double dpi = 300;             ///< PNG pixels per inch when width_pt is set, 36..1200
    bool traced = false;          ///< smooth networks: draw the decision boundary traced by continuation
                                  ///< (continuation.h), approximate to trace_tolerance, with triple points ringed
    double trace_tolerance = 1e-10;
};

/// A length for --width: "7in", "178mm", "17.8cm", "504pt"; returns points (1/72 in). Throws Error naming `where`.
double parse_length_pt(std::string_view text, const std::string& where = "--width");

/// One panel's input: a snapshot's network, its geometry and a label such as snapshot_label(...).
struct PanelInput {
    Network net{};
    Geometry geometry{};
    std::string label{};
};

/// "iteration 1,280,000   loss 0.0312" (loss with 3 significant digits; omitted when not finite).
std::string snapshot_label(int64_t iteration, double loss);

// ---------------------------------------------------------------------------------------------- draw data

/// A raster placed at (x, y) (top-left) with size w x h in figure units; px_h rows of px_w RGB bytes from the top.
struct FigureImage {
    double x = 0, y = 0, w = 0, h = 0;
    int px_w = 0, px_h = 0;
    std::vector<uint8_t> rgb{};
};

/// A stroked polyline in figure units (x right, y down). `clip` >= 0 clips it to Figure::clips[clip].
struct FigurePath {
    Eigen::Matrix<double, Eigen::Dynamic, 2> points{};  // #points by 2
    Rgb colour;
    double width = 1;
    bool closed = false;
    int clip = -1;
    std::string tag{};  ///< what it is: "L2:5" (a neuron), "decision", "decision-outline", "frame", "tick", "bar"
};

struct FigureText {
    double x = 0, y = 0;  ///< anchor; y is the text's baseline
    std::string text{};
    double size = 12;
    Rgb colour;
    enum class Align { left, centre, right } align = Align::left;
};

struct FigureRect {
    double x = 0, y = 0, w = 0, h = 0;
};

/// A filled polygon in figure units (points for markers, quads of 3-D surfaces), drawn in order with the paths.
struct FigureFill {
    Eigen::Matrix<double, Eigen::Dynamic, 2> points{};  // #points by 2
    Rgb colour;
    Rgb edge;
    double edge_width = 0;  ///< 0: no outline
    bool filled = true;     ///< false: outline only (hollow markers)
    int clip = -1;
};

/// Plain draw data. Backends draw, in order: paper, images, fills, paths, texts.
struct Figure {
    double width = 0, height = 0;
    double pixels_per_unit = 1;  ///< PNG only: raster pixels per figure unit

    Rgb paper{1, 1, 1};
    std::vector<FigureRect> clips;
    std::vector<FigureImage> images;
    std::vector<FigureFill> fills;
    std::vector<FigurePath> paths;
    std::vector<FigureText> texts;
};

// ---------------------------------------------------------------------------------------------- building and writing

/// The GINN picture of one snapshot. Without axes, colour bar or label the figure is exactly the plot area:
/// size x size * (domain height / width). Throws Error for a network without 2 inputs, a selection naming a
/// neuron that does not exist, or Background::target without options.target.
/// Example: `Figure f = figure_snapshot(net, compute_geometry(net), {.size = 400});`
Figure figure_snapshot(const Network& net, const Geometry& g, const RenderOptions& options = {},
                       const std::string& label = "");
/// Several snapshots side by side (the GINN report's Figure 3), each labelled below; n_columns = 0: one row.
Figure figure_strip(std::span<const PanelInput> panels, const RenderOptions& options = {}, int n_columns = 0);

/// Writes a figure as .png, .svg or .pdf (by the extension, case-insensitive), atomically (io.h). SVG and PDF keep
/// every path as a vector path; backgrounds are embedded images. Throws Error for another extension (before
/// writing anything) or an unwritable path (leaving no partial file).
void write_figure(const Figure& figure, const std::string& path);

/// figure_snapshot + write_figure. Example: `render_snapshot(net, g, "final.png", {.axes = true});`
void render_snapshot(const Network& net, const Geometry& g, const std::string& path, const RenderOptions& options = {},
                     const std::string& label = "");
/// figure_strip + write_figure. Example: `render_strip(panels, "strip.pdf", {.size = 300}, /*n_columns=*/3);`
void render_strip(std::span<const PanelInput> panels, const std::string& path, const RenderOptions& options = {},
                  int n_columns = 0);

struct AnimationOptions {
    RenderOptions render{.size = 480};  ///< each frame is figure_snapshot(frame, render, label)
    int fps = 12;                       ///< frames per second, 1..120
    int threads = 0;                    ///< threads drawing frames (0: every core); frame(i) must be thread-safe
    std::function<void(int, int)> on_frame{};  ///< (frames done, total) after each frame reaches ffmpeg (may be empty)
};

/// Writes n_frames frames as .mp4 (H.264 via libx264 when ffmpeg has it, else MPEG-4 part 2; yuv420p) or .gif
/// (palettegen + paletteuse) with ffmpeg. Frames are drawn on options.threads threads (frame(i) is called once per
/// frame, from any of them) and piped in order to ffmpeg as raw RGB, each padded with paper to even dimensions.
/// The output is written atomically. Throws Error("ffmpeg", "not found", ...) when ffmpeg is not on PATH, and for
/// another extension.
/// Example: `render_animation(run.n_snapshots(), [&](int k) { ... return PanelInput{net, g, label}; }, "run.mp4");`
void render_animation(int n_frames, const std::function<PanelInput(int)>& frame, const std::string& path,
                      const AnimationOptions& options = {});
/// The same for frames already in memory.
void render_animation(std::span<const PanelInput> frames, const std::string& path, const AnimationOptions& options = {});

}  // namespace ginn
