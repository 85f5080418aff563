// Gaussian naive Bayes on pixel vectors, as scikit-learn's GaussianNB (per-class means and variances, priors from
// class frequencies, variance smoothing 1e-9 x the largest feature variance), with an exact argmax.
// Not a general classifier library: just what `ginn flips` (Fishbein & Debata's experiment) needs.
//
// Intended usage:
//   1. GaussianNB nb = fit_gaussian_nb(train_images, train_labels);
//   2. nb.predict(x) for one image (x: n_features bytes), or score() for one class's joint log-likelihood.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "ginn/flips/idx.h"

namespace ginn {

/// The fitted model. Its class scores define the classifier: for class c and pixel vector x,
///     S_c(x) = K_c - sum_j H(j, c) * (x_j - theta(j, c))^2,   H = 0.5 / var (rounded once to a double),
///     K_c = log prior_c - 0.5 * sum_j log(2 pi var(j, c)),
/// and the prediction is argmax_c S_c(x), ties to the lowest class (numpy's argmax, as scikit-learn's predict).
/// "Exact" decisions below are exact for these stored doubles (K, theta, H): equal to rational arithmetic on them.
struct GaussianNB {
    using Table = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    int n_features = 0, n_classes = 0;
    std::vector<int> classes;  ///< label value of each class index, ascending (scikit-learn's classes_)
    Table theta;               // (n_features, n_classes) per-class means
    Table var;                 // (n_features, n_classes) per-class variances + epsilon
    Table H;                   // (n_features, n_classes) 0.5 / var
    Eigen::VectorXd K;         // (n_classes) log prior - 0.5 sum log(2 pi var)
    double epsilon = 0;        ///< the variance smoothing added: 1e-9 x the largest variance over all training pixels

    /// S_c(x) in double (recursive summation over pixels). |error| <= score_error_bound(c, x).
    double score(const uint8_t* x, int c) const;
    /// A certified bound on |score(x, c) - S_c(x)| (float rounding of the sum above).
    double score_error_bound(const uint8_t* x, int c) const;
    /// argmax_c S_c(x), decided exactly (double with certified margins, exact rationals when closer).
    int predict(const uint8_t* x) const;
};

/// Fits the model: theta and var per class (var with denominator n_c, as numpy's var), priors n_c / n.
/// Throws Error when a label has fewer than one image, or sizes disagree.
/// Example: `GaussianNB nb = fit_gaussian_nb(read_idx_images(a), read_idx_labels(b));`
GaussianNB fit_gaussian_nb(const IdxImages& images, const std::vector<uint8_t>& labels);

/// A model from given parameters (tests): theta, var (n_features, n_classes), priors (n_classes, summing to 1).
GaussianNB gaussian_nb_from(const GaussianNB::Table& theta, const GaussianNB::Table& var, const Eigen::VectorXd& prior);

namespace detail {
/// Exact argmax over `candidates` of S_c(x) with x_j replaced by `value` (j < 0: x unchanged), ties to the lowest
/// class, in rational arithmetic (GMP). Slow: for the rare decisions double cannot certify.
int exact_argmax(const GaussianNB& nb, const uint8_t* x, int j, int value, const std::vector<int>& candidates);
}  // namespace detail

}  // namespace ginn
