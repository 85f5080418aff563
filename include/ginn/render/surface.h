// A 3-D surface of one quantity over the plane, as matplotlib's plot_surface draws it: a shaded surface seen from a
// fixed view (elevation 30, azimuth -60 degrees), a filled contour map on the floor beneath, painter's-algorithm
// quads, one fixed colour map and axes with ticks. Plain draw data (render.h's Figure), so a sweep can place many
// surfaces in one figure with add_surface. Not geometry: the values are sampled on a grid.
//
// Intended usage:
//   1. SurfaceValues v = surface_values(net, {.quantity = SurfaceQuantity::probability, .class_index = 1});
//   2. write_figure(figure_surface(v, {.size = 480}), "surface.pdf");
//   3. or many in one figure: Figure f; add_surface(f, v, {x, y, w, h}, {}); ... write_figure(f, "sweep.pdf");
#pragma once

#include <Eigen/Dense>
#include <string>

#include "ginn/render/render.h"

namespace ginn {

enum class SurfaceQuantity {
    probability,  ///< P(class class_index) (two-class heads: class 1 by default)
    neuron,       ///< the activation of hidden neuron (layer, index), both from 1
    output,       ///< the network's first output (regression heads)
};

struct SurfaceSpec {
    SurfaceQuantity quantity = SurfaceQuantity::probability;
    int class_index = 1;      ///< a label 0..k-1 (probability)
    int layer = 1, index = 1; ///< neuron
    int grid = 48;            ///< quads per side, 2..400
    std::string class_label{};  ///< the class's name in the title (a task's "white"); empty: "class K"
};

/// Values of one quantity on a (grid + 1) x (grid + 1) lattice of nodes over the network's domain.
struct SurfaceValues {
    Box domain;
    Eigen::MatrixXd z;    // (grid + 1, grid + 1): z(i, j) at x = x0 + j * w / grid, y = y0 + i * h / grid
    double lo = 0, hi = 1;  ///< the colour and height range (0..1 for probabilities; the data range otherwise)
    std::string title;     ///< "P(class 1)", "L2:3 activation", "output"
};

/// Samples the quantity. Throws Error naming the flag for a class, layer or neuron the network does not have, or a
/// grid outside 2..400.
/// Example: `SurfaceValues v = surface_values(net, {.quantity = SurfaceQuantity::neuron, .layer = 2, .index = 3});`
SurfaceValues surface_values(const Network& net, const SurfaceSpec& spec);

struct SurfaceView {
    double elevation = 30;   ///< degrees above the floor
    double azimuth = -60;    ///< degrees, matplotlib's convention (the eye at azimuth -60 looks from +x, -y)
    int floor_levels = 10;   ///< filled contour bands on the floor
};

/// The fixed colour map (a five-stop approximation of viridis): t in [0, 1], clamped.
Rgb surface_colour(double t);

/// Draws one surface with its floor, box axes, ticks and titles into rectangle r of f (text size `font`).
void add_surface(Figure& f, const SurfaceValues& v, const FigureRect& r, const SurfaceView& view = {}, double font = 10);

/// One surface as a figure: options.size is the figure width (or width_pt), font_size as for figures.
Figure figure_surface(const SurfaceValues& v, const RenderOptions& options = {}, const SurfaceView& view = {});

}  // namespace ginn
