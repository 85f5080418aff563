// Timing helpers shared by the benchmark programs: the median of repeated timings and the wall time of one call.
// Not a benchmark framework (bench/ programs print their own command, machine and ratio).
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace ginn::bench {

using Clock = std::chrono::steady_clock;

/// The median of the timings (the mean of the middle two for an even count).
inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// Wall seconds of one call of f.
template <typename F>
double seconds(F&& f) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace ginn::bench
