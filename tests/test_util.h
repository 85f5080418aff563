// Helpers shared by the GoogleTest files: comparisons that name the failing entry, and small fixture datasets.
// Not a test framework: only assertions and fixtures that more than one test file needs.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <Eigen/Dense>
#include <cmath>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "ginn/data/dataset.h"
#include "ginn/core/error.h"

namespace ginn::test {

/// The message of the ginn::Error that f throws, or "" when it throws none.
inline std::string error_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

/// Expects `f` to throw ginn::Error whose message contains every one of `parts`.
inline void expect_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
    const std::string message = error_message(f);
    if (message.empty()) {
        ADD_FAILURE() << "expected ginn::Error mentioning '" << parts.front() << "'";
        return;
    }
    for (const std::string& part : parts)
        EXPECT_NE(message.find(part), std::string::npos) << "message '" << message << "' lacks '" << part << "'";
}

/// A fresh, empty scratch directory under the test temp dir, named after the test file and case and this process.
inline std::string scratch_dir(const std::string& name) {
    // The process id keeps parallel test processes (and other checkouts on this machine) out of each other's way.
    const std::filesystem::path dir =
        std::filesystem::path(testing::TempDir()) / ("ginn_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

/// Expects |a(i, j) - b(i, j)| <= tol for every entry, reporting the first failing (i, j) and both values.
template <typename A, typename B>
void expect_matrix_near(const A& a, const B& b, double tol, const std::string& what = "matrix") {
    ASSERT_EQ(a.rows(), b.rows()) << what << ": row counts differ";
    ASSERT_EQ(a.cols(), b.cols()) << what << ": column counts differ";
    for (Eigen::Index i = 0; i < a.rows(); ++i)
        for (Eigen::Index j = 0; j < a.cols(); ++j)
            if (!(std::abs(double(a(i, j)) - double(b(i, j))) <= tol)) {
                ADD_FAILURE() << what << "(" << i << ", " << j << "): " << a(i, j) << " vs " << b(i, j)
                              << " (tolerance " << tol << ")";
                return;
            }
}

/// Expects |a[k] - b[k]| <= abs_tol + rel_tol * |b[k]| for every k, reporting the first failing index.
inline void expect_vector_near(std::span<const double> a, std::span<const double> b, double abs_tol, double rel_tol,
                               const std::string& what = "vector") {
    ASSERT_EQ(a.size(), b.size()) << what << ": sizes differ";
    for (size_t k = 0; k < a.size(); ++k)
        if (!(std::abs(a[k] - b[k]) <= abs_tol + rel_tol * std::abs(b[k]))) {
            ADD_FAILURE() << what << "[" << k << "]: " << a[k] << " vs " << b[k] << " (tolerance " << abs_tol << " + "
                          << rel_tol << " relative)";
            return;
        }
}

/// A side x side grid on [-1, 1]^2 labelled 1 inside the circle of radius 0.7 (about 38% of the points);
/// every `test_every`-th point is in the test split when test_every > 0.
inline Dataset circle_grid(int side = 40, int test_every = 0) {
    Dataset d;
    d.name = "circle-grid";
    d.domain = {-1, 1, -1, 1};
    d.X.resize(int64_t{side} * side, 2);
    for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c) {
            const int64_t k = int64_t{r} * side + c;
            const float x = -1.0f + 2.0f * (c + 0.5f) / side, y = 1.0f - 2.0f * (r + 0.5f) / side;
            d.X(k, 0) = x;
            d.X(k, 1) = y;
            d.label.push_back(x * x + y * y < 0.49f ? 1 : 0);
            if (test_every > 0) d.is_test.push_back(k % test_every == 0);
        }
    return d;
}

}  // namespace ginn::test
