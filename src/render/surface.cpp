// 3-D surfaces as draw data: a quantity sampled on a lattice, projected orthographically from a fixed view,
// floor bands then surface quads back to front (painter's algorithm), Lambert shading, box axes with ticks.
// Not a 3-D engine: one surface over one floor, no intersections between surfaces.
#include "ginn/render/surface.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ginn/core/error.h"
#include "render/internal.h"

namespace ginn {

namespace {

using V3 = Eigen::Vector3d;
constexpr double box_height = 0.75;  // the box is 1 x 1 x 0.75 (matplotlib's 4:4:3)

/// Orthographic projection: box coordinates (x, y in [-0.5, 0.5], z in [0, box_height]) to figure units.
struct Camera {
    V3 eye, right, up;
    double scale = 1, cx = 0, cy = 0;
    Camera(const SurfaceView& v) {
        const double el = v.elevation * M_PI / 180, az = v.azimuth * M_PI / 180;
        eye = {std::cos(el) * std::cos(az), std::cos(el) * std::sin(az), std::sin(el)};
        right = {-std::sin(az), std::cos(az), 0};
        up = {-std::sin(el) * std::cos(az), -std::sin(el) * std::sin(az), std::cos(el)};
    }
    double sx(const V3& p) const { return p.dot(right); }
    double sy(const V3& p) const { return p.dot(up); }
    double depth(const V3& p) const { return p.dot(eye); }  // larger is nearer the eye
    Eigen::RowVector2d at(const V3& p) const { return {cx + scale * sx(p), cy - scale * sy(p)}; }
};

}  // namespace

Rgb surface_colour(double t) {
    static constexpr Rgb stops[] = {{0x44 / 255.0, 0x01 / 255.0, 0x54 / 255.0}, {0x3b / 255.0, 0x52 / 255.0, 0x8b / 255.0},
                                    {0x21 / 255.0, 0x91 / 255.0, 0x8c / 255.0}, {0x5e / 255.0, 0xc9 / 255.0, 0x62 / 255.0},
                                    {0xfd / 255.0, 0xe7 / 255.0, 0x25 / 255.0}};
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 4;
    const int i = std::min(3, static_cast<int>(t));
    return mix(stops[i], stops[i + 1], t - i);
}

SurfaceValues surface_values(const Network& net, const SurfaceSpec& spec) {
    if (spec.grid < 2 || spec.grid > 400)
        throw Error("--surface-grid", std::to_string(spec.grid), "2..400 quads per side", "48 is the default");
    if (net.layers.empty() || net.layers.front().n_in() != 2)
        throw Error("network", "does not have 2 inputs", "a network on the plane", "");
    const int n = spec.grid + 1, k = net.n_outputs();
    SurfaceValues v;
    v.domain = net.domain;
    Eigen::MatrixXd X(int64_t{n} * n, 2);  // #nodes by 2, row i of the lattice from y0 upwards
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            X.row(int64_t{i} * n + j) << net.domain.x0 + net.domain.width() * j / spec.grid,
                net.domain.y0 + net.domain.height() * i / spec.grid;
    std::vector<Eigen::MatrixXd> pre;
    const Eigen::MatrixXd Z = forward(net, X, &pre);  // (#nodes, k)
    Eigen::VectorXd values(X.rows());
    switch (spec.quantity) {
        case SurfaceQuantity::probability: {
            const int n_classes = net.head == Head::softmax ? k : 2;
            if (net.head == Head::regression)
                throw Error("--class", "a regression head has no classes", "a classifier", "drop --class to see the output");
            if (spec.class_index < 0 || spec.class_index >= n_classes)
                throw Error("--class", std::to_string(spec.class_index), "a label 0.." + std::to_string(n_classes - 1), "");
            if (net.head == Head::sigmoid) {
                values = (1 / (1 + (-Z.col(0).array()).exp())).matrix();
                if (spec.class_index == 0) values = (1 - values.array()).matrix();
            } else {
                const Eigen::MatrixXd E = (Z.colwise() - Z.rowwise().maxCoeff()).array().exp();  // stable softmax
                values = (E.col(spec.class_index).array() / E.rowwise().sum().array()).matrix();
            }
            v.title = "P(" + (spec.class_label.empty() ? "class " + std::to_string(spec.class_index) : spec.class_label) + ")";
            v.lo = 0, v.hi = 1;
            break;
        }
        case SurfaceQuantity::neuron: {
            if (spec.layer < 1 || spec.layer > net.n_hidden_layers())
                throw Error("--neuron", "layer " + std::to_string(spec.layer) + " does not exist",
                            "layers 1.." + std::to_string(net.n_hidden_layers()), "");
            const DenseLayer& L = net.layers[spec.layer - 1];
            if (spec.index < 1 || spec.index > L.n_out())
                throw Error("--neuron", "neuron L" + std::to_string(spec.layer) + ":" + std::to_string(spec.index) + " does not exist",
                            "neurons 1.." + std::to_string(L.n_out()), "");
            for (Eigen::Index p = 0; p < X.rows(); ++p) values(p) = L.activate(spec.index - 1, pre[spec.layer - 1](p, spec.index - 1));
            v.title = "L" + std::to_string(spec.layer) + ":" + std::to_string(spec.index) + " activation";
            break;
        }
        case SurfaceQuantity::output:
            values = Z.col(0);
            v.title = "output";
            break;
    }
    if (spec.quantity != SurfaceQuantity::probability) {
        v.lo = values.minCoeff(), v.hi = values.maxCoeff();
        if (!(v.hi - v.lo > 1e-12)) v.lo -= 0.5, v.hi += 0.5;  // a flat quantity: widen by 1 around it
    }
    v.z = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(values.data(), n, n);
    return v;
}

void add_surface(Figure& f, const SurfaceValues& v, const FigureRect& r, const SurfaceView& view, double font) {
    const int n = static_cast<int>(v.z.rows());
    GINN_ASSERT(n >= 2 && v.z.cols() == n && v.hi > v.lo);
    Camera cam(view);
    auto t_of = [&](double z) { return std::clamp((z - v.lo) / (v.hi - v.lo), 0.0, 1.0); };
    auto node = [&](int i, int j, double z) {  // lattice node (row i from y0, column j from x0) at height z
        return V3{double(j) / (n - 1) - 0.5, double(i) / (n - 1) - 0.5, box_height * t_of(z)};
    };
    auto box = [&](double x, double y, double z) {  // domain point to box coordinates
        return V3{(x - v.domain.x0) / v.domain.width() - 0.5, (y - v.domain.y0) / v.domain.height() - 0.5,
                  box_height * (z - v.lo) / (v.hi - v.lo)};
    };
    // Fit the box (with room for tick numbers and titles) into r.
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (double a : {-0.72, 0.72})
        for (double b : {-0.72, 0.72})
            for (double c : {-0.1, box_height + 0.05}) {
                const V3 p{a, b, c};
                x0 = std::min(x0, cam.sx(p)), x1 = std::max(x1, cam.sx(p)), y0 = std::min(y0, cam.sy(p)), y1 = std::max(y1, cam.sy(p));
            }
    cam.scale = std::min(r.w / (x1 - x0), (r.h - font * 1.6) / (y1 - y0));
    cam.cx = r.x + r.w / 2 - cam.scale * (x0 + x1) / 2;
    cam.cy = r.y + font * 1.6 + (r.h - font * 1.6) / 2 + cam.scale * (y0 + y1) / 2;
    auto quad = [&](const V3& a, const V3& b, const V3& c, const V3& d, Rgb colour) {
        FigureFill q{.colour = colour, .edge = colour, .edge_width = 0.3};  // the edge hides seams between quads
        q.points.resize(4, 2);
        q.points << cam.at(a), cam.at(b), cam.at(c), cam.at(d);
        return q;
    };
    // 1. the floor: filled contour bands of each cell's mean value
    const int levels = std::max(2, view.floor_levels);
    for (int i = 0; i + 1 < n; ++i)
        for (int j = 0; j + 1 < n; ++j) {
            const double mean = (v.z(i, j) + v.z(i, j + 1) + v.z(i + 1, j) + v.z(i + 1, j + 1)) / 4;
            const int band = std::min(levels - 1, static_cast<int>(t_of(mean) * levels));
            auto flat = [&](int a, int b) { return V3{double(b) / (n - 1) - 0.5, double(a) / (n - 1) - 0.5, 0.0}; };
            f.fills.push_back(quad(flat(i, j), flat(i, j + 1), flat(i + 1, j + 1), flat(i + 1, j), surface_colour((band + 0.5) / levels)));
        }
    // 2. the floor's frame and the axes: x along the floor edge nearer the eye, y likewise, z at the left corner
    const V3 corners[4] = {{-0.5, -0.5, 0}, {0.5, -0.5, 0}, {0.5, 0.5, 0}, {-0.5, 0.5, 0}};
    for (int c = 0; c < 4; ++c) {
        FigurePath e = detail::segment_path(0, 0, 0, 0, detail::ink, std::max(0.5, font / 14), "frame");
        e.points << cam.at(corners[c]), cam.at(corners[(c + 1) % 4]);
        f.paths.push_back(std::move(e));
    }
    const double y_edge = cam.depth({0, -0.5, 0}) > cam.depth({0, 0.5, 0}) ? -0.5 : 0.5;
    const double x_edge = cam.depth({-0.5, 0, 0}) > cam.depth({0.5, 0, 0}) ? -0.5 : 0.5;
    const V3 z_corner = *std::min_element(std::begin(corners), std::end(corners),
                                          [&](const V3& a, const V3& b) { return cam.sx(a) < cam.sx(b); });
    const double tick_font = font * 0.85, thin = std::max(0.5, font / 14);
    auto tick = [&](const V3& at, const V3& out, const std::string& text) {
        FigurePath t = detail::segment_path(0, 0, 0, 0, detail::ink, thin, "tick");
        t.points << cam.at(at), cam.at(at + out * 0.03);
        f.paths.push_back(std::move(t));
        const Eigen::RowVector2d p = cam.at(at + out * 0.11);
        f.texts.push_back({p(0), p(1) + tick_font * 0.35, text, tick_font, detail::ink, FigureText::Align::centre});
    };
    for (double x : detail::nice_ticks(v.domain.x0, v.domain.x1))
        tick(box(x, y_edge < 0 ? v.domain.y0 : v.domain.y1, v.lo), {0, y_edge * 2, 0}, detail::number_text(x));
    for (double y : detail::nice_ticks(v.domain.y0, v.domain.y1))
        tick(box(x_edge < 0 ? v.domain.x0 : v.domain.x1, y, v.lo), {x_edge * 2, 0, 0}, detail::number_text(y));
    const V3 z_out = V3{z_corner.x(), z_corner.y(), 0}.normalized();
    FigurePath z_axis = detail::segment_path(0, 0, 0, 0, detail::ink, thin, "frame");
    z_axis.points << cam.at(z_corner), cam.at(z_corner + V3{0, 0, box_height});
    f.paths.push_back(std::move(z_axis));
    for (double z : detail::nice_ticks(v.lo, v.hi)) tick(z_corner + V3{0, 0, box_height * (z - v.lo) / (v.hi - v.lo)}, z_out, detail::number_text(z));
    auto title = [&](const V3& at, const std::string& text) {
        const Eigen::RowVector2d p = cam.at(at);
        f.texts.push_back({p(0), p(1), text, font, detail::ink, FigureText::Align::centre});
    };
    title({0, y_edge * 1.45, 0}, "x");
    title({x_edge * 1.45, 0, 0}, "y");
    f.texts.push_back({r.x + r.w / 2, r.y + font * 1.1, v.title, font, detail::ink, FigureText::Align::centre});
    // 3. the surface: quads back to front, each shaded by its normal against a light above the eye
    const V3 light = (cam.eye * 0.6 + cam.up * 0.8 - cam.right * 0.3).normalized();
    struct Quad { double depth; int i, j; };
    std::vector<Quad> order;
    for (int i = 0; i + 1 < n; ++i)
        for (int j = 0; j + 1 < n; ++j) {
            const V3 centre = (node(i, j, v.z(i, j)) + node(i + 1, j + 1, v.z(i + 1, j + 1))) / 2;
            order.push_back({cam.depth(centre), i, j});
        }
    std::sort(order.begin(), order.end(), [](const Quad& a, const Quad& b) { return a.depth < b.depth; });
    for (const Quad& q : order) {
        const int i = q.i, j = q.j;
        const V3 a = node(i, j, v.z(i, j)), b = node(i, j + 1, v.z(i, j + 1)), c = node(i + 1, j + 1, v.z(i + 1, j + 1)),
                 d = node(i + 1, j, v.z(i + 1, j));
        const V3 normal = (c - a).cross(d - b).normalized();
        const double shade = 0.55 + 0.45 * std::abs(normal.dot(light));
        const Rgb base = surface_colour(t_of((v.z(i, j) + v.z(i, j + 1) + v.z(i + 1, j) + v.z(i + 1, j + 1)) / 4));
        f.fills.push_back(quad(a, b, c, d, {base.r * shade, base.g * shade, base.b * shade}));
    }
}

Figure figure_surface(const SurfaceValues& v, const RenderOptions& o, const SurfaceView& view) {
    if (o.font_size != 0 && !(o.font_size >= 2 && o.font_size <= 72))
        throw Error("--font-size", std::to_string(o.font_size), "a text size in 2..72 points", "8 suits a paper");
    const double width = o.width_pt > 0 ? o.width_pt : o.size;
    if (!(width >= 64 && width <= 8192))
        throw Error(o.width_pt > 0 ? "--width" : "--size", std::to_string(static_cast<long long>(width)),
                    "a surface figure 64..8192 wide", "480 is a good default");
    Figure f;
    f.width = width;
    f.height = std::ceil(width * 0.85);
    if (o.width_pt > 0) f.pixels_per_unit = o.dpi / 72;
    const double font = o.font_size > 0 ? o.font_size : o.width_pt > 0 ? 8.0 : std::max(9.0, width / 45);
    add_surface(f, v, {0, 0, f.width, f.height - font * 1.4}, view, font);
    const int grid = static_cast<int>(v.z.rows()) - 1;
    f.texts.push_back({font * 0.5, f.height - font * 0.5,
                       "sampled on a " + std::to_string(grid) + " x " + std::to_string(grid) + " grid (not exact geometry)",
                       font * 0.85, detail::ink, FigureText::Align::left});
    return f;
}

}  // namespace ginn
