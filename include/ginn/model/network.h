// The evaluation form of a trained network: dense layers in double precision, inputs in domain coordinates,
// batch norm folded in, dropout removed. Geometry, figures, the viewer and analysis all consume this form;
// it is also the JSON that `ginn weights` writes. Not the training model (see model.h), which is float.
//
// Intended usage:
//   1. get a Network: Run::network(k) (run.h), network_from_json(json) for a file from elsewhere, or build one;
//   2. evaluate it: forward(net, X) for logits, decision_value(net, X) for the boundary's level function;
//   3. hand it to compute_geometry (geometry.h) or the renderers.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ginn {

enum class Activation { relu, leaky_relu, elu, tanh, sigmoid, swish, gelu, linear, softplus };

/// Every activation name in the order of the enum: "relu", "leaky_relu", "elu", "tanh", "sigmoid", "swish", "gelu",
/// "linear", "softplus" (log(1 + e^z), PyTorch's beta 1; imported networks only: training refuses it).
const std::vector<std::string>& activation_names();
/// The ones ginn trains: every activation but softplus, which only imported networks carry.
std::vector<std::string> trainable_activation_names();
std::string_view activation_name(Activation a);
/// Parses a name; throws Error naming `where` and listing the valid names.
Activation activation_from_name(std::string_view name, const std::string& where = "activation");
/// relu, leaky_relu and linear: the network is piecewise linear and its geometry exact.
bool is_piecewise_linear(Activation a);
/// Negative slope of leaky_relu (PyTorch's default) when a layer names no slopes of its own.
inline constexpr double leaky_relu_slope = 0.01;
/// act(z) with the default parameters (leaky slope 0.01, ELU alpha 1); DenseLayer::activate takes a layer's own.
double activate(Activation a, double z);
/// Largest |slope| or ELU alpha a weights file may carry.
inline constexpr double max_activation_parameter = 1e6;

/// The output head, which fixes how logits become a prediction and where the decision boundary is.
enum class Head {
    softmax2,    ///< two logits, softmax cross-entropy (GINN); P(class 1) = softmax(z)[1]; boundary z1 - z0 = 0
    sigmoid,     ///< one logit, sigmoid binary cross-entropy; boundary z = 0
    softmax,     ///< k logits, softmax cross-entropy; boundary where the argmax changes
    regression,  ///< one output, squared error against the label; boundary output = 0.5
};
const std::vector<std::string>& head_names();
std::string_view head_name(Head h);
Head head_from_name(std::string_view name, const std::string& where = "head");

/// An axis-aligned box in input space: the domain a task lives on.
struct Box {
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    double width() const { return x1 - x0; }
    double height() const { return y1 - y0; }
    double area() const { return width() * height(); }
};

/// {"x": [x0, x1], "y": [y0, y1]}, the box's spelling in every JSON file ginn writes.
nlohmann::json box_to_json(const Box& box);
/// Reads that spelling; throws nlohmann::json exceptions for a malformed value (callers name the file).
Box box_from_json(const nlohmann::json& j);
/// Every coordinate ginn reads (domains, CSV points) lies within +-max_abs_coordinate.
inline constexpr double max_abs_coordinate = 1e6;
/// Throws Error naming `where` unless x0 < x1, y0 < y1 and every bound is finite and within +-max_abs_coordinate.
void check_domain(const Box& box, const std::string& where);

/// One dense layer: pre-activation z = W a + b (+ a when residual), output act(z).
struct DenseLayer {
    Eigen::MatrixXd W;  // (n_out, n_in)
    Eigen::VectorXd b;  // (n_out)
    Activation activation = Activation::relu;
    bool residual = false;  // adds the layer's input to z; requires n_in == n_out
    /// leaky_relu only: each neuron's slope below zero, (n_out) or empty for leaky_relu_slope everywhere. PReLU
    /// (one slope per channel) and LeakyReLU with any slope are this; a slope of 0 behaves as ReLU, 1 as linear.
    Eigen::VectorXd negative_slope{};
    double alpha = 1.0;  // elu only: alpha (e^z - 1) below zero
    int n_in() const { return static_cast<int>(W.cols()); }
    int n_out() const { return static_cast<int>(W.rows()); }
    /// Neuron i's output for pre-activation z, with this layer's parameters.
    double activate(int i, double z) const;
    /// d act / dz of neuron i at z (at 0 the slope from above).
    double derivative(int i, double z) const;
    /// Piecewise-linear activations: neuron i's slope below zero (relu 0, leaky its slope, linear 1).
    double slope_below(int i) const;
    /// Applies the activation to Z, #points by n_out, column i with neuron i's parameters.
    Eigen::MatrixXd activate_all(const Eigen::MatrixXd& Z) const;
};

/// Limits of a Network (checked by validate() and before a weights file allocates anything): hidden layers,
/// neurons per layer, and the weights file's size.
inline constexpr int max_network_layers = 64;
inline constexpr int max_network_width = 4096;
inline constexpr uint64_t max_weights_bytes = 256ull << 20;

/// Hidden layers then one output layer (activation linear). Inputs are (x, y) in domain coordinates.
struct Network {
    Box domain;
    Head head = Head::softmax2;
    std::vector<DenseLayer> layers;

    int n_hidden_layers() const { return static_cast<int>(layers.size()) - 1; }
    int n_outputs() const { return layers.back().n_out(); }
    /// Total number of hidden neurons.
    int n_neurons() const;
    /// True when every hidden activation is piecewise linear.
    bool piecewise_linear() const;
    /// Throws Error if shapes do not chain, residual widths differ, or a value is not finite.
    void validate(const std::string& where = "network") const;
};

/// Forward pass. X is #points by 2. Returns the logits, #points by n_outputs.
/// When `pre` is given it receives each hidden layer's pre-activation, #points by n_out.
Eigen::MatrixXd forward(const Network& net, const Eigen::MatrixXd& X, std::vector<Eigen::MatrixXd>* pre = nullptr);
/// The scalar whose sign is the two-class decision: z1 - z0 (softmax2), z (sigmoid), y - 0.5 (regression).
/// For k-class heads this is the margin top1 - top2 (always >= 0): use predicted_class instead.
Eigen::VectorXd decision_value(const Network& net, const Eigen::MatrixXd& X);
/// The probability of class 1 (two-class heads; regression clamps the output to [0, 1]).
Eigen::VectorXd probability(const Network& net, const Eigen::MatrixXd& X);
/// Argmax class per point.
Eigen::VectorXi predicted_class(const Network& net, const Eigen::MatrixXd& X);

/// The `ginn weights` JSON: {"format": "ginn-weights", "format_version": 2, "head": "softmax2",
///   "domain": {"x": [x0, x1], "y": [y0, y1]},
///   "layers": [{"W": [[...], ...] (rows = outputs), "b": [...], "activation": "relu", "residual": false}, ...]};
/// a leaky_relu layer may add "negative_slope": [one per neuron], an elu layer "alpha" (version 2; version 1
/// files, which have neither, are still read).
/// Throws Error naming `where` when a parameter is not finite (JSON has no NaN or infinity).
nlohmann::json network_to_json(const Network& net, const std::string& where = "network");
/// Parses that JSON (format and format_version optional, for hand-written files); `where` names the file in errors.
Network network_from_json(const nlohmann::json& j, const std::string& where);
/// Reads a weights JSON file.
Network load_network_json(const std::string& path);

}  // namespace ginn
