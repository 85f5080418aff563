// SIMD kernels of the training engine on feature-major arrays (rows = features, columns = examples, 16 floats per
// register). Written with GCC/Clang vector extensions so that -march=native picks AVX-512 or splits into AVX2.
// Not a general BLAS: shapes are small (widths up to a few hundred, batches of about a hundred) and strides are
// multiples of 16 floats.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace ginn::detail {

using vf = float __attribute__((vector_size(64)));    // 16 lanes
using vi = int32_t __attribute__((vector_size(64)));  // 16 lanes
inline constexpr int n_lanes = 16;

inline vf load(const float* p) { vf v; std::memcpy(&v, p, sizeof v); return v; }
inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
/// Keeps v in a register: stops the compiler from re-loading a value that several FMAs share as a memory operand
/// (a load per FMA makes the kernels load-bound at half the FMA rate).
inline void in_register(vf& v) {
#if defined(__GNUC__) && defined(__AVX512F__)
    asm("" : "+v"(v));
#endif
}
inline vf splat(float x) { return vf{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }
/// Lane-wise square root (vsqrtps; correctly rounded like std::sqrt).
inline vf sqrt(vf x) {
#ifdef __AVX512F__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // _mm512_undefined_ps inside the intrinsic
    return reinterpret_cast<vf>(_mm512_sqrt_ps(reinterpret_cast<__m512>(x)));
#pragma GCC diagnostic pop
#else
    for (int k = 0; k < n_lanes; ++k) x[k] = __builtin_sqrtf(x[k]);
    return x;
#endif
}

/// What a matmul does with its results: an epilogue is called once per register of a block's results, with the 16
/// results and the offset `at` of the first into the (R, S) result array (by value, so that the accumulators stay in
/// registers: an array passed by reference went through the stack). StoreEpilogue stores them; engine.cpp's add
/// activations and derivatives.
struct StoreEpilogue {
    float* Y;
    void operator()(int64_t at, vf y) const { store(Y + at, y); }
};

/// epilogue(M X + bias) for one block of Y (R, S), with M(r, c) = M[r * rs + c * cs], X (C, S), S a multiple of 16;
/// bias may be null. Register blocking: RB rows by NV registers of columns, RB * NV accumulators.
template <int RB, int NV, typename Epi>
inline void matmul_block(const float* M, int64_t rs, int64_t cs, const float* bias, const float* X, int C, int S,
                         const Epi& epilogue, int r0, int s0) {
    // The loops over r and v are unrolled before GCC decides where arrays live (#pragma GCC unroll): otherwise acc
    // stayed a stack array, stored and reloaded around the c loop of every block.
    vf acc[RB][NV];
#pragma GCC unroll 16
    for (int r = 0; r < RB; ++r) {
        const vf b = splat(bias ? bias[r0 + r] : 0.0f);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = b;
    }
    for (int c = 0; c < C; ++c) {
        vf x[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) x[v] = load(X + int64_t{c} * S + s0 + v * n_lanes);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) in_register(x[v]);
#pragma GCC unroll 16
        for (int r = 0; r < RB; ++r) {
            const vf m = splat(M[(r0 + r) * rs + c * cs]);
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v) acc[r][v] += m * x[v];
        }
    }
    const Epi epi = epilogue;  // a local copy: its pointers stay in registers across the stores
#pragma GCC unroll 16
    for (int r = 0; r < RB; ++r)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) epi(int64_t{r0 + r} * S + s0 + v * n_lanes, acc[r][v]);
}

/// Register blocking of matmul: rows by registers of columns. 4 x 4 fills AVX-512's 32 registers; WebAssembly's
/// 128-bit SIMD splits each 16-lane register into 4, so the wasm build (`ginn play`) takes 2 x 1 to stay within the
/// 16 registers its engines map to. Each result sums over the same terms in the same order either way.
#ifdef __wasm_simd128__
inline constexpr int matmul_row_block = 2, matmul_col_block = 1;
#else
inline constexpr int matmul_row_block = 4, matmul_col_block = 4;
#endif

