// The training model's forward and backward passes over one minibatch, on flat float parameters (model.h layout).
// Internal to the trainer and to the gradient tests; not an optimiser (optim_step.h) and not the sampling (trainer.cpp).
//
// Layout: every activation is held feature-major, an (n_features, stride) array whose columns are the examples, so the
// inner loops run over the batch in SIMD lanes. stride() is the batch capacity rounded up to 16 floats (one AVX-512
// register); columns at and beyond the current batch size are padding and never reach the loss or the gradient.
//
// Intended usage:
//   1. Engine e(spec, /*max_batch=*/128);
//   2. fill e.input_x()[0..n), e.input_y()[0..n), e.labels()[0..n);
//   3. double loss = e.forward_train(p, n, &rng); e.backward(p, grad); e.update_running_stats(p);
//   4. or for evaluation: e.forward_eval(p, n); e.loss_sums(n, &loss_sum, &n_correct).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ginn/model/detail/layout.h"
#include "ginn/core/detail/rng.h"
#include "ginn/model/model.h"

namespace ginn::detail {

/// A float buffer aligned to 64 bytes (one cache line, one AVX-512 register).
struct AlignedFloats {
    struct Free { void operator()(float* p) const { ::operator delete[](p, std::align_val_t(64)); } };
    std::unique_ptr<float[], Free> data;
    int64_t size = 0;
    explicit AlignedFloats(int64_t n = 0);
    float* get() const { return data.get(); }
};

/// Seconds spent in each phase of the passes, summed while attached to an Engine (set_profile; benchmarks only).
/// Fused layers (no batch norm or residual) compute the activation and its derivative inside the matmuls' epilogues:
/// there the GEMM phases include them and `rows` stays 0.
struct EngineProfile {
    double gemm_forward = 0;   ///< Z = W A + b (fused: A' = act(Z) * mask, and D = act'(Z) where it is stored)
    double dropout_mask = 0;   ///< drawing the masks
    double rows = 0;           ///< unfused layers, forward: batch norm, residual add, activation, mask, row by row
    double loss = 0;           ///< the head's loss and its gradient with respect to the logits
    double rows_backward = 0;  ///< unfused layers, backward: mask, activation derivative, batch norm, row by row
    double weight_grad = 0;    ///< dW = dZ A^T and db
    double gemm_backward = 0;  ///< dA = W^T dZ (fused: times act'(Z) * mask) and the residual add
};

class Engine {
public:
    Engine(const ModelSpec& spec, int max_batch);

    int stride() const { return stride_; }
    int max_batch() const { return max_batch_; }
    float* input_x() { return A_[0].get(); }             ///< (stride) x coordinates of the batch
    float* input_y() { return A_[0].get() + stride_; }   ///< (stride) y coordinates of the batch
    int32_t* labels() { return labels_.data(); }         ///< (stride) class of each example

    /// Training-mode forward pass over the first n columns: batch-norm batch statistics and, when `dropout_rng` is not
    /// null and the spec has dropout, fresh inverted-dropout masks (one draw from dropout_rng keys them all). Returns the mean loss over the batch (non-finite
    /// when a logit is non-finite).
    double forward_train(const float* params, int n, Rng* dropout_rng);
    /// Gradient of the mean loss of the last forward_train with respect to every parameter (n_params floats;
    /// running statistics get 0).
    void backward(const float* params, float* grad);
    /// Folds the last forward_train's batch statistics into the running statistics (momentum, unbiased variance).
    void update_running_stats(float* params) const;

    /// Evaluation-mode forward pass (running statistics, no dropout). Returns the logits, (n_outputs, stride).
    const float* forward_eval(const float* params, int n);
    /// After forward_eval: the summed loss (cross-entropy; squared error for regression) and the number of correctly
    /// classified examples among the first n columns, in double precision.
    void loss_sums(int n, double* loss_sum, int64_t* n_correct) const;

    const std::vector<LayerLayout>& layers() const { return layers_; }
    /// Attaches a profile that every later pass adds its phases' seconds to (null detaches; the default).
    void set_profile(EngineProfile* profile) { profile_ = profile; }

private:
    void forward(const float* params, int n, bool train, Rng* dropout_rng);
    void draw_dropout_mask(size_t l, uint64_t key);
    /// Unfused hidden layer l after its matmul: batch norm, residual add, activation (Act: engine.cpp's lane functors)
    /// and dropout, row by row; and the way back to the gradient with respect to its linear output.
    template <typename Act>
    void rows_forward(const float* params, size_t l, int n, bool train, bool drop, const Act& act);
    template <typename Act>
    void rows_backward(const float* params, size_t l, float* grad, const Act& act);
    double loss_and_dlogits(int n);

    ModelSpec spec_;
    std::vector<LayerLayout> layers_;
    int max_batch_ = 0, stride_ = 0, n_ = 0;
    bool fused_ = false;   ///< no batch norm or residual: activation (and its derivative) fused into the matmuls
    bool masked_ = false;  ///< the last forward pass drew dropout masks
    bool d_from_output_ = false;  ///< fused tanh or sigmoid without dropout: act' recomputed from A_[l + 1], no D_
    std::vector<AlignedFloats> A_;     ///< A_[l]: input of layer l, (n_in, stride); A_[0] holds x and y
    std::vector<AlignedFloats> Z_;     ///< Z_[l]: pre-activation after batch norm and residual add, (n_out, stride)
    std::vector<AlignedFloats> xhat_;  ///< normalised linear output of batch-norm layers, (n_out, stride)
    std::vector<AlignedFloats> mask_;  ///< dropout multipliers 0 or 1/(1-p), (n_out, stride)
    std::vector<AlignedFloats> D_;     ///< act'(Z_[l]) of fused layers but ReLU and d_from_output_, (n_out, stride)
    std::vector<float*> dZ_;           ///< gradient with respect to Z_[l] (then to the linear output), (n_out, stride)
    AlignedFloats dZ_buffers_[2];      ///< dZ_[l] is dZ_buffers_[l % 2]: one layer's lives until the next's is written
    std::vector<AlignedFloats> dlin_;  ///< gradient with respect to the linear output of batch-norm layers, (n_out, stride)
    std::vector<AlignedFloats> dA_;    ///< gradient with respect to A_[l], (n_in, stride)
    std::vector<std::vector<double>> bn_mean_, bn_var_;  ///< batch statistics of the last forward_train, (n_out)
    std::vector<std::vector<float>> bn_invstd_;          ///< 1 / sqrt(var + eps), (n_out)
    std::vector<int32_t> labels_;      ///< (stride)
    AlignedFloats target_;             ///< labels as floats, 0 in padding columns, (stride)
    AlignedFloats valid_;              ///< 1/n in the batch's columns, 0 in padding, (stride)
    EngineProfile* profile_ = nullptr;
};

}  // namespace ginn::detail
