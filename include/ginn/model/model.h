// The multilayer perceptron as ginn trains it: its specification, flat float parameter layout and initialisers,
// and conversion to the evaluation form (network.h). Not the optimiser or the training loop (optim.h, trainer.h).
//
// Parameter layout (one flat float vector, the unit a snapshot stores), layer by layer, hidden layers then output:
//   W (n_out x n_in, row-major), b (n_out); and for a hidden layer with batch norm also
//   gamma (n_out), beta (n_out), running_mean (n_out), running_var (n_out).
// Layer order inside a hidden layer: linear -> batch norm -> residual add -> activation -> dropout.
//
// Intended usage:
//   1. ModelSpec spec; spec.widths = {16, 16, 16}; spec.validate();
//   2. std::vector<float> p = init_params(spec, /*seed=*/1);
//   3. Network net = to_network(spec, p, domain);   // batch norm folded, for geometry and figures
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ginn/model/network.h"

namespace ginn {

enum class Init { pytorch, he_normal, xavier };
const std::vector<std::string>& init_names();  ///< "pytorch", "he_normal", "xavier"
std::string_view init_name(Init i);
Init init_from_name(std::string_view name, const std::string& where = "init");

/// Limits on widths, checked by validate(): 1..max_layers hidden layers of 1..max_width neurons each.
inline constexpr int max_layers = 64;
inline constexpr int max_width = 4096;

struct ModelSpec {
    std::vector<int> widths = {16, 16, 16};  ///< hidden widths
    Activation activation = Activation::relu;
    Head head = Head::softmax2;
    /// True when the user named the head (flag or config key). Otherwise the head follows the task: softmax2
    /// becomes softmax for a task with more than two classes. Not written to files: they hold the head used.
    bool head_chosen = false;
    int n_classes = 2;         ///< number of classes of the task (softmax head: number of logits)
    double dropout = 0.0;      ///< drop probability in [0, 1) after each hidden activation (training only)
    bool batch_norm = false;   ///< batch norm after each hidden linear layer
    double bn_momentum = 0.1;  ///< running-statistics update weight (PyTorch convention)
    double bn_eps = 1e-5;
    bool residual = false;     ///< residual add on hidden layers whose input and output widths match
    Init init = Init::pytorch;
    /// Inputs mapped from the domain box to [-1, 1]^2 before layer 1, u = 2 (x - x0) / (x1 - x0) - 1 per coordinate
    /// (the trainer feeds u; to_network folds the map into layer 1, so a Network still takes domain coordinates).
    /// Off by default (GINN's nets see raw coordinates); on for the 0..255 tasks s1-s3.
    bool normalize = false;

    /// Throws Error for empty, zero or absurd widths, a bad dropout, or a head that does not fit n_classes.
    void validate() const;
    int n_outputs() const;     ///< logits of the output layer for this head
};

/// Number of floats in the flat parameter vector.
int64_t n_params(const ModelSpec& spec);
/// Number of trainable floats (excludes batch-norm running statistics).
int64_t n_trainable(const ModelSpec& spec);
/// Initial parameters; deterministic in the seed. PyTorch default: W, b ~ U(-1/sqrt(n_in), 1/sqrt(n_in));
/// He normal: W ~ N(0, 2/n_in), b = 0; Xavier: W ~ U(+-sqrt(6/(n_in+n_out))), b = 0. BN: gamma 1, beta 0, mean 0, var 1.
std::vector<float> init_params(const ModelSpec& spec, uint64_t seed);
/// The evaluation form: double precision, batch norm folded with running statistics, dropout removed, and with
/// spec.normalize the input map folded into layer 1 (exactly: W' = W D, b' = b + W t for u = D x + t).
Network to_network(const ModelSpec& spec, std::span<const float> params, const Box& domain);
/// The map u = D x + t of ModelSpec::normalize for a domain: u = 2 (x - x0) / width - 1 (and y alike).
double normalized_input(double v, double lo, double hi);

}  // namespace ginn
