// The sweep's grid figure, composed from figure_snapshot panels (render.h) placed at their row and column, with the
// true boundary over each panel and a ground-truth row (or column). Plain draw data; write_figure draws it.
#include <algorithm>
#include <cmath>
#include <set>

#include "ginn/core/error.h"
#include "ginn/render/surface.h"
#include "ginn/study/study.h"

namespace ginn {

namespace {

const Rgb ink{0.1, 0.1, 0.1};
const Rgb truth_colour{0.95, 0.1, 0.75};  // magenta: apart from the yellow decision boundary and the layer hues

/// Appends `src` to `dst`, moved by (dx, dy); clip indices follow.
void append(Figure& dst, const Figure& src, double dx, double dy) {
    const int clip0 = static_cast<int>(dst.clips.size());
    for (FigureRect r : src.clips) dst.clips.push_back({r.x + dx, r.y + dy, r.w, r.h});
    for (FigureImage im : src.images) {
        im.x += dx, im.y += dy;
        dst.images.push_back(std::move(im));
    }
    for (FigurePath p : src.paths) {
        p.points.col(0).array() += dx;
        p.points.col(1).array() += dy;
        if (p.clip >= 0) p.clip += clip0;
        dst.paths.push_back(std::move(p));
    }
    for (FigureText t : src.texts) {
        t.x += dx, t.y += dy;
        dst.texts.push_back(std::move(t));
    }
}

/// The true boundary of `target` over the plot rectangle r of domain d.
void add_truth_boundary(Figure& f, const std::string& target, const Box& d, const FigureRect& r, double width, int clip) {
    for (const Polyline& line : formula_boundary(target)) {
        FigurePath p{.colour = truth_colour, .width = width, .clip = clip, .tag = "truth"};
        p.points.resize(line.rows(), 2);
        for (Eigen::Index i = 0; i < line.rows(); ++i)
            p.points.row(i) << r.x + (line(i, 0) - d.x0) / d.width() * r.w, r.y + (d.y1 - line(i, 1)) / d.height() * r.h;
        f.paths.push_back(std::move(p));
    }
}

/// A ground-truth panel: sign(f) as black (0) and white (1) pixels, the true boundary, a frame.
void add_truth_panel(Figure& f, const std::string& target, const Box& d, const FigureRect& r, double line) {
    FigureImage im{.x = r.x, .y = r.y, .w = r.w, .h = r.h, .px_w = std::max(1, static_cast<int>(r.w)),
                   .px_h = std::max(1, static_cast<int>(r.h))};
    im.rgb.resize(static_cast<size_t>(im.px_w) * im.px_h * 3);
    for (int j = 0; j < im.px_h; ++j)
        for (int i = 0; i < im.px_w; ++i) {
            const double x = d.x0 + (i + 0.5) / im.px_w * d.width(), y = d.y1 - (j + 0.5) / im.px_h * d.height();
            const uint8_t v = formula_value(target, x, y) > 0 ? 255 : 0;
            const size_t k = (static_cast<size_t>(j) * im.px_w + i) * 3;
            im.rgb[k] = im.rgb[k + 1] = im.rgb[k + 2] = v;
        }
    f.images.push_back(std::move(im));
    const int clip = static_cast<int>(f.clips.size());
    f.clips.push_back(r);
    add_truth_boundary(f, target, d, r, line, clip);
    FigurePath frame{.colour = {0.2, 0.2, 0.2}, .width = 1, .closed = true, .tag = "frame"};
    frame.points.resize(4, 2);
    frame.points << r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h;
    f.paths.push_back(std::move(frame));
}

/// Gupta's look: the truth sign(f) as a 0/1 surface on the same lattice as the networks' surfaces.
SurfaceValues truth_surface(const std::string& target, const Box& d, int grid) {
    SurfaceValues v{.domain = d, .z = Eigen::MatrixXd(grid + 1, grid + 1), .lo = 0, .hi = 1, .title = "truth"};
    for (int i = 0; i <= grid; ++i)
        for (int j = 0; j <= grid; ++j)
            v.z(i, j) = formula_value(target, d.x0 + j * d.width() / grid, d.y0 + i * d.height() / grid) > 0;
    return v;
}

std::string error_text(const RunMetrics& m) {
    char buf[64];
    if (!m.has_error) std::snprintf(buf, sizeof buf, "accuracy %.3f", m.accuracy);
    else if (m.error.exact) std::snprintf(buf, sizeof buf, "error %.3f%%", 100 * m.error.fraction);
    else std::snprintf(buf, sizeof buf, "error ~%.2f%% (approx.)", 100 * m.error.fraction);
    return buf;
}

}  // namespace

Figure figure_sweep_grid(const Sweep& sweep, const std::vector<PanelInput>& panels, const std::vector<RunMetrics>& metrics,
                         const SweepOptions& o) {
    GINN_ASSERT(panels.size() == sweep.runs.size() && metrics.size() == sweep.runs.size());
    if (panels.empty()) throw Error(sweep.path, "has no runs", "at least one run", "");
    const Box d = panels.front().net.domain;
    const double S = o.panel_size, H = S * std::clamp(d.height() / d.width(), 0.05, 20.0);
    const double font = std::max(9.0, S / 15), small = std::max(8.0, S / 19), gap = S * 0.06;
    const bool all_formulas = std::all_of(metrics.begin(), metrics.end(), [](const RunMetrics& m) { return m.has_error; });
    const bool target_in_rows = std::count(sweep.rows.begin(), sweep.rows.end(), "task.target") > 0;
    const bool truth_row = sweep.truth && all_formulas && !target_in_rows, truth_col = sweep.truth && all_formulas && target_in_rows;
    const int n_rows = static_cast<int>(sweep.row_labels.size()) + truth_row;
    const int n_cols = static_cast<int>(sweep.column_labels.size()) + truth_col;

    size_t longest = 5;
    for (const auto& l : sweep.row_labels) longest = std::max(longest, l.size());
    const double left = longest * font * 0.62 + font, top = font * 3.4, cell_w = S + gap, cell_h = H + small * 1.6 + gap;
    Figure f;
    f.width = std::ceil(left + n_cols * cell_w + gap);
    f.height = std::ceil(top + n_rows * cell_h + gap);
    f.texts.push_back({gap, font * 1.2, sweep.name, font, ink, FigureText::Align::left});
    auto cell = [&](int row, int col) { return FigureRect{left + col * cell_w, top + row * cell_h, S, H}; };
    for (int c = 0; c < n_cols; ++c) {
        const std::string label = truth_col && c == 0 ? "truth" : sweep.column_labels[c - truth_col];
        f.texts.push_back({left + c * cell_w + S / 2, top - font * 0.5, label, font, ink, FigureText::Align::centre});
    }
    for (int r = 0; r < n_rows; ++r) {
        const std::string label = truth_row && r == 0 ? "truth" : sweep.row_labels[r - truth_row];
        f.texts.push_back({left - font * 0.5, top + r * cell_h + H / 2 + font * 0.35, label, font, ink, FigureText::Align::right});
    }
    const double truth_line = std::max(1.0, S / 160);
    const int surface_grid = std::clamp(o.panel_size / 5, 8, 60);  // quads per side of a 3-D surface
    std::set<int> truth_done;
    bool approximate = false;  // a smooth network's boundaries, from marching squares
    RenderOptions ro{.size = o.panel_size, .neurons = o.neurons ? NeuronSelection{} : NeuronSelection{.all = false}};
    for (size_t i = 0; i < panels.size(); ++i) {
        const SweepRun& run = sweep.runs[i];
        const FigureRect r = cell(run.row + truth_row, run.column + truth_col);
        const int clip = static_cast<int>(f.clips.size());  // figure_snapshot's panel clip comes first
        if (o.surfaces) {
            add_surface(f, surface_values(panels[i].net, {.grid = surface_grid}), r, {}, small * 0.8);
        } else {
            Figure snapshot = figure_snapshot(panels[i].net, panels[i].geometry, ro);
            // its "approximate boundaries" note would sit on the error line: said once under the grid instead
            const auto note = [](const FigureText& t) { return t.text.rfind("approximate boundaries", 0) == 0; };
            approximate = approximate || std::any_of(snapshot.texts.begin(), snapshot.texts.end(), note);
            snapshot.texts.erase(std::remove_if(snapshot.texts.begin(), snapshot.texts.end(), note), snapshot.texts.end());
            append(f, snapshot, r.x, r.y);
            if (metrics[i].has_error) add_truth_boundary(f, metrics[i].target, panels[i].net.domain, r, truth_line, clip);
        }
        f.texts.push_back({r.x + S / 2, r.y + H + small * 1.2, error_text(metrics[i]), small, ink, FigureText::Align::centre});
        const int truth_at = truth_row ? run.column : truth_col ? run.row : -1;
        if (truth_at < 0 || !truth_done.insert(truth_at).second) continue;
        const FigureRect t = truth_row ? cell(0, run.column + truth_col) : cell(run.row, 0);
        if (o.surfaces) add_surface(f, truth_surface(metrics[i].target, d, surface_grid), t, {}, small * 0.8);
        else add_truth_panel(f, metrics[i].target, d, t, truth_line);
    }
    if (approximate) {
        f.texts.push_back({gap, f.height + small * 0.2, "~: smooth activation, approximate boundaries (grid " +
                           std::to_string(sweep_approx_grid(o.panel_size)) + ") and error area (see metrics.md)", small, ink,
                           FigureText::Align::left});
        f.height = std::ceil(f.height + small * 1.2);
    }
    return f;
}

}  // namespace ginn
