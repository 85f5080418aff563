// Snapshot schedules: the original GINN list, log-spaced and evenly spaced iterations.
// Not the learning-rate schedule (optim.cpp).
#include "ginn/train/schedule.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "ginn/core/error.h"

namespace ginn {

namespace {

/// The original GINN schedule: (first, last, step) runs, 431 iterations from 0 to 1,270,000.
std::vector<int64_t> ginn_schedule() {
    struct Run { int64_t first, last, step; };
    static constexpr Run runs[] = {
        {0, 49, 1},          {50, 100, 2},      {105, 199, 2},     {200, 295, 5},
        {300, 490, 10},      {500, 980, 20},    {1000, 1950, 50},  {2000, 3900, 100},
        {4000, 9500, 500},   {10000, 635000, 5000}, {640000, 1270000, 10000},
    };
    std::vector<int64_t> its;
    for (const Run& r : runs)
        for (int64_t it = r.first; it <= r.last; it += r.step) its.push_back(it);
    return its;
}

/// The N of log:N or the K of every:K: at most 18 digits, so accumulating them cannot overflow int64.
int64_t parse_count(const std::string& spec, std::string_view digits) {
    int64_t n = 0;
    if (digits.empty() || digits.size() > 18) n = -1;
    for (char c : digits) {
        if (c < '0' || c > '9') { n = -1; break; }
        n = n * 10 + (c - '0');
    }
    if (n < 1) throw Error("snapshot schedule '" + spec + "'", "count is not a positive integer", "ginn, log:N or every:K with N, K >= 1");
    return n;
}

void check_snapshot_count(const std::string& spec, int64_t n, int64_t total) {
    if (n > max_snapshots)
        throw Error("snapshot schedule '" + spec + "'",
                    "asks for " + std::to_string(n) + " snapshots over " + std::to_string(total) + " iterations",
                    "at most " + std::to_string(max_snapshots) + " snapshots per run",
                    "use a smaller N in log:N or a larger K in every:K");
}

}  // namespace

std::vector<int64_t> snapshot_iterations(const std::string& spec, int64_t total) {
    if (total < 0) throw Error("snapshot schedule", "negative number of iterations", "iterations >= 0");
    std::vector<int64_t> its;
    if (spec == "ginn") {
        its = ginn_schedule();
    } else if (spec.starts_with("log:")) {  // evenly spaced in log(1 + it)
        const int64_t n = parse_count(spec, std::string_view(spec).substr(4));
        check_snapshot_count(spec, n, total);
        const double top = std::log1p(static_cast<double>(total));
        for (int64_t k = 0; k < n; ++k) {
            const double t = n == 1 ? 0.0 : top * static_cast<double>(k) / static_cast<double>(n - 1);
            const double it = std::expm1(t);
            // double(total) may round up past INT64_MAX; clamping first keeps llround in range.
            its.push_back(it >= static_cast<double>(total) ? total : std::llround(it));
        }
    } else if (spec.starts_with("every:")) {
        const int64_t step = parse_count(spec, std::string_view(spec).substr(6));
        const int64_t n = total / step + 1;  // 0, step, ..., n_last * step <= total: no product exceeds total
        check_snapshot_count(spec, n, total);
        for (int64_t k = 0; k < n; ++k) its.push_back(k * step);
    } else {
        throw Error("snapshot schedule '" + spec + "'", "unknown schedule", "ginn, log:N or every:K",
                    "for example --snapshots log:200");
    }
    std::erase_if(its, [&](int64_t it) { return it > total; });
    its.push_back(total);
    std::sort(its.begin(), its.end());
    its.erase(std::unique(its.begin(), its.end()), its.end());
    return its;
}

std::string snapshot_schedule_note(const std::string& spec, int64_t total) {
    if (!spec.starts_with("log:")) return "";
    const int64_t asked = parse_count(spec, std::string_view(spec).substr(4));
    const size_t got = snapshot_iterations(spec, total).size();
    if (static_cast<int64_t>(got) >= asked) return "";
    return spec + " gives " + std::to_string(got) + " distinct iterations after rounding to whole iterations";
}

}  // namespace ginn
