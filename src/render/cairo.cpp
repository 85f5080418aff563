// The Cairo backend: draws a Figure (render.h) onto a PNG or PDF surface and writes the file atomically (SVG is
// written as text by svg.cpp, to keep labels as <text>).
// The only file in ginn that includes <cairo.h>; it knows nothing about networks or geometry.
#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "render/internal.h"

namespace ginn {

namespace detail {

FigureFormat figure_format(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".png") return FigureFormat::png;
    if (ext == ".svg") return FigureFormat::svg;
    if (ext == ".pdf") return FigureFormat::pdf;
    throw Error(path, "unknown figure format '" + ext + "'", "a .png, .svg or .pdf file name",
                "the extension picks the format");
}

}  // namespace detail

namespace {

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using ContextPtr = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status, const char* step) {
    if (status != CAIRO_STATUS_SUCCESS)
        throw Error("figure", std::string(step) + ": " + cairo_status_to_string(status), "a drawable figure",
                    "try a smaller --size");
}

void set_colour(cairo_t* cr, const Rgb& c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

/// An RGB raster as a Cairo image surface.
SurfacePtr image_surface(const FigureImage& img) {
    GINN_ASSERT(img.rgb.size() == static_cast<size_t>(img.px_w) * img.px_h * 3);
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, img.px_w, img.px_h), cairo_surface_destroy);
    check(cairo_surface_status(surface.get()), "image");
    cairo_surface_flush(surface.get());
    unsigned char* dst = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    for (int r = 0; r < img.px_h; ++r) {
        auto* row = reinterpret_cast<uint32_t*>(dst + static_cast<size_t>(r) * stride);
        for (int c = 0; c < img.px_w; ++c) {
            const uint8_t* p = &img.rgb[(static_cast<size_t>(r) * img.px_w + c) * 3];
            row[c] = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | uint32_t{p[2]};
        }
    }
    cairo_surface_mark_dirty(surface.get());
    return surface;
}

/// An RGB raster scaled into its rectangle, pixels kept sharp (nearest filter).
void draw_image(cairo_t* cr, const FigureImage& img) {
    const SurfacePtr surface = image_surface(img);
    cairo_save(cr);
    cairo_translate(cr, img.x, img.y);
    cairo_scale(cr, img.w / img.px_w, img.h / img.px_h);
    cairo_set_source_surface(cr, surface.get(), 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(cr, 0, 0, img.px_w, img.px_h);
    cairo_fill(cr);
    cairo_restore(cr);
}

void draw_path(cairo_t* cr, const FigurePath& path) {
    if (path.points.rows() < 2) return;
    cairo_new_path(cr);
    cairo_move_to(cr, path.points(0, 0), path.points(0, 1));
    for (Eigen::Index i = 1; i < path.points.rows(); ++i) cairo_line_to(cr, path.points(i, 0), path.points(i, 1));
    if (path.closed) cairo_close_path(cr);
    set_colour(cr, path.colour);
    cairo_set_line_width(cr, path.width);
    cairo_stroke(cr);
}

void draw_fill(cairo_t* cr, const FigureFill& fill) {
    if (fill.points.rows() < 3) return;
    cairo_new_path(cr);
    cairo_move_to(cr, fill.points(0, 0), fill.points(0, 1));
    for (Eigen::Index i = 1; i < fill.points.rows(); ++i) cairo_line_to(cr, fill.points(i, 0), fill.points(i, 1));
    cairo_close_path(cr);
    if (fill.filled) {
        set_colour(cr, fill.colour);
        fill.edge_width > 0 ? cairo_fill_preserve(cr) : cairo_fill(cr);
    }
    if (fill.edge_width > 0) {
        set_colour(cr, fill.edge);
        cairo_set_line_width(cr, fill.edge_width);
        cairo_stroke(cr);
    }
}

/// Sets the clip rectangle `clip` (-1: none) when it differs from the current one. Consecutive items with the same
/// clip share one clip region (one clipPath in SVG, not one per path).
void use_clip(cairo_t* cr, const Figure& f, int clip, int& current) {
    if (clip == current) return;
    cairo_restore(cr);
    cairo_save(cr);
    current = clip;
    if (clip < 0) return;
    GINN_ASSERT(clip < static_cast<int>(f.clips.size()));
    const FigureRect& r = f.clips[clip];
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_clip(cr);
}

void draw_text(cairo_t* cr, const FigureText& t) {
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, t.size);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, t.text.c_str(), &ext);
    double x = t.x;
    if (t.align == FigureText::Align::centre) x -= ext.x_advance / 2;
    if (t.align == FigureText::Align::right) x -= ext.x_advance;
    set_colour(cr, t.colour);
    cairo_move_to(cr, x, t.y);
    cairo_show_text(cr, t.text.c_str());
}

