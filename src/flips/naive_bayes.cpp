// Gaussian naive Bayes: fitting as scikit-learn does, double scores with certified error bounds, and the exact
// (GMP rational) argmax used when two classes are too close for double to decide. Not the flip search (flips.cpp).
#include "ginn/flips/naive_bayes.h"

#include <gmpxx.h>

#include <cmath>
#include <numbers>

#include "ginn/core/error.h"

namespace ginn {

namespace {
constexpr double unit_roundoff = 0x1p-53;
}  // namespace

double GaussianNB::score(const uint8_t* x, int c) const {
    double sum = K(c);
    for (int j = 0; j < n_features; ++j) {
        const double q = x[j] - theta(j, c);
        sum -= H(j, c) * (q * q);
    }
    return sum;
}

double GaussianNB::score_error_bound(const uint8_t* x, int c) const {
    // Each term H q^2 carries relative error <= 4u (q, q^2, the product); recursive summation of n + 1 terms adds
    // <= n u per unit of sum |terms| (Higham, Accuracy and Stability, 2nd ed., eq. 4.4). Doubled for margin.
    double magnitude = std::abs(K(c));
    for (int j = 0; j < n_features; ++j) {
        const double q = x[j] - theta(j, c);
        magnitude += H(j, c) * (q * q);
    }
    return 2 * (n_features + 8) * unit_roundoff * magnitude * 1.01;
}

int GaussianNB::predict(const uint8_t* x) const {
    std::vector<double> s(n_classes), err(n_classes);
    int best = 0;
    for (int c = 0; c < n_classes; ++c) {
        s[c] = score(x, c);
        err[c] = score_error_bound(x, c);
        if (s[c] > s[best]) best = c;
    }
    std::vector<int> close;
    for (int c = 0; c < n_classes; ++c)
        if (c == best || s[best] - s[c] <= err[best] + err[c]) close.push_back(c);
    return close.size() == 1 ? best : detail::exact_argmax(*this, x, -1, 0, close);
}

GaussianNB gaussian_nb_from(const GaussianNB::Table& theta, const GaussianNB::Table& var, const Eigen::VectorXd& prior) {
    GaussianNB nb;
    nb.n_features = int(theta.rows());
    nb.n_classes = int(theta.cols());
    GINN_ASSERT(var.rows() == theta.rows() && var.cols() == theta.cols() && prior.size() == theta.cols());
    for (int c = 0; c < nb.n_classes; ++c) nb.classes.push_back(c);
    nb.theta = theta;
    nb.var = var;
    nb.H = (0.5 / var.array()).matrix();
    nb.K.resize(nb.n_classes);
    for (int c = 0; c < nb.n_classes; ++c) {
        double log_det = 0;
        for (int j = 0; j < nb.n_features; ++j) log_det += std::log(2 * std::numbers::pi * var(j, c));
        nb.K(c) = std::log(prior(c)) - 0.5 * log_det;
    }
    return nb;
}

GaussianNB fit_gaussian_nb(const IdxImages& images, const std::vector<uint8_t>& labels) {
    if (int64_t(labels.size()) != images.n)
        throw Error("training data", std::to_string(images.n) + " images but " + std::to_string(labels.size()) + " labels",
                    "one label per image", "pass the matching --train-images and --train-labels files");
    const int d = int(images.n_pixels());
    std::vector<int> index_of(256, -1), classes;
    for (uint8_t y : labels) index_of[y] = 0;
    for (int v = 0; v < 256; ++v)
        if (index_of[v] == 0) {
            index_of[v] = int(classes.size());
            classes.push_back(v);
        }
    const int k = int(classes.size());
    if (k < 2)
        throw Error("training labels", "hold a single class", "at least two classes", "check the labels file");
    // Means, then variances about them (two passes, as numpy's var), per class; and over all images for epsilon.
    GaussianNB::Table sum = GaussianNB::Table::Zero(d, k), sq = GaussianNB::Table::Zero(d, k);  // (d, k)
    Eigen::VectorXd count = Eigen::VectorXd::Zero(k), all_sum = Eigen::VectorXd::Zero(d), all_sq = Eigen::VectorXd::Zero(d);
    for (int64_t i = 0; i < images.n; ++i) {
        const int c = index_of[labels[i]];
        const uint8_t* x = images.image(i);
        count(c) += 1;
        for (int j = 0; j < d; ++j) sum(j, c) += x[j], all_sum(j) += x[j];
    }
    const GaussianNB::Table theta = sum.array().rowwise() / count.transpose().array();
    const Eigen::VectorXd all_mean = all_sum / double(images.n);
    for (int64_t i = 0; i < images.n; ++i) {
        const int c = index_of[labels[i]];
        const uint8_t* x = images.image(i);
        for (int j = 0; j < d; ++j) {
            const double q = x[j] - theta(j, c), r = x[j] - all_mean(j);
            sq(j, c) += q * q;
            all_sq(j) += r * r;
        }
    }
    GaussianNB::Table var = sq.array().rowwise() / count.transpose().array();
    const double epsilon = 1e-9 * (all_sq / double(images.n)).maxCoeff();
    if (!(epsilon > 0))
        throw Error("training images", "are all identical", "images that vary", "check the images file");
    var.array() += epsilon;
    GaussianNB nb = gaussian_nb_from(theta, var, count / double(images.n));
    nb.classes = classes;
    nb.epsilon = epsilon;
    return nb;
}

namespace detail {

int exact_argmax(const GaussianNB& nb, const uint8_t* x, int j_changed, int value, const std::vector<int>& candidates) {
    GINN_ASSERT(!candidates.empty());
    int best = -1;
    mpq_class best_score;
    for (int c : candidates) {  // ascending, so a tie keeps the lower class
        mpq_class s(nb.K(c));
        for (int j = 0; j < nb.n_features; ++j) {
            const mpq_class q = mpq_class(j == j_changed ? value : x[j]) - mpq_class(nb.theta(j, c));
            s -= mpq_class(nb.H(j, c)) * q * q;
        }
        if (best < 0 || s > best_score) best = c, best_score = s;
    }
    return best;
}

}  // namespace detail

}  // namespace ginn
