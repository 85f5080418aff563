// Fishbein & Debata's pixel-pair tasks s1, s2, s3: two grey levels (x1, x2) in 0..255 labelled white, black or grey
// by a rule with a margin n. Not the people's labels (S4 is a CSV or the annotation database) nor normalisation.
//
// Convention (docs/fishbein.md): grey levels on the usual screen scale, 0 black and 255 white, so a pair whose sum
// is high looks white. The paper prints the rules with "white" for a LOW sum, the opposite of the scale its people
// judged on; ginn mirrors the printed rules so that a pair a rule calls white looks white:
//   s1: white if x1 + x2 > 255 + n, black if x1 + x2 < 255 - n, grey otherwise;
//   s2: white if x1 > x2 and x1 + x2 > 255 + n, black if x1 < x2 and x1 + x2 < 255 - n, grey otherwise;
//   s3: s1, but example i (0-based, in the dataset's order) is grey whenever i % 3 == 2.
#include <algorithm>
#include <numeric>

#include "data/internal.h"
#include "ginn/core/error.h"

namespace ginn {

const std::vector<std::string>& pixel_pair_class_names() {
    static const std::vector<std::string> names = {"white", "black", "grey"};
    return names;
}

int pixel_pair_class(std::string_view rule, int x1, int x2, int margin) {
    const int sum = x1 + x2;
    if (rule == "s1" || rule == "s3") {
        if (sum > 255 + margin) return pixel_white;
        if (sum < 255 - margin) return pixel_black;
        return pixel_grey;
    }
    GINN_ASSERT(rule == "s2");
    if (x1 > x2 && sum > 255 + margin) return pixel_white;
    if (x1 < x2 && sum < 255 - margin) return pixel_black;
    return pixel_grey;
}

namespace detail {

bool is_pixel_pair_task(const std::string& name) { return name == "s1" || name == "s2" || name == "s3"; }

Dataset make_pixel_pairs(const std::string& name, int n, int margin, uint64_t seed) {
    constexpr int levels = 256, n_pairs = levels * levels;
    // Every pair (n >= 65536): the 256 x 256 raster on [-0.5, 255.5]^2, whose pixel centres are the integer pairs,
    // row-major from x2 = 255 down (the grid convention of dataset.h). Fewer: n distinct pairs, a seeded partial
    // Fisher-Yates shuffle of that order, in the order drawn.
    std::vector<int32_t> order(n_pairs);
    std::iota(order.begin(), order.end(), 0);
    const bool all = n >= n_pairs;
    if (!all) {
        Rng rng(seed);
        for (int i = 0; i < n; ++i) std::swap(order[i], order[i + static_cast<int>(rng.below(uint64_t(n_pairs - i)))]);
        order.resize(static_cast<size_t>(n));
    }
    std::vector<int32_t> labels(order.size());
    Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor> X(static_cast<int64_t>(order.size()), 2);
    for (size_t i = 0; i < order.size(); ++i) {
        const int x1 = order[i] % levels, x2 = levels - 1 - order[i] / levels;
        X(static_cast<int64_t>(i), 0) = static_cast<float>(x1);
        X(static_cast<int64_t>(i), 1) = static_cast<float>(x2);
        labels[i] = name == "s3" && i % 3 == 2 ? pixel_grey : pixel_pair_class(name, x1, x2, margin);
    }
    const Box domain{-0.5, levels - 0.5, -0.5, levels - 0.5};
    Dataset data;
    if (all) {
        data = grid_dataset(name, domain, levels, levels, std::move(labels));
    } else {
        data.name = name;
        data.domain = domain;
        data.X = std::move(X);
        data.label = std::move(labels);
    }
    data.n_classes = 3;
    data.class_names = pixel_pair_class_names();
    return data;
}

}  // namespace detail
}  // namespace ginn
