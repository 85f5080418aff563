// Benchmark: the geometry's packed matrix product (src/geometry/packed_matrix.h) alone, at the shapes the maps use:
// W (n x n_in) 128 x 128 and 256 x 256 times a few right-hand columns (a block's leaders: three columns each, the
// columns across groups: one each), beside Eigen's product (which packs W on every call) and the core's peak (a
// loop of independent FMAs in registers, the same vector width); on dense right-hand sides and on sparse ones (25 %
// and 15 % of each face's rows not zero, as on a trained ReLU network; GFLOP/s counts the dense product's flops).
// Not a test: it asserts nothing about time; it first checks every product against a long double one within the
// dot products' error bound.
//
// usage: packed_matrix_bench [--repeats R] [--cold]   (R timings of about 2 ms each, thread CPU time, median;
// --cold: a 4 MB buffer is read between calls, so that W comes from memory as it may in the geometry)
#include <time.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../src/geometry/packed_matrix.h"
#include "timing.h"

namespace {

using ginn::bench::median;
using ginn::detail::PackedMatrixOf;
using ginn::detail::SimdDouble;

double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

std::vector<char> cold_buffer;
volatile char cold_sink;
void evict() {  // read 4 MB (twice the L2) so that the next call finds W outside the caches
    char s = 0;
    for (size_t i = 0; i < cold_buffer.size(); i += 64) s ^= cold_buffer[i];
    cold_sink = s;
}

/// Median over `repeats` timings of GFLOP/s of f (flops per call), each timing a batch of about 2 ms.
template <typename F>
double gflops(F&& f, double flops, int repeats, bool cold) {
    f();
    int batch = 1;
    for (;;) {  // calibrate
        const double t0 = thread_seconds();
        for (int b = 0; b < batch; ++b) {
            if (cold) evict();
            f();
        }
        if (thread_seconds() - t0 > 2e-3 || batch > (1 << 20)) break;
        batch *= 2;
    }
    std::vector<double> rates;
    for (int r = 0; r < repeats; ++r) {
        double spent = 0;
        for (int b = 0; b < batch; ++b) {
            if (cold) evict();
            const double t0 = thread_seconds();
            f();
            spent += thread_seconds() - t0;
        }
        rates.push_back(flops * batch / spent / 1e9);
    }
    return median(rates);
}

/// The core's peak for SimdDouble FMAs: 16 independent accumulators in registers.
double peak_gflops(int repeats) {
    constexpr int acc_n = 16, steps = 4096;
    double total = 0;
    auto f = [&total] {  // the accumulators local to the call, so that they stay in registers
        SimdDouble acc[acc_n];
        for (int j = 0; j < acc_n; ++j) acc[j] = SimdDouble{} + 1e-3 * j;
        SimdDouble a = SimdDouble{} + 0.999999, b = SimdDouble{} + 1e-7;
        for (int s = 0; s < steps; ++s) {
#if defined(__x86_64__) && defined(__AVX__)
            asm("" : "+v"(a), "+v"(b));
#endif
            for (int j = 0; j < acc_n; ++j) acc[j] = acc[j] * a + b;
        }
        for (int j = 0; j < acc_n; ++j) total += ginn::detail::sum_simd(acc[j]);
    };
    const double rate = gflops(f, 2.0 * steps * acc_n * ginn::detail::simd_doubles, repeats, false);
    if (!std::isfinite(total)) std::printf("(peak loop diverged)\n");
    return rate;
}

/// Checks out = A in against a long double product within gamma_{cols} |A| |in| (+ a floor for underflow).
template <typename T>
bool check(const Eigen::Matrix<T, -1, -1>& A, const std::vector<T>& in, const std::vector<T>& out, int n) {
    const int rows = int(A.rows()), cols = int(A.cols());
    const double u = sizeof(T) == 8 ? DBL_EPSILON / 2 : FLT_EPSILON / 2, g = (cols + 1) * u / (1 - (cols + 1) * u);
    for (int c = 0; c < n; ++c)
        for (int r = 0; r < rows; ++r) {
            long double exact = 0, mag = 0;
            for (int k = 0; k < cols; ++k) {
                exact += (long double)A(r, k) * in[size_t(c) * cols + k];
                mag += std::fabs((long double)A(r, k) * in[size_t(c) * cols + k]);
            }
            if (std::fabs(out[size_t(c) * rows + r] - exact) > g * mag + 1e-300) {
                std::printf("WRONG: %dx%d times %d columns, entry (%d, %d)\n", rows, cols, n, r, c);
                return false;
            }
        }
    return true;
}

/// `active`: the fraction of rows not zero in each face's three columns (a ReLU layer's active neurons; 1: dense).
template <typename T>
bool run(int size, int n, int repeats, bool cold, const char* type, double active = 1) {
    using Matrix = Eigen::Matrix<T, -1, -1>;
    std::mt19937 rng(size * 1000 + n);
    std::normal_distribution<double> normal(0, 1);
    Matrix A(size, size);
    for (Eigen::Index i = 0; i < A.size(); ++i) A(i) = T(normal(rng) / std::sqrt(double(size)));
    std::vector<T> in(size_t(size) * n), out(size_t(size) * n);
    for (T& x : in) x = T(normal(rng));
    std::uniform_real_distribution<double> uniform(0, 1);
    for (int f = 0; f * 3 < n; ++f)
        for (int k = 0; k < size; ++k)
            if (uniform(rng) >= active)
                for (int c = 3 * f; c < std::min(n, 3 * f + 3); ++c) in[size_t(c) * size + k] = 0;
    PackedMatrixOf<T> P;
    P.pack(A);
    P.times(in.data(), size, out.data(), size, n);
    if (!check(A, in, out, n)) return false;
    const double flops = 2.0 * size * size * n;
    const double packed = gflops([&] { P.times(in.data(), size, out.data(), size, n); }, flops, repeats, cold);
    const Eigen::Map<const Matrix> X(in.data(), size, n);
    Eigen::Map<Matrix> Y(out.data(), size, n);
    const double eigen = gflops([&] { Y.noalias() = A * X; }, flops, repeats, cold);
    std::printf("%-6s %3dx%-3d %4d columns %3.0f %% rows  packed %6.1f GFLOP/s  Eigen %6.1f GFLOP/s  ratio %5.2f\n",
                type, size, size, n, 100 * active, packed, eigen, packed / eigen);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    int repeats = 7;
    bool cold = false;
    for (int a = 1; a < argc; ++a) {
        const std::string arg = argv[a];
        if (arg == "--repeats" && a + 1 < argc) {
            repeats = std::atoi(argv[++a]);
            if (repeats < 1 || repeats > 1000) {
                std::fprintf(stderr, "packed_matrix_bench: --repeats %s: expected 1 to 1000\n", argv[a]);
                return 2;
            }
        } else if (arg == "--cold") {
            cold = true;
        } else {
            std::fprintf(stderr, "packed_matrix_bench: unknown argument '%s'; usage: packed_matrix_bench [--repeats R] "
                                 "[--cold]\n", arg.c_str());
            return 2;
        }
    }
    if (cold) cold_buffer.assign(size_t(4) << 20, 1);
    std::printf("packed_matrix_bench --repeats %d%s: %d-double vectors, median GFLOP/s (thread CPU)\n", repeats,
                cold ? " --cold" : "", ginn::detail::simd_doubles);
    std::printf("peak (independent FMAs in registers): %.1f GFLOP/s\n", peak_gflops(repeats));
    bool ok = true;
    for (const int size : {128, 256})
        for (const int n : {1, 2, 3, 5, 6, 9, 12, 24, 48, 96, 192})
            ok = run<double>(size, n, repeats, cold, "double") && ok;
    for (const int n : {3, 12, 48}) ok = run<float>(256, n, repeats, cold, "float") && ok;
    for (const double active : {0.25, 0.15})
        for (const int size : {128, 256})
            for (const int n : {3, 12, 48}) ok = run<double>(size, n, repeats, cold, "double", active) && ok;
    return ok ? 0 : 1;
}
