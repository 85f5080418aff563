// Benchmark: does skipping the exact zeros of a ReLU layer pay on this core? Issue 11's idea for the very wide run
// (2-40x4-2): about half of a ReLU layer's outputs are 0, and the same set zeroes the gradient it passes back, so a
// matmul that skips them per example would do about half of the forward and backward FMAs. This program holds that
// kernel (not the engine's: it did not pay, docs/study.md's speed section) and times it against the engine's dense
// matmul (src/model/kernels.h) on the engine's layout. Not a test: it asserts nothing about time; it checks first that
// both give the same bits.
//
// The sparse kernel, per tile of 16 examples (one register of the feature-major layout): (1) masks: one 64-bit mask
// per example of its nonzero inputs (one compare per input row); (2) accumulate: two examples at a time, for each
// nonzero input k of each, a broadcast of X(k, s) and R/8 8-lane FMAs against row k of M^T (in L1), summing the
// nonzero terms in the dense kernel's order (so the same bits); (3) transposes: the 16 examples' R results back to
// the feature-major layout (16 x 16 register transposes) and the epilogue.
//
// usage: relu_sparsity_bench [--repeats R]   (R timings of 50 calls each, thread CPU time, median)
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#ifdef __FMA__
#include <immintrin.h>
#endif

#include "../src/model/kernels.h"
#include "ginn/data/dataset.h"
#include "ginn/model/detail/layout.h"
#include "ginn/study/sweep.h"
#include "ginn/train/trainer.h"
#include "timing.h"
#include "train_counts.h"

