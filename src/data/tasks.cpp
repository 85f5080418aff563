// The tasks ginn makes itself: the bottle drawing (an analytic shape test per pixel, supersampled), TensorFlow
// Playground's point clouds and Gupta's formula tasks, from a seeded generator. Not files (dataset.cpp) nor the split.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "data/internal.h"
#include "ginn/core/error.h"

namespace ginn::detail {

// ---------------------------------------------------------------------------------------------- grids

/// A dataset whose points are the pixel centres of a w x h raster on `domain`, labels row-major from the top.
Dataset grid_dataset(const std::string& name, const Box& domain, int w, int h, std::vector<int32_t> labels) {
    Dataset data;
    data.name = name;
    data.domain = domain;
    data.grid_w = w;
    data.grid_h = h;
    data.X = pixel_centres(domain, w, h).cast<float>();
    data.label = std::move(labels);
    return data;
}

// ---------------------------------------------------------------------------------------------- bottle

namespace {

// The bottle, in the unit box with y up, symmetric about x = 0.5. Every length is a fraction of the box.
// Bottom to top: a body with rounded lower corners, sloped shoulders, a neck, and a cap slightly wider than the neck.
struct BottleShape {
    double cx = 0.5;
    double body_y0 = 0.05, body_y1 = 0.58, body_half = 0.25, corner = 0.07;
    double shoulder_y1 = 0.73;  // shoulders slope from the body's width at body_y1 to the neck's at shoulder_y1
    double neck_half = 0.085, neck_y1 = 0.85;
    double cap_half = 0.105, cap_y1 = 0.95, cap_corner = 0.015;
    // Label: a white diamond centred on the body, and inside it a thin black diamond outline.
    double label_cy = 0.315, label_half_w = 0.185, label_half_h = 0.215;
    double outline_inset = 0.03, outline_width = 0.014;  // distances measured perpendicular to the diamond's edges
};

/// Whether (x, y) lies inside a rectangle [x0,x1]x[y0,y1] whose bottom corners are rounded with radius rad.
bool in_rect_rounded_bottom(double x, double y, double x0, double x1, double y0, double y1, double rad) {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    if (y >= y0 + rad) return true;
    const double cx = std::clamp(x, x0 + rad, x1 - rad);
    return std::hypot(x - cx, y - (y0 + rad)) <= rad;
}

/// Whether (x, y) is black in the bottle drawing.
bool bottle_is_black(const BottleShape& s, double x, double y) {
    const double dx = std::abs(x - s.cx);
    // Label: signed distance inside the diamond |dx|/a + |dy|/b <= 1, measured perpendicular to its edges.
    const double a = s.label_half_w, b = s.label_half_h;
    const double inside = (1.0 - dx / a - std::abs(y - s.label_cy) / b) * a * b / std::hypot(a, b);
    if (inside >= 0) return inside >= s.outline_inset && inside <= s.outline_inset + s.outline_width;
    if (in_rect_rounded_bottom(x, y, s.cx - s.body_half, s.cx + s.body_half, s.body_y0, s.body_y1, s.corner))
        return true;
    if (y > s.body_y1 && y <= s.shoulder_y1) {
        const double t = (y - s.body_y1) / (s.shoulder_y1 - s.body_y1);
        return dx <= s.body_half + t * (s.neck_half - s.body_half);
    }
    if (y > s.shoulder_y1 && y <= s.neck_y1) return dx <= s.neck_half;
    if (y > s.neck_y1 && y <= s.cap_y1) {  // the cap: a rectangle with slightly rounded top corners
        if (dx > s.cap_half) return false;
        const double corner_dx = dx - (s.cap_half - s.cap_corner), corner_dy = y - (s.cap_y1 - s.cap_corner);
        return corner_dx <= 0 || corner_dy <= 0 || std::hypot(corner_dx, corner_dy) <= s.cap_corner;
    }
    return false;
}

}  // namespace

/// The bottle at resolution r: each pixel's white coverage from 4x4 samples, white when coverage >= threshold.
Dataset make_bottle(int resolution, double threshold) {
    const BottleShape shape;
    constexpr int n_sub = 4;
    std::vector<int32_t> labels(static_cast<size_t>(resolution) * resolution);
    for (int r = 0; r < resolution; ++r)
        for (int c = 0; c < resolution; ++c) {
            int n_white = 0;
            for (int i = 0; i < n_sub; ++i)
                for (int j = 0; j < n_sub; ++j) {
                    const double x = (c + (j + 0.5) / n_sub) / resolution;
                    const double y = 1.0 - (r + (i + 0.5) / n_sub) / resolution;
                    n_white += bottle_is_black(shape, x, y) ? 0 : 1;
                }
            labels[static_cast<size_t>(r) * resolution + c] = n_white >= threshold * n_sub * n_sub ? 1 : 0;
        }
    return grid_dataset("bottle", Box{}, resolution, resolution, std::move(labels));
}

// ---------------------------------------------------------------------------------------------- point clouds

// TensorFlow Playground's tasks on its domain [-6, 6]^2 (points within radius 5 of the centre), with its definition
// of noise (dataset.ts; Playground's slider gives noise 0..0.5, ginn accepts 0..1), per task:
//   circle, xor: the point is not moved; its label is that of the point displaced by U(-5, 5) * noise per coordinate
//                (so noise flips labels near the boundary; noise 0 gives cleanly separated classes);
//   gauss:       each class is a Gaussian of variance 0.5 + 7 * noise per coordinate (0.5 at noise 0, 4 at 0.5);
//   spiral:      the point is displaced by U(-1, 1) * noise per coordinate; its label is kept.
// Classes alternate between the two generators, so both have n/2 points (+1 for odd n) before any label flip.
constexpr double cloud_half = 6.0;

Dataset make_point_cloud(const std::string& name, int n, double noise, uint64_t seed) {
    Rng rng(seed);
    Dataset data;
    data.name = name;
    data.domain = Box{-cloud_half, cloud_half, -cloud_half, cloud_half};
    data.X.resize(n, 2);
    data.label.resize(n);
    auto jitter = [&](double half) { return rng.uniform(-half, half) * noise; };  // U(-half, half) * noise
    for (int i = 0; i < n; ++i) {
        int label = i % 2 == 0 ? 1 : 0;
        double x = 0, y = 0;
        if (name == "circle") {  // class 1 within radius 2.5, class 0 in the ring 3.5..5
            const double r = label == 1 ? rng.uniform(0, 2.5) : rng.uniform(3.5, 5.0);
            const double angle = rng.uniform(0, 2 * std::numbers::pi);
            x = r * std::sin(angle);
            y = r * std::cos(angle);
            const double nx = jitter(5), ny = jitter(5);
            label = std::hypot(x + nx, y + ny) < 2.5 ? 1 : 0;
        } else if (name == "xor") {  // uniform in [-5,5]^2 pushed 0.3 off the axes; class 1 where x*y > 0
            do {
                x = rng.uniform(-5, 5);
                y = rng.uniform(-5, 5);
                x += x > 0 ? 0.3 : -0.3;
                y += y > 0 ? 0.3 : -0.3;
            } while ((x * y > 0 ? 1 : 0) != label);
            const double nx = jitter(5), ny = jitter(5);
            label = (x + nx) * (y + ny) >= 0 ? 1 : 0;
        } else if (name == "gauss") {  // class 1 around (2, 2), class 0 around (-2, -2)
            const double centre = label == 1 ? 2.0 : -2.0, sigma = std::sqrt(0.5 + 7 * noise);
            x = centre + sigma * rng.normal();
            y = centre + sigma * rng.normal();
        } else {  // spiral: two arms of 1.75 turns out to radius 5, class 1 on the first arm
            GINN_ASSERT(name == "spiral");
            const double t = rng.uniform();
            const double r = 5.0 * t;
            const double angle = 1.75 * 2 * std::numbers::pi * t + (label == 1 ? 0.0 : std::numbers::pi);
            x = r * std::sin(angle) + jitter(1);
            y = r * std::cos(angle) + jitter(1);
        }
        data.X(i, 0) = static_cast<float>(x);
        data.X(i, 1) = static_cast<float>(y);
        data.label[i] = label;
    }
    return data;
}

// ---------------------------------------------------------------------------------------------- formulas

// Gupta's set-up: n points uniform on [-2, 2]^2, label 1 where f(x, y) > 0. Noise does not apply.
double formula_value(const std::string& name, double x, double y) {
    if (name == "y-x") return y - x;
    if (name == "y-|x|") return y - std::abs(x);
    if (name == "1-x^2/4-y^2") return 1 - x * x / 4 - y * y;
    GINN_ASSERT(name == "y-sin(pi*x)");
    return y - std::sin(std::numbers::pi * x);
}

Dataset make_formula(const std::string& name, int n, uint64_t seed) {
    Rng rng(seed);
    Dataset data;
    data.name = name;
    data.domain = Box{-2, 2, -2, 2};
    data.X.resize(n, 2);
    data.label.resize(n);
    for (int i = 0; i < n; ++i) {
        const float x = static_cast<float>(rng.uniform(-2, 2)), y = static_cast<float>(rng.uniform(-2, 2));
        data.X(i, 0) = x;
        data.X(i, 1) = y;
        data.label[i] = formula_value(name, x, y) > 0 ? 1 : 0;  // labels of the stored (float) point
    }
    return data;
}


}  // namespace ginn::detail