void draw(cairo_t* cr, const Figure& f) {
    set_colour(cr, f.paper);
    cairo_paint(cr);
    for (const FigureImage& img : f.images) draw_image(cr, img);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    int clip = -1;
    cairo_save(cr);
    for (const FigureFill& fill : f.fills) {
        use_clip(cr, f, fill.clip, clip);
        draw_fill(cr, fill);
    }
    for (const FigurePath& path : f.paths) {
        use_clip(cr, f, path.clip, clip);
        draw_path(cr, path);
    }
    cairo_restore(cr);
    for (const FigureText& t : f.texts) draw_text(cr, t);
    check(cairo_status(cr), "drawing");
}

}  // namespace

namespace detail {

std::string figure_bytes(const Figure& figure, FigureFormat format) {
    const double scale = format == FigureFormat::png ? figure.pixels_per_unit : 1.0;
    const int w = static_cast<int>(std::ceil(figure.width * scale - 1e-6)),
              h = static_cast<int>(std::ceil(figure.height * scale - 1e-6));
    if (w < 1 || h < 1 || w > 32767 || h > 32767)
        throw Error("figure", "size " + std::to_string(w) + "x" + std::to_string(h), "1..32767 units per side",
                    "use a smaller --size or fewer panels");
    if (format == FigureFormat::svg) return svg_bytes(figure);
    std::string bytes;
    SurfacePtr surface(nullptr, cairo_surface_destroy);
    if (format == FigureFormat::png) surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
    if (format == FigureFormat::pdf)
        surface.reset(cairo_pdf_surface_create_for_stream(append_bytes, &bytes, figure.width, figure.height));
    check(cairo_surface_status(surface.get()), "surface");
    {
        ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
        cairo_scale(cr.get(), scale, scale);
        draw(cr.get(), figure);
    }
    if (format == FigureFormat::png) check(cairo_surface_write_to_png_stream(surface.get(), append_bytes, &bytes), "png");
    cairo_surface_finish(surface.get());  // vector surfaces write their last bytes here
    check(cairo_surface_status(surface.get()), "finish");
    return bytes;
}

std::string image_png(const FigureImage& image) {
    const SurfacePtr surface = image_surface(image);
    std::string bytes;
    check(cairo_surface_write_to_png_stream(surface.get(), append_bytes, &bytes), "png");
    return bytes;
}

std::string figure_rgb(const Figure& figure, int& w, int& h) {
    w = static_cast<int>(std::ceil(figure.width * figure.pixels_per_unit - 1e-6));
    h = static_cast<int>(std::ceil(figure.height * figure.pixels_per_unit - 1e-6));
    if (w < 1 || h < 1 || w > 16384 || h > 16384)
        throw Error("frame", "size " + std::to_string(w) + "x" + std::to_string(h), "1..16384 pixels per side",
                    "use a smaller --size");
    w += w % 2, h += h % 2;
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), cairo_surface_destroy);
    check(cairo_surface_status(surface.get()), "surface");
    {
        ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
        cairo_scale(cr.get(), figure.pixels_per_unit, figure.pixels_per_unit);
        draw(cr.get(), figure);  // paints the paper over the whole surface, padding included
    }
    cairo_surface_flush(surface.get());
    const unsigned char* src = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    std::string rgb(static_cast<size_t>(w) * h * 3, '\0');
    for (int r = 0; r < h; ++r) {
        const auto* row = reinterpret_cast<const uint32_t*>(src + static_cast<size_t>(r) * stride);
        for (int c = 0; c < w; ++c) {
            char* p = &rgb[(static_cast<size_t>(r) * w + c) * 3];
            p[0] = static_cast<char>((row[c] >> 16) & 255), p[1] = static_cast<char>((row[c] >> 8) & 255),
            p[2] = static_cast<char>(row[c] & 255);
        }
    }
    return rgb;
}

}  // namespace detail

void write_figure(const Figure& figure, const std::string& path) {
    const detail::FigureFormat format = detail::figure_format(path);
    write_file_atomic(path, detail::figure_bytes(figure, format));
}

}  // namespace ginn
