// Optimisers (SGD, SGD with momentum, Adam with PyTorch's defaults and semantics), weight decay, and learning-rate
// schedules (constant, cosine annealing to 0, step decay). Not the model: they act on flat float vectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ginn {

enum class OptimizerKind { sgd, momentum, adam };
const std::vector<std::string>& optimizer_names();  ///< "sgd", "momentum", "adam"
OptimizerKind optimizer_from_name(std::string_view name, const std::string& where = "optimizer");
std::string_view optimizer_name(OptimizerKind k);

enum class LrSchedule { constant, cosine, step };
const std::vector<std::string>& lr_schedule_names();  ///< "constant", "cosine", "step"
LrSchedule lr_schedule_from_name(std::string_view name, const std::string& where = "schedule");
std::string_view lr_schedule_name(LrSchedule s);

struct OptimSpec {
    OptimizerKind kind = OptimizerKind::adam;
    double lr = 1e-3;
    double momentum = 0.9;       ///< for `momentum`
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  ///< for `adam`
    double weight_decay = 0.0;   ///< L2 added to the gradient (PyTorch's weight_decay), on what decay_biases says
    /// true: weight decay on every trainable parameter (PyTorch's weight_decay); false: on the weight matrices W only,
    /// not on biases or batch norm's gamma and beta (TensorFlow code that adds wd * l2_loss(W) per layer, as Gupta's).
    /// Config key `weight_decay_on = "all" | "weights"`.
    bool decay_biases = true;
    LrSchedule schedule = LrSchedule::cosine;
    int64_t step_size = 100000;  ///< step decay: multiply by gamma every step_size iterations
    double gamma = 0.1;

    /// Throws Error for a non-positive or non-finite lr, negative weight decay, betas outside [0,1), ...
    void validate() const;
};

/// Learning rate used for the update that takes the parameters from iteration `it` to `it + 1`, for a run of
/// `total` iterations. Cosine (PyTorch CosineAnnealingLR, eta_min 0): lr * (1 + cos(pi * it / total)) / 2.
double lr_at(const OptimSpec& spec, int64_t it, int64_t total);

}  // namespace ginn
