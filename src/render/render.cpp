// Figure building: the palette, neuron selections, backgrounds and the layout of one snapshot or a strip, as plain
// draw data (render.h). Not drawing: cairo.cpp writes the files and animation.cpp drives ffmpeg.
#include "ginn/render/render.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "ginn/core/error.h"
#include "render/internal.h"

namespace ginn {

// ---------------------------------------------------------------------------------------------- palette

namespace {

/// CSS hsl(): hue in degrees, saturation and lightness in [0, 1].
Rgb hsl(double hue, double s, double l) {
    hue = std::fmod(std::fmod(hue, 360.0) + 360.0, 360.0);
    const double c = (1 - std::abs(2 * l - 1)) * s;
    const double hp = hue / 60.0;
    const double x = c * (1 - std::abs(std::fmod(hp, 2.0) - 1));
    double r = 0, g = 0, b = 0;
    if (hp < 1) r = c, g = x;
    else if (hp < 2) r = x, g = c;
    else if (hp < 3) g = c, b = x;
    else if (hp < 4) g = x, b = c;
    else if (hp < 5) r = x, b = c;
    else r = c, b = x;
    const double m = l - c / 2;
    return {r + m, g + m, b + m};
}

uint8_t to_byte(double v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); }

}  // namespace

Rgb neuron_colour(int layer, int index, int n_in_layer) {
    static constexpr double layer_hue[] = {215, 355, 125, 275, 30, 180, 320, 60};
    const double base = layer_hue[(std::max(layer, 1) - 1) % 8];
    const double t = n_in_layer > 1 ? std::clamp((index - 1) / double(n_in_layer - 1), 0.0, 1.0) : 0.5;
    return hsl(base + (t - 0.5) * 24, 0.80, 0.30 + 0.32 * t);
}

Rgb decision_colour() { return hsl(48, 1.0, 0.5); }
Rgb decision_outline_colour() { return {20 / 255.0, 20 / 255.0, 20 / 255.0}; }

Rgb region_colour(std::span<const uint8_t> pattern) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64
    for (uint8_t byte : pattern) h = (h ^ byte) * 0x100000001b3ull;
    return hsl(static_cast<double>(h % 360), 0.35 + 0.30 * ((h >> 20) % 64) / 63.0,
               0.70 + 0.15 * ((h >> 40) % 64) / 63.0);
}

Rgb class_colour(int k, int n_classes) {
    if (n_classes <= 2) return k == 0 ? Rgb{0, 0, 0} : Rgb{1, 1, 1};
    return hsl(k * 360.0 / n_classes + 200, 0.55, 0.60);
}

// ---------------------------------------------------------------------------------------------- selection

bool NeuronSelection::contains(int layer, int index) const {
    return all || layers.count(layer) || neurons.count({layer, index});
}

NeuronSelection parse_neuron_selection(std::string_view spec, const std::string& where) {
    const std::string expected = "all, none, L1, L2:3,5, L2:3-6, or terms joined by , or + (L1,L3:2)";
    auto fail = [&](const std::string& what) -> Error {
        return Error(where, what + " in '" + std::string(spec) + "'", expected, "layers and neurons count from 1");
    };
    auto number = [&](std::string_view s) {
        int v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size()) throw fail("bad number '" + std::string(s) + "'");
        if (v < 1) throw fail("'" + std::string(s) + "' is below 1");
        return v;
    };
    if (spec == "all") return {};
    NeuronSelection sel{.all = false};
    if (spec == "none") return sel;
    if (spec.empty()) throw fail("empty selection");
    int current_layer = 0;  // the layer whose index list a bare number continues
    size_t start = 0;
    while (start <= spec.size()) {
        const size_t end = std::min(spec.find_first_of(",+", start), spec.size());
        const std::string_view token = spec.substr(start, end - start);
        const bool after_plus = start > 0 && spec[start - 1] == '+';
        start = end + 1;
        if (token.empty()) throw fail("empty term");
        std::string_view indices;
        if (token[0] == 'L' || token[0] == 'l') {
            const size_t colon = token.find(':');
            current_layer = number(token.substr(1, colon == std::string_view::npos ? std::string_view::npos : colon - 1));
            if (colon == std::string_view::npos) {
                sel.layers.insert(current_layer);
                current_layer = 0;
                continue;
            }
            indices = token.substr(colon + 1);
        } else {
            if (current_layer == 0 || after_plus) throw fail("'" + std::string(token) + "' has no layer (write Lk:" +
                                                             std::string(token) + ")");
            indices = token;
        }
        const size_t dash = indices.find('-');
        const int first = number(indices.substr(0, dash));
        const int last = dash == std::string_view::npos ? first : number(indices.substr(dash + 1));
        if (last < first) throw fail("empty range '" + std::string(indices) + "'");
        for (int i = first; i <= last; ++i) sel.neurons.insert({current_layer, i});
    }
    return sel;
}

