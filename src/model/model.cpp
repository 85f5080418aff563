// ModelSpec validation, the flat parameter layout, initialisers and the conversion to the evaluation form.
// Not training: the trainer (trainer.cpp) and its kernels (engine.cpp) consume what is defined here.
#include "ginn/model/model.h"

#include <cmath>

#include "ginn/model/detail/layout.h"
#include "ginn/core/detail/rng.h"
#include "ginn/core/detail/names.h"
#include "ginn/core/error.h"

namespace ginn {

const std::vector<std::string>& init_names() {
    static const std::vector<std::string> names = {"pytorch", "he_normal", "xavier"};
    return names;
}
std::string_view init_name(Init i) { return init_names()[static_cast<size_t>(i)]; }
Init init_from_name(std::string_view name, const std::string& where) {
    return detail::enum_from_name<Init>(name, init_names(), where, "init", "pytorch is GINN's choice");
}

void ModelSpec::validate() const {
    const std::string where = "model";
    if (widths.empty() || static_cast<int>(widths.size()) > max_layers)
        throw Error(where, std::to_string(widths.size()) + " hidden layers",
                    "1.." + std::to_string(max_layers) + " hidden layers", "for example --widths 16,16,16");
    for (size_t l = 0; l < widths.size(); ++l)
        if (widths[l] < 1 || widths[l] > max_width)
            throw Error(where, "hidden layer " + std::to_string(l + 1) + " has width " + std::to_string(widths[l]),
                        "a width in 1.." + std::to_string(max_width), "for example --widths 16,16,16");
    if (activation == Activation::softplus) {
        std::string trained;
        for (const std::string& name : trainable_activation_names()) trained += (trained.empty() ? "" : ", ") + name;
        throw Error(where, "activation softplus", "one that ginn trains: " + trained,
                    "softplus networks come from elsewhere: import them with --model FILE.onnx or ginn.Network.from_torch");
    }
    if (!(dropout >= 0.0 && dropout < 1.0))
        throw Error(where, "dropout " + number_text(dropout), "a drop probability in [0, 1)", "0 disables dropout");
    if (batch_norm && !(bn_momentum >= 0.0 && bn_momentum <= 1.0))
        throw Error(where, "batch-norm momentum " + number_text(bn_momentum), "a value in [0, 1]", "PyTorch uses 0.1");
    if (batch_norm && !(bn_eps > 0.0 && std::isfinite(bn_eps)))
        throw Error(where, "batch-norm eps " + number_text(bn_eps), "a small positive number", "PyTorch uses 1e-5");
    if (n_classes < 2 || n_classes > max_width)
        throw Error(where, std::to_string(n_classes) + " classes", "2.." + std::to_string(max_width) + " classes");
    if (head != Head::softmax && n_classes != 2)
        throw Error(where, "head " + std::string(head_name(head)) + " with " + std::to_string(n_classes) + " classes",
                    "2 classes for the softmax2, sigmoid and regression heads", "use the softmax head for k classes");
}

int ModelSpec::n_outputs() const {
    switch (head) {
        case Head::softmax2: return 2;
        case Head::softmax: return n_classes;
        case Head::sigmoid:
        case Head::regression: return 1;
    }
    return 2;
}

namespace detail {
std::vector<LayerLayout> layer_layouts(const ModelSpec& spec) {
    std::vector<LayerLayout> layers;
    int64_t offset = 0;
    int n_in = 2;
    for (size_t l = 0; l <= spec.widths.size(); ++l) {
        LayerLayout L;
        L.hidden = l < spec.widths.size();
        L.n_in = n_in;
        L.n_out = L.hidden ? spec.widths[l] : spec.n_outputs();
        L.residual = L.hidden && spec.residual && L.n_in == L.n_out;
        L.W = offset;
        offset += int64_t{L.n_out} * L.n_in;
        L.b = offset;
        offset += L.n_out;
        if (L.hidden && spec.batch_norm) {
            L.gamma = offset;
            L.beta = offset + L.n_out;
            L.running_mean = offset + 2 * L.n_out;
            L.running_var = offset + 3 * L.n_out;
            offset += 4 * L.n_out;
        }
        layers.push_back(L);
        n_in = L.n_out;
    }
    return layers;
}
}  // namespace detail

int64_t n_params(const ModelSpec& spec) {
    int64_t n = 0;
    for (const auto& L : detail::layer_layouts(spec))
        n += int64_t{L.n_out} * L.n_in + L.n_out + (L.gamma >= 0 ? 4 * L.n_out : 0);
    return n;
}

int64_t n_trainable(const ModelSpec& spec) {
    int64_t n = 0;
    for (const auto& L : detail::layer_layouts(spec))
        n += int64_t{L.n_out} * L.n_in + L.n_out + (L.gamma >= 0 ? 2 * L.n_out : 0);
    return n;
}

std::vector<float> init_params(const ModelSpec& spec, uint64_t seed) {
    spec.validate();
    std::vector<float> p(static_cast<size_t>(n_params(spec)), 0.0f);
    detail::Rng rng(seed);
    for (const auto& L : detail::layer_layouts(spec)) {
        const int64_t n_w = int64_t{L.n_out} * L.n_in;
        switch (spec.init) {
            case Init::pytorch: {  // nn.Linear.reset_parameters: kaiming_uniform(a=sqrt(5)) = U(+-1/sqrt(n_in))
                const double bound = 1.0 / std::sqrt(static_cast<double>(L.n_in));
                for (int64_t k = 0; k < n_w; ++k) p[L.W + k] = static_cast<float>(bound * (2 * rng.uniform() - 1));
                for (int k = 0; k < L.n_out; ++k) p[L.b + k] = static_cast<float>(bound * (2 * rng.uniform() - 1));
                break;
            }
            case Init::he_normal: {  // He et al. 2015: N(0, 2/n_in)
                const double sd = std::sqrt(2.0 / L.n_in);
                for (int64_t k = 0; k < n_w; ++k) p[L.W + k] = static_cast<float>(sd * rng.normal());
                break;
            }
            case Init::xavier: {  // Glorot and Bengio 2010: U(+-sqrt(6/(n_in+n_out)))
                const double bound = std::sqrt(6.0 / (L.n_in + L.n_out));
                for (int64_t k = 0; k < n_w; ++k) p[L.W + k] = static_cast<float>(bound * (2 * rng.uniform() - 1));
                break;
            }
        }
        if (L.gamma >= 0)
            for (int k = 0; k < L.n_out; ++k) {
                p[L.gamma + k] = 1.0f;
                p[L.running_var + k] = 1.0f;
            }
    }
    return p;
}

namespace {

/// Layer 1 as a function of domain coordinates x when it was trained on u = D x + t (D diagonal, normalized_input):
/// z = W u + b (+ u with a residual) = W' x + b' with W' = (W + [residual] I) D, b' = b + (W + [residual] I) t.
void fold_input_map(DenseLayer& L, const Box& domain) {
    Eigen::MatrixXd A = L.W;  // (n_out, 2)
    if (L.residual) A += Eigen::MatrixXd::Identity(A.rows(), A.cols());
    const Eigen::Vector2d D{2 / domain.width(), 2 / domain.height()};
    const Eigen::Vector2d t{normalized_input(0, domain.x0, domain.x1), normalized_input(0, domain.y0, domain.y1)};
    L.b += A * t;
    L.W = A * D.asDiagonal();
    L.residual = false;
}

}  // namespace

Network to_network(const ModelSpec& spec, std::span<const float> params, const Box& domain) {
    spec.validate();
    if (static_cast<int64_t>(params.size()) != n_params(spec))
        throw Error("model", std::to_string(params.size()) + " parameters",
                    std::to_string(n_params(spec)) + " for this architecture", "the run and the model spec disagree");
    Network net;
    net.domain = domain;
    net.head = spec.head;
    for (const auto& L : detail::layer_layouts(spec)) {
        DenseLayer D;
        D.W.resize(L.n_out, L.n_in);
        D.b.resize(L.n_out);
        for (int o = 0; o < L.n_out; ++o) {
            // batch norm folded with running statistics: y = s * (W a + b - mean) + beta, s = gamma / sqrt(var + eps)
            double s = 1.0, shift = 0.0;
            if (L.gamma >= 0) {
                s = params[L.gamma + o] / std::sqrt(static_cast<double>(params[L.running_var + o]) + spec.bn_eps);
                shift = params[L.beta + o] - s * params[L.running_mean + o];
            }
            for (int i = 0; i < L.n_in; ++i) D.W(o, i) = s * params[L.W + int64_t{o} * L.n_in + i];
            D.b(o) = s * params[L.b + o] + shift;
        }
        D.activation = L.hidden ? spec.activation : Activation::linear;
        D.residual = L.residual;
        if (spec.normalize && net.layers.empty()) fold_input_map(D, domain);
        net.layers.push_back(std::move(D));
    }
    return net;
}

double normalized_input(double v, double lo, double hi) { return 2 * (v - lo) / (hi - lo) - 1; }

}  // namespace ginn
