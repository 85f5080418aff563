// Internal glue between the figure builder, the Cairo backend and the animation writer (not a public header).
#pragma once

#include <string>

#include "ginn/render/render.h"

namespace ginn::detail {

enum class FigureFormat { png, svg, pdf };
/// The format a path's extension names (case-insensitive); throws Error naming the path for any other extension.
FigureFormat figure_format(const std::string& path);
/// The figure encoded as a file of that format, in memory.
std::string figure_bytes(const Figure& figure, FigureFormat format);

}  // namespace ginn::detail
