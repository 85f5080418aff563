// Snapshot schedules: which training iterations a run records. Not the learning-rate schedule (optim.h).
// Iteration k means "the parameters after k updates"; iteration 0 is the initialisation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ginn {

/// Most snapshots one run may record (each stores every parameter): log:N needs N <= this, every:K needs
/// iterations / K + 1 <= this.
inline constexpr int64_t max_snapshots = 100'000;

/// The sorted, unique iterations to record for a run of `total` iterations. `spec` is
///   "ginn"      the original GINN schedule (431 iterations from 0 to 1,270,000; those beyond total dropped),
///   "log:N"     N iterations spaced evenly in log(1 + it) from 0 to total, rounded to whole iterations; points
///               that round to the same iteration are recorded once, so early on fewer than N remain
///               (log:100 over 3000 iterations records 80),
///   "every:K"   0, K, 2K, ...
/// The final iteration `total` is always included. Throws Error for a malformed spec or more than max_snapshots
/// snapshots; any total in 0..INT64_MAX is safe.
/// Example: snapshot_iterations("every:500", 1000) == {0, 500, 1000}.
std::vector<int64_t> snapshot_iterations(const std::string& spec, int64_t total);

/// One sentence when `spec` records fewer snapshots than it names (log:N whose first points round to the same
/// iteration), e.g. "log:100 gives 80 distinct iterations after rounding to whole iterations"; "" otherwise.
std::string snapshot_schedule_note(const std::string& spec, int64_t total);

}  // namespace ginn
