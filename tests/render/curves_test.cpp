// Tests for include/ginn/render/curves.h: the chart's mapping against hand-computed positions on linear and log
// axes, the run curves' contents (test split, region counts equal to the geometry's, no counts for tanh).
#include "ginn/render/curves.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ginn/core/error.h"
#include "ginn/geometry/geometry.h"
#include "ginn/train/trainer.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;

const FigurePath& series(const Figure& f, const std::string& label) {
    const auto it = std::find_if(f.paths.begin(), f.paths.end(), [&](auto& p) { return p.tag == "series:" + label; });
    EXPECT_NE(it, f.paths.end()) << label;
    return *it;
}

bool has_text(const Figure& f, const std::string& t) {
    return std::any_of(f.texts.begin(), f.texts.end(), [&](auto& x) { return x.text == t; });
}

TEST(curves_test, points_land_where_the_axes_put_them) {
    // Log x of 1 + x: x = 0, 9, 99 at 0, 1, 2 decades; log y: 1, 10, 100 evenly spaced too -> a straight line.
    const Chart c{.title = "loss", .x_title = "iteration", .log_x = true, .log_y = true,
                  .series = {{{0, 9, 99}, {100, 10, 1}, {0, 0, 1}, "a"}, {{0, 99}, {1, 100}, {1, 0, 0}, "b"}}};
    const Figure f = figure_charts(std::vector<Chart>{c}, {.size = 300});
    const FigurePath& a = series(f, "a");
    ASSERT_EQ(a.points.rows(), 3);
    EXPECT_NEAR(a.points(1, 0) - a.points(0, 0), a.points(2, 0) - a.points(1, 0), 1e-9);
    EXPECT_NEAR(a.points(1, 1) - a.points(0, 1), a.points(2, 1) - a.points(1, 1), 1e-9);
    EXPECT_NEAR(a.points(2, 0) - a.points(0, 0), 300, 1e-9);  // the x range spans the plot width
    EXPECT_LT(a.points(0, 1), a.points(2, 1));                  // y = 100 above y = 1 (figure y grows down)
    for (const char* t : {"loss", "iteration", "a", "b", "0", "10", "100"}) EXPECT_TRUE(has_text(f, t)) << t;
    // Points a log axis cannot show are skipped, splitting the line.
    const Chart gaps{.title = "g", .log_y = true, .series = {{{1, 2, 3, 4, 5}, {1, 2, -1, 4, 5}, {}, "g"}}};
    const Figure fg = figure_charts(std::vector<Chart>{gaps}, {.size = 100});
    EXPECT_EQ(std::count_if(fg.paths.begin(), fg.paths.end(), [](auto& p) { return p.tag == "series:g"; }), 2);
    const Chart bad{.title = "bad", .series = {{{1, 2}, {1}, {}, "s"}}};
    expect_error([&] { figure_charts(std::vector<Chart>{bad}); }, {"series 's'", "equal lengths"});
    expect_error([] { figure_charts({}); }, {"nothing to draw"});
}

ginn::Run tiny_run(Activation act, double test_fraction) {
    RunConfig c;
    c.model.widths = {5, 5};
    c.model.activation = act;
    c.optim.lr = 1e-2;
    c.train.batch = 16;
    Dataset data = test::circle_grid(16, test_fraction > 0 ? 4 : 0);
    Trainer t(c.model, c.optim, c.train, data);
    std::vector<SnapshotInfo> snaps;
    std::vector<std::vector<float>> params;
    for (int k = 0; k < 5; ++k) {
        t.run_until(20 * k);
        const Metrics m = t.evaluate();
        snaps.push_back({.iteration = t.iteration(), .loss = m.loss, .accuracy = m.accuracy, .loss_test = m.loss_test,
                         .accuracy_test = m.accuracy_test});
        params.emplace_back(t.params().begin(), t.params().end());
    }
    return ginn::Run::in_memory(c, std::move(snaps), params, std::move(data), "memory");
}

TEST(curves_test, run_curves_show_loss_accuracy_and_the_exact_region_counts) {
    const ginn::Run run = tiny_run(Activation::relu, 0.25);
    const Figure f = figure_curves(run, {.size = 200});
    for (const char* t : {"loss (cross-entropy)", "accuracy", "regions (exact)", "iteration", "train", "test"})
        EXPECT_TRUE(has_text(f, t)) << t;
    EXPECT_EQ(series(f, "train").points.rows(), 5);  // iteration 0 kept (a log axis of 1 + x); the loss series
    // The region chart's y positions follow the geometry's counts: equal counts, equal heights.
    const FigurePath& act = series(f, "activation");
    ASSERT_EQ(act.points.rows(), 5);
    std::vector<int64_t> counts;
    for (int k = 0; k < 5; ++k) counts.push_back(compute_geometry(run.network(k)).counts.activation);
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j)
            EXPECT_EQ(counts[i] < counts[j], act.points(i, 1) > act.points(j, 1) + 1e-9) << i << " " << j;
    // Smooth activations: no exact counts, and the figure says so.
    const Figure smooth = figure_curves(tiny_run(Activation::tanh, 0), {.size = 200});
    EXPECT_FALSE(has_text(smooth, "regions (exact)"));
    EXPECT_FALSE(has_text(smooth, "test"));
    EXPECT_TRUE(has_text(smooth, "no region counts: exact only for piecewise-linear activations"));
}

}  // namespace
}  // namespace ginn
