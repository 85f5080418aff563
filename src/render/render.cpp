// Figure building: backgrounds, points, legends and the layout of one snapshot or a strip, as plain draw data
// (render.h). Not colours (palette.cpp), not option parsing (options.cpp), not drawing (cairo.cpp, svg.cpp).
#include "ginn/render/render.h"
#include "ginn/geometry/continuation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "ginn/core/error.h"
#include "render/internal.h"

namespace ginn {

namespace {

uint8_t to_byte(double v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); }

// ---------------------------------------------------------------------------------------------- backgrounds

constexpr int64_t chunk_rows = 4096;  // pixels per forward pass: bounds memory, and its temporaries stay in cache

void put_pixel(std::vector<uint8_t>& rgb, int64_t p, const Rgb& c) {
    rgb[3 * p] = to_byte(c.r);
    rgb[3 * p + 1] = to_byte(c.g);
    rgb[3 * p + 2] = to_byte(c.b);
}

/// Prediction: each pixel's logits through the shared encoding (prediction_colour): never stretched.
void fill_prediction(const Network& net, FigureImage& img, const Box& d, const OutputScale& scale) {
    const int64_t n = static_cast<int64_t>(img.px_w) * img.px_h;
    std::vector<double> z(net.n_outputs());
    for (int64_t p0 = 0; p0 < n; p0 += chunk_rows) {
        const int64_t p1 = std::min(n, p0 + chunk_rows);
        const Eigen::MatrixXd logits = forward(net, pixel_centres(d, img.px_w, img.px_h, p0, p1));  // (p1 - p0, k)
        for (int64_t p = p0; p < p1; ++p) {
            for (size_t c = 0; c < z.size(); ++c) z[c] = logits(p - p0, static_cast<Eigen::Index>(c));
            put_pixel(img.rgb, p, prediction_colour(net.head, z, scale));
        }
    }
}

void fill_regions(const Network& net, FigureImage& img, const Box& d) {
    const int64_t n = static_cast<int64_t>(img.px_w) * img.px_h;
    std::vector<Eigen::MatrixXd> pre;
    std::vector<uint8_t> pattern(net.n_neurons());
    for (int64_t p0 = 0; p0 < n; p0 += chunk_rows) {
        const int64_t p1 = std::min(n, p0 + chunk_rows);
        forward(net, pixel_centres(d, img.px_w, img.px_h, p0, p1), &pre);
        for (int64_t p = p0; p < p1; ++p) {
            size_t j = 0;
            for (const Eigen::MatrixXd& z : pre)
                for (Eigen::Index i = 0; i < z.cols(); ++i) pattern[j++] = z(p - p0, i) > 0 ? 1 : 0;
            put_pixel(img.rgb, p, region_colour(pattern));
        }
    }
}

/// Whether the task defines a label everywhere (an image, or a formula such as y - sin(pi x)); point clouds and CSV
/// files define labels only at their points, so their target background would be invented by nearest neighbours.
bool has_target_image(const Dataset& data) {
    static const std::set<std::string> formulas = {"y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)"};  // dataset.h's list
    return data.is_grid() || formulas.count(data.name) > 0;
}

void fill_target(const Dataset& data, FigureImage& img) {
    if (!has_target_image(data))
        throw Error("--background target", "the task '" + data.name + "' defines labels only at its points",
                    "an image or formula task", "--points all draws the points themselves");
    const std::vector<int32_t> raster = target_raster(data, img.px_w, img.px_h);
    for (size_t p = 0; p < raster.size(); ++p) put_pixel(img.rgb, static_cast<int64_t>(p), class_colour(raster[p], data.n_classes));
}

// ---------------------------------------------------------------------------------------------- layout pieces

/// Sizes shared by every panel of a figure, in figure units.
struct Style {
    double size;        // plot-area width
    double font;        // label size
    double tick_font;   // tick-number and legend size
    double line;        // neuron line width
    double thin;        // frame and tick width
};

Style make_style(const RenderOptions& o, double size) {
    if (!(size >= 16 && size <= 8192))
        throw Error("--size", std::to_string(static_cast<long long>(size)), "a plot size in 16..8192",
                    o.width_pt > 0 ? "a wider --width or fewer --columns" : "800 is a good default");
    if (o.font_size != 0 && !(o.font_size >= 2 && o.font_size <= 72))
        throw Error("--font-size", std::to_string(o.font_size), "a text size in 2..72 points", "8 suits a paper");
    const double s = size;
    const double font = o.font_size > 0 ? o.font_size : o.width_pt > 0 ? 8.0 : std::max(9.0, s / 30);
    const double tick_font = o.font_size > 0 || o.width_pt > 0 ? font * 0.85 : std::max(8.0, s / 38);
    const double min_line = o.width_pt > 0 ? 0.5 : 1.0;
    return {s, font, tick_font, o.line_width > 0 ? o.line_width : std::max(min_line, s / 400),
            std::max(min_line * 0.8, s / 700)};
}

/// Figure units of a domain point inside a plot rectangle.
struct PlotMap {
    Box d;
    FigureRect r;
    double x(double v) const { return r.x + (v - d.x0) / d.width() * r.w; }
    double y(double v) const { return r.y + (d.y1 - v) / d.height() * r.h; }
};

FigurePath map_polyline(const Polyline& line, const PlotMap& m, Rgb colour, double width, int clip, std::string tag) {
    FigurePath path{.colour = colour, .width = width, .clip = clip, .tag = std::move(tag)};
    Eigen::Index n = line.rows();
    if (n > 2 && line.row(0) == line.row(n - 1)) path.closed = true, --n;  // a loop: join its ends
    path.points.resize(n, 2);
    for (Eigen::Index i = 0; i < n; ++i) path.points.row(i) << m.x(line(i, 0)), m.y(line(i, 1));
    return path;
}

using detail::ink;
using detail::rect_path;
using detail::segment_path;

/// Ticks on the plot's edges; numbers only where `numbers_x` / `numbers_y` (strips share their axes).
void add_axes(Figure& f, const PlotMap& m, const Style& st, bool numbers_x, bool numbers_y) {
    const double len = st.font * 0.35;
    for (double v : detail::nice_ticks(m.d.x0, m.d.x1)) {
        f.paths.push_back(segment_path(m.x(v), m.r.y + m.r.h, m.x(v), m.r.y + m.r.h + len, ink, st.thin, "tick"));
        if (numbers_x)
            f.texts.push_back({m.x(v), m.r.y + m.r.h + len + st.tick_font * 1.05, detail::number_text(v), st.tick_font,
                               ink, FigureText::Align::centre});
    }
    for (double v : detail::nice_ticks(m.d.y0, m.d.y1)) {
        f.paths.push_back(segment_path(m.r.x - len, m.y(v), m.r.x, m.y(v), ink, st.thin, "tick"));
        if (numbers_y)
            f.texts.push_back({m.r.x - len * 1.6, m.y(v) + st.tick_font * 0.35, detail::number_text(v), st.tick_font,
                               ink, FigureText::Align::right});
    }
}

/// A polygon approximating a circle (markers).
Eigen::Matrix<double, Eigen::Dynamic, 2> circle(double x, double y, double r) {
    constexpr int n = 10;
    Eigen::Matrix<double, Eigen::Dynamic, 2> p(n, 2);
    for (int i = 0; i < n; ++i) p.row(i) << x + r * std::cos(2 * M_PI * i / n), y + r * std::sin(2 * M_PI * i / n);
    return p;
}

/// The dataset's points: training points filled in their class colour with a dark edge, test points hollow rings.
void add_points(Figure& f, const Dataset& data, PointSet set, const PlotMap& m, const Style& st, int clip) {
    // Small enough that a dense cloud does not hide the picture, at most size / 180.
    const double radius = std::max(0.6, std::min(st.size / 180, st.size * 0.35 / std::sqrt(double(std::max<int64_t>(1, data.size())))));
    const Rgb edge{0.5, 0.5, 0.5};  // mid grey: visible on black and on white
    for (int64_t i = 0; i < data.size(); ++i) {
        const bool test = !data.is_test.empty() && data.is_test[i];
        if ((test && set == PointSet::train) || (!test && set == PointSet::test)) continue;
        const Rgb c = class_colour(data.label[i], data.n_classes);
        const auto shape = circle(m.x(data.X(i, 0)), m.y(data.X(i, 1)), radius);
        if (test) {
            f.fills.push_back({shape, c, edge, radius * 0.9, /*filled=*/false, clip});
            f.fills.push_back({shape, c, c, radius * 0.45, /*filled=*/false, clip});
        } else {
            f.fills.push_back({shape, c, edge, radius * 0.35, /*filled=*/true, clip});
        }
    }
}

/// One panel: background image, points, neuron boundaries by layer, decision boundary (outline, then colour), frame.
void add_panel(Figure& f, const Network& net, const Geometry& g, const RenderOptions& o, const Style& st,
               const FigureRect& r) {
    if (net.layers.empty() || net.layers.front().n_in() != 2)
        throw Error("network", "does not have 2 inputs", "a network on the plane", "");
    check_neuron_selection(net, o.neurons);
    const Box d = net.domain;
    const PlotMap m{d, r};
    const int clip = static_cast<int>(f.clips.size());
    f.clips.push_back(r);

    if (o.background != Background::none) {
        const double ppu = f.pixels_per_unit;
        FigureImage img{.x = r.x, .y = r.y, .w = r.w, .h = r.h,
                        .px_w = std::max(1, static_cast<int>(std::lround(r.w * ppu))),
                        .px_h = std::max(1, static_cast<int>(std::lround(r.h * ppu)))};
        img.rgb.assign(static_cast<size_t>(img.px_w) * img.px_h * 3, 255);
        if (o.background == Background::prediction) fill_prediction(net, img, d, o.output);
        if (o.background == Background::regions) fill_regions(net, img, d);
        if (o.background == Background::target) {
            if (!o.target) throw Error("--background target", "no dataset given", "the run's dataset", "");
            fill_target(*o.target, img);
        }
        f.images.push_back(std::move(img));
    }
    if (o.points != PointSet::none) {
        if (!o.target) throw Error("--points", "no dataset given", "the run's dataset", "--points needs a RUN");
        add_points(f, *o.target, o.points, m, st, clip);
    }
    for (const NeuronBoundary& nb : g.neurons) {
        if (!o.neurons.contains(nb.layer, nb.index)) continue;
        GINN_ASSERT(nb.layer >= 1 && nb.layer <= net.n_hidden_layers());
        const Rgb c = neuron_colour(nb.layer, nb.index, net.layers[nb.layer - 1].n_out(), o.palette);
        const std::string tag = "L" + std::to_string(nb.layer) + ":" + std::to_string(nb.index);
        for (const Polyline& line : nb.polylines)
            if (line.rows() >= 2) f.paths.push_back(map_polyline(line, m, c, st.line, clip, tag));
    }
    if (o.decision_boundary) {
        std::vector<Polyline> decision = g.decision_boundary;
        TracedBoundaries traced;
        if (o.traced && !g.exact) {  // smooth networks: the boundaries traced to a tolerance instead of the grid's
            traced = trace_boundaries(net, {.tolerance = o.trace_tolerance});
            decision.clear();
            for (const TracedCurve& c : traced.curves) decision.push_back(c.points);
        }
        for (const Polyline& line : decision)
            if (line.rows() >= 2)
                f.paths.push_back(map_polyline(line, m, decision_outline_colour(), st.line * 3.2, clip, "decision-outline"));
        for (const Polyline& line : decision)
            if (line.rows() >= 2) f.paths.push_back(map_polyline(line, m, decision_colour(), st.line * 1.6, clip, "decision"));
        for (const TriplePoint& t : traced.triple_points)  // where three classes meet: a ring on the boundary
            f.fills.push_back({circle(m.x(t.x), m.y(t.y), st.line * 4), decision_colour(), decision_outline_colour(),
                               st.line * 1.2, /*filled=*/true, clip});
    }
    if (o.frame || o.axes) f.paths.push_back(rect_path(r, {0.2, 0.2, 0.2}, st.thin, "frame"));
}

// ---------------------------------------------------------------------------------------------- side column

/// What the column right of the panels shows: a colour bar (two classes, regression), a class legend (k >= 3),
/// a layer legend.
struct Side {
    enum class Scale { none, probability, output, classes } scale = Scale::none;
    int n_classes = 0;
    std::vector<std::string> class_names;  // the task's names ("class k" when it has none)
    std::vector<int> layers;   // hidden layers with a selected neuron, for the layer legend
    std::vector<int> layer_sizes;
    bool legend = false, decision = false, train_points = false, test_points = false;
    std::string decision_name = "decision boundary";  // a regression head's yellow line is its 0.5 level line
    OutputScale output;

