// Certified predicates for the exact arrangement: lines a x + b y + c = 0 carried in double with a bound on each
// coefficient's error, and the exact (GMP rational) recomputation used only where that bound cannot decide.
// Not the arrangement itself (mesh.cpp) and not public API.
#pragma once

#include <gmpxx.h>

#include <array>
#include <cfloat>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ginn/model/network.h"

namespace ginn::detail {

/// An allocator that leaves new elements uninitialised where std::allocator would zero them (resize).
template <typename T>
struct UninitialisedAllocator : std::allocator<T> {
    template <typename U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

/// The arrangement's activation bits, one row per face: hidden neuron g's state (1: active) at bit g % 8 of byte
/// g / 8, eight to a byte (a byte per state took 114 MB at 256 x 3, and as much again in copies as the buffer grew),
/// then one byte per output tie function (1, 0, or 2: equal on the whole face). A row is appended per split and then
/// copied from the split face's, so it is not zeroed first.
class ActivationBits {
public:
    ActivationBits() = default;
    /// One row, every state and tie 0.
    ActivationBits(int n_neurons, int n_ties) { reset(n_neurons, n_ties); }
    void reset(int n_neurons, int n_ties);
    int n_rows() const { return static_cast<int>(data_.size() / row_bytes_); }
    bool on(int f, int g) const { return (row(f)[g >> 3] >> (g & 7)) & 1; }
    void set(int f, int g, bool v) {
        uint8_t& b = row(f)[g >> 3];
        b = static_cast<uint8_t>((b & ~(1u << (g & 7))) | (unsigned(v) << (g & 7)));
    }
    /// Row f's bytes (states, then ties), e.g. to prefetch them.
    const uint8_t* row_data(int f) const { return row(f); }
    size_t row_bytes() const { return row_bytes_; }
    const uint8_t* ties(int f) const { return row(f) + packed_; }
    uint8_t* ties(int f) { return row(f) + packed_; }
    /// Appends a copy of row f (the new face of a split); returns its index.
    int append_copy(int f);
    /// Sets states g0 .. g0 + n - 1 of row f from n bytes (0 or 1).
    void set_states(int f, int g0, int n, const uint8_t* states);
    /// States g0 .. g0 + n - 1 of row f, one byte each (0 or 1).
    void get_states(int f, int g0, int n, uint8_t* out) const;
    /// Appends to `out` the i < n where rows f and r differ in state g0 + i; count_differing counts them.
    void differing(int f, int r, int g0, int n, std::vector<int>& out) const;
    int count_differing(int f, int r, int g0, int n) const;
    /// Appends to `key` the bytes of row f holding states 0 .. n - 1, the bits of later states cleared.
    void append_key(int f, int n, std::string& key) const;

private:
    uint8_t* row(int f) { return &data_[size_t(f) * row_bytes_]; }
    const uint8_t* row(int f) const { return &data_[size_t(f) * row_bytes_]; }
    /// The bits of row f's byte k that hold states g0 .. g0 + n - 1 (a mask).
    static uint8_t range_mask(int k, int g0, int n);
    std::vector<uint8_t, UninitialisedAllocator<uint8_t>> data_;
    size_t row_bytes_ = 1;
    int packed_ = 0;  // bytes of states per row
};

/// Unit roundoff of double (2^-53).
inline constexpr double unit_roundoff = DBL_EPSILON / 2;

/// Where a line's coefficients come from, so that they can be recomputed exactly from the weights.
struct LineSource {
    int layer = -1;  ///< hidden layer (0-based), n_hidden for the output layer, -1 for a side of the domain box
    int map = 0;     ///< the face whose bits of layers < layer fix the map (box: the side, 0..3)
    int row = 0;     ///< neuron or output row
    int minus = -1;  ///< output row subtracted from `row` (-1: none, -2: the constant 0.5 of a regression head)
};

/// The affine function a x + b y + c in double; |a - a_exact| <= ea and so on (certified bounds).
struct Line {
    double a = 0, b = 0, c = 0;
    double ea = 0, eb = 0, ec = 0;
    LineSource src;
    bool refined = false;  ///< recomputed in double-double (ExactLines::refined): the bounds are about u |a|
};

/// An unevaluated sum hi + lo of two doubles (|lo| <= u |hi|): about 106 bits, for the refined lines.
struct DoubleDouble {
    double hi = 0, lo = 0;
};

/// An exact dyadic rational m 2^e: every double is one, and so is every sum and product of doubles (the weights,
/// the leaky slope, the box), so the exact maps need no rational normalisation (no gcd).
struct Dyadic {
    mpz_class m;
    long e = 0;
    Dyadic() = default;
    explicit Dyadic(double v);
    Dyadic(mpz_class m_, long e_) : m(std::move(m_)), e(e_) {}
    int sign() const { return sgn(m); }
    mpq_class rational() const;
};
Dyadic operator+(const Dyadic& a, const Dyadic& b);
Dyadic operator-(const Dyadic& a, const Dyadic& b);
Dyadic operator*(const Dyadic& a, const Dyadic& b);

/// Exact coefficients of lines and exact predicates on intersection points, with caches. Lazily built: a network
/// whose every decision the double filters settle never touches GMP.
class ExactLines {
public:
    /// bits: the activation bits of the arrangement (read when a map is recomputed).
    ExactLines(const Network& net, const ActivationBits& bits, const std::vector<int>& layer_offset);
    /// The exact coefficients (a, b, c) of a line.
    std::array<Dyadic, 3> coefficients(const LineSource& s);
    /// Sign of z at the intersection point of lines p and q (which must intersect in one point).
    int sign_at(const LineSource& p, const LineSource& q, const LineSource& z);
    /// The intersection point of p and q, each coordinate rounded to a nearby double.
    std::array<double, 2> point(const LineSource& p, const LineSource& q);
    /// The line's coefficients recomputed in double-double and rounded to double, with certified bounds of about
    /// u |coefficient| (the maps' a-priori bounds grow with depth and width, see docs/geometry.md); the line itself
    /// for a side of the box, or when a value is not finite.
    Line refined(const Line& line);
    /// Sign of z at (x, y), known to within err in each coordinate, by filtered_sign on z's refined line; 2 when
    /// that cannot decide, or when refining cannot help: the double value is exactly 0 (most likely a true zero),
    /// or z's own coefficient errors are not the larger part of the filter's bound.
    int refined_sign(const Line& z, double x, double y, double err);
    /// True when the two faces' output maps (layer n_hidden, maps m1 and m2) are exactly equal.
    bool equal_output_maps(int m1, int m2);
    /// Number of exact recomputations so far (for the benchmark's "fraction exact").
    int64_t n_exact = 0;
    /// Number of lines refined in double-double so far.
    int64_t n_refined = 0;

private:
    const std::vector<Dyadic>& layer_map(int layer, int m);  // (n_layer, 3) row-major: rows (a, b, c)

