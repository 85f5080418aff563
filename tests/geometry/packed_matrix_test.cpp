// Tests for the maps' packed matrix product (src/geometry/packed_matrix.h, internal) against a brute-force product.
// Not a benchmark (bench/geometry_bench.cpp times the geometry that uses it).
#include "../../src/geometry/packed_matrix.h"

#include <gtest/gtest.h>

#include <random>

namespace ginn {
namespace {

// Small integers, so that every product and sum is exact in any order (at most 130 terms of at most 81: exact in
// float too): the packed product must equal the brute-force one exactly, on shapes with partial panels and partial
// column groups, with strides (ld) longer than the columns, and must leave the rows past each output column untouched.
// `zero_rows`: each face's three columns (a group: the product skips rows that are zero in all of its columns) get
// rows of zeros with that probability, zeros in some of a group's columns only, and a face entirely zero; 0: the
// entries are never zero, so that every group takes the path without a row list.
template <typename T>
void expect_brute_force_product_on_every_shape(double zero_rows) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> entry(1, 9), sign(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    auto nonzero = [&] { return T(sign(rng) ? entry(rng) : -entry(rng)); };
    constexpr T sentinel = 12345.5;
    for (const int rows : {1, 2, 3, 7, 23, 24, 25, 31, 32, 33, 48, 64, 100, 130})
        for (const int cols : {1, 2, 5, 64, 129})
            for (const int n : {1, 2, 3, 4, 5, 6, 7, 8, 13}) {
                Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> A(rows, cols);
                for (Eigen::Index i = 0; i < A.size(); ++i) A(i) = nonzero();
                detail::PackedMatrixOf<T> P;
                P.pack(A);
                ASSERT_EQ(P.rows(), rows);
                ASSERT_EQ(P.cols(), cols);
                const size_t ld_in = size_t(cols) + 3, ld_out = size_t(rows) + 5;
                std::vector<T> in(ld_in * n), out(ld_out * n, sentinel);
                for (T& x : in) x = nonzero();
                if (zero_rows > 0)
                    for (int f = 0; 3 * f < n; ++f)
                        for (int k = 0; k < cols; ++k)
                            for (int c = 3 * f; c < std::min(n, 3 * f + 3); ++c)
                                if (f == 1 || (uniform(rng) < zero_rows && (k % 5 != 0 || c == 3 * f)))
                                    in[c * ld_in + k] = 0;
                P.times(in.data(), ld_in, out.data(), ld_out, n);
                for (int c = 0; c < n; ++c) {
                    for (int r = 0; r < rows; ++r) {
                        T want = 0;
                        for (int k = 0; k < cols; ++k) want += A(r, k) * in[c * ld_in + k];
                        ASSERT_EQ(out[c * ld_out + r], want) << rows << "x" << cols << " times " << n << " columns, "
                                                             << "entry (" << r << ", " << c << "), zero rows "
                                                             << zero_rows;
                    }
                    for (size_t r = rows; r < ld_out; ++r) ASSERT_EQ(out[c * ld_out + r], sentinel);
                }
            }
}

TEST(packed_matrix_test, equals_brute_force_product_on_every_shape) {
    for (const double zero_rows : {0.0, 0.5, 0.9}) {
        expect_brute_force_product_on_every_shape<double>(zero_rows);
        expect_brute_force_product_on_every_shape<float>(zero_rows);
    }
}

}  // namespace
}  // namespace ginn
