// The training engine's forward and backward passes (engine.h): linear -> batch norm -> residual add -> activation
// -> dropout per hidden layer, then the head's loss. Not the optimiser (optim.cpp) or the sampling (trainer.cpp).
#include "ginn/model/detail/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "ginn/core/error.h"
#include "model/kernels.h"

namespace ginn::detail {

AlignedFloats::AlignedFloats(int64_t n) : size(n) {
    if (n > 0) {
        data.reset(new (std::align_val_t(64)) float[static_cast<size_t>(n)]);
        std::fill_n(data.get(), n, 0.0f);
    }
}

namespace {

constexpr double inv_sqrt2 = 0.70710678118654752440;
constexpr double inv_sqrt_2pi = 0.39894228040143267794;

/// act(z) in place over n floats.
void activate_inplace(Activation a, const float* z, float* out, int64_t n) {
    switch (a) {
        case Activation::relu:  // n is a multiple of 16 (whole rows of the stride)
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf zk = load(z + k);
                store(out + k, zk > 0.0f ? zk : vf{});
            }
            return;
        case Activation::leaky_relu:
            for (int64_t k = 0; k < n; ++k) out[k] = z[k] > 0.0f ? z[k] : static_cast<float>(leaky_relu_slope) * z[k];
            return;
        case Activation::linear: std::copy_n(z, n, out); return;
        case Activation::softplus: return;  // imported networks only: ModelSpec::validate refuses it for training
        // the smooth ones 16 lanes at a time with kernels.h's float approximations (a few ulp of libm's)
        case Activation::elu:
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf zk = load(z + k);
                store(out + k, zk > 0.0f ? zk : expm1_nonpositive(zk < 0.0f ? zk : vf{}));
            }
            return;
        case Activation::tanh:
            for (int64_t k = 0; k < n; k += n_lanes) store(out + k, tanh_v(load(z + k)));
            return;
        case Activation::sigmoid:
            for (int64_t k = 0; k < n; k += n_lanes) store(out + k, sigmoid_v(load(z + k)));
            return;
        case Activation::swish:
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf zk = load(z + k);
                store(out + k, zk * sigmoid_v(zk));
            }
            return;
        case Activation::gelu:  // exact erf form, as PyTorch's default
            for (int64_t k = 0; k < n; ++k)
                out[k] = static_cast<float>(0.5 * z[k] * (1.0 + std::erf(z[k] * inv_sqrt2)));
            return;
    }
}

/// out = g * act'(z) over n floats (out may be g).
void activation_backward(Activation a, const float* z, const float* g, float* out, int64_t n) {
    switch (a) {
        case Activation::relu:
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf zk = load(z + k), gk = load(g + k);
                store(out + k, zk > 0.0f ? gk : vf{});
            }
            return;
        case Activation::leaky_relu:
            for (int64_t k = 0; k < n; ++k) out[k] = g[k] * (z[k] > 0.0f ? 1.0f : static_cast<float>(leaky_relu_slope));
            return;
        case Activation::linear: std::copy_n(g, n, out); return;
        case Activation::softplus: return;  // never trained (ModelSpec::validate)
        case Activation::elu:
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf zk = load(z + k), gk = load(g + k);
                store(out + k, zk > 0.0f ? gk : gk * exp_nonpositive(zk < 0.0f ? zk : vf{}));
            }
            return;
        case Activation::tanh:
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf t = tanh_v(load(z + k));
                store(out + k, load(g + k) * (1.0f - t * t));
            }
            return;
        case Activation::sigmoid:
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf s = sigmoid_v(load(z + k));
                store(out + k, load(g + k) * (s * (1.0f - s)));
            }
            return;
        case Activation::swish:  // d/dz z s(z) = s + z s (1 - s)
            for (int64_t k = 0; k < n; k += n_lanes) {
                const vf zk = load(z + k), s = sigmoid_v(zk);
                store(out + k, load(g + k) * (s + zk * s * (1.0f - s)));
            }
            return;
        case Activation::gelu:  // d/dz z Phi(z) = Phi(z) + z phi(z)
            for (int64_t k = 0; k < n; ++k) {
                const double zk = z[k];
                out[k] = g[k] * (static_cast<float>(0.5 * (1.0 + std::erf(zk * inv_sqrt2)) + zk * inv_sqrt_2pi * std::exp(-0.5 * zk * zk)));
            }
            return;
    }
}