template <int RB, typename Epi, int NV = matmul_col_block>
inline void matmul_rows(const float* M, int64_t rs, int64_t cs, const float* bias, const float* X, int C, int S,
                        const Epi& epilogue, int r0) {
    int s0 = 0;
    if constexpr (NV > 1)
        for (; s0 + NV * n_lanes <= S; s0 += NV * n_lanes) matmul_block<RB, NV>(M, rs, cs, bias, X, C, S, epilogue, r0, s0);
    for (; s0 < S; s0 += n_lanes) matmul_block<RB, 1>(M, rs, cs, bias, X, C, S, epilogue, r0, s0);
}

/// epilogue(M (R, C) X (C, S) + bias (R)) over the (R, S) result, M addressed through strides (so W and W^T use the
/// same kernel); e.g. matmul(W, n_in, 1, b, A, n_out, n_in, S, StoreEpilogue{Z}) stores Z = W A + b.
template <typename Epi>
inline void matmul(const float* M, int64_t rs, int64_t cs, const float* bias, const float* X, int R, int C, int S,
                   const Epi& epilogue) {
    int r0 = 0;
    constexpr int RB = matmul_row_block;
#ifdef __AVX512F__
    // 5 or 10 rows (the 10-wide nets): every row at once over one register of columns, each weight an FMA's broadcast
    // memory operand (vfmadd231ps m32{1to16}): one load of X per R FMAs, and each result stored once, 7-15% faster
    // than 5 x 4 blocks on 10 x 10 layers (train_roofline_bench); the same sums in the same order
    if (R == 10) return matmul_rows<10, Epi, 1>(M, rs, cs, bias, X, C, S, epilogue, 0);
    if (R == 5) return matmul_rows<5, Epi, 1>(M, rs, cs, bias, X, C, S, epilogue, 0);
#endif
    if constexpr (RB == 4) {  // rows in fives where that leaves no remainder and fours would (10, 30, ...: 5 x 4 = 20
        if (R % 4 != 0 && R % 5 == 0) {  // accumulators, 25 registers with the loads; no 2-row block at the end)
            for (; r0 < R; r0 += 5) matmul_rows<5>(M, rs, cs, bias, X, C, S, epilogue, r0);
            return;
        }
    }
    for (; r0 + RB <= R; r0 += RB) matmul_rows<RB>(M, rs, cs, bias, X, C, S, epilogue, r0);
    switch (R - r0) {
        case 3: matmul_rows<3>(M, rs, cs, bias, X, C, S, epilogue, r0); break;
        case 2: matmul_rows<2>(M, rs, cs, bias, X, C, S, epilogue, r0); break;
        case 1: matmul_rows<1>(M, rs, cs, bias, X, C, S, epilogue, r0); break;
        default: break;
    }
}

/// Sum of the lanes of v, in a fixed order (deterministic): halves added pairwise in registers.
inline float hsum(vf v) {
    using vf8 = float __attribute__((vector_size(32)));
    using vf4 = float __attribute__((vector_size(16)));
    const vf8 h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    const vf4 q = __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
    return (q[0] + q[2]) + (q[1] + q[3]);
}

/// Sum over the first n floats of p of f(16 floats) (lanes at or beyond n count 0), in float: four accumulators
/// added in a fixed order (deterministic).
template <typename F>
inline float row_sum(const float* p, int n, F f) {
    vf acc[4] = {};
    int s = 0;
    for (; s + 4 * n_lanes <= n; s += 4 * n_lanes)
        for (int j = 0; j < 4; ++j) acc[j] += f(load(p + s + j * n_lanes));
    for (; s + n_lanes <= n; s += n_lanes) acc[0] += f(load(p + s));
    if (s < n) {
        const vf lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        acc[1] += lane < static_cast<float>(n - s) ? f(load(p + s)) : vf{};
    }
    return hsum((acc[0] + acc[1]) + (acc[2] + acc[3]));
}

