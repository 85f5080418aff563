// Snapshot schedules: which training iterations a run records. Not the learning-rate schedule (optim.h).
// Iteration k means "the parameters after k updates"; iteration 0 is the initialisation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ginn {

/// The sorted, unique iterations to record for a run of `total` iterations. `spec` is
///   "ginn"      the original GINN schedule (431 iterations from 0 to 1,270,000; those beyond total dropped),
///   "log:N"     N iterations spaced evenly in log(1 + it) from 0 to total,
///   "every:K"   0, K, 2K, ...
/// The final iteration `total` is always included. Throws Error for a malformed spec.
/// Example: snapshot_iterations("every:500", 1000) == {0, 500, 1000}.
std::vector<int64_t> snapshot_iterations(const std::string& spec, int64_t total);

}  // namespace ginn