/// Activations whose derivative is a function of their value: tanh's 1 - t^2, the sigmoid's s (1 - s).
constexpr bool derivative_from_output(Activation a) { return a == Activation::tanh || a == Activation::sigmoid; }

/// That function of the value (the one float expression that act_v and the backward epilogue both use).
template <Activation A>
vf derivative_of_output(vf a) {
    static_assert(derivative_from_output(A));
    if constexpr (A == Activation::tanh) return 1.0f - a * a;
    else return a * (1.0f - a);
}

/// act(z) for 16 lanes and, in *d, act'(z): the fused layers' forward epilogue computes both while z is in a register
/// (the same float operations as activate_inplace and activation_backward, so the same bits). ReLU's derivative is
/// not stored: its gate is the layer's own output (> 0 exactly where z > 0 and the dropout mask keeps the unit).
template <Activation A>
vf act_v(vf z, vf* d) {
    if constexpr (A == Activation::relu) {
        return relu_v(z);
    } else if constexpr (A == Activation::linear) {
        *d = splat(1.0f);
        return z;
    } else if constexpr (A == Activation::elu) {
        const vf neg = z < 0.0f ? z : vf{};
        *d = z > 0.0f ? splat(1.0f) : exp_nonpositive(neg);
        return z > 0.0f ? z : expm1_nonpositive(neg);
    } else if constexpr (A == Activation::tanh) {
        const vf t = tanh_v(z);
        *d = derivative_of_output<A>(t);
        return t;
    } else if constexpr (A == Activation::sigmoid) {
        const vf s = sigmoid_v(z);
        *d = derivative_of_output<A>(s);
        return s;
    } else if constexpr (A == Activation::swish) {  // d/dz z s(z) = s + z s (1 - s)
        const vf s = sigmoid_v(z);
        *d = s + z * s * (1.0f - s);
        return z * s;
    } else {
        static_assert(A == Activation::leaky_relu);
        const float slope = static_cast<float>(leaky_relu_slope);
        *d = z > 0.0f ? splat(1.0f) : splat(slope);
        return z > 0.0f ? z : slope * z;
    }
}

/// Calls f(std::integral_constant<Activation, a>) for the activations the fused layers compile (returns true), or
/// returns false (GELU and any other: those layers take the general path).
template <typename F>
bool with_fused_activation(Activation a, F&& f) {
    switch (a) {
        case Activation::relu: f(std::integral_constant<Activation, Activation::relu>{}); return true;
        case Activation::leaky_relu: f(std::integral_constant<Activation, Activation::leaky_relu>{}); return true;
        case Activation::elu: f(std::integral_constant<Activation, Activation::elu>{}); return true;
        case Activation::tanh: f(std::integral_constant<Activation, Activation::tanh>{}); return true;
        case Activation::sigmoid: f(std::integral_constant<Activation, Activation::sigmoid>{}); return true;
        case Activation::swish: f(std::integral_constant<Activation, Activation::swish>{}); return true;
        case Activation::linear: f(std::integral_constant<Activation, Activation::linear>{}); return true;
        default: return false;
    }
}

/// The activation 16 lanes at a time for the unfused layers: value(z) and grad(z, g) = g act'(z) with the same float
/// operations as the fused epilogues (so the two paths give the same bits).
template <Activation A>
struct LaneActivation {
    vf value(vf z) const {
        vf d;
        return act_v<A>(z, &d);
    }
    vf grad(vf z, vf g) const {
        if constexpr (A == Activation::relu) {
            return z > 0.0f ? g : vf{};
        } else {
            vf d;
            act_v<A>(z, &d);
            return g * d;
        }
    }
};

