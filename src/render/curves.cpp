// Line charts as draw data: stacked charts with a shared x axis, log or linear axes, and the training curves of a
// run (loss, accuracy, region counts). Not the snapshot pictures (render.cpp).
#include "ginn/render/curves.h"

#include <algorithm>
#include <cmath>

#include "ginn/core/error.h"
#include "ginn/geometry/geometry.h"
#include "render/internal.h"

namespace ginn {

namespace {

using detail::ink;

/// One axis: the data range after the transform (log10 of 1 + v on log x, log10 v on log y).
struct Axis {
    bool log = false, shift = false;  // shift: log of 1 + v
    double lo = 0, hi = 1;
    double map(double v) const { return log ? std::log10(shift ? 1 + v : v) : v; }
    bool valid(double v) const { return std::isfinite(v) && (!log || (shift ? v > -1 : v > 0)); }
};

Axis make_axis(std::span<const double> values, bool log, bool shift) {
    Axis a{log, shift, INFINITY, -INFINITY};
    for (double v : values)
        if (a.valid(v)) a.lo = std::min(a.lo, a.map(v)), a.hi = std::max(a.hi, a.map(v));
    if (!(a.lo <= a.hi)) a.lo = 0, a.hi = 1;                       // no data: any range
    if (a.hi - a.lo < 1e-12) a.lo -= log ? 0.5 : 0.5, a.hi += 0.5;  // constant data: widen
    else if (!log) {                                              // a little air above and below
        const double pad = (a.hi - a.lo) * 0.05;
        a.lo -= pad, a.hi += pad;
    }
    return a;
}

/// Tick positions (transformed) and their numbers: nice linear ticks, or powers of ten on log axes.
std::vector<std::pair<double, std::string>> axis_ticks(const Axis& a) {
    std::vector<std::pair<double, std::string>> out;
    if (!a.log) {
        for (double v : detail::nice_ticks(a.lo, a.hi)) out.push_back({v, detail::number_text(v)});
        return out;
    }
    if (a.shift && a.lo <= 1e-12) out.push_back({0, "0"});
    const double decades = a.hi - a.lo;
    if (!a.shift && decades < 0.7) {  // less than a factor 5: plain ticks of the values, placed on the log axis
        for (double v : detail::nice_ticks(std::pow(10.0, a.lo), std::pow(10.0, a.hi)))
            if (v > 0) out.push_back({std::log10(v), detail::number_text(v)});
        return out;
    }
    // Powers of ten (every step-th when there are many decades), with 2 and 5 between them over short ranges.
    const int step = std::max(1, static_cast<int>(std::ceil(decades / 6)));
    const std::vector<double> mantissas = decades < 2.5 && !a.shift ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
    for (int e = static_cast<int>(std::floor(a.lo)); e <= a.hi + 1e-9; e += step)
        for (double m : mantissas) {
            const double v = m * std::pow(10.0, e);
            const double at = a.map(v);
            if (at < a.lo - 1e-9 || at > a.hi + 1e-9 || (a.shift && v < 10)) continue;
            const std::string text = e >= -3 && e <= 4 ? detail::number_text(v) : detail::number_text(m) + "e" + std::to_string(e);
            out.push_back({at, text});
        }
    return out;
}

double chart_font(const RenderOptions& o) {
    if (o.font_size != 0 && !(o.font_size >= 2 && o.font_size <= 72))
        throw Error("--font-size", std::to_string(o.font_size), "a text size in 2..72 points", "8 suits a paper");
    return o.font_size > 0 ? o.font_size : o.width_pt > 0 ? 8.0 : std::max(9.0, o.size / 40.0);
}

struct ChartStyle {
    double font, tick_font, line, thin;
};

void add_chart(Figure& f, const Chart& c, const Axis& ax, const FigureRect& r, const ChartStyle& st, bool bottom) {
    const int clip = static_cast<int>(f.clips.size());
    f.clips.push_back(r);
    std::vector<double> ys;
    for (const ChartSeries& s : c.series) ys.insert(ys.end(), s.y.begin(), s.y.end());
    const Axis ay = make_axis(ys, c.log_y, false);
    auto px = [&](double v) { return r.x + (ax.map(v) - ax.lo) / (ax.hi - ax.lo) * r.w; };
    auto py = [&](double v) { return r.y + (ay.hi - ay.map(v)) / (ay.hi - ay.lo) * r.h; };
    // series: one polyline per run of valid points
    for (const ChartSeries& s : c.series) {
        if (s.x.size() != s.y.size())
            throw Error("chart '" + c.title + "'", "series '" + s.label + "' has " + std::to_string(s.x.size()) +
                        " x and " + std::to_string(s.y.size()) + " y values", "equal lengths", "");
        std::vector<std::pair<double, double>> run;
        auto flush = [&] {
            if (run.size() >= 2) {
                FigurePath p{.colour = s.colour, .width = st.line, .clip = clip, .tag = "series:" + s.label};
                p.points.resize(static_cast<Eigen::Index>(run.size()), 2);
                for (size_t i = 0; i < run.size(); ++i) p.points.row(static_cast<Eigen::Index>(i)) << run[i].first, run[i].second;
                f.paths.push_back(std::move(p));
            }
            run.clear();
        };
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (ax.valid(s.x[i]) && ay.valid(s.y[i])) run.push_back({px(s.x[i]), py(s.y[i])});
            else flush();
        }
        flush();
    }
    f.paths.push_back(detail::rect_path(r, ink, st.thin, "frame"));
    const double len = st.font * 0.35;
    for (const auto& [at, text] : axis_ticks(ax)) {
        const double x = r.x + (at - ax.lo) / (ax.hi - ax.lo) * r.w;
        f.paths.push_back(detail::segment_path(x, r.y + r.h, x, r.y + r.h + len, ink, st.thin, "tick"));
        if (bottom) f.texts.push_back({x, r.y + r.h + len + st.tick_font * 1.05, text, st.tick_font, ink, FigureText::Align::centre});
    }
    for (const auto& [at, text] : axis_ticks(ay)) {
        const double y = r.y + (ay.hi - at) / (ay.hi - ay.lo) * r.h;
        f.paths.push_back(detail::segment_path(r.x - len, y, r.x, y, ink, st.thin, "tick"));
        f.texts.push_back({r.x - len * 1.6, y + st.tick_font * 0.35, text, st.tick_font, ink, FigureText::Align::right});
    }
    f.texts.push_back({r.x, r.y - st.font * 0.5, c.title, st.font, ink, FigureText::Align::left});
    if (bottom && !c.x_title.empty())
        f.texts.push_back({r.x + r.w / 2, r.y + r.h + len + st.tick_font * 2.5, c.x_title, st.font, ink, FigureText::Align::centre});
    // legend: the header line's right end, entries right to left
    double lx = r.x + r.w;
    for (auto s = c.series.rbegin(); s != c.series.rend() && c.series.size() >= 2; ++s) {
        const double y = r.y - st.font * 0.5;
        f.texts.push_back({lx, y, s->label, st.tick_font, ink, FigureText::Align::right});
        lx -= detail::text_width(s->label, st.tick_font) + st.tick_font * 0.4;
        f.paths.push_back(detail::segment_path(lx - st.tick_font * 1.4, y - st.tick_font * 0.35, lx, y - st.tick_font * 0.35,
                                               s->colour, st.line * 1.5, "legend"));
        lx -= st.tick_font * 2.4;
    }
}

}  // namespace

