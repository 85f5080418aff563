// Optimiser and learning-rate schedule names, validation, lr_at and the update step itself.
// Not the training loop (trainer.cpp): these functions act on flat float vectors and know nothing of layers.
#include "ginn/train/optim.h"

#include <cmath>

#include "ginn/core/detail/names.h"
#include "ginn/train/detail/optim_step.h"
#include "ginn/core/error.h"
#include "model/kernels.h"

namespace ginn {

using detail::enum_from_name;

const std::vector<std::string>& optimizer_names() {
    static const std::vector<std::string> names = {"sgd", "momentum", "adam"};
    return names;
}
OptimizerKind optimizer_from_name(std::string_view name, const std::string& where) {
    return enum_from_name<OptimizerKind>(name, optimizer_names(), where, "optimizer");
}
std::string_view optimizer_name(OptimizerKind k) { return optimizer_names()[static_cast<size_t>(k)]; }

const std::vector<std::string>& lr_schedule_names() {
    static const std::vector<std::string> names = {"constant", "cosine", "step"};
    return names;
}
LrSchedule lr_schedule_from_name(std::string_view name, const std::string& where) {
    return enum_from_name<LrSchedule>(name, lr_schedule_names(), where, "learning-rate schedule");
}
std::string_view lr_schedule_name(LrSchedule s) { return lr_schedule_names()[static_cast<size_t>(s)]; }

void OptimSpec::validate() const {
    const std::string where = "optimizer";
    if (!(lr > 0.0 && std::isfinite(lr)))
        throw Error(where, "learning rate " + number_text(lr), "a finite learning rate > 0", "GINN uses 1e-3");
    if (!(weight_decay >= 0.0 && std::isfinite(weight_decay)))
        throw Error(where, "weight decay " + number_text(weight_decay), "a finite weight decay >= 0");
    if (!(momentum >= 0.0 && momentum < 1.0))
        throw Error(where, "momentum " + number_text(momentum), "a momentum in [0, 1)", "0.9 is usual");
    if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0))
        throw Error(where, "Adam betas " + number_text(beta1) + ", " + number_text(beta2), "betas in [0, 1)",
                    "PyTorch uses 0.9 and 0.999");
    if (!(eps > 0.0 && std::isfinite(eps))) throw Error(where, "Adam eps " + number_text(eps), "eps > 0", "1e-8");
    if (schedule == LrSchedule::step && step_size < 1)
        throw Error(where, "step decay every " + std::to_string(step_size) + " iterations", "step_size >= 1");
    if (schedule == LrSchedule::step && !(gamma > 0.0 && gamma <= 1.0))
        throw Error(where, "step decay factor " + number_text(gamma), "gamma in (0, 1]", "0.1 is usual");
}

double lr_at(const OptimSpec& spec, int64_t it, int64_t total) {
    switch (spec.schedule) {
        case LrSchedule::constant: return spec.lr;
        case LrSchedule::cosine:  // CosineAnnealingLR with eta_min 0, closed form
            return total > 0 ? spec.lr * (1.0 + std::cos(M_PI * static_cast<double>(it) / static_cast<double>(total))) / 2
                             : spec.lr;
        case LrSchedule::step: return spec.lr * std::pow(spec.gamma, static_cast<double>(it / spec.step_size));
    }
    return spec.lr;
}

namespace detail {

void optimizer_step(const OptimSpec& spec, double lr, int64_t step, std::span<const std::pair<int64_t, int64_t>> ranges,
                    float* p, const float* g, float* m, float* v) {
    const float wd = static_cast<float>(spec.weight_decay);
    const float lr_f = static_cast<float>(lr);
    for (const auto& [begin, end] : ranges) {
        switch (spec.kind) {
            case OptimizerKind::sgd:  // p -= lr * (g + wd p)
                for (int64_t k = begin; k < end; ++k) p[k] -= lr_f * (g[k] + wd * p[k]);
                break;
            case OptimizerKind::momentum: {  // torch.optim.SGD(momentum): buf = mu buf + g; p -= lr buf
                const float mu = static_cast<float>(spec.momentum);
                for (int64_t k = begin; k < end; ++k) {
                    m[k] = mu * m[k] + (g[k] + wd * p[k]);
                    p[k] -= lr_f * m[k];
                }
                break;
            }
            case OptimizerKind::adam: {
                // Kingma and Ba 2015, as torch.optim.Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
                // p -= lr * mhat / (sqrt(vhat) + eps) with mhat = m / (1 - b1^t), vhat = v / (1 - b2^t).
                // 1 - beta in double, then rounded once (as PyTorch's Python-float scalars)
                const float b1 = static_cast<float>(spec.beta1), b2 = static_cast<float>(spec.beta2);
                const float one_b1 = static_cast<float>(1.0 - spec.beta1), one_b2 = static_cast<float>(1.0 - spec.beta2);
                const float c1 = static_cast<float>(1.0 / (1.0 - std::pow(spec.beta1, static_cast<double>(step))));
                const float c2 = static_cast<float>(1.0 / (1.0 - std::pow(spec.beta2, static_cast<double>(step))));
                const float eps = static_cast<float>(spec.eps);
                // 16 lanes at a time, then the tail; IEEE sqrt and division give the same bits either way
                int64_t k = begin;
                for (; k + n_lanes <= end; k += n_lanes) {
                    const vf pk = load(p + k), gk = load(g + k) + wd * pk;
                    const vf mk = b1 * load(m + k) + one_b1 * gk;
                    const vf vk = b2 * load(v + k) + one_b2 * gk * gk;
                    store(m + k, mk);
                    store(v + k, vk);
                    store(p + k, pk - lr_f * (mk * c1) / (sqrt(vk * c2) + eps));
                }
                for (; k < end; ++k) {
                    const float gk = g[k] + wd * p[k];
                    m[k] = b1 * m[k] + one_b1 * gk;
                    v[k] = b2 * v[k] + one_b2 * gk * gk;
                    p[k] -= lr_f * (m[k] * c1) / (std::sqrt(v[k] * c2) + eps);
                }
                break;
            }
        }
    }
}

}  // namespace detail
}  // namespace ginn