/// The same for the activations without act_v (GELU), through the scalar activate_inplace and activation_backward.
struct ScalarActivation {
    Activation a;
    vf value(vf z) const {
        float in[n_lanes], out[n_lanes];
        store(in, z);
        activate_inplace(a, in, out, n_lanes);
        return load(out);
    }
    vf grad(vf z, vf g) const {
        float zs[n_lanes], gs[n_lanes], out[n_lanes];
        store(zs, z);
        store(gs, g);
        activation_backward(a, zs, gs, out, n_lanes);
        return load(out);
    }
};

/// Calls f(LaneActivation<a>{}) or, for GELU, f(ScalarActivation{a}).
template <typename F>
void with_lane_activation(Activation a, F&& f) {
    if (!with_fused_activation(a, [&](auto act) { f(LaneActivation<decltype(act)::value>{}); })) f(ScalarActivation{a});
}

/// Forward epilogue of a fused layer: A = act(W A_in + b) (* dropout mask) and, with Derivative, D = act'(W A_in + b)
/// (never for ReLU; without, evaluation or a derivative the backward pass recomputes, the compiler drops its operations).
template <Activation Act, bool Derivative>
struct ActivationEpilogue {
    float* out;
    float* d;
    const float* mask;  // null without dropout
    void operator()(int64_t k, vf z) const {
        vf dz;
        const vf a = act_v<Act>(z, &dz);
        store(out + k, mask ? a * load(mask + k) : a);
        if constexpr (Act != Activation::relu && Derivative) store(d + k, dz);
    }
};

/// Backward epilogue of a fused layer: dZ = act'(Z) * (mask * W^T dlin), d being act'(Z), or for ReLU the layer's
/// output (the gradient passes where it is positive), or with FromOutput (tanh, sigmoid without dropout) the layer's
/// output, whose derivative is recomputed here with the forward pass's float operations (the same bits, and no D
/// array stored, then loaded).
template <Activation Act, bool FromOutput = false>
struct DerivativeEpilogue {
    float* dZ;
    const float* d;
    const float* mask;  // null without dropout
    void operator()(int64_t k, vf y) const {
        vf g = mask ? y * load(mask + k) : y;
        if constexpr (Act == Activation::relu) g = load(d + k) > 0.0f ? g : vf{};
        else if constexpr (FromOutput) g = g * derivative_of_output<Act>(load(d + k));
        else g = g * load(d + k);
        store(dZ + k, g);
    }
};

/// Adds the wall seconds of its scope to *slot; does nothing (but test a pointer) when slot is null.
class PhaseTimer {
public:
    explicit PhaseTimer(double* slot) : slot_(slot) {
        if (slot_) t0_ = std::chrono::steady_clock::now();
    }
    ~PhaseTimer() {
        if (slot_) *slot_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    }
    PhaseTimer(const PhaseTimer&) = delete;
    PhaseTimer& operator=(const PhaseTimer&) = delete;

private:
    double* slot_;
    std::chrono::steady_clock::time_point t0_;
};

/// The profile's field, or null when not profiling.
double* phase(EngineProfile* profile, double EngineProfile::*field) { return profile ? &(profile->*field) : nullptr; }

/// log(1 + exp(s)) in double, without overflow.
double softplus(double s) { return std::max(s, 0.0) + std::log1p(std::exp(-std::abs(s))); }

}  // namespace