Figure figure_charts(std::span<const Chart> charts, const RenderOptions& o) {
    if (charts.empty()) throw Error("chart", "nothing to draw", "at least one chart", "");
    const double font = chart_font(o);
    const ChartStyle st{font, font * 0.85, std::max(1.0, font / 7), std::max(0.6, font / 14)};
    const double left = st.tick_font * 4.2, right = st.tick_font * 1.0, top = st.font * 1.6;
    const double pw = o.width_pt > 0 ? o.width_pt - left - right : o.size;
    if (!(pw >= 16 && pw <= 8192))
        throw Error(o.width_pt > 0 ? "--width" : "--size", std::to_string(static_cast<long long>(pw)) + " for the plots",
                    "a plot width of 16..8192", "");
    const double ph = pw * 0.38, gap = st.font * 2.2, bottom = st.tick_font * 4;
    std::vector<double> xs;
    for (const Chart& c : charts)
        for (const ChartSeries& s : c.series) xs.insert(xs.end(), s.x.begin(), s.x.end());
    Axis ax = make_axis(xs, charts.front().log_x, /*shift=*/true);
    if (!ax.log) ax = make_axis(xs, false, false);

    Figure f;
    f.width = o.width_pt > 0 ? o.width_pt : std::ceil(left + pw + right);
    f.height = std::ceil(top + charts.size() * (ph + gap) - gap + bottom);
    if (o.width_pt > 0) f.pixels_per_unit = o.dpi / 72;
    for (size_t i = 0; i < charts.size(); ++i)
        add_chart(f, charts[i], ax, {left, top + i * (ph + gap), pw, ph}, st, /*bottom=*/i + 1 == charts.size());
    return f;
}

