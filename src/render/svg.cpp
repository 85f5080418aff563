// The SVG backend: writes a Figure (render.h) as SVG text by hand, so labels stay editable <text> elements (Cairo
// 1.16's SVG surface turns every glyph into an outline). Backgrounds are embedded PNG images (encoded by cairo.cpp).
// Not a general SVG library: it knows only the draw data of render.h.
#include <cmath>
#include <algorithm>
#include <cstdio>

#include "render/internal.h"

namespace ginn::detail {

namespace {

std::string colour_text(const Rgb& c) {
    auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b));
    return buf;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    std::string s = buf;  // trim trailing zeros: 12.500 -> 12.5, 3.000 -> 3
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const uint32_t n = (uint32_t(uint8_t(bytes[i])) << 16) |
                           (i + 1 < bytes.size() ? uint32_t(uint8_t(bytes[i + 1])) << 8 : 0) |
                           (i + 2 < bytes.size() ? uint32_t(uint8_t(bytes[i + 2])) : 0);
        out += digits[(n >> 18) & 63];
        out += digits[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? digits[n & 63] : '=';
    }
    return out;
}

std::string path_data(const Eigen::Matrix<double, Eigen::Dynamic, 2>& points, bool closed) {
    std::string d;
    for (Eigen::Index i = 0; i < points.rows(); ++i)
        d += (i == 0 ? "M" : " L") + num(points(i, 0)) + " " + num(points(i, 1));
    if (closed) d += " Z";
    return d;
}

/// Opens and closes <g clip-path> groups as consecutive items change clip.
struct ClipGroups {
    std::string& out;
    int current = -1;
    void use(int clip) {
        if (clip == current) return;
        if (current >= 0) out += "</g>\n";
        if (clip >= 0) out += "<g clip-path=\"url(#clip" + std::to_string(clip) + ")\">\n";
        current = clip;
    }
};

}  // namespace

std::string svg_bytes(const Figure& f) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"" +
           num(f.width) + "pt\" height=\"" + num(f.height) + "pt\" viewBox=\"0 0 " + num(f.width) + " " + num(f.height) +
           "\">\n<defs>\n";
    for (size_t i = 0; i < f.clips.size(); ++i) {
        const FigureRect& r = f.clips[i];
        out += "<clipPath id=\"clip" + std::to_string(i) + "\"><rect x=\"" + num(r.x) + "\" y=\"" + num(r.y) +
               "\" width=\"" + num(r.w) + "\" height=\"" + num(r.h) + "\"/></clipPath>\n";
    }
    out += "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"" + colour_text(f.paper) + "\"/>\n";
    for (const FigureImage& img : f.images)
        out += "<image x=\"" + num(img.x) + "\" y=\"" + num(img.y) + "\" width=\"" + num(img.w) + "\" height=\"" +
               num(img.h) + "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" xlink:href=\"data:image/png;base64," +
               base64(image_png(img)) + "\"/>\n";
    ClipGroups groups{out};
    for (const FigureFill& fill : f.fills) {
        if (fill.points.rows() < 3) continue;
        groups.use(fill.clip);
        out += "<path d=\"" + path_data(fill.points, true) + "\" fill=\"" + (fill.filled ? colour_text(fill.colour) : "none") +
               "\"" + (fill.edge_width > 0 ? " stroke=\"" + colour_text(fill.edge) + "\" stroke-width=\"" + num(fill.edge_width) + "\"" : "") +
               "/>\n";
    }
    for (const FigurePath& p : f.paths) {
        if (p.points.rows() < 2) continue;
        groups.use(p.clip);
        out += "<path style=\"fill:none;stroke-width:" + num(p.width) + ";stroke:" + colour_text(p.colour) +
               ";stroke-linecap:round;stroke-linejoin:round\" d=\"" + path_data(p.points, p.closed) + "\"/>\n";
    }
    groups.use(-1);
    for (const FigureText& t : f.texts) {
        const char* anchor = t.align == FigureText::Align::centre ? "middle" : t.align == FigureText::Align::right ? "end" : "start";
        out += "<text x=\"" + num(t.x) + "\" y=\"" + num(t.y) + "\" font-family=\"sans-serif\" font-size=\"" + num(t.size) +
               "\" fill=\"" + colour_text(t.colour) + "\" text-anchor=\"" + anchor + "\">" + escape(t.text) + "</text>\n";
    }
    out += "</svg>\n";
    return out;
}

}  // namespace ginn::detail