Engine::Engine(const ModelSpec& spec, int max_batch)
    : spec_(spec), layers_(layer_layouts(spec)), max_batch_(max_batch) {
    GINN_ASSERT(max_batch >= 1);
    stride_ = (max_batch + n_lanes - 1) / n_lanes * n_lanes;
    const size_t n_layers = layers_.size();
    A_.resize(n_layers);
    Z_.resize(n_layers);
    xhat_.resize(n_layers);
    dlin_.resize(n_layers);
    mask_.resize(n_layers);
    dZ_.resize(n_layers);
    dA_.resize(n_layers);
    bn_mean_.resize(n_layers);
    bn_var_.resize(n_layers);
    bn_invstd_.resize(n_layers);
    for (size_t l = 0; l < n_layers; ++l) {
        const LayerLayout& L = layers_[l];
        A_[l] = AlignedFloats(int64_t{L.n_in} * stride_);
        Z_[l] = AlignedFloats(int64_t{L.n_out} * stride_);
        if (l > 0) dA_[l] = AlignedFloats(int64_t{L.n_in} * stride_);
        if (L.gamma >= 0) {
            xhat_[l] = AlignedFloats(int64_t{L.n_out} * stride_);
            dlin_[l] = AlignedFloats(int64_t{L.n_out} * stride_);
            bn_mean_[l].assign(L.n_out, 0.0);
            bn_var_[l].assign(L.n_out, 0.0);
            bn_invstd_[l].assign(L.n_out, 0.0f);
        }
        if (L.hidden && spec.dropout > 0) mask_[l] = AlignedFloats(int64_t{L.n_out} * stride_);
    }
    // layer l's dZ lives from the backward pass of layer l + 1 (or the loss) to its own: layers of the same parity share
    // one buffer (a working set of two instead of one per layer, which keeps the deep nets' arrays in L2)
    for (int parity = 0; parity < 2; ++parity) {
        int64_t size = 0;
        for (size_t l = parity; l < n_layers; l += 2) size = std::max(size, int64_t{layers_[l].n_out} * stride_);
        dZ_buffers_[parity] = AlignedFloats(size);
    }
    for (size_t l = 0; l < n_layers; ++l) dZ_[l] = dZ_buffers_[l % 2].get();
    fused_ = !spec.batch_norm && !spec.residual && with_fused_activation(spec.activation, [](auto) {});
    d_from_output_ = fused_ && derivative_from_output(spec.activation) && spec.dropout == 0;
    D_.resize(n_layers);
    if (fused_ && spec.activation != Activation::relu && !d_from_output_)
        for (size_t l = 0; l + 1 < n_layers; ++l) D_[l] = AlignedFloats(int64_t{layers_[l].n_out} * stride_);
    labels_.assign(stride_, 0);
    target_ = AlignedFloats(stride_);
    valid_ = AlignedFloats(stride_);
}

void Engine::forward(const float* params, int n, bool train, Rng* dropout_rng) {
    GINN_ASSERT(n >= 1 && n <= max_batch_);
    n_ = n;
    const int S = stride_;
    std::fill(A_[0].get() + n, A_[0].get() + S, 0.0f);  // padding columns of x and y
    std::fill(A_[0].get() + S + n, A_[0].get() + 2 * S, 0.0f);
    const bool drop = train && dropout_rng && spec_.dropout > 0;
    masked_ = drop;
    const uint64_t key = drop ? dropout_rng->next() : 0;  // one draw per pass keys every layer's mask
    for (size_t l = 0; l < layers_.size(); ++l) {
        const LayerLayout& L = layers_[l];
        float* Z = Z_[l].get();
        if (L.hidden && fused_) {  // A_{l+1} = act(W A + b) (* mask) and D_l = act'(...) in the matmul's epilogue
            if (drop) {
                const PhaseTimer timer(phase(profile_, &EngineProfile::dropout_mask));
                draw_dropout_mask(l, key);
            }
            const float* mask = drop ? mask_[l].get() : nullptr;
            const PhaseTimer timer(phase(profile_, &EngineProfile::gemm_forward));
            const auto forward_matmul = [&](const auto& epilogue) {
                matmul(params + L.W, L.n_in, 1, params + L.b, A_[l].get(), L.n_out, L.n_in, S, epilogue);
            };
            with_fused_activation(spec_.activation, [&](auto act) {
                constexpr Activation a = decltype(act)::value;
                if (train && D_[l].size > 0)
                    forward_matmul(ActivationEpilogue<a, /*Derivative=*/true>{A_[l + 1].get(), D_[l].get(), mask});
                else
                    forward_matmul(ActivationEpilogue<a, /*Derivative=*/false>{A_[l + 1].get(), nullptr, mask});
            });
            continue;
        }
        {
            const PhaseTimer timer(phase(profile_, &EngineProfile::gemm_forward));
            matmul(params + L.W, L.n_in, 1, params + L.b, A_[l].get(), L.n_out, L.n_in, S, StoreEpilogue{Z});  // Z = W A + b
        }
        if (!L.hidden) break;
        if (drop) {
            const PhaseTimer timer(phase(profile_, &EngineProfile::dropout_mask));
            draw_dropout_mask(l, key);
        }
        const PhaseTimer timer(phase(profile_, &EngineProfile::rows));
        with_lane_activation(spec_.activation, [&](const auto& act) { rows_forward(params, l, n, train, drop, act); });
    }
}

