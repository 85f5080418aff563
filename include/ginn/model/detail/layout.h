// Where each layer's tensors live in the flat parameter vector of model.h. Internal to the library and its tests.
#pragma once

#include <cstdint>
#include <vector>

#include "ginn/model/model.h"

namespace ginn::detail {

/// One layer's shape and the offsets of its tensors in the flat vector (-1 when absent).
struct LayerLayout {
    int n_in = 0, n_out = 0;
    bool hidden = true;      ///< false for the output layer
    bool residual = false;   ///< residual add (hidden, n_in == n_out, spec.residual)
    int64_t W = 0, b = 0;    ///< W (n_out, n_in) row-major, b (n_out)
    int64_t gamma = -1, beta = -1, running_mean = -1, running_var = -1;  ///< (n_out) each, batch norm only
};

/// Layers in order, hidden then output. Does not validate the spec.
std::vector<LayerLayout> layer_layouts(const ModelSpec& spec);

}  // namespace ginn::detail
