// What the training benchmarks count: the FLOPs of one update, thread CPU time and the CPU's name. Shared by
// train_bench and train_roofline_bench; not a timer of its own (timing.h has the medians).
#pragma once

#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "ginn/model/model.h"

namespace ginn::bench {

/// Multiply-adds of one update, counted as 2 FLOPs each: forward W A, backward dW = dZ A^T and dA = W^T dZ (none for
/// the first layer, whose input is the data).
inline double flops_per_iteration(const ModelSpec& spec, int batch) {
    double forward = 0, input_grad = 0;
    int n_in = 2;
    std::vector<int> outs = spec.widths;
    outs.push_back(spec.n_outputs());
    for (size_t l = 0; l < outs.size(); ++l) {
        forward += double(n_in) * outs[l];
        if (l > 0) input_grad += double(n_in) * outs[l];
        n_in = outs[l];
    }
    return 2.0 * batch * (2 * forward + input_grad);
}

/// CPU time of this thread in seconds: on a machine shared with other jobs it counts only the time we ran.
inline double thread_seconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

inline std::string cpu_name() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

}  // namespace ginn::bench