template <typename Act>
void Engine::rows_forward(const float* params, size_t l, int n, bool train, bool drop, const Act& act) {
    // Per unit o, once batch norm's statistics are known (Ioffe and Szegedy 2015: the batch's in training, the
    // running ones in evaluation), one pass over its row: normalise, residual add, activation, dropout mask.
    const LayerLayout& L = layers_[l];
    const int S = stride_;
    const bool bn = L.gamma >= 0;
    for (int o = 0; o < L.n_out; ++o) {  // one row (unit) at a time, while it is in L1
        const int64_t row = int64_t{o} * S;
        float* z = Z_[l].get() + row;
        float mean = 0, inv = 1, gamma = 1, beta = 0;
        if (bn && train) {  // float sums in a fixed order; the variance is the biased one, as used for normalising
            mean = row_sum(z, n, [](vf x) { return x; }) / static_cast<float>(n);
            const float var = row_sum(z, n, [mean](vf x) { return (x - mean) * (x - mean); }) / static_cast<float>(n);
            bn_mean_[l][o] = mean;
            bn_var_[l][o] = var;
            inv = bn_invstd_[l][o] = static_cast<float>(1.0 / std::sqrt(double{var} + spec_.bn_eps));
        } else if (bn) {
            mean = params[L.running_mean + o];
            inv = static_cast<float>(1.0 / std::sqrt(double{params[L.running_var + o]} + spec_.bn_eps));
        }
        if (bn) {
            gamma = params[L.gamma + o];
            beta = params[L.beta + o];
        }
        float* xh = bn ? xhat_[l].get() + row : nullptr;
        const float* residual = L.residual ? A_[l].get() + row : nullptr;
        const float* mask = drop ? mask_[l].get() + row : nullptr;
        float* out = A_[l + 1].get() + row;
        for (int s = 0; s < S; s += n_lanes) {
            vf y = load(z + s);
            if (bn) {
                const vf x = (y - mean) * inv;
                store(xh + s, x);
                y = gamma * x + beta;
            }
            if (residual) y += load(residual + s);
            store(z + s, y);  // the pre-activation, for the derivative in backward
            const vf a = act.value(y);
            store(out + s, mask ? a * load(mask + s) : a);
        }
    }
}

