// One-pixel flips of a Gaussian naive Bayes classifier (Fishbein & Debata, "Visualizing Neural Nets", 2023, sec. 7):
// the test images whose prediction changes when a single pixel moves by +1 or -1 (staying within 0..255).
// Not a general adversarial-example search: one pixel, one grey level, one model family.
//
// Intended usage:
//   1. GaussianNB nb = fit_gaussian_nb(train_images, train_labels);            (naive_bayes.h)
//   2. FlipsResult r = find_flips(nb, test_images, test_labels, {.limit = 1000});
//   3. write_flips_report(r, nb, "flips.json"); write_flips_figure(r, test_images, "flips.png");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ginn/flips/idx.h"
#include "ginn/flips/naive_bayes.h"

namespace ginn {

/// Where Debian's dataset-fashion-mnist package puts its files (MNIST itself is not packaged by Debian).
inline constexpr const char* fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

/// One flip: setting pixel `pixel` (row-major index) to its value + `sign` makes the model predict `new_class`.
struct Flip {
    int pixel = 0;
    int sign = 0;       ///< +1 or -1
    int new_class = 0;  ///< class index (GaussianNB::classes gives its label)
    bool operator==(const Flip&) const = default;
};

/// The flips of one examined test image (only images with at least one flip are listed in FlipsResult).
struct ImageFlips {
    int64_t image = 0;  ///< index in the test file
    int label = 0;      ///< the true label's class index (-1: a label the training data never had)
    int predicted = 0;  ///< class index
    std::vector<Flip> flips;  ///< ascending by pixel, then -1 before +1
};

struct FlipsOptions {
    int64_t limit = -1;  ///< examine the first `limit` test images (-1: all)
    int threads = 0;     ///< 0: every core
};

struct FlipsResult {
    int64_t n_test = 0;          ///< test images classified for the accuracy
    double accuracy = 0;
    int64_t n_examined = 0;      ///< the first n_examined test images were searched for flips
    int64_t n_flipped = 0;       ///< examined images with at least one flip
    int64_t n_flips = 0;         ///< (pixel, sign) changes that flip, over all examined images
    int64_t n_exact = 0;         ///< decisions double could not certify, settled in exact rational arithmetic
    std::vector<ImageFlips> images;
};

/// Classifies every test image (accuracy) and finds every one-pixel flip among the first `limit`. Each change moves
/// class c's score by the closed form  -H(j,c) (2 s (x_j - theta(j,c)) + 1), so no image is re-classified from
/// scratch; a decision whose double margin is within its certified rounding bound is recomputed exactly (GMP).
/// Throws Error when image sizes differ from the model's or labels do not match the images.
FlipsResult find_flips(const GaussianNB& nb, const IdxImages& test, const std::vector<uint8_t>& test_labels,
                       const FlipsOptions& options = {});

/// The reference: re-classifies each changed copy of image x from scratch (GaussianNB::predict) and returns the flips,
/// in the order of find_flips. For tests and the benchmark's comparison; about n_features times slower.
std::vector<Flip> find_flips_brute(const GaussianNB& nb, const uint8_t* x);

/// Writes the JSON report (format "ginn-flips", version 1; see docs/flips.md) atomically. `sources` names the files.
void write_flips_report(const FlipsResult& r, const GaussianNB& nb, const std::vector<std::string>& sources,
                        const std::string& path);
/// Writes a PNG of the first `n_pairs` flipped images, one pair per row: the original | the changed image (its first
/// flip), scaled 8x, the changed pixel outlined in red (+1) or blue (-1) in both. The report names the classes.
/// Written atomically.
void write_flips_figure(const FlipsResult& r, const IdxImages& test, const std::string& path, int n_pairs = 6);

}  // namespace ginn
