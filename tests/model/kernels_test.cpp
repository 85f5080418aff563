// Tests for the training engine's SIMD kernels (src/model/kernels.h) that have a reference of their own: the
// counter-based dropout generator against binomial statistics, the float tanh and expm1 against libm over the float
// range, the matmul against a scalar loop with the same fused multiply-adds in the same order, the weight and bias
// gradients against double sums, ReLU against its compare-and-select. The passes built from them are tested against
// finite differences in trainer_test.
#include "../../src/model/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace ginn::detail {
namespace {

constexpr uint64_t test_key = 0x243f6a8885a308d3ULL;

std::vector<float> mask_of(uint64_t key, uint64_t stream, double p, int64_t size) {
    std::vector<float> mask(size);
    const auto threshold = static_cast<uint32_t>(std::ceil(p * 0x1.0p24));
    dropout_mask(key, stream, threshold, static_cast<float>(1.0 / (1.0 - p)), mask.data(), size);
    return mask;
}

/// Pearson correlation of the keep indicators a[k] and b[k].
double correlation(const std::vector<float>& a, const std::vector<float>& b) {
    double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
    const double n = double(a.size());
    for (size_t k = 0; k < a.size(); ++k) {
        const double x = a[k] > 0, y = b[k] > 0;
        sa += x, sb += y, sab += x * y, saa += x * x, sbb += y * y;
    }
    return (sab / n - sa / n * sb / n) / std::sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
}

TEST(kernels_test, dropout_keeps_one_minus_p_of_the_units_with_binomial_spread) {
    constexpr int64_t size = 16 << 16;  // about a million units
    for (double p : {0.1, 0.5, 0.9}) {
        const std::vector<float> mask = mask_of(test_key, /*stream=*/0, p, size);
        const float keep = static_cast<float>(1.0 / (1.0 - p));
        int64_t kept = 0;
        for (float m : mask) {
            ASSERT_TRUE(m == 0.0f || m == keep) << m;
            kept += m == keep;
        }
        const double expected = (1 - p) * size, sd = std::sqrt(size * p * (1 - p));
        EXPECT_LT(std::abs(double(kept) - expected), 5 * sd) << "p " << p << ": kept " << kept;
    }
    // p = 0 keeps everything at 1; the threshold 2^24 (p = 1, which ModelSpec refuses) would keep nothing
    for (float m : mask_of(test_key, 0, 0.0, 4096)) ASSERT_EQ(m, 1.0f);
}

// Neighbours in a row, units 16 apart (the next register), the next row of a layer of 1000-column rows, two layers
// (streams) of one pass and two passes (keys) must be uncorrelated: |r| below 5 standard errors of 1/sqrt(n).
TEST(kernels_test, dropout_masks_are_uncorrelated_across_units_layers_and_passes) {
    constexpr int64_t size = 16 << 16;
    const double bound = 5.0 / std::sqrt(double(size) / 2);
    const std::vector<float> m = mask_of(test_key, 0, 0.5, 2 * size);
    for (int64_t shift : {1, 2, 15, 16, 1008}) {
        const std::vector<float> a(m.begin(), m.begin() + size), b(m.begin() + shift, m.begin() + shift + size);
        EXPECT_LT(std::abs(correlation(a, b)), bound) << "units " << shift << " apart";
    }
    const std::vector<float> a = mask_of(test_key, 0, 0.5, size);
    EXPECT_LT(std::abs(correlation(a, mask_of(test_key, 1, 0.5, size))), bound) << "streams 0 and 1";
    EXPECT_LT(std::abs(correlation(a, mask_of(test_key + 1, 0, 0.5, size))), bound) << "keys k and k + 1";
    EXPECT_LT(std::abs(correlation(a, mask_of(test_key ^ 1, 0, 0.5, size))), bound) << "keys k and k ^ 1";
}

TEST(kernels_test, dropout_mask_depends_only_on_key_stream_and_position) {
    const std::vector<float> big = mask_of(test_key, 3, 0.3, 4096), small = mask_of(test_key, 3, 0.3, 64);
    EXPECT_TRUE(std::equal(small.begin(), small.end(), big.begin()));
    EXPECT_EQ(big, mask_of(test_key, 3, 0.3, 4096));
    EXPECT_NE(big, mask_of(test_key, 4, 0.3, 4096));
    EXPECT_NE(big, mask_of(test_key + 1, 3, 0.3, 4096));
}

/// Distance in float ulps between a and the float nearest to the exact value ref (0 for equal floats, across zero too).
int64_t ulps(float a, double ref) {
    const auto ordered = [](float x) {
        int32_t i;
        std::memcpy(&i, &x, sizeof i);
        return i < 0 ? int64_t{INT32_MIN} - i : int64_t{i};
    };
    return std::abs(ordered(a) - ordered(static_cast<float>(ref)));
}

/// Every `stride`-th float bit pattern that is finite and within [lo, hi].
std::vector<float> every_nth_float(uint32_t stride, float lo, float hi) {
    std::vector<float> xs;
    for (uint64_t bits = 0; bits < (uint64_t{1} << 32); bits += stride) {
        const auto b = static_cast<uint32_t>(bits);
        float x;
        std::memcpy(&x, &b, sizeof x);
        if (std::isfinite(x) && x >= lo && x <= hi) xs.push_back(x);
    }
    return xs;
}

/// n + 1 evenly spaced floats from lo to hi.
std::vector<float> evenly_spaced(float lo, float hi, int n) {
    std::vector<float> xs;
    for (int k = 0; k <= n; ++k) xs.push_back(lo + (hi - lo) * static_cast<float>(k) / static_cast<float>(n));
    return xs;
}

/// The largest ulp error of f (16 lanes) against ref (double) over xs; `where` receives the worst input.
template <typename F, typename R>
int64_t max_ulps(F f, R ref, std::vector<float> xs, float* where) {
    while (xs.size() % n_lanes) xs.push_back(0.0f);
    int64_t worst = 0;
    float out[n_lanes];
    for (size_t k = 0; k < xs.size(); k += n_lanes) {
        store(out, f(load(xs.data() + k)));
        for (int j = 0; j < n_lanes; ++j) {
            const int64_t u = ulps(out[j], ref(double{xs[k + j]}));
            if (u > worst) worst = u, *where = xs[k + j];
        }
    }
    return worst;
}

// The rational tanh against libm's double tanh: within 8 ulp (6 measured) over the float range (every 61st finite float, and 2^22
// evenly spaced points of [-10, 10], where it is not 0 or +-1), odd, within [-1, 1], +-1 at +-infinity, NaN at NaN.
TEST(kernels_test, tanh_is_within_a_few_ulp_of_libm_over_the_float_range) {
    const auto tanh_f = [](vf x) { return tanh_v(x); };
    const auto tanh_d = [](double x) { return std::tanh(x); };
    float where = 0;
    EXPECT_LE(max_ulps(tanh_f, tanh_d, every_nth_float(61, -INFINITY, INFINITY), &where), 8) << "at " << where;
    EXPECT_LE(max_ulps(tanh_f, tanh_d, evenly_spaced(-10.0f, 10.0f, 1 << 22), &where), 8) << "at " << where;
    float out[n_lanes];
    const vf x = {0.0f, -0.0f, 1e-30f, -1e-30f, 0.3f, -0.3f, 2.5f, -2.5f, 9.0f, -9.0f, 9.5f, -9.5f, INFINITY, -INFINITY, NAN, 1e30f};
    store(out, tanh_v(x));
    for (int k = 0; k + 1 < 12; k += 2) EXPECT_EQ(out[k], -out[k + 1]) << "odd at " << x[k];
    for (int k = 0; k < n_lanes; ++k)
        if (k != 14) {
            EXPECT_LE(std::abs(out[k]), 1.0f) << x[k];
        }
    EXPECT_EQ(out[2], 1e-30f);
    EXPECT_EQ(out[12], 1.0f);
    EXPECT_EQ(out[13], -1.0f);
    EXPECT_TRUE(std::isnan(out[14]));
    EXPECT_EQ(out[15], 1.0f);
}

// ELU's exp(x) - 1 for x <= 0 (tanh_small near 0, exp below -0.5) against libm's expm1, relative: within 4 ulp.
TEST(kernels_test, expm1_is_within_a_few_ulp_of_libm_for_negative_inputs) {
    const auto expm1_f = [](vf x) { return expm1_nonpositive(x); };
    const auto expm1_d = [](double x) { return std::expm1(x); };
    float where = 0;
    EXPECT_LE(max_ulps(expm1_f, expm1_d, every_nth_float(61, -87.0f, 0.0f), &where), 4) << "at " << where;
    EXPECT_LE(max_ulps(expm1_f, expm1_d, evenly_spaced(-1.0f, 0.0f, 1 << 20), &where), 4) << "at " << where;
}

/// Floats of one of a few dozen magnitudes and both signs (a deterministic pattern; no two neighbours alike).
std::vector<float> pattern(int64_t n, int seed) {
    std::vector<float> v(n);
    for (int64_t k = 0; k < n; ++k)
        v[k] = static_cast<float>(((k * 7919 + seed * 104729) % 201) - 100) * 0.0137f * (1.0f + static_cast<float>(k % 5) * 0.3f);
    return v;
}

// Every shape of the 10-wide nets (10 x 2, 10 x 10, 2 x 10; the 5- and 10-row kernels) and a few others: each of
// matmul's results equals a scalar loop that starts from the bias and adds M(r, c) X(c, s) with fmaf over c in order,
// bit for bit, for W A + b and for W^T dZ through strides.
TEST(kernels_test, matmul_equals_the_ordered_scalar_sums_bit_for_bit) {
    struct Shape { int R, C; };
    for (const Shape sh : {Shape{10, 2}, Shape{10, 10}, Shape{2, 10}, Shape{5, 3}, Shape{16, 16}, Shape{7, 10}, Shape{40, 10}}) {
        for (const int S : {16, 48, 1008}) {
            const std::vector<float> M = pattern(int64_t{sh.R} * sh.C, 1), bias = pattern(sh.R, 2);
            const std::vector<float> X = pattern(int64_t{sh.C} * S, 3);
            std::vector<float> Y(int64_t{sh.R} * S), Yt(int64_t{sh.C} * S);
            matmul(M.data(), sh.C, 1, bias.data(), X.data(), sh.R, sh.C, S, StoreEpilogue{Y.data()});
            const std::vector<float> D = pattern(int64_t{sh.R} * S, 4);  // W^T D: (C, S) from (R, S)
            matmul(M.data(), 1, sh.C, nullptr, D.data(), sh.C, sh.R, S, StoreEpilogue{Yt.data()});
            for (int r = 0; r < sh.R; ++r)
                for (int s = 0; s < S; ++s) {
                    float acc = bias[r];
                    for (int c = 0; c < sh.C; ++c) acc = std::fmaf(M[r * sh.C + c], X[int64_t{c} * S + s], acc);
                    ASSERT_EQ(Y[int64_t{r} * S + s], acc) << sh.R << " x " << sh.C << ", S " << S << " at (" << r << ", " << s << ")";
                }
            for (int c = 0; c < sh.C; ++c)
                for (int s = 0; s < S; ++s) {
                    float acc = 0.0f;
                    for (int r = 0; r < sh.R; ++r) acc = std::fmaf(M[r * sh.C + c], D[int64_t{r} * S + s], acc);
                    ASSERT_EQ(Yt[int64_t{c} * S + s], acc) << "transposed " << sh.R << " x " << sh.C << ", S " << S << " at (" << c << ", " << s << ")";
                }
        }
    }
}

// dW = dZ A^T and db = row sums of dZ over S examples: grad_weights_bias (5 x 5, 5 x 2 and 2 x 5 tiles with the bias
// sums inside) gives the same bits as grad_weights then grad_bias for every shape, and both are within float rounding
// of double-precision sums (relative to the sum of absolute terms).
TEST(kernels_test, weight_and_bias_gradients_match_double_sums_and_each_other) {
    struct Shape { int R, C; };
    for (const Shape sh : {Shape{10, 2}, Shape{10, 10}, Shape{2, 10}, Shape{5, 5}, Shape{15, 10}, Shape{7, 3}, Shape{16, 16}, Shape{3, 17}}) {
        for (const int S : {16, 64, 1008}) {
            const std::vector<float> dZ = pattern(int64_t{sh.R} * S, 5), A = pattern(int64_t{sh.C} * S, 6);
            std::vector<float> dW(int64_t{sh.R} * sh.C), db(sh.R), dW2(dW.size()), db2(sh.R);
            grad_weights_bias(dZ.data(), A.data(), sh.R, sh.C, S, dW.data(), db.data());
            grad_weights(dZ.data(), A.data(), sh.R, sh.C, S, dW2.data());
            grad_bias(dZ.data(), sh.R, S, db2.data());
            for (int r = 0; r < sh.R; ++r) {
                double sum = 0, abs_sum = 0;
                for (int s = 0; s < S; ++s) sum += dZ[int64_t{r} * S + s], abs_sum += std::abs(dZ[int64_t{r} * S + s]);
                EXPECT_EQ(db[r], db2[r]) << sh.R << " x " << sh.C << ", S " << S << ", row " << r;
                EXPECT_NEAR(db[r], sum, 1e-6 * abs_sum) << sh.R << " x " << sh.C << ", S " << S << ", row " << r;
                for (int c = 0; c < sh.C; ++c) {
                    double dot = 0, abs_dot = 0;
                    for (int s = 0; s < S; ++s) {
                        const double t = double{dZ[int64_t{r} * S + s]} * A[int64_t{c} * S + s];
                        dot += t, abs_dot += std::abs(t);
                    }
                    EXPECT_EQ(dW[r * sh.C + c], dW2[r * sh.C + c]) << sh.R << " x " << sh.C << ", S " << S << " at (" << r << ", " << c << ")";
                    EXPECT_NEAR(dW[r * sh.C + c], dot, 1e-6 * abs_dot) << sh.R << " x " << sh.C << ", S " << S << " at (" << r << ", " << c << ")";
                }
            }
        }
    }
}

// relu_v is z > 0 ? z : +0 bit for bit, NaN and -0 included.
TEST(kernels_test, relu_is_the_compare_and_select_bit_for_bit) {
    const vf z = {0.0f, -0.0f, 1e-45f, -1e-45f, 0.5f, -0.5f, INFINITY, -INFINITY, NAN, -NAN, 3e38f, -3e38f, 1.0f, -1.0f, 1e-30f, -1e-30f};
    const vf want = z > 0.0f ? z : vf{};
    float got_f[n_lanes], want_f[n_lanes];
    store(got_f, relu_v(z));
    store(want_f, want);
    EXPECT_EQ(std::memcmp(got_f, want_f, sizeof got_f), 0);
    EXPECT_FALSE(std::signbit(got_f[1]));
    EXPECT_EQ(got_f[8], 0.0f);
}

}  // namespace
}  // namespace ginn::detail