template <typename Act>
void Engine::rows_backward(const float* params, size_t l, float* grad, const Act& act) {
    // Per unit o: dZ = act'(Z) (mask dA_{l+1}); through batch norm, with dxhat = dZ gamma,
    // dlin = invstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) in the batch's columns and 0 in the padding.
    const LayerLayout& L = layers_[l];
    const int S = stride_, n = n_;
    const bool bn = L.gamma >= 0;
    const float* valid = valid_.get();  // > 0 in the batch's columns
    for (int o = 0; o < L.n_out; ++o) {  // one row (unit) at a time, while it is in L1
        const int64_t row = int64_t{o} * S;
        const float* g = dA_[l + 1].get() + row;  // gradient with respect to this layer's output
        const float* z = Z_[l].get() + row;
        const float* mask = masked_ ? mask_[l].get() + row : nullptr;
        const float* xh = bn ? xhat_[l].get() + row : nullptr;
        float* dz = dZ_[l] + row;
        vf sum_dy = {}, sum_dy_xh = {};
        for (int s = 0; s < S; s += n_lanes) {
            const vf dy = act.grad(load(z + s), mask ? load(g + s) * load(mask + s) : load(g + s));
            store(dz + s, dy);
            if (bn) {
                const vf dy_valid = s + n_lanes <= n ? dy : load(valid + s) > 0.0f ? dy : vf{};
                sum_dy += dy_valid;
                sum_dy_xh += dy_valid * load(xh + s);
            }
        }
        if (!bn) continue;
        grad[L.gamma + o] = hsum(sum_dy_xh);
        grad[L.beta + o] = hsum(sum_dy);
        grad[L.running_mean + o] = 0.0f;
        grad[L.running_var + o] = 0.0f;
        const float gamma = params[L.gamma + o], inv = bn_invstd_[l][o];
        const float mean_dy = hsum(sum_dy) / static_cast<float>(n), mean_dy_xh = hsum(sum_dy_xh) / static_cast<float>(n);
        float* out = dlin_[l].get() + row;  // separate from dZ, which the residual path still needs
        for (int s = 0; s < S; s += n_lanes) {
            const vf x = gamma * inv * (load(dz + s) - mean_dy - load(xh + s) * mean_dy_xh);
            store(out + s, load(valid + s) > 0.0f ? x : vf{});
        }
    }
}

void Engine::draw_dropout_mask(size_t l, uint64_t key) {
    // inverted dropout: keep with probability 1-p and scale by 1/(1-p); u >= p with u = r 2^-24 is r >= ceil(p 2^24)
    const float p = static_cast<float>(spec_.dropout), keep_scale = static_cast<float>(1.0 / (1.0 - spec_.dropout));
    const auto threshold = static_cast<uint32_t>(std::ceil(static_cast<double>(p) * 0x1.0p24));
    dropout_mask(key, /*stream=*/l, threshold, keep_scale, mask_[l].get(), int64_t{layers_[l].n_out} * stride_);
}

double Engine::forward_train(const float* params, int n, Rng* dropout_rng) {
    forward(params, n, /*train=*/true, dropout_rng);
    const PhaseTimer timer(phase(profile_, &EngineProfile::loss));
    return loss_and_dlogits(n);
}

const float* Engine::forward_eval(const float* params, int n) {
    forward(params, n, /*train=*/false, nullptr);
    return Z_.back().get();
}