    const Network& net_;
    const ActivationBits& bits_;
    std::vector<int> layer_offset_;
    std::vector<std::vector<Dyadic>> W_, b_;  // exact weights, converted on first use
    std::unordered_map<std::string, std::vector<Dyadic>> cache_;  // by layer and the earlier layers' states
    // refined(): each layer's weights row-major and its largest column sum of |W| (+1 when residual); the row
    // functional on one layer's values (double-double hi + lo) and on the layer below, with their magnitudes
    // (sums of |terms|, which bound the errors); the row's non-zero entries.
    std::vector<std::vector<double>> Wt_;
    std::vector<double> max_col_;
    std::vector<double> hi_, lo_, mag_, next_hi_, next_lo_, next_mag_;
    std::vector<int> nonzero_;
    std::map<std::array<int, 4>, Line> refined_;  // refined lines by source (layer, map, row, minus)
    mpz_class scratch_;  // layer_map's product term
};

/// Certified sign of a x + b y + c at (x, y) known to within err in each coordinate; 2 when the bound cannot decide.
int filtered_sign(const Line& z, double x, double y, double err);

/// The intersection of p and q by Cramer's rule with a certified bound on each coordinate's error; false when the
/// determinant is not certainly non-zero or a value is not finite.
bool filtered_point(const Line& p, const Line& q, double& x, double& y, double& err);

}  // namespace ginn::detail
