// Internal pieces shared by dataset.cpp and tasks.cpp (not a public header).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ginn/data/dataset.h"
#include "ginn/core/detail/rng.h"

namespace ginn::detail {

/// A dataset whose points are the pixel centres of a w x h raster on `domain`, labels row-major from the top.
Dataset grid_dataset(const std::string& name, const Box& domain, int w, int h, std::vector<int32_t> labels);
/// Image targets: at most this many pixels per side and in total (checked before decoding).
inline constexpr int max_image_side = 16384;
inline constexpr int64_t max_image_pixels = 40'000'000;
/// An image file resized to resolution x resolution with `resize`, white where grey / 255 >= threshold.
Dataset load_image(const std::string& path, int resolution, double threshold, Resize resize);
/// The built-in bottle at resolution x resolution: each pixel white when its white coverage >= threshold.
Dataset make_bottle(int resolution, double threshold);
/// "circle", "xor", "gauss" or "spiral" on [-6, 6]^2 with n points and TensorFlow Playground's noise (tasks.cpp).
Dataset make_point_cloud(const std::string& name, int n, double noise, uint64_t seed);
/// f(x, y) for "y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)".
double formula_value(const std::string& name, double x, double y);
/// A formula task: n points uniform on [-2, 2]^2, label 1 where f > 0.
Dataset make_formula(const std::string& name, int n, uint64_t seed);
/// "s1", "s2", "s3" (pixel_pairs.cpp).
bool is_pixel_pair_task(const std::string& name);
/// A pixel-pair task: every (x1, x2) in {0..255}^2 when n >= 65536, else n distinct pairs drawn with `seed`.
Dataset make_pixel_pairs(const std::string& name, int n, int margin, uint64_t seed);

}  // namespace ginn::detail
