// Internal glue between the figure builder, the Cairo backend and the animation writer (not a public header).
#pragma once

#include <string>
#include <vector>

#include "ginn/render/render.h"

namespace ginn::detail {

enum class FigureFormat { png, svg, pdf };
/// The format a path's extension names (case-insensitive); throws Error naming the path for any other extension.
FigureFormat figure_format(const std::string& path);
/// The figure encoded as a file of that format, in memory.
std::string figure_bytes(const Figure& figure, FigureFormat format);
/// The figure rasterised as packed RGB bytes (rows from the top), its size rounded up to even pixel counts (video
/// encoders need them) with the extra row or column in paper colour; w and h receive the size.
std::string figure_rgb(const Figure& figure, int& w, int& h);
/// One raster encoded as PNG (cairo.cpp), for the SVG backend's embedded images.
std::string image_png(const FigureImage& image);
/// The figure as SVG text with editable <text> labels (svg.cpp).
std::string svg_bytes(const Figure& figure);

}  // namespace ginn::detail

namespace ginn::detail {

/// Nice tick values covering [lo, hi]: multiples of 1, 2 or 5 times a power of ten, 3 to 6 of them.
std::vector<double> nice_ticks(double lo, double hi);
/// A tick number: %.4g.
std::string number_text(double v);
/// Estimated width of a text in a sans-serif face (backends measure exactly; layout only needs room).
double text_width(const std::string& text, double size);
/// The ink of axes, ticks and legend text.
inline constexpr Rgb ink{0.15, 0.15, 0.15};
/// A straight stroke from (x0, y0) to (x1, y1), and a rectangle's outline, in figure units.
FigurePath segment_path(double x0, double y0, double x1, double y1, Rgb colour, double width, std::string tag);
FigurePath rect_path(const FigureRect& r, Rgb colour, double width, std::string tag);

}  // namespace ginn::detail
