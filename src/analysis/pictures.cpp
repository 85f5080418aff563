// Small inline SVG pictures for the analysis report: the target's outline (defined once per run), a part
// highlighted, neurons' boundaries over it. Plain strings; not the report's text or charts (report_html.cpp).
#include <cmath>
#include <cstdio>
#include <sstream>

#include "analysis/internal.h"
#include "ginn/core/detail/html.h"

namespace ginn::detail {

namespace {

/// Pictures are drawn in a 100 x 100 box: domain x to the right, y upwards.
struct Frame {
    Box d;
    double x(double v) const { return 100 * (v - d.x0) / d.width(); }
    double y(double v) const { return 100 * (d.y1 - v) / d.height(); }
};

std::string coord(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string path_of(const std::vector<Polyline>& polys, const Frame& f) {
    std::string s;
    for (const Polyline& p : polys)
        for (Eigen::Index i = 0; i < p.rows(); ++i)
            s += (i ? "L" : "M") + coord(f.x(p(i, 0))) + ' ' + coord(f.y(p(i, 1)));
    return s;
}

}  // namespace

std::string picture_defs(const RunAnalysis& r, int run) {
    const Frame f{r.domain};
    std::vector<Polyline> edges;
    for (const auto& feat : r.features)
        if (!feat.corner) edges.push_back(feat.points);
    return "<svg width='0' height='0' style='position:absolute'><symbol id='target" + std::to_string(run) +
           "' viewBox='0 0 100 100'><path d='" + path_of(edges, f) + "' fill='none' stroke='#999' stroke-width='0.8'/></symbol></svg>";
}

std::string picture(const RunAnalysis& r, int run, const std::vector<PictureCurve>& curves, const TargetPart* part,
                    int feature, const std::string& title) {
    const Frame f{r.domain};
    std::ostringstream o;
    o << "<svg class='pic' viewBox='0 0 100 100' width='120' height='120'><title>" << html_escape(title) << "</title>"
      << "<rect width='100' height='100' fill='#fafafa' stroke='#bbb' stroke-width='0.5'/>";
    if (part && part->grid > 0) {  // the part's pixels, as runs of the grid
        const double s = 100.0 / part->grid;
        o << "<path fill='#f6b' fill-opacity='0.6' d='";
        for (const auto& row : part->rows)
            o << 'M' << coord(row[1] * s) << ' ' << coord(row[0] * s) << 'h' << coord((row[2] - row[1] + 1) * s) << 'v'
              << coord(s) << 'h' << coord(-(row[2] - row[1] + 1) * s) << 'z';
        o << "'/>";
    }
    o << "<use href='#target" << run << "'/>";
    if (feature >= 0 && feature < static_cast<int>(r.features.size())) {  // the tracked edge or corner
        const TargetFeature& t = r.features[static_cast<size_t>(feature)];
        if (t.corner)
            o << "<circle cx='" << coord(f.x(t.x)) << "' cy='" << coord(f.y(t.y)) << "' r='3' fill='none' stroke='#f80' stroke-width='1.5'/>";
        else
            o << "<path d='" << path_of({t.points}, f) << "' fill='none' stroke='#f80' stroke-width='2.5' stroke-opacity='0.7'/>";
    }
    for (const auto& c : curves)
        o << "<path d='" << path_of(c.polylines, f) << "' fill='none' stroke='" << c.colour << "' stroke-width='1.2'"
          << (c.dashed ? " stroke-dasharray='3 2'" : "") << "/>";
    o << "</svg>";
    return o.str();
}

}  // namespace ginn::detail
