// Internal pieces shared by dataset.cpp and dataset_tasks.cpp (not a public header).
#pragma once

#include <bit>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "ginn/dataset.h"

namespace ginn::detail {


// A small self-contained generator (xoshiro256**, seeded by splitmix64; Blackman & Vigna 2018) with our own
// uniform and normal draws. std::*_distribution is not used on purpose: its output differs between standard
// libraries, and sampled tasks must be identical everywhere for a given seed.
class TaskRng {
public:
    explicit TaskRng(uint64_t seed) {
        for (uint64_t& word : s_) word = splitmix64(seed);
    }
    uint64_t next() {
        const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = std::rotl(s_[3], 45);
        return result;
    }
    /// Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Standard normal by the Box-Muller transform (one of the pair is discarded, for simplicity).
    double normal() {
        const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    /// Uniform integer in [0, n) (multiply-shift; the bias is below 2^-40 for the sizes used here).
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }

private:
    static uint64_t splitmix64(uint64_t& x) {
        uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t s_[4];
};


/// A dataset whose points are the pixel centres of a w x h raster on `domain`, labels row-major from the top.
Dataset grid_dataset(const std::string& name, const Box& domain, int w, int h, std::vector<int32_t> labels);
/// The built-in bottle at resolution x resolution: each pixel white when its white coverage >= threshold.
Dataset make_bottle(int resolution, double threshold);
/// "circle", "xor", "gauss" or "spiral" on [-6, 6]^2 with n points, Gaussian noise of std noise * 6.
Dataset make_point_cloud(const std::string& name, int n, double noise, uint64_t seed);
/// f(x, y) for "y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)".
double formula_value(const std::string& name, double x, double y);
/// A formula task: n points uniform on [-2, 2]^2, label 1 where f > 0.
Dataset make_formula(const std::string& name, int n, uint64_t seed);

}  // namespace ginn::detail
