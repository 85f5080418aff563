// ONNX import: an MLP exported by any framework (torch.onnx.export, tf2onnx, ...) read into ginn's Network.
// Parsed with Debian's ONNX library (libonnx-dev, protobuf); not an ONNX runtime: only the graphs MLPs export to.
//
// Intended usage:
//   1. network_from_onnx_file("model.onnx", {.domain = {-2, 2, -2, 2}}) (or network_from_onnx(bytes, ...));
//   2. use the Network like any other (forward, compute_geometry, render); docs/onnx.md lists what is accepted.
#pragma once

#include <string>
#include <string_view>

#include "ginn/model/network.h"

namespace ginn {

/// The domain an imported network is drawn on when none is given: [-1, 1]^2 (ONNX files carry no domain).
inline constexpr Box default_onnx_domain{-1, 1, -1, 1};

struct OnnxImportOptions {
    Box domain = default_onnx_domain;
};

/// True when this ginn was built with libonnx-dev; otherwise every import throws Error saying so.
bool onnx_import_available();

/// Reads an ONNX ModelProto's bytes into a Network. The graph must take one input of 2 features and chain the
/// supported operators (docs/onnx.md): Gemm, MatMul + Add, BatchNormalization (folded, evaluation mode),
/// Relu, LeakyRelu, PRelu, Elu, Sigmoid, Tanh, Identity, Dropout, Flatten/Reshape keeping the width, a residual
/// Add of the layer's input, and a final Softmax/LogSoftmax/Sigmoid (the head). Anything else throws Error naming
/// the node, its operator and what is supported; `where` names the file in errors.
/// Example: `Network net = network_from_onnx(read_file("mlp.onnx"), "mlp.onnx", {});`
Network network_from_onnx(std::string_view bytes, const std::string& where, const OnnxImportOptions& options);
/// Reads an ONNX file (at most max_weights_bytes) with network_from_onnx.
Network load_network_onnx(const std::string& path, const OnnxImportOptions& options);

}  // namespace ginn
