// Internal: what one entry of the viewer page is made from, a recorded run or a network without one (ViewerNetwork),
// before viewer.cpp encodes its snapshots. Not public API and not the encoding (viewer.cpp, docs/viewer.md).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ginn/model/network.h"
#include "ginn/run/run.h"
#include "ginn/viewer/viewer.h"

namespace ginn::detail {

/// What the prediction images hold (docs/viewer.md): P(class 1) for two-class heads, P(class c) per class for k >= 3
/// classes (one tile per class), the output scaled from [lo, hi] for regression (a run: its labels' range; a network
/// without a run: its output's range over the image's pixels).
struct OutputSpec {
    Head head = Head::softmax2;
    int n_classes = 2;
    double lo = 0, hi = 1;  // regression: the range, widened by 1 around a constant
    int tiles() const { return n_classes > 2 ? n_classes : 1; }
};

/// One entry of the page: its snapshots' networks and everything the page shows beside them.
struct PageSource {
    std::string where, name;               // errors name `where` (the run directory, or the network's name)
    int n_snapshots = 0;
    std::vector<int64_t> iterations;       // per snapshot (findings must match them)
    std::function<Network(int)> network;   // snapshot k's network
    OutputSpec output;
    nlohmann::json summary, config, metrics, target, points;  // config, target, points: null when there are none
    std::vector<std::string> class_names;
    bool batch_norm = false;
    bool imported = false;                 // a network without a run: the page hides the training-only panels
};

/// A recorded run's entry (throws Error for a run without snapshots).
PageSource run_page_source(const Run& run);
/// A network's entry: one snapshot at iteration 0; `image_size` pixels per side fix a regression output's range.
PageSource network_page_source(const ViewerNetwork& v, int image_size);

/// A data URL of an 8-bit grey PNG of w x h pixels (viewer.cpp).
std::string png_grey_data_url(const std::vector<uint8_t>& pixels, int w, int h, const std::string& where);

}  // namespace ginn::detail
