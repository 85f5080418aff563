// A matrix packed once for many products with narrow right-hand sides (the maps' products, mesh.cpp), and the SIMD
// vector types of the maps' loops. Not a general matrix product: no blocking for large right-hand sides.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace ginn::detail {

#if defined(__AVX512F__)
constexpr int simd_doubles = 8;
#elif defined(__AVX__)
constexpr int simd_doubles = 4;
#else
constexpr int simd_doubles = 2;
#endif
/// The native vector of doubles (GCC vector extensions: lanes combine element-wise, a scalar operand is broadcast).
using SimdDouble = double __attribute__((vector_size(simd_doubles * sizeof(double))));
/// p[0 .. simd_doubles) from any double's address (a copy: an unaligned load; a vector type's pointer would promise
/// the vector's alignment, which clang does not let a typedef lower).
inline SimdDouble load_simd(const double* p) {
    SimdDouble v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
/// |x| lane by lane (clears the sign bits).
inline SimdDouble abs_simd(SimdDouble x) {
    using Bits = uint64_t __attribute__((vector_size(simd_doubles * sizeof(double))));
    return (SimdDouble)((Bits)x & 0x7fffffffffffffffULL);
}
/// The sum of x's lanes, in some order.
inline double sum_simd(SimdDouble x) {
    double s = 0;
    for (int l = 0; l < simd_doubles; ++l) s += x[l];
    return s;
}

/// The native vector of T (double or float: simd_doubles doubles, twice as many floats).
template <typename T>
struct SimdOf;
template <>
struct SimdOf<double> {
    using Vector = SimdDouble;
};
template <>
struct SimdOf<float> {
    using Vector = float __attribute__((vector_size(simd_doubles * sizeof(double))));
};

/// A (rows, cols) matrix A of T (double or float) in panels of `panel_rows` rows (the last one padded with zeros),
/// each panel stored column after column, so that times() reads A once per group of right-hand columns, in order,
/// with no repacking. Eigen's product packs its left-hand side on every call: as much work as the product itself for
/// the maps' products, whose right-hand sides are a few columns wide (about 13 on average at width 256).
/// Rows of a group's right-hand columns that are all zero are skipped (a ReLU layer's inactive neurons: 76 % of the
/// rows at 128 x 3 and 85 % at 256 x 3 in the geometry's products, trained networks): a skipped term adds an exact
/// zero to a sum that starts at +0, so each entry is the same sum of the same terms in the same order, bit for bit.
/// Any summation order, with or without FMA: the standard error bound of each dot product holds (Higham, ch. 3).
template <typename T>
class PackedMatrixOf {
public:
    using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    static constexpr int lanes = simd_doubles * int(sizeof(double) / sizeof(T));
    static constexpr int panel_rows = 4 * lanes;  // four vectors of rows per panel
    // Right-hand columns per pass over a panel (12 vector accumulators): three, a face's three map columns
    // (mesh.cpp), whose zero rows are the same (its inactive neurons).
    static constexpr int group_cols = 3;

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    bool empty() const { return rows_ == 0; }

    void pack(const Matrix& A) {
        rows_ = static_cast<int>(A.rows());
        cols_ = static_cast<int>(A.cols());
        const int n_panels = (rows_ + panel_rows - 1) / panel_rows;
        data_.assign(size_t(n_panels) * cols_ * panel_rows, T(0));
        for (int p = 0; p < n_panels; ++p)
            for (int k = 0; k < cols_; ++k)
                for (int r = 0; r < panel_rows && p * panel_rows + r < rows_; ++r)
                    data_[(size_t(p) * cols_ + k) * panel_rows + r] = A(p * panel_rows + r, k);
    }

    /// out = A in for n columns: column c of `in` (cols() entries) at in + c ld_in, of `out` (rows() entries) at
    /// out + c ld_out. `out` must not overlap `in`.
    void times(const T* in, size_t ld_in, T* out, size_t ld_out, int n) const {
        // Per group of columns, the rows k where one of its columns is not zero (all of them: no list).
        const int n_groups = (n + group_cols - 1) / group_cols;
        std::vector<int>& idx = scratch();  // group g's list at g (cols() + 1), its length first
        idx.resize(size_t(n_groups) * (cols_ + 1));
        for (int g = 0, c = 0; g < n_groups; ++g, c += group_cols) {
            int* list = &idx[size_t(g) * (cols_ + 1)];
            list[0] = nonzero_rows(in + c * ld_in, ld_in, std::min(group_cols, n - c), list + 1);
        }
        const int n_panels = (rows_ + panel_rows - 1) / panel_rows;
        for (int p = 0; p < n_panels; ++p) {
            const T* a = &data_[size_t(p) * cols_ * panel_rows];
            const int r0 = p * panel_rows, n_rows = std::min(panel_rows, rows_ - r0);
            for (int g = 0; g < n_groups; ++g) {
                const int c = g * group_cols;
                const int* list = &idx[size_t(g) * (cols_ + 1)];
                const int m = list[0];
                list = m == cols_ ? nullptr : list + 1;
                const T* x = in + c * ld_in;
                T* o = out + c * ld_out + r0;
                switch (std::min(group_cols, n - c)) {
                    case 3: panel_times<3>(a, list, m, x, ld_in, o, ld_out, n_rows); break;
                    case 2: panel_times<2>(a, list, m, x, ld_in, o, ld_out, n_rows); break;
                    default: panel_times<1>(a, list, m, x, ld_in, o, ld_out, n_rows); break;
                }
            }
        }
    }

private:
    using Simd = typename SimdOf<T>::Vector;
    /// The rows k (in order, into list) where one of the nc columns from x (ld_in apart) is not zero (NaN counts as
    /// not zero); returns how many.
    int nonzero_rows(const T* x, size_t ld_in, int nc, int* list) const {
        int m = 0, k = 0;
#if defined(__AVX512F__)
        for (; k + lanes <= cols_; k += lanes) {  // a mask of the lanes not zero, its bits in order
            uint32_t mask = nonzero_mask(x + k);
            for (int c = 1; c < nc; ++c) mask |= nonzero_mask(x + c * ld_in + k);
            for (; mask; mask &= mask - 1) list[m++] = k + __builtin_ctz(mask);
        }
#endif
        for (; k < cols_; ++k) {  // branch-free: k written at the end, kept when not zero
            bool nonzero = false;
            for (int c = 0; c < nc; ++c) nonzero |= x[c * ld_in + k] != T(0);
            list[m] = k;
            m += nonzero;
        }
        return m;
    }
    static std::vector<int>& scratch() {  // times()'s row lists, kept from call to call
        thread_local std::vector<int> v;
        return v;
    }
#if defined(__AVX512F__)
    static uint32_t nonzero_mask(const T* p) {  // bit l: p[l] != 0, for the `lanes` entries from p
        if constexpr (sizeof(T) == sizeof(double))
            return _mm512_cmpneq_pd_mask(_mm512_loadu_pd(p), _mm512_setzero_pd());
        else
            return _mm512_cmpneq_ps_mask(_mm512_loadu_ps(p), _mm512_setzero_ps());
    }
#endif
    static Simd load(const T* p) {  // unaligned (load_simd)
        Simd v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    struct Acc {
        Simd v0{}, v1{}, v2{}, v3{};
        void add(Simd a0, Simd a1, Simd a2, Simd a3, T b) {
            v0 += a0 * b;
            v1 += a1 * b;
            v2 += a2 * b;
            v3 += a3 * b;
        }
        void store(T* o, int n_rows) const {
            T full[panel_rows];
            T* to = n_rows == panel_rows ? o : full;
            std::memcpy(to, &v0, sizeof v0);
            std::memcpy(to + lanes, &v1, sizeof v1);
            std::memcpy(to + 2 * lanes, &v2, sizeof v2);
            std::memcpy(to + 3 * lanes, &v3, sizeof v3);
            if (to == full) std::copy_n(full, n_rows, o);
        }
    };

    /// One panel times NR columns: NR x 4 vector accumulators (named, so that they stay in registers), the panel's
    /// column k against each column's entry k, for every k (list null) or the m rows k of the list, in order.
    template <int NR>
    void panel_times(const T* __restrict a, const int* list, int m, const T* in, size_t ld_in, T* out,
                     size_t ld_out, int n_rows) const {
        Acc s0, s1, s2;
        const T *x0 = in, *x1 = in + ld_in, *x2 = in + 2 * ld_in;
        auto step = [&](int k) {
            const T* ak = a + size_t(k) * panel_rows;
            Simd a0 = load(ak), a1 = load(ak + lanes), a2 = load(ak + 2 * lanes), a3 = load(ak + 3 * lanes);
#if defined(__x86_64__) && defined(__AVX__)
            // Keep the panel's column in registers: folded into each FMA it would be loaded once per column.
            asm("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3));
#endif
            s0.add(a0, a1, a2, a3, x0[k]);
            if constexpr (NR > 1) s1.add(a0, a1, a2, a3, x1[k]);
            if constexpr (NR > 2) s2.add(a0, a1, a2, a3, x2[k]);
        };
        if (list)
            for (int j = 0; j < m; ++j) step(list[j]);
        else
            for (int k = 0; k < cols_; ++k) step(k);
        s0.store(out, n_rows);
        if constexpr (NR > 1) s1.store(out + ld_out, n_rows);
        if constexpr (NR > 2) s2.store(out + 2 * ld_out, n_rows);
    }

    int rows_ = 0, cols_ = 0;
    std::vector<T> data_;  // (#panels, cols, panel_rows)
};
using PackedMatrix = PackedMatrixOf<double>;
using PackedMatrixF = PackedMatrixOf<float>;

}  // namespace ginn::detail