Background background_from_name(std::string_view name, const std::string& where) {
    if (name == "prediction") return Background::prediction;
    if (name == "target") return Background::target;
    if (name == "regions") return Background::regions;
    if (name == "none") return Background::none;
    throw Error(where, "unknown background '" + std::string(name) + "'", "prediction, target, regions or none", "");
}

std::string snapshot_label(int64_t iteration, double loss) {
    std::string digits = std::to_string(iteration), grouped;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') grouped += ',';
        grouped += digits[i];
    }
    std::string label = "iteration " + grouped;
    if (std::isfinite(loss)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "   loss %.3g", loss);
        label += buf;
    }
    return label;
}

// ---------------------------------------------------------------------------------------------- backgrounds

namespace {

constexpr int64_t chunk_rows = 16384;  // pixels per forward pass, to bound memory on large rasters

void put_pixel(std::vector<uint8_t>& rgb, int64_t p, const Rgb& c) {
    rgb[3 * p] = to_byte(c.r);
    rgb[3 * p + 1] = to_byte(c.g);
    rgb[3 * p + 2] = to_byte(c.b);
}

/// Prediction: two-class heads show P(class 1) on the fixed grey scale black = 0 .. white = 1 (never stretched);
/// k-class heads show the predicted class's colour faded towards white by how unsure the network is.
void fill_prediction(const Network& net, FigureImage& img, const Box& d) {
    const int64_t n = static_cast<int64_t>(img.px_w) * img.px_h;
    const bool k_class = net.head == Head::softmax && net.n_outputs() > 2;
    for (int64_t p0 = 0; p0 < n; p0 += chunk_rows) {
        const int64_t p1 = std::min(n, p0 + chunk_rows);
        const Eigen::MatrixXd X = pixel_centres(d, img.px_w, img.px_h, p0, p1);
        if (!k_class) {
            const Eigen::VectorXd prob = probability(net, X);
            for (int64_t p = p0; p < p1; ++p) {
                const double v = prob(p - p0);
                put_pixel(img.rgb, p, {v, v, v});
            }
            continue;
        }
        const Eigen::MatrixXd logits = forward(net, X);
        for (int64_t p = p0; p < p1; ++p) {
            Eigen::Index k = 0;
            const double top = logits.row(p - p0).maxCoeff(&k);
            const double confidence = 1.0 / (logits.row(p - p0).array() - top).exp().sum();  // softmax max
            const Rgb c = class_colour(static_cast<int>(k), net.n_outputs());
            const double fade = (1 - confidence) * net.n_outputs() / (net.n_outputs() - 1.0);
            put_pixel(img.rgb, p, {c.r + (1 - c.r) * fade, c.g + (1 - c.g) * fade, c.b + (1 - c.b) * fade});
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

void fill_target(const Dataset& data, FigureImage& img) {
    const std::vector<int32_t> raster = target_raster(data, img.px_w, img.px_h);
    for (size_t p = 0; p < raster.size(); ++p) put_pixel(img.rgb, static_cast<int64_t>(p), class_colour(raster[p], data.n_classes));
}

// ---------------------------------------------------------------------------------------------- layout

/// Sizes shared by every panel of a figure, in figure units.
struct Style {
    double size;        // plot-area width
    double font;        // label size
    double tick_font;   // tick-number size
    double line;        // neuron line width
    double thin;        // frame and tick width
};

Style make_style(const RenderOptions& o) {
    if (o.size < 16 || o.size > 8192)
        throw Error("--size", std::to_string(o.size), "a plot size in 16..8192", "800 is a good default");
    const double s = o.size;
    return {s, std::max(9.0, s / 30), std::max(8.0, s / 38), o.line_width > 0 ? o.line_width : std::max(1.0, s / 400),
            std::max(1.0, s / 700)};
}

/// Figure units of a domain point inside a plot rectangle.
struct PlotMap {
    Box d;
    FigureRect r;
    double x(double v) const { return r.x + (v - d.x0) / d.width() * r.w; }
    double y(double v) const { return r.y + (d.y1 - v) / d.height() * r.h; }
};

void check_selection(const Network& net, const NeuronSelection& sel) {
    const int n_hidden = net.n_hidden_layers();
    auto check_layer = [&](int l) {
        if (l < 1 || l > n_hidden)
            throw Error("--neurons", "layer " + std::to_string(l) + " does not exist",
                        "layers 1.." + std::to_string(n_hidden), "");
    };
    for (int l : sel.layers) check_layer(l);
    for (const auto& [l, i] : sel.neurons) {
        check_layer(l);
        if (i > net.layers[l - 1].n_out())
            throw Error("--neurons", "neuron L" + std::to_string(l) + ":" + std::to_string(i) + " does not exist",
                        "neurons 1.." + std::to_string(net.layers[l - 1].n_out()) + " in layer " + std::to_string(l), "");
    }
}

FigurePath map_polyline(const Polyline& line, const PlotMap& m, Rgb colour, double width, int clip, std::string tag) {
    FigurePath path{.colour = colour, .width = width, .clip = clip, .tag = std::move(tag)};
    Eigen::Index n = line.rows();
    if (n > 2 && line.row(0) == line.row(n - 1)) path.closed = true, --n;  // a loop: join its ends
    path.points.resize(n, 2);
    for (Eigen::Index i = 0; i < n; ++i) path.points.row(i) << m.x(line(i, 0)), m.y(line(i, 1));
    return path;
}

/// Nice tick values covering [lo, hi]: multiples of 1, 2 or 5 times a power of ten, 3 to 6 of them.
std::vector<double> ticks(double lo, double hi) {
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

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

void add_axes(Figure& f, const PlotMap& m, const Style& st) {
    const Rgb ink{0.15, 0.15, 0.15};
    const double len = st.font * 0.35;
    for (double v : ticks(m.d.x0, m.d.x1)) {
        FigurePath t{.colour = ink, .width = st.thin, .tag = "tick"};
        t.points.resize(2, 2);
        t.points << m.x(v), m.r.y + m.r.h, m.x(v), m.r.y + m.r.h + len;
        f.paths.push_back(std::move(t));
        f.texts.push_back({m.x(v), m.r.y + m.r.h + len + st.tick_font * 1.05, number_text(v), st.tick_font, ink,
                           FigureText::Align::centre});
    }
    for (double v : ticks(m.d.y0, m.d.y1)) {
        FigurePath t{.colour = ink, .width = st.thin, .tag = "tick"};
        t.points.resize(2, 2);
        t.points << m.r.x - len, m.y(v), m.r.x, m.y(v);
        f.paths.push_back(std::move(t));
        f.texts.push_back({m.r.x - len * 1.6, m.y(v) + st.tick_font * 0.35, number_text(v), st.tick_font, ink,
                           FigureText::Align::right});
    }
}

FigurePath rect_path(const FigureRect& r, Rgb colour, double width, std::string tag) {
    FigurePath p{.colour = colour, .width = width, .closed = true, .tag = std::move(tag)};
    p.points.resize(4, 2);
    p.points << r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h;
    return p;
}

/// One panel: background image, neuron boundaries by layer, decision boundary (outline, then colour), frame, axes.
void add_panel(Figure& f, const Network& net, const Geometry& g, const RenderOptions& o, const Style& st,
               const FigureRect& r) {
    if (net.layers.empty() || net.layers.front().n_in() != 2)
        throw Error("network", "does not have 2 inputs", "a network on the plane", "");
    check_selection(net, o.neurons);
    const Box d = net.domain;
    const PlotMap m{d, r};
    const int clip = static_cast<int>(f.clips.size());
    f.clips.push_back(r);

    if (o.background != Background::none) {
        FigureImage img{.x = r.x, .y = r.y, .w = r.w, .h = r.h, .px_w = std::max(1, static_cast<int>(std::lround(r.w))),
                        .px_h = std::max(1, static_cast<int>(std::lround(r.h)))};
        img.rgb.assign(static_cast<size_t>(img.px_w) * img.px_h * 3, 255);
        if (o.background == Background::prediction) fill_prediction(net, img, d);
        if (o.background == Background::regions) fill_regions(net, img, d);
        if (o.background == Background::target) {
            if (!o.target) throw Error("--background target", "no dataset given", "the run's dataset", "");
            fill_target(*o.target, img);
        }
        f.images.push_back(std::move(img));
    }
    for (const NeuronBoundary& nb : g.neurons) {
        if (!o.neurons.contains(nb.layer, nb.index)) continue;
        GINN_ASSERT(nb.layer >= 1 && nb.layer <= net.n_hidden_layers());
        const Rgb c = neuron_colour(nb.layer, nb.index, net.layers[nb.layer - 1].n_out());
        const std::string tag = "L" + std::to_string(nb.layer) + ":" + std::to_string(nb.index);
        for (const Polyline& line : nb.polylines)
            if (line.rows() >= 2) f.paths.push_back(map_polyline(line, m, c, st.line, clip, tag));
    }
    if (o.decision_boundary) {
        for (const Polyline& line : g.decision_boundary)
            if (line.rows() >= 2)
                f.paths.push_back(map_polyline(line, m, decision_outline_colour(), st.line * 3.2, clip, "decision-outline"));
        for (const Polyline& line : g.decision_boundary)
            if (line.rows() >= 2) f.paths.push_back(map_polyline(line, m, decision_colour(), st.line * 1.6, clip, "decision"));
    }
    if (o.frame || o.axes) f.paths.push_back(rect_path(r, {0.2, 0.2, 0.2}, st.thin, "frame"));
    if (o.axes) add_axes(f, m, st);
}

/// A vertical bar for the prediction scale, 0 (black, bottom) to 1 (white, top), ticks every 0.25.
void add_colour_bar(Figure& f, const FigureRect& bar, const Style& st) {
    FigureImage img{.x = bar.x, .y = bar.y, .w = bar.w, .h = bar.h, .px_w = 1, .px_h = 256};
    img.rgb.resize(256 * 3);
    for (int i = 0; i < 256; ++i) img.rgb[3 * i] = img.rgb[3 * i + 1] = img.rgb[3 * i + 2] = static_cast<uint8_t>(255 - i);
    f.images.push_back(std::move(img));
    const Rgb ink{0.15, 0.15, 0.15};
    f.paths.push_back(rect_path(bar, ink, st.thin, "bar"));
    for (int k = 0; k <= 4; ++k) {
        const double y = bar.y + bar.h * (1 - k / 4.0);
        FigurePath t{.colour = ink, .width = st.thin, .tag = "tick"};
        t.points.resize(2, 2);
        t.points << bar.x + bar.w, y, bar.x + bar.w + st.font * 0.35, y;
        f.paths.push_back(std::move(t));
        f.texts.push_back({bar.x + bar.w + st.font * 0.55, y + st.tick_font * 0.35, number_text(k / 4.0), st.tick_font,
                           ink, FigureText::Align::left});
    }
    f.texts.push_back({bar.x + bar.w / 2, bar.y - st.font * 0.6, "P(1)", st.tick_font, ink, FigureText::Align::centre});
}

/// Lays out panels in a grid (labels above for a single panel, below for strips) and adds an optional colour bar.
Figure build(std::span<const PanelInput* const> panels, const RenderOptions& o, int n_columns, bool label_above) {
    GINN_ASSERT(!panels.empty());
    const Style st = make_style(o);
    const Box d = panels.front()->net.domain;
    const double pw = st.size, ph = st.size * std::clamp(d.height() / d.width(), 0.05, 20.0);
    const bool any_label = std::any_of(panels.begin(), panels.end(), [](auto* p) { return !p->label.empty(); });
    const double label_h = any_label ? st.font * 1.9 : 0;
    const double axis_left = o.axes ? st.tick_font * 3.6 : 0, axis_bottom = o.axes ? st.tick_font * 2.0 : 0;
    const double pad = (o.axes || panels.size() > 1) ? st.tick_font * 1.2 : 0;  // room for edge tick numbers
    const double gap = panels.size() > 1 ? st.size * 0.04 : 0;
    const int cols = n_columns > 0 ? std::min<int>(n_columns, static_cast<int>(panels.size())) : static_cast<int>(panels.size());
    const int rows = (static_cast<int>(panels.size()) + cols - 1) / cols;
    const double cell_w = axis_left + pw + gap, cell_h = label_h + ph + axis_bottom + gap;
    const bool bar = o.colour_bar && o.background == Background::prediction;
    const double bar_w = bar ? st.size * 0.035 + st.size * 0.03 + st.tick_font * 3.2 : 0;

    Figure f;
    f.width = std::ceil(pad + cols * cell_w - gap + bar_w + (o.axes || bar ? pad : 0));
    const double top = pad + (bar && !any_label ? st.font * 1.2 : 0);  // room for the bar's title
    f.height = std::ceil(top + rows * cell_h - gap + (o.axes || bar ? pad : 0));
    for (size_t i = 0; i < panels.size(); ++i) {
        const int c = static_cast<int>(i) % cols, rr = static_cast<int>(i) / cols;
        const double x = pad + c * cell_w + axis_left;
        const double y = top + rr * cell_h + (label_above ? label_h : 0);
        const FigureRect r{x, y, pw, ph};
        add_panel(f, panels[i]->net, panels[i]->geometry, o, st, r);
        if (!panels[i]->label.empty()) {
            const double baseline = label_above ? y - st.font * 0.55 : y + ph + axis_bottom + st.font * 1.3;
            f.texts.push_back({x + pw / 2, baseline, panels[i]->label, st.font, {0.1, 0.1, 0.1}, FigureText::Align::centre});
        }
    }
    if (bar) {
        const double y = top + (label_above ? label_h : 0);
        add_colour_bar(f, {pad + cols * cell_w - gap + st.size * 0.03, y, st.size * 0.035, ph}, st);
    }
    return f;
}

}  // namespace

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