/// Lane j of the result is the sum of the lanes of a[j]: sixteen horizontal sums in 15 adds and 30 shuffles.
inline vf transpose_reduce16(const vf a[16]) {
    vf u[8], w[4], x[2];
    for (int k = 0; k < 8; ++k)
        u[k] = __builtin_shufflevector(a[2 * k], a[2 * k + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
               __builtin_shufflevector(a[2 * k], a[2 * k + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    for (int k = 0; k < 4; ++k)
        w[k] = __builtin_shufflevector(u[2 * k], u[2 * k + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
               __builtin_shufflevector(u[2 * k], u[2 * k + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    for (int k = 0; k < 2; ++k)
        x[k] = __builtin_shufflevector(w[2 * k], w[2 * k + 1], 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) +
               __builtin_shufflevector(w[2 * k], w[2 * k + 1], 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
    return __builtin_shufflevector(x[0], x[1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) +
           __builtin_shufflevector(x[0], x[1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}

/// One tile of dW = dZ A^T, the nr x nc block at (r0, c0), nr <= BR, nc <= BC, BR * BC <= 32: the dot products
/// accumulate in registers over the examples, then transpose_reduce16 turns each 16 accumulators into sums. A partial
/// tile repeats its last row or column in the unused slots and does not store them. With Bias, also db[r0 + i] = the
/// row sums of the tile's rows of dZ, added while they are in registers. Every sum is the same whatever the tiling:
/// lane by lane over the examples in order, then the same reduction tree in every slot. Not inlined: inside a large
/// caller the compiler ran out of registers and stored the loaded rows to the stack on every step.
template <int BR, int BC, bool Bias = false>
[[gnu::noinline]] void grad_tile(const float* dZ, const float* A, int C, int S, float* dW, int r0, int c0, int nr,
                                 int nc, float* db = nullptr) {
    static_assert(BR * BC <= 32 && BR <= 16);
    constexpr int n_acc = BR * BC;
    const float* zrow[BR];
    const float* arow[BC];
    for (int i = 0; i < BR; ++i) zrow[i] = dZ + int64_t{r0 + (i < nr ? i : nr - 1)} * S;
    for (int j = 0; j < BC; ++j) arow[j] = A + int64_t{c0 + (j < nc ? j : nc - 1)} * S;
    vf acc[n_acc] = {};
    vf row_sum[BR] = {};
    for (int s = 0; s < S; s += n_lanes) {
        vf z[BR], a[BC];
#pragma GCC unroll 16
        for (int i = 0; i < BR; ++i) z[i] = load(zrow[i] + s);
#pragma GCC unroll 16
        for (int j = 0; j < BC; ++j) a[j] = load(arow[j] + s);
#pragma GCC unroll 16
        for (int i = 0; i < BR; ++i) in_register(z[i]);
#pragma GCC unroll 16
        for (int j = 0; j < BC; ++j) in_register(a[j]);
#pragma GCC unroll 16
        for (int i = 0; i < BR; ++i)
#pragma GCC unroll 16
            for (int j = 0; j < BC; ++j) acc[i * BC + j] += z[i] * a[j];
        if constexpr (Bias)
#pragma GCC unroll 16
            for (int i = 0; i < BR; ++i) row_sum[i] += z[i];
    }
    float sums[32];
    vf part[16];
    for (int k0 = 0; k0 < n_acc; k0 += 16) {  // 16 accumulators per reduction, the last group padded with its first
        for (int k = 0; k < 16; ++k) part[k] = acc[k0 + k < n_acc ? k0 + k : k0];
        store(sums + k0, transpose_reduce16(part));
    }
    for (int i = 0; i < BR; ++i)
        for (int j = 0; j < BC; ++j)
            if (i < nr && j < nc) dW[int64_t{r0 + i} * C + c0 + j] = sums[i * BC + j];
    if constexpr (Bias) {
        for (int k = 0; k < 16; ++k) part[k] = row_sum[k < BR ? k : 0];
        store(sums, transpose_reduce16(part));
        for (int i = 0; i < nr; ++i) db[r0 + i] = sums[i];
    }
}

/// Tiles BR x BC over rows [r_begin, r_end) and columns [c_begin, c_end) of dW, the last ones partial.
template <int BR, int BC>
void grad_tiles(const float* dZ, const float* A, int C, int S, float* dW, int r_begin, int r_end, int c_begin, int c_end) {
    for (int r0 = r_begin; r0 < r_end; r0 += BR)
        for (int c0 = c_begin; c0 < c_end; c0 += BC)
            grad_tile<BR, BC>(dZ, A, C, S, dW, r0, c0, std::min(BR, r_end - r0), std::min(BC, c_end - c0));
}

/// dW (R, C) row-major = dZ (R, S) A (C, S)^T, a reduction over the examples, every partial sum in registers: 4 x 4
/// tiles over the largest multiple-of-4 block (Rt, Ct), the right strip (cw = C - Ct < 4 columns) in tiles of 16 / cw
/// rows, the bottom strip (rh = R - Rt < 4 rows, all columns) in tiles of 16 / rh columns (or fewer, below).
[[gnu::noinline]] inline void grad_weights(const float* dZ, const float* A, int R, int C, int S, float* dW) {
    const int Rt = R / 4 * 4, Ct = C / 4 * 4;
    grad_tiles<4, 4>(dZ, A, C, S, dW, 0, Rt, 0, Ct);
    switch (C - Ct) {
        case 1: grad_tiles<16, 1>(dZ, A, C, S, dW, 0, Rt, Ct, C); break;
        case 2: grad_tiles<8, 2>(dZ, A, C, S, dW, 0, Rt, Ct, C); break;
        case 3: grad_tiles<5, 3>(dZ, A, C, S, dW, 0, Rt, Ct, C); break;
        default: break;
    }
    // the bottom strip's tiles as wide as 16 accumulators allow, or narrower where that splits C evenly (C = 10: two
    // 2 x 5 tiles, not 2 x 8 and a 2 x 2 padded to 2 x 8)
    switch (R - Rt) {
        case 1: grad_tiles<1, 16>(dZ, A, C, S, dW, Rt, R, 0, C); break;
        case 2:
            if (C % 8 != 0 && C % 5 == 0) grad_tiles<2, 5>(dZ, A, C, S, dW, Rt, R, 0, C);
            else grad_tiles<2, 8>(dZ, A, C, S, dW, Rt, R, 0, C);
            break;
        case 3: grad_tiles<3, 5>(dZ, A, C, S, dW, Rt, R, 0, C); break;
        default: break;
    }
}

/// db (R) = row sums of dZ (R, S), sixteen rows per reduction (a last group of fewer rows repeats its last row in the
/// unused accumulators, so that all sixteen stay in registers, and does not store them).
inline void grad_bias(const float* dZ, int R, int S, float* db) {
    for (int r0 = 0; r0 < R; r0 += 16) {
        const int n = R - r0 < 16 ? R - r0 : 16;
        const float* row[16];
        for (int k = 0; k < 16; ++k) row[k] = dZ + int64_t{r0 + (k < n ? k : n - 1)} * S;
        vf acc[16] = {};
        for (int s = 0; s < S; s += n_lanes)
#pragma GCC unroll 16
            for (int k = 0; k < 16; ++k) acc[k] += load(row[k] + s);
        float sums[16];
        store(sums, transpose_reduce16(acc));
        for (int k = 0; k < n; ++k) db[r0 + k] = sums[k];
    }
}

/// dW (R, C) = dZ A^T and db (R) = row sums of dZ. For the narrow (below 32) shapes of the 10-wide nets (R a multiple
/// of 5 with C a multiple of 5 or C = 2; R = 2 with C a multiple of 5): tiles of 5 x 5 (10 loads per 25 FMAs, against
/// 8 per 16 for 4 x 4), 5 x 2 or 2 x 5, the bias sums in the first column's tiles while dZ's rows are in registers;
/// otherwise grad_weights and grad_bias. The same sums either way (grad_tile).
inline void grad_weights_bias(const float* dZ, const float* A, int R, int C, int S, float* dW, float* db) {
    const bool narrow = R < 32 && C < 32;
    if (narrow && R % 5 == 0 && C == 2) {
        for (int r0 = 0; r0 < R; r0 += 5) grad_tile<5, 2, true>(dZ, A, C, S, dW, r0, 0, 5, 2, db);
    } else if (narrow && R % 5 == 0 && C % 5 == 0) {
        for (int r0 = 0; r0 < R; r0 += 5) {
            grad_tile<5, 5, true>(dZ, A, C, S, dW, r0, 0, 5, 5, db);
            for (int c0 = 5; c0 < C; c0 += 5) grad_tile<5, 5>(dZ, A, C, S, dW, r0, c0, 5, 5);
        }
    } else if (narrow && R == 2 && C % 5 == 0) {
        grad_tile<2, 5, true>(dZ, A, C, S, dW, 0, 0, 2, 5, db);
        for (int c0 = 5; c0 < C; c0 += 5) grad_tile<2, 5>(dZ, A, C, S, dW, 0, c0, 2, 5);
    } else {
        grad_weights(dZ, A, R, C, S, dW);
        grad_bias(dZ, R, S, db);
    }
}

/// 2^n e^r for x = n ln 2 + r with n = round(t) (t = x log2(e) +- 0.5, truncated), x in [-87, 88]: Cody-Waite
/// reduction and Cephes expf's degree-6 polynomial, about 1 ulp. Shared by the exps below.
inline vf exp_reduced(vf x, vf t) {
    const vi n = __builtin_convertvector(t, vi);
    const vf nf = __builtin_convertvector(n, vf);
    const vf r = x - nf * 0.693359375f + nf * 2.12194440e-4f;
    vf p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const vi bits = (n + 127) << 23;
    vf scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/// exp(x) for x <= 0 in float, about 1 ulp (Cephes expf); x below -87 is treated as -87 (the result is then below
/// 2^-125, which is 0 for every use here).
inline vf exp_nonpositive(vf x) {
    x = x < -87.0f ? splat(-87.0f) : x;
    return exp_reduced(x, x * 1.44269504088896341f - 0.5f);  // round to nearest for t <= 0 via truncation of t - 0.5
}

/// x clamped to [lo, hi] lane by lane (vmaxps/vminps); a NaN stays NaN.
inline vf clamp(vf x, float lo, float hi) {
#ifdef __AVX512F__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"  // _mm512_undefined_ps inside the intrinsics
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
    const __m512 above = _mm512_max_ps(_mm512_set1_ps(lo), reinterpret_cast<__m512>(x));  // the second operand if NaN
    return reinterpret_cast<vf>(_mm512_min_ps(_mm512_set1_ps(hi), above));
#pragma GCC diagnostic pop
#else
    x = x < lo ? splat(lo) : x;
    return x > hi ? splat(hi) : x;
#endif
}

/// ReLU, z > 0 ? z : 0 lane by lane in one vmaxps (instead of a compare and a blend): the same bits, 0 for NaN and -0
/// (vmaxps returns its second operand, here +0, when either is NaN or both are zero).
inline vf relu_v(vf z) {
#ifdef __AVX512F__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"  // _mm512_undefined_ps inside the intrinsic
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
    return reinterpret_cast<vf>(_mm512_max_ps(reinterpret_cast<__m512>(z), _mm512_setzero_ps()));
#pragma GCC diagnostic pop
#else
    return z > 0.0f ? z : vf{};
#endif
}

/// tanh for |x| < 0.625 in float, about 1 ulp (Cephes tanhf's odd polynomial).
inline vf tanh_small(vf x) {
    const vf s = x * x;
    vf p = splat(-5.70498872745e-3f);
    p = p * s + 2.06390887954e-2f;
    p = p * s - 5.37397155531e-2f;
    p = p * s + 1.33314422036e-1f;
    p = p * s - 3.33332819422e-1f;
    return p * s * x + x;
}

/// tanh in float within 6 ulp of the rounded value (measured; kernels_test samples the float range): x P(u) / Q(u),
/// u = x^2, a rational fit of degree 4 over 4 in u to tanh on [0, 9.02] (least squares reweighted towards the minimax
/// relative error, 2.1e-8 in exact arithmetic; beyond 9.02 tanh rounds to +-1 in float), clamped to [-1, 1]. About 12
/// vector operations and one division: half the cost of an exp-based tanh.
inline vf tanh_v(vf x) {
    const vf xc = clamp(x, -9.02f, 9.02f), u = xc * xc;
    vf p = splat(1.3319535095080734e-08f);
    p = p * u + 2.0583836521668266e-05f;
    p = p * u + 0.003494057034068194f;
    p = p * u + 0.13379737183114015f;
    p = p * u + 0.9999999791047304f;
    vf q = splat(7.762215274982981e-07f);
    q = q * u + 0.00032831289698681456f;
    q = q * u + 0.025871159657370645f;
    q = q * u + 0.46713052450155856f;
    q = q * u + 1.0f;
    return clamp(xc * p / q, -1.0f, 1.0f);
}

/// 1 / (1 + exp(-x)) in float, a few ulp, without overflow (exp of -|x| only).
inline vf sigmoid_v(vf x) {
    const vf e = exp_nonpositive(x < 0.0f ? x : -x);
    return (x >= 0.0f ? splat(1.0f) : e) / (1.0f + e);
}

/// exp(x) - 1 for x <= 0 in float, a few ulp relative: exp(x) - 1 below -0.5, else 2 t / (1 - t) with t = tanh(x/2)
/// (tanh_small, accurate near 0 where exp(x) - 1 would cancel).
inline vf expm1_nonpositive(vf x) {
    const vf t = tanh_small(0.5f * x);
    const vf near0 = 2.0f * t / (1.0f - t);
    return x < -0.5f ? exp_nonpositive(x) - 1.0f : near0;
}

}  // namespace ginn::detail

namespace ginn::detail {

/// Inverted-dropout multipliers of one layer: mask[k] for k < size (a multiple of 16, below 2^33) is `keep`
/// (1 / (1 - p)) where a 24-bit uniform r_k >= threshold (ceil(p 2^24)), else 0. Counter-based, so any element depends
/// only on (key, stream, k): r_{2j} and r_{2j+1} are bits 40..63 and 16..39 of SplitMix64's output (rng.h) at position
/// stream 2^32 + j of the sequence started at `key`, eight outputs (16 elements) per step in SIMD lanes. The engine
/// draws one key per training pass and gives each layer its own stream.
inline void dropout_mask(uint64_t key, uint64_t stream, uint32_t threshold, float keep, float* mask, int64_t size) {
    using vu64 = uint64_t __attribute__((vector_size(64)));  // 8 lanes
    using vu32 = uint32_t __attribute__((vector_size(32)));  // 8 lanes
    constexpr uint64_t gamma = 0x9e3779b97f4a7c15ULL;  // SplitMix64's increment
    uint32_t keep_bits;
    std::memcpy(&keep_bits, &keep, sizeof keep_bits);
    const vu64 lane = {0, 1, 2, 3, 4, 5, 6, 7};
    vu64 z = key + (stream * (uint64_t{1} << 32) + 1 + lane) * gamma;  // positions j = 0..7 (splitmix64 adds first)
    const uint64_t step = 8 * gamma;
    for (int64_t k = 0; k < size; k += n_lanes, z += step) {
        vu64 w = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        w = (w ^ (w >> 27)) * 0x94d049bb133111ebULL;
        w ^= w >> 31;
        const vu64 high = (w >> 40) >= threshold, low = ((w >> 16) & 0xffffff) >= threshold;  // all ones where kept
        const vu32 even = __builtin_convertvector(high, vu32) & keep_bits, odd = __builtin_convertvector(low, vu32) & keep_bits;
        const vu32 lo = __builtin_shufflevector(even, odd, 0, 8, 1, 9, 2, 10, 3, 11);
        const vu32 hi = __builtin_shufflevector(even, odd, 4, 12, 5, 13, 6, 14, 7, 15);
        std::memcpy(mask + k, &lo, sizeof lo);
        std::memcpy(mask + k + 8, &hi, sizeof hi);
    }
}

/// True when every one of the n floats is finite (x - x is NaN exactly for infinities and NaNs).
inline bool all_finite(const float* p, int64_t n) {
    vf acc = {};
    int64_t k = 0;
    for (; k + n_lanes <= n; k += n_lanes) acc += load(p + k) - load(p + k);
    float tail = 0.0f;
    for (; k < n; ++k) tail += p[k] - p[k];
    return std::isfinite(hsum(acc) + tail) && hsum(acc) + tail == 0.0f;
}

}  // namespace ginn::detail