double Engine::loss_and_dlogits(int n) {
    const int S = stride_;
    const float* Z = Z_.back().get();
    float* dZ = dZ_.back();
    float* y = target_.get();
    float* w = valid_.get();
    for (int s = 0; s < S; ++s) {
        y[s] = s < n ? static_cast<float>(labels_[s]) : 0.0f;
        w[s] = s < n ? 1.0f / static_cast<float>(n) : 0.0f;
    }
    switch (spec_.head) {
        case Head::softmax2:
        case Head::sigmoid: {
            // One logit difference d per example (z1 - z0, or z): loss softplus((1 - 2y) d), gradient sigmoid(d) - y.
            // The log1p terms are summed as log(prod(1 + e)) in double, one log per 256 examples.
            const bool two = spec_.head == Head::softmax2;
            vf hinge = {}, bad = {};
            double log_sum = 0.0;
            using vd = double __attribute__((vector_size(64)));  // 8 lanes
            for (int s0 = 0; s0 < S; s0 += 256) {
                vd prod_lo = {1, 1, 1, 1, 1, 1, 1, 1}, prod_hi = prod_lo;  // lanes 0..7 and 8..15, in double
                for (int s = s0; s < std::min(S, s0 + 256); s += n_lanes) {
                    const vf d = two ? load(Z + S + s) - load(Z + s) : load(Z + s);
                    const vf ys = load(y + s), ws = load(w + s);
                    bad += d - d;  // NaN unless every d is finite
                    const vf e = exp_nonpositive(d < 0 ? d : -d) * (ws > 0 ? splat(1.0f) : splat(0.0f));
                    const vf sig = (d >= 0 ? splat(1.0f) : e) / (1.0f + e);
                    const vf dd = (sig - ys) * ws;
                    const vf sd = d - 2.0f * ys * d;
                    hinge += (sd > 0 ? sd : splat(0.0f)) * ws;
                    if (two) {
                        store(dZ + S + s, dd);
                        store(dZ + s, -dd);
                    } else {
                        store(dZ + s, dd);
                    }
                    prod_lo *= 1.0 + __builtin_convertvector(__builtin_shufflevector(e, e, 0, 1, 2, 3, 4, 5, 6, 7), vd);
                    prod_hi *= 1.0 + __builtin_convertvector(__builtin_shufflevector(e, e, 8, 9, 10, 11, 12, 13, 14, 15), vd);
                }
                double total = 1.0;
                for (int k = 0; k < n_lanes; ++k) total *= k < 8 ? prod_lo[k] : prod_hi[k - 8];
                log_sum += std::log(total);
            }
            return static_cast<double>(hsum(hinge)) + log_sum / n + static_cast<double>(hsum(bad));
        }
        case Head::softmax: {  // cross-entropy: logsumexp(z) - z_y; gradient softmax(z) - onehot(y)
            const int k = spec_.n_outputs();
            double total = 0.0;
            std::fill_n(dZ, int64_t{k} * S, 0.0f);
            for (int s = 0; s < n; ++s) {
                double zmax = -INFINITY;
                for (int c = 0; c < k; ++c) zmax = std::max(zmax, static_cast<double>(Z[int64_t{c} * S + s]));
                double den = 0.0;
                for (int c = 0; c < k; ++c) den += std::exp(Z[int64_t{c} * S + s] - zmax);
                total += zmax + std::log(den) - Z[int64_t{labels_[s]} * S + s];
                for (int c = 0; c < k; ++c) {
                    const double p = std::exp(Z[int64_t{c} * S + s] - zmax) / den;
                    dZ[int64_t{c} * S + s] = static_cast<float>((p - (c == labels_[s])) / n);
                }
            }
            return total / n;
        }
        case Head::regression: {  // squared error against the label as 0/1, mean over the batch
            double total = 0.0;
            for (int s = 0; s < S; ++s) {
                const double r = s < n ? Z[s] - static_cast<double>(labels_[s]) : 0.0;
                total += r * r;
                dZ[s] = static_cast<float>(2.0 * r / n);
            }
            return total / n;
        }
    }
    return NAN;
}

void Engine::backward(const float* params, float* grad) {
    const int S = stride_;
    for (size_t l = layers_.size(); l-- > 0;) {
        const LayerLayout& L = layers_[l];
        float* dZ = dZ_[l];
        const int64_t size = int64_t{L.n_out} * S;
        float* dlin = dZ;  // gradient with respect to the linear output W A + b
        if (L.hidden && !fused_) {  // (fused layers got dZ from the layer above, in its matmul's epilogue)
            const PhaseTimer timer(phase(profile_, &EngineProfile::rows_backward));
            with_lane_activation(spec_.activation, [&](const auto& act) { rows_backward(params, l, grad, act); });
            if (L.gamma >= 0) dlin = dlin_[l].get();
        }
        {
            const PhaseTimer timer(phase(profile_, &EngineProfile::weight_grad));
            grad_weights_bias(dlin, A_[l].get(), L.n_out, L.n_in, S, grad + L.W, grad + L.b);
        }
        if (l == 0) break;
        const PhaseTimer timer(phase(profile_, &EngineProfile::gemm_backward));
        if (fused_) {  // dZ_{l-1} = act'(Z_{l-1}) * (mask * W^T dlin), the derivative as the matmul's epilogue
            const float* mask = masked_ ? mask_[l - 1].get() : nullptr;
            const auto backward_matmul = [&](const auto& epilogue) {
                matmul(params + L.W, 1, L.n_in, nullptr, dlin, L.n_in, L.n_out, S, epilogue);
            };
            with_fused_activation(spec_.activation, [&](auto act) {
                constexpr Activation a = decltype(act)::value;
                if constexpr (derivative_from_output(a)) {
                    if (d_from_output_)  // the derivative from this layer's input, the layer below's output
                        return backward_matmul(DerivativeEpilogue<a, /*FromOutput=*/true>{dZ_[l - 1], A_[l].get(), mask});
                }
                backward_matmul(DerivativeEpilogue<a>{dZ_[l - 1], a == Activation::relu ? A_[l].get() : D_[l - 1].get(), mask});
            });
            continue;
        }
        float* dA = dA_[l].get();
        matmul(params + L.W, 1, L.n_in, nullptr, dlin, L.n_in, L.n_out, S, StoreEpilogue{dA});  // dA = W^T dlin
        if (L.residual)
            for (int64_t k = 0; k < size; ++k) dA[k] += dZ[k];
    }
}