Figure figure_curves(const Run& run, const RenderOptions& options) {
    if (run.n_snapshots() < 1) throw Error(run.dir(), "no snapshots", "a run with at least one snapshot", "");
    std::vector<double> it, loss, loss_test, acc, acc_test;
    bool has_test = false;
    for (const SnapshotInfo& s : run.snapshots()) {
        it.push_back(static_cast<double>(s.iteration));
        loss.push_back(s.loss), acc.push_back(s.accuracy);
        loss_test.push_back(s.loss_test >= 0 ? s.loss_test : NAN), acc_test.push_back(s.accuracy_test >= 0 ? s.accuracy_test : NAN);
        has_test = has_test || s.loss_test >= 0;
    }
    const Rgb train_colour{0.0, 0.45, 0.70}, test_colour{0.84, 0.37, 0.0}, linear_colour{0.0, 0.62, 0.45};
    const bool regression = run.config().model.head == Head::regression;
    std::vector<Chart> charts;
    Chart l{.title = regression ? "loss (squared error)" : "loss (cross-entropy)", .x_title = "iteration",
            .log_x = true, .log_y = true, .series = {{it, loss, train_colour, "train"}}};
    if (has_test) l.series.push_back({it, loss_test, test_colour, "test"});
    charts.push_back(l);
    Chart a{.title = "accuracy", .x_title = "iteration", .log_x = true, .series = {{it, acc, train_colour, "train"}}};
    if (has_test) a.series.push_back({it, acc_test, test_colour, "test"});
    charts.push_back(a);
    const Network first = run.network(0);
    if (first.piecewise_linear()) {
        std::vector<Network> nets;
        for (int k = 0; k < run.n_snapshots(); ++k) nets.push_back(run.network(k));
        const std::vector<Geometry> gs = compute_geometries(nets);
        std::vector<double> activation, linear;
        for (const Geometry& g : gs)
            activation.push_back(static_cast<double>(g.counts.activation)), linear.push_back(static_cast<double>(g.counts.linear));
        charts.push_back({.title = "regions (exact)", .x_title = "iteration", .log_x = true,
                          .series = {{it, activation, train_colour, "activation"}, {it, linear, linear_colour, "linear"}}});
    }
    Figure f = figure_charts(charts, options);
    if (!first.piecewise_linear()) {
        const double font = chart_font(options) * 0.85;
        f.height += font * 1.5;
        f.texts.push_back({f.width / 2, f.height - font * 0.6, "no region counts: exact only for piecewise-linear activations",
                           font, ink, FigureText::Align::centre});
    }
    return f;
}

}  // namespace ginn
