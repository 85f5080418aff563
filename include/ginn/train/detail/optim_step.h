// One optimiser update on flat float vectors (PyTorch semantics). Internal to the trainer and its tests.
#pragma once

#include <cstdint>
#include <span>
#include <utility>

#include "ginn/train/optim.h"

namespace ginn::detail {

/// Updates p[begin, end) for each trainable range with gradient g at learning rate `lr`.
/// `step` is the 1-based number of this update (Adam's bias correction). m is the momentum buffer (momentum) or
/// Adam's first moment, v Adam's second moment; both start at zero and are left untouched by plain SGD.
void optimizer_step(const OptimSpec& spec, double lr, int64_t step, std::span<const std::pair<int64_t, int64_t>> ranges,
                    float* p, const float* g, float* m, float* v);

}  // namespace ginn::detail