    bool empty() const { return scale == Scale::none && !legend; }
};

Side make_side(const Network& net, const RenderOptions& o) {
    Side s;
    s.output = o.output;
    s.n_classes = net.n_outputs() > 2 ? net.n_outputs() : 2;
    for (int c = 0; c < s.n_classes; ++c)
        s.class_names.push_back(o.target ? o.target->class_name(c) : "class " + std::to_string(c));
    if (o.colour_bar && o.background == Background::prediction) {
        if (net.head == Head::regression) s.scale = Side::Scale::output;
        else s.scale = s.n_classes > 2 ? Side::Scale::classes : Side::Scale::probability;
    }
    if (o.legend) {
        s.legend = true;
        for (int l = 1; l <= net.n_hidden_layers(); ++l) {
            const int n = net.layers[l - 1].n_out();
            bool any = o.neurons.all || o.neurons.layers.count(l);
            for (const auto& r : o.neurons.ranges) any = any || r.layer == l;
            if (any) s.layers.push_back(l), s.layer_sizes.push_back(n);
        }
        s.decision = o.decision_boundary;
        if (net.head == Head::regression) s.decision_name = "output = 0.5";
        s.train_points = o.points == PointSet::train || o.points == PointSet::all;
        s.test_points = (o.points == PointSet::test || o.points == PointSet::all) && o.target && o.target->n_test() > 0;
        if (s.scale == Side::Scale::none && s.n_classes > 2 && o.background == Background::prediction)
            s.scale = Side::Scale::classes;  // a legend explains the picture's classes too
    }
    return s;
}

using detail::text_width;

std::vector<std::string> side_texts(const Side& s) {
    std::vector<std::string> t;
    if (s.scale == Side::Scale::probability) t = {"P(class 1)", "0.75"};
    if (s.scale == Side::Scale::output)
        t = {"output", "clipped outside", "[" + detail::number_text(s.output.lo) + ", " + detail::number_text(s.output.hi) + "]"};
    if (s.scale == Side::Scale::output)
        for (double v : detail::nice_ticks(s.output.lo, s.output.hi)) t.push_back(detail::number_text(v));
    if (s.scale == Side::Scale::classes)
        for (int c = 0; c < s.n_classes; ++c) t.push_back(s.class_names[c]);
    for (int l : s.layers) t.push_back("layer " + std::to_string(l));
    if (s.decision) t.push_back(s.decision_name);
    if (s.train_points) t.push_back("training points");
    if (s.test_points) t.push_back("test points");
    return t;
}

/// Width of the side column (0 when empty).
double side_width(const Side& s, const Style& st) {
    if (s.empty()) return 0;
    double w = 0;
    for (const std::string& t : side_texts(s)) w = std::max(w, text_width(t, st.tick_font));
    return st.font * 0.8 + st.tick_font * 2.2 + w;  // gap, swatch or bar with its ticks, text
}

/// Draws the side column from (x, y) down; the colour bar takes the height `h`. Returns the column's bottom.
double add_side(Figure& f, const Side& s, const Style& st, const Palette palette, double x, double y, double h) {
    x += st.font * 0.8;
    const double row = st.tick_font * 1.45, sw = st.tick_font * 1.1;  // legend row height, swatch size
    auto title = [&](const std::string& t) {
        f.texts.push_back({x, y + st.font, t, st.font, ink, FigureText::Align::left});
        y += st.font * 1.5;
    };
    auto entry = [&](const std::string& t) {
        f.texts.push_back({x + sw * 1.6, y + row * 0.5 + st.tick_font * 0.35, t, st.tick_font, ink, FigureText::Align::left});
        y += row;
    };
    if (s.scale == Side::Scale::probability || s.scale == Side::Scale::output) {
        const bool out = s.scale == Side::Scale::output;
        title(out ? "output" : "P(class 1)");
        y += st.tick_font * 0.5;  // room for the top tick's number
        const double bar_h = std::max(st.font * 4, h - st.font * 1.5 - st.tick_font * 0.5 - (out ? st.tick_font * 3 : 0));
        const FigureRect bar{x, y, st.tick_font * 1.1, bar_h};
        FigureImage img{.x = bar.x, .y = bar.y, .w = bar.w, .h = bar.h, .px_w = 1, .px_h = 256};
        img.rgb.resize(256 * 3);
        for (int i = 0; i < 256; ++i) img.rgb[3 * i] = img.rgb[3 * i + 1] = img.rgb[3 * i + 2] = static_cast<uint8_t>(255 - i);
        f.images.push_back(std::move(img));
        f.paths.push_back(rect_path(bar, ink, st.thin, "bar"));
        const double lo = out ? s.output.lo : 0, hi = out ? s.output.hi : 1;
        const std::vector<double> values = out ? detail::nice_ticks(lo, hi) : std::vector<double>{0, 0.25, 0.5, 0.75, 1};
        for (double v : values) {
            const double ty = bar.y + bar.h * (hi - v) / (hi - lo);
            f.paths.push_back(segment_path(bar.x + bar.w, ty, bar.x + bar.w + st.font * 0.35, ty, ink, st.thin, "tick"));
            f.texts.push_back({bar.x + bar.w + st.font * 0.55, ty + st.tick_font * 0.35, detail::number_text(v),
                               st.tick_font, ink, FigureText::Align::left});
        }
        y += bar_h + st.tick_font * 1.4;
        if (out) {
            f.texts.push_back({x, y, "clipped outside", st.tick_font, ink, FigureText::Align::left});
            f.texts.push_back({x, y + st.tick_font * 1.2, "[" + detail::number_text(lo) + ", " + detail::number_text(hi) + "]",
                               st.tick_font, ink, FigureText::Align::left});
            y += st.tick_font * 2.4;
        }
        y += st.font * 0.6;
    }
    if (s.scale == Side::Scale::classes) {
        title("classes");
        for (int c = 0; c < s.n_classes; ++c) {
            FigureFill box{.colour = class_fill(c), .edge = ink, .edge_width = st.thin};
            box.points.resize(4, 2);
            box.points << x, y + (row - sw) / 2, x + sw, y + (row - sw) / 2, x + sw, y + (row + sw) / 2, x, y + (row + sw) / 2;
            f.fills.push_back(std::move(box));
            entry(s.class_names[c]);
        }
        y += st.font * 0.6;
    }
    if (!s.legend) return y;
    title("boundaries");
    for (size_t i = 0; i < s.layers.size(); ++i) {
        const int n = s.layer_sizes[i];
        f.paths.push_back(segment_path(x, y + row / 2, x + sw * 1.2, y + row / 2, neuron_colour(s.layers[i], (n + 1) / 2, n, palette),
                                       st.line * 1.5, "legend"));
        entry("layer " + std::to_string(s.layers[i]));
    }
    if (s.decision) {
        f.paths.push_back(segment_path(x, y + row / 2, x + sw * 1.2, y + row / 2, decision_outline_colour(), st.line * 3.2, "legend"));
        f.paths.push_back(segment_path(x, y + row / 2, x + sw * 1.2, y + row / 2, decision_colour(), st.line * 1.6, "legend"));
        entry(s.decision_name);
    }
    // the markers as the picture draws them (add_points): in the colours of classes 0 and 1, with the mid-grey edge
    const Rgb edge{0.5, 0.5, 0.5}, first = class_colour(0, s.n_classes), second = class_colour(1, s.n_classes);
    const double r = sw * 0.3;
    if (s.train_points) {
        f.fills.push_back({circle(x + r, y + row / 2, r), first, edge, st.thin, true, -1});
        f.fills.push_back({circle(x + sw * 1.2 - r, y + row / 2, r), second, edge, st.thin, true, -1});
        entry("training points");
    }
    if (s.test_points) {
        for (const auto& [cx, c] : {std::pair{x + r, first}, std::pair{x + sw * 1.2 - r, second}}) {
            f.fills.push_back({circle(cx, y + row / 2, r), c, edge, st.thin * 1.5, false, -1});
            f.fills.push_back({circle(cx, y + row / 2, r), c, c, st.thin * 0.75, false, -1});
        }
        entry("test points");
    }
    return y;
}

// ---------------------------------------------------------------------------------------------- layout

/// Positions of everything, from the style and the panel count (no drawing).
struct Layout {
    double pw, ph, label_h, axis_left, axis_bottom, tick_len, pad, gap, top, side_w, caption_h;
    int cols, rows;
    double width() const { return pad + axis_left + cols * pw + (cols - 1) * gap + side_w + pad; }
    double panel_x(int c) const { return pad + axis_left + c * (pw + gap); }
    double row_h() const { return label_h + ph + tick_len + gap; }
    double height() const { return top + rows * row_h() - gap + axis_bottom + caption_h + pad; }
};

Layout make_layout(const Style& st, const RenderOptions& o, const Box& d, int n_panels, int n_columns, bool any_label,
                   double side_w, bool caption) {
    Layout L{};
    L.pw = st.size;
    L.ph = st.size * std::clamp(d.height() / d.width(), 0.05, 20.0);
    L.label_h = any_label ? st.font * 1.9 : 0;
    L.axis_left = o.axes ? st.tick_font * 3.6 : 0;
    L.tick_len = o.axes ? st.font * 0.35 : 0;
    L.axis_bottom = o.axes ? st.tick_font * 1.6 : 0;
    L.pad = (o.axes || n_panels > 1 || side_w > 0) ? st.tick_font * 1.2 : 0;  // room for edge tick numbers
    L.gap = n_panels <= 1 ? 0 : o.width_pt > 0 ? st.font * 1.2 : std::max(st.size * 0.04, st.font);  // linear in size for width_pt
    L.cols = n_columns > 0 ? std::min(n_columns, n_panels) : n_panels;
    L.rows = (n_panels + L.cols - 1) / L.cols;
    L.top = L.pad;
    L.side_w = side_w;
    L.caption_h = caption ? st.tick_font * 1.8 : 0;
    return L;
}

/// Lays out panels in a grid (labels above for a single panel, below for strips), the side column and a caption.
Figure build(std::span<const PanelInput* const> panels, const RenderOptions& o, int n_columns, bool label_above) {
    GINN_ASSERT(!panels.empty());
    if (n_columns < 0) throw Error("--columns", std::to_string(n_columns), "a column count >= 1", "");
    const Network& first = panels.front()->net;
    if (first.layers.empty()) throw Error("network", "has no layers", "a network on the plane", "");
    const Box d = first.domain;
    const int n = static_cast<int>(panels.size());
    const bool any_label = std::any_of(panels.begin(), panels.end(), [](auto* p) { return !p->label.empty(); });
    const bool approximate = std::any_of(panels.begin(), panels.end(), [](auto* p) { return !p->geometry.exact; });
    const Side side = make_side(first, o);
    auto layout_for = [&](double size) {
        const Style st = make_style(o, size);
        return std::pair{st, make_layout(st, o, d, n, n_columns, any_label, side_width(side, st), approximate)};
    };
    double size = o.size;
    if (o.width_pt > 0) {  // the layout's width is linear in the plot size: solve for the size that fills width_pt
        const double w1 = layout_for(100).second.width(), w2 = layout_for(200).second.width();
        size = 100 + (o.width_pt - w1) * 100 / (w2 - w1);
        if (!(size >= 16))
            throw Error("--width", std::to_string(o.width_pt) + " pt", "room for plots of at least 16 pt",
                        "a wider figure, fewer --columns or a smaller --font-size");
    }
    auto [st, L] = layout_for(size);
    // Labels too wide for a panel ("iteration 1,280,000   loss 0.0312" in a narrow strip) go on two lines.
    const double font = st.font, room = L.pw + L.gap * 0.8;  // named: clang 14 cannot capture structured bindings
    const bool split = std::any_of(panels.begin(), panels.end(), [&](auto* p) { return text_width(p->label, font) > room; });
    if (split) L.label_h += st.font * 1.2;

    // Bound the whole figure before any background raster is computed (a 400-panel strip of 8192-px plots would not fit).
    const double ppu = o.width_pt > 0 ? o.dpi / 72 : 1.0;
    if (!(L.width() * ppu <= 32767 && L.height() * ppu <= 32767 && L.width() * L.height() * ppu * ppu <= 2.5e8))
        throw Error("figure", std::to_string(static_cast<long long>(L.width() * ppu)) + " x " +
                    std::to_string(static_cast<long long>(L.height() * ppu)) + " pixels",
                    "at most 32767 per side and 250 megapixels", "a smaller --size, --dpi or fewer panels");
    Figure f;
    f.width = o.width_pt > 0 ? o.width_pt : std::ceil(L.width());
    f.height = o.width_pt > 0 ? L.height() : std::ceil(L.height());
    if (o.width_pt > 0) {
        if (!(o.dpi >= 36 && o.dpi <= 1200)) throw Error("--dpi", std::to_string(o.dpi), "36..1200", "300 for print");
        f.pixels_per_unit = o.dpi / 72;
    }
    for (int i = 0; i < n; ++i) {
        const int c = i % L.cols, rr = i / L.cols;
        const bool bottom_row = rr == L.rows - 1 || i + L.cols >= n;
        const double x = L.panel_x(c), y = L.top + rr * L.row_h() + (label_above ? L.label_h : 0);
        const FigureRect r{x, y, L.pw, L.ph};
        add_panel(f, panels[i]->net, panels[i]->geometry, o, st, r);
        if (o.axes) add_axes(f, PlotMap{panels[i]->net.domain, r}, st, /*numbers_x=*/bottom_row, /*numbers_y=*/c == 0);
        const std::string& label = panels[i]->label;
        const size_t cut = label.find("   ");
        const std::vector<std::string> lines = split && cut != std::string::npos
                                                   ? std::vector<std::string>{label.substr(0, cut), label.substr(cut + 3)}
                                                   : std::vector<std::string>{label};
        const double below = L.tick_len + (bottom_row ? L.axis_bottom : 0);
        double baseline = label_above ? y - L.label_h + st.font * 1.35 : y + L.ph + below + st.font * 1.3;
        for (const std::string& line : lines) {
            if (line.empty()) continue;
            f.texts.push_back({x + L.pw / 2, baseline, line, st.font, {0.1, 0.1, 0.1}, FigureText::Align::centre});
            baseline += st.font * 1.2;
        }
    }
    if (!side.empty()) {
        const double bottom = add_side(f, side, st, o.palette, L.panel_x(L.cols) - L.gap, L.top + (label_above ? L.label_h : 0), L.ph);
        f.height = std::max(f.height, std::ceil(bottom + L.caption_h + L.pad));
    }
    if (approximate)
        f.texts.push_back({L.pad + L.axis_left, f.height - L.pad - st.tick_font * 0.5,
                           "approximate boundaries (grid " + std::to_string(GeometryOptions{}.grid) + ")" +
                               (o.traced && o.decision_boundary ? "; decision boundary traced to |z_a - z_b| <= " +
                                                                     detail::number_text(o.trace_tolerance) : ""),
                           st.tick_font, ink, FigureText::Align::left});
    return f;
}

}  // namespace