namespace {

using namespace ginn::detail;
using ginn::bench::median;
using ginn::bench::thread_seconds;

using vf8 = float __attribute__((vector_size(32)));  // 8 lanes: the accumulators of one example's outputs
inline vf8 load8(const float* p) { vf8 v; std::memcpy(&v, p, sizeof v); return v; }
inline void store8(float* p, vf8 v) { std::memcpy(p, &v, sizeof v); }
inline vf8 splat8(float x) { return vf8{x, x, x, x, x, x, x, x}; }
/// a b + c rounded once where the target has FMA (as kernels.h's matmul, whose `acc += m * x` the compiler contracts;
/// here the contraction is not left to the compiler, which skipped it in some loops), a b + c without FMA.
inline vf8 fmadd8(vf8 a, vf8 b, vf8 c) {
#ifdef __FMA__
    return reinterpret_cast<vf8>(_mm256_fmadd_ps(reinterpret_cast<__m256>(a), reinterpret_cast<__m256>(b), reinterpret_cast<__m256>(c)));
#else
    return a * b + c;
#endif
}

/// Transposes the 16 x 16 block a (row i = a[i]) in place: four steps, the step h swapping bit h of the row and
/// column indices (the off-diagonal h x h blocks of every 2h x 2h block), two shuffles per pair of rows.
inline void transpose16(vf a[16]) {
    for (int i = 0; i < 16; ++i) {
        if (i & 8) continue;
        const vf lo = __builtin_shufflevector(a[i], a[i + 8], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        a[i + 8] = __builtin_shufflevector(a[i], a[i + 8], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        a[i] = lo;
    }
    for (int i = 0; i < 16; ++i) {
        if (i & 4) continue;
        const vf lo = __builtin_shufflevector(a[i], a[i + 4], 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
        a[i + 4] = __builtin_shufflevector(a[i], a[i + 4], 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        a[i] = lo;
    }
    for (int i = 0; i < 16; ++i) {
        if (i & 2) continue;
        const vf lo = __builtin_shufflevector(a[i], a[i + 2], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        a[i + 2] = __builtin_shufflevector(a[i], a[i + 2], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        a[i] = lo;
    }
    for (int i = 0; i < 16; i += 2) {
        const vf lo = __builtin_shufflevector(a[i], a[i + 1], 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
        a[i + 1] = __builtin_shufflevector(a[i], a[i + 1], 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
        a[i] = lo;
    }
}

/// Bit k - 64 w of nz[w * 16 + e] says whether X(k, s0 + e) != 0, for the 16 examples e of the tile at s0 and the C
/// rows of X (C, S): 16 lanes of 32-bit masks built with one compare per row, then joined into 64-bit words.
inline void nonzero_masks(const float* X, int C, int S, int s0, uint64_t* nz) {
    using vu = uint32_t __attribute__((vector_size(64)));  // 16 lanes
    for (int w = 0; w * 64 < C; ++w) {
        vu half[2] = {};
        for (int k = w * 64; k < C && k < w * 64 + 64; ++k) {
            const vf x = load(X + int64_t{k} * S + s0);
            half[(k >> 5) & 1] |= reinterpret_cast<vu>(x != 0.0f) & (1u << (k & 31));
        }
        for (int e = 0; e < n_lanes; ++e) nz[w * 16 + e] = half[0][e] | uint64_t{half[1][e]} << 32;
    }
}

/// One example's outputs r0 .. r0 + 8 NA (8 lanes per accumulator): step(k) adds X(k, s) MT(k, r0 ..), MT (C, ldm)
/// holding M transposed.
template <int NA>
struct SparseColumn {
    vf8 acc[NA];
    const float* x;  // X + s: X(k, s) = x[k * S]
    void step(const float* MT, int64_t ldm, int64_t S, int64_t k) {
        const vf8 a = splat8(x[k * S]);
        const float* m = MT + k * ldm;
#pragma GCC unroll 8
        for (int v = 0; v < NA; ++v) acc[v] = fmadd8(a, load8(m + 8 * v), acc[v]);
    }
};

/// The tile of examples s0 .. s0 + 15 and outputs r0 .. r0 + 8 NA (MT and bias start at r0): two examples at a time
/// (2 NA independent FMA chains while both have nonzeros left), each adding its nonzero rows k in ascending order to
/// the bias; the results go to zt (16 rows of 8 NA, example-major).
template <int NA>
[[gnu::noinline]] void sparse_tile(const float* MT, int64_t ldm, const float* bias, const float* X, int C, int S, int s0,
                                   const uint64_t* nz, float* zt) {
    for (int e = 0; e < n_lanes; e += 2) {
        SparseColumn<NA> c0, c1;
#pragma GCC unroll 8
        for (int v = 0; v < NA; ++v) c0.acc[v] = c1.acc[v] = bias ? load8(bias + 8 * v) : vf8{};
        c0.x = X + s0 + e;
        c1.x = X + s0 + e + 1;
        for (int w = 0; w * 64 < C; ++w) {
            uint64_t b0 = nz[w * 16 + e], b1 = nz[w * 16 + e + 1];
            const int k0 = w * 64;
            for (; b0 && b1; b0 &= b0 - 1, b1 &= b1 - 1) {
                c0.step(MT, ldm, S, k0 + __builtin_ctzll(b0));
                c1.step(MT, ldm, S, k0 + __builtin_ctzll(b1));
            }
            for (; b0; b0 &= b0 - 1) c0.step(MT, ldm, S, k0 + __builtin_ctzll(b0));
            for (; b1; b1 &= b1 - 1) c1.step(MT, ldm, S, k0 + __builtin_ctzll(b1));
        }
#pragma GCC unroll 8
        for (int v = 0; v < NA; ++v) {
            store8(zt + e * 8 * NA + 8 * v, c0.acc[v]);
            store8(zt + (e + 1) * 8 * NA + 8 * v, c1.acc[v]);
        }
    }
}

/// Scratch sizes of sparse_matmul: the nonzero masks of one tile (C <= 4096 rows) and its example-major results.
inline constexpr int64_t sparse_nz_words = 16 * 64, sparse_zt_floats = 16 * 64 + 16;

/// epilogue(M (R, C) X (C, S) + bias (R)) over the (R, S) result, like kernels.h's matmul, skipping the terms with
/// X(k, s) == 0: each result sums the same nonzero terms in the same (ascending) order as matmul, so it has the same
/// bits (but for the sign of a zero result, and where a skipped term would have been inf * 0 = NaN). MT (C, ldm)
/// holds M transposed, ldm >= R a multiple of 8, its columns R .. ldm - 1 zero; bias has ldm floats (or is null).
/// C <= 4096, S a multiple of 16; nz and zt are scratch of sparse_nz_words and sparse_zt_floats.
template <typename Epi>
void sparse_matmul(const float* MT, int64_t ldm, const float* bias, const float* X, int R, int C, int S,
                   const Epi& epilogue, uint64_t* nz, float* zt) {
    for (int s0 = 0; s0 < S; s0 += n_lanes) {
        nonzero_masks(X, C, S, s0, nz);
        for (int r0 = 0; r0 < R; r0 += 64) {  // outputs in chunks of up to 8 registers of 8
            const int na = std::min(8, (R - r0 + 7) / 8);
            const float* Mr = MT + r0;
            const float* br = bias ? bias + r0 : nullptr;
            switch (na) {
                case 1: sparse_tile<1>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
                case 2: sparse_tile<2>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
                case 3: sparse_tile<3>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
                case 4: sparse_tile<4>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
                case 5: sparse_tile<5>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
                case 6: sparse_tile<6>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
                case 7: sparse_tile<7>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
                default: sparse_tile<8>(Mr, ldm, br, X, C, S, s0, nz, zt); break;
            }
            // back to feature-major, 16 outputs at a time: 16 example rows of 16 outputs, transposed
            const int width = 8 * na;
            for (int q = 0; q < width; q += 16) {
                vf rows[16];
                for (int e = 0; e < 16; ++e) rows[e] = load(zt + e * width + q);
                transpose16(rows);
                for (int i = 0; i < 16 && r0 + q + i < R; ++i) epilogue(int64_t{r0 + q + i} * S + s0, rows[i]);
            }
        }
    }
}


/// The fraction of nonzero outputs of the hidden layers of the very wide run (examples/gupta/width.toml's run 15,
/// 2-40x4-2 ReLU) after its 1000 updates, over its first 1000 training points: the density of the sparse kernel's
/// inputs in the forward pass and of the gradients it would take in the backward pass.
double very_wide_density() {
    const ginn::Sweep sweep = ginn::sweep_from_toml_file(std::string(GINN_SOURCE_DIR) + "/examples/gupta/width.toml");
    ginn::RunConfig c = sweep.runs.at(15).config;
    const ginn::Dataset data = ginn::make_dataset(c.task);
    c.model.n_classes = data.n_classes;
    ginn::Trainer t(c.model, c.optim, c.train, data);
    t.run_until(c.train.iterations);
    const std::span<const float> p = t.params();
    int64_t on = 0, all = 0;
    for (int64_t s = 0; s < std::min<int64_t>(1000, data.size()); ++s) {
        std::vector<double> h = {data.X(s, 0), data.X(s, 1)};
        for (const LayerLayout& L : layer_layouts(c.model)) {
            if (!L.hidden) break;
            std::vector<double> z(L.n_out);
            for (int r = 0; r < L.n_out; ++r) {
                z[r] = p[L.b + r];
                for (int k = 0; k < L.n_in; ++k) z[r] += double(p[L.W + int64_t{r} * L.n_in + k]) * h[k];
                z[r] = std::max(z[r], 0.0);
                on += z[r] > 0;
                ++all;
            }
            h = z;
        }
    }
    return double(on) / double(all);
}

/// Median milliseconds of one call of f (repeats timings of 50 calls).
template <typename F>
double milliseconds(int repeats, F&& f) {
    std::vector<double> t;
    for (int k = 0; k < repeats; ++k) {
        const double t0 = thread_seconds();
        for (int i = 0; i < 50; ++i) f();
        t.push_back((thread_seconds() - t0) / 50 * 1e3);
    }
    return median(t);
}

/// One layer's matmul, (n, n) by (n, 1000): dense against sparse at the given density of nonzero inputs. Returns
/// false when the two differ in any bit.
bool compare(int n, double density, int repeats) {
    constexpr int batch = 1000, S = 1008;  // the very wide run's batch; the engine's stride
    std::mt19937 rng(1);
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<float> uniform;
    std::vector<float> W(size_t(n) * n), b(n), X(size_t(n) * S, 0.0f);  // W (n_out, n_in), X (n_in, S)
    for (float& w : W) w = normal(rng);
    for (float& x : b) x = normal(rng);
    for (int k = 0; k < n; ++k)
        for (int s = 0; s < batch; ++s) X[size_t(k) * S + s] = uniform(rng) < density ? std::abs(normal(rng)) : 0.0f;
    const int ldm = (n + 7) / 8 * 8;
    std::vector<float> MT(size_t(n) * ldm, 0.0f), bias(ldm, 0.0f);  // W^T (n_in, ldm), b (ldm)
    for (int r = 0; r < n; ++r) {
        bias[r] = b[r];
        for (int c = 0; c < n; ++c) MT[size_t(c) * ldm + r] = W[size_t(r) * n + c];
    }
    std::vector<float> Z_dense(size_t(n) * S), Z_sparse(size_t(n) * S);
    std::vector<uint64_t> nz(sparse_nz_words);
    std::vector<float> zt(sparse_zt_floats);
    const auto dense = [&] { matmul(W.data(), n, 1, b.data(), X.data(), n, n, S, StoreEpilogue{Z_dense.data()}); };
    const auto sparse = [&] {
        sparse_matmul(MT.data(), ldm, bias.data(), X.data(), n, n, S, StoreEpilogue{Z_sparse.data()}, nz.data(), zt.data());
    };
    dense();
    sparse();
    if (std::memcmp(Z_dense.data(), Z_sparse.data(), Z_dense.size() * sizeof(float)) != 0) {
        std::printf("FAILED: %dx%d at density %.2f: the sparse kernel's results differ from the dense one's\n", n, n, density);
        return false;
    }
    const auto masks = [&] {
        for (int s0 = 0; s0 < S; s0 += n_lanes) nonzero_masks(X.data(), n, S, s0, nz.data());
    };
    const auto masks_and_sums = [&] {  // the kernel without its transposes and stores
        for (int s0 = 0; s0 < S; s0 += n_lanes) {
            nonzero_masks(X.data(), n, S, s0, nz.data());
            for (int r0 = 0; r0 < n; r0 += 64) {
                const float* br = bias.data() + r0;
                switch (std::min(8, (n - r0 + 7) / 8)) {
                    case 4: sparse_tile<4>(MT.data() + r0, ldm, br, X.data(), n, S, s0, nz.data(), zt.data()); break;
                    case 5: sparse_tile<5>(MT.data() + r0, ldm, br, X.data(), n, S, s0, nz.data(), zt.data()); break;
                    default: sparse_tile<8>(MT.data() + r0, ldm, br, X.data(), n, S, s0, nz.data(), zt.data()); break;
                }
            }
        }
    };
    const double t_dense = milliseconds(repeats, dense), t_sparse = milliseconds(repeats, sparse);
    const double t_masks = milliseconds(repeats, masks), t_sums = milliseconds(repeats, masks_and_sums) - t_masks;
    const double flops = 2.0 * n * n * batch;
    std::printf("%3dx%-3d %8.2f %10.4f %8.1f %10.4f %8.2fx %9.4f %10.4f %10.4f\n", n, n, density, t_dense,
                flops / t_dense / 1e6, t_sparse, t_dense / t_sparse, t_masks, t_sums, t_sparse - t_masks - t_sums);
    return true;
}

int run(int argc, char** argv) {
    int repeats = 21;
    for (int k = 1; k + 1 < argc; k += 2)
        if (!std::strcmp(argv[k], "--repeats")) repeats = std::stoi(argv[k + 1]);
    std::printf("command: relu_sparsity_bench --repeats %d\n", repeats);
    std::printf("machine: %s, %ld cores online, 1 thread\n", ginn::bench::cpu_name().c_str(), sysconf(_SC_NPROCESSORS_ONLN));
    const double density = very_wide_density();
    std::printf("the very wide run (2-40x4-2 ReLU) after its 1000 updates: %.3f of its hidden units' outputs are nonzero\n", density);
    std::printf("one layer's forward matmul Z = W X + b, batch 1000 (stride 1008), inputs nonzero with the given probability; "
                "thread CPU milliseconds\nper call, median of %d timings of 50 calls; the sparse kernel's parts timed alone "
                "(transposes: the rest)\n", repeats);
    std::printf("%-7s %8s %10s %8s %10s %9s %9s %10s %10s\n", "layer", "density", "dense ms", "GFLOP/s", "sparse ms",
                "speed-up", "masks", "sums", "transposes");
    bool ok = true;
    for (int n : {32, 40, 64})
        for (double d : {0.25, density, 0.75}) ok = compare(n, d, repeats) && ok;
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
