// Line charts of a run's training: loss (train, test), accuracy and region counts over iterations, stacked with a
// shared iteration axis (`ginn render RUN --curves`). Plain draw data (render.h's Figure), written by the same
// backends. Not the viewer's interactive curve (web/).
//
// Intended usage:
//   1. Figure f = figure_curves(run, {.size = 480});   // charts of loss, accuracy, region counts
//   2. write_figure(f, "curves.pdf");
//   or build charts yourself: figure_charts({Chart{.title = "loss", .series = {...}}}, options).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ginn/render/render.h"
#include "ginn/run/run.h"

namespace ginn {

struct ChartSeries {
    std::vector<double> x, y;  ///< equal lengths; non-finite or (on a log axis) non-positive points are skipped
    Rgb colour;
    std::string label;         ///< legend entry
};

struct Chart {
    std::string title{}, x_title{};  ///< the title names the y quantity; x_title goes under the bottom chart
    bool log_x = false;  ///< a log axis of 1 + x, so iteration 0 has a place
    bool log_y = false;
    std::vector<ChartSeries> series;
};

/// Charts stacked vertically, sharing one x range (tick numbers and x title on the bottom chart only), each with its
/// legend in its header line. options.size is the plot width; font_size and width_pt as for figures. Throws Error for no charts or a
/// series whose x and y differ in length.
Figure figure_charts(std::span<const Chart> charts, const RenderOptions& options = {});

/// The training curves of a run: loss on a log axis (whole training set, and the test split when there is one),
/// accuracy, and for piecewise-linear networks the activation and linear region counts of every snapshot (exact,
/// from geometry; smooth networks have no exact count and the chart is left out with a note). Iterations on a log
/// axis. Example: `write_figure(figure_curves(run), "curves.pdf");`
Figure figure_curves(const Run& run, const RenderOptions& options = {});

}  // namespace ginn
