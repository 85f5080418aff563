// One small parallel loop for the library's embarrassingly parallel work (snapshots, runs): std::thread workers
// pulling indices from an atomic counter. Not a task system; each index must be independent of the others.
#pragma once

#include <functional>

namespace ginn {

/// Number of worker threads to use for `requested` (0 or less: every core), never more than n items.
int worker_count(int requested, int n);

/// Runs f(i) for every i in [0, n) on worker_count(threads, n) threads (the caller's thread is one of them).
/// Results must be written to per-index slots. Rethrows the first exception after all workers stop.
/// Example: `parallel_for(n, 0, [&](int k) { out[k] = compute_geometry(nets[k]); });`
void parallel_for(int n, int threads, const std::function<void(int)>& f);

}  // namespace ginn