namespace detail {

std::vector<double> nice_ticks(double lo, double hi) {
    if (!(hi > lo)) return {lo};
    const double raw = (hi - lo) / 4;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if ((hi - lo) / (m * mag) <= 5.5) { step = m * mag; break; }
    std::vector<double> out;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
        out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return out;
}

double text_width(const std::string& text, double size) { return 0.58 * size * static_cast<double>(text.size()); }

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

FigurePath segment_path(double x0, double y0, double x1, double y1, Rgb colour, double width, std::string tag) {
    FigurePath t{.colour = colour, .width = width, .tag = std::move(tag)};
    t.points.resize(2, 2);
    t.points << x0, y0, x1, y1;
    return t;
}

FigurePath rect_path(const FigureRect& r, Rgb colour, double width, std::string tag) {
    FigurePath p{.colour = colour, .width = width, .closed = true, .tag = std::move(tag)};
    p.points.resize(4, 2);
    p.points << r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h;
    return p;
}


}  // namespace detail

Figure figure_snapshot(const Network& net, const Geometry& g, const RenderOptions& options, const std::string& label) {
    const PanelInput panel{net, g, label};
    const PanelInput* one[] = {&panel};
    return build(one, options, 1, /*label_above=*/true);
}

Figure figure_strip(std::span<const PanelInput> panels, const RenderOptions& options, int n_columns) {
    if (panels.empty()) throw Error("strip", "no snapshots to draw", "at least one panel", "");
    std::vector<const PanelInput*> ptrs;
    for (const PanelInput& p : panels) ptrs.push_back(&p);
    return build(ptrs, options, n_columns, /*label_above=*/false);
}

void render_snapshot(const Network& net, const Geometry& g, const std::string& path, const RenderOptions& options,
                     const std::string& label) {
    detail::figure_format(path);  // a bad extension fails before any work
    write_figure(figure_snapshot(net, g, options, label), path);
}

void render_strip(std::span<const PanelInput> panels, const std::string& path, const RenderOptions& options,
                  int n_columns) {
    detail::figure_format(path);
    write_figure(figure_strip(panels, options, n_columns), path);
}

}  // namespace ginn