void Engine::update_running_stats(float* params) const {
    const double m = spec_.bn_momentum;
    for (size_t l = 0; l < layers_.size(); ++l) {
        const LayerLayout& L = layers_[l];
        if (L.gamma < 0) continue;
        const double unbias = n_ > 1 ? static_cast<double>(n_) / (n_ - 1) : 1.0;  // PyTorch stores the unbiased variance
        for (int o = 0; o < L.n_out; ++o) {
            params[L.running_mean + o] = static_cast<float>((1 - m) * params[L.running_mean + o] + m * bn_mean_[l][o]);
            params[L.running_var + o] =
                static_cast<float>((1 - m) * params[L.running_var + o] + m * bn_var_[l][o] * unbias);
        }
    }
}

void Engine::loss_sums(int n, double* loss_sum, int64_t* n_correct) const {
    const int S = stride_;
    const float* Z = Z_.back().get();
    double total = 0.0;
    int64_t correct = 0;
    if (spec_.head == Head::softmax2 || spec_.head == Head::sigmoid) {
        // loss softplus((1 - 2y) d) = max(s, 0) + log1p(exp(-|d|)): 16 examples per register, the log1p terms summed
        // as the log of a double-precision product, once per 256 examples
        const bool two = spec_.head == Head::softmax2;
        for (int s0 = 0; s0 < n; s0 += 256) {
            double prod = 1.0;
            for (int s = s0; s < std::min(n, s0 + 256); s += n_lanes) {
                const vf d = two ? load(Z + S + s) - load(Z + s) : load(Z + s);
                const vf e = exp_nonpositive(d < 0 ? d : -d);
                float df[n_lanes], ef[n_lanes];
                store(df, d);
                store(ef, e);
                for (int k = 0; k < std::min(n_lanes, n - s); ++k) {
                    const int y = labels_[s + k];
                    const double sd = y ? -double{df[k]} : double{df[k]};
                    total += std::max(sd, 0.0);
                    prod *= 1.0 + double{ef[k]};
                    correct += (df[k] > 0) == (y == 1);
                }
            }
            total += std::log(prod);
        }
        *loss_sum = total;
        *n_correct = correct;
        return;
    }
    for (int s = 0; s < n; ++s) {
        const int y = labels_[s];
        switch (spec_.head) {
            case Head::softmax2:
            case Head::sigmoid: {
                const double d = spec_.head == Head::softmax2 ? double{Z[S + s]} - Z[s] : double{Z[s]};
                total += softplus(y ? -d : d);
                correct += (d > 0) == (y == 1);
                break;
            }
            case Head::softmax: {
                const int k = spec_.n_outputs();
                int best = 0;
                double zmax = Z[s];
                for (int c = 1; c < k; ++c)
                    if (Z[int64_t{c} * S + s] > zmax) { zmax = Z[int64_t{c} * S + s]; best = c; }
                double den = 0.0;
                for (int c = 0; c < k; ++c) den += std::exp(Z[int64_t{c} * S + s] - zmax);
                total += zmax + std::log(den) - Z[int64_t{y} * S + s];
                correct += best == y;
                break;
            }
            case Head::regression: {
                const double r = Z[s] - static_cast<double>(y);
                total += r * r;
                correct += (Z[s] > 0.5f) == (y == 1);
                break;
            }
        }
    }
    *loss_sum = total;
    *n_correct = correct;
}

}  // namespace ginn::detail
