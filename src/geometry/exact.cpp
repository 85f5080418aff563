// Certified double-precision filters and the exact GMP fallback behind them (exact.h). The error bounds follow the
// standard model fl(a op b) = (a op b)(1 + d), |d| <= u, plus an absolute term for underflow (Higham, Accuracy and
// Stability of Numerical Algorithms, ch. 2-3; Shewchuk, Adaptive Precision Floating-Point Arithmetic, 1997).
// Not the arrangement (mesh.cpp).
#include "geometry/exact.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "ginn/core/error.h"

namespace ginn::detail {

namespace {

/// Absolute slack for underflow: every product below DBL_MIN may lose up to one subnormal unit.
constexpr double underflow_slack = 16 * DBL_TRUE_MIN;

int sign_of(const Dyadic& q) { return q.sign(); }

/// Error bound of the double value x1 y1 - x2 y2 whose inputs have errors e1, f1, e2, f2, rounding included.
double minor_error(double x1, double e1, double y1, double f1, double x2, double e2, double y2, double f2) {
    const double input = e1 * (std::abs(y1) + f1) + std::abs(x1) * f1 + e2 * (std::abs(y2) + f2) + std::abs(x2) * f2;
    const double rounding = 2 * unit_roundoff * (std::abs(x1 * y1) + std::abs(x2 * y2));
    return (input + rounding) * (1 + 8 * unit_roundoff) + underflow_slack;
}

// Double-double arithmetic by error-free transformations (Knuth's TwoSum, Dekker's Fast2Sum, the FMA's exact
// product error; Joldes, Muller and Popescu, Tight and rigorous error bounds for basic building blocks of
// double-word arithmetic, 2017). Without underflow, mul has relative error <= 2u^2 and add (their
// AccurateDWPlusDW) <= 3u^2 / (1 - 4u) of the result; refined() charges 4u^2 of the inputs' magnitudes to each.
DoubleDouble two_sum(double a, double b) {
    const double s = a + b, bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
}

DoubleDouble fast_two_sum(double a, double b) {  // |a| >= |b| or a = 0
    const double s = a + b;
    return {s, b - (s - a)};
}

/// x w for a double w.
DoubleDouble mul(DoubleDouble x, double w) {
    const double p = x.hi * w;
    const double e = std::fma(x.hi, w, -p) + x.lo * w;
    return fast_two_sum(p, e);
}

DoubleDouble add(DoubleDouble x, DoubleDouble y) {
    DoubleDouble s = two_sum(x.hi, y.hi);
    const DoubleDouble t = two_sum(x.lo, y.lo);
    s = fast_two_sum(s.hi, s.lo + t.hi);
    return fast_two_sum(s.hi, s.lo + t.lo);
}

/// acc += t 2^e in place, t clobbered: the exact maps' sums without a temporary per term (no allocation once the
/// integers have grown).
void add_scaled(Dyadic& acc, mpz_class& t, long e) {
    if (sgn(t) == 0) return;
    if (acc.sign() == 0) {
        mpz_swap(acc.m.get_mpz_t(), t.get_mpz_t());
        acc.e = e;
        return;
    }
    if (e >= acc.e) {
        mpz_mul_2exp(t.get_mpz_t(), t.get_mpz_t(), static_cast<mp_bitcnt_t>(e - acc.e));
    } else {
        mpz_mul_2exp(acc.m.get_mpz_t(), acc.m.get_mpz_t(), static_cast<mp_bitcnt_t>(acc.e - e));
        acc.e = e;
    }
    mpz_add(acc.m.get_mpz_t(), acc.m.get_mpz_t(), t.get_mpz_t());
}

}  // namespace

Dyadic::Dyadic(double v) {
    int k = 0;
    const double f = std::frexp(v, &k);  // v = f 2^k, |f| in [0.5, 1): f 2^53 is an integer
    m = mpz_class(static_cast<long>(std::ldexp(f, 53)));
    e = k - 53;
}

mpq_class Dyadic::rational() const {
    mpq_class q(m);
    if (e >= 0) mpq_mul_2exp(q.get_mpq_t(), q.get_mpq_t(), static_cast<unsigned long>(e));
    else mpq_div_2exp(q.get_mpq_t(), q.get_mpq_t(), static_cast<unsigned long>(-e));
    return q;
}

Dyadic operator+(const Dyadic& a, const Dyadic& b) {
    if (a.sign() == 0) return b;
    if (b.sign() == 0) return a;
    if (a.e <= b.e) return {a.m + (b.m << static_cast<unsigned long>(b.e - a.e)), a.e};
    return {b.m + (a.m << static_cast<unsigned long>(a.e - b.e)), b.e};
}

Dyadic operator-(const Dyadic& a, const Dyadic& b) { return a + Dyadic(-b.m, b.e); }

Dyadic operator*(const Dyadic& a, const Dyadic& b) {
    if (a.sign() == 0 || b.sign() == 0) return {};
    return {a.m * b.m, a.e + b.e};
}

void ActivationBits::reset(int n_neurons, int n_ties) {
    packed_ = (n_neurons + 7) / 8;
    row_bytes_ = std::max<size_t>(1, size_t(packed_) + size_t(n_ties));
    data_.assign(row_bytes_, 0);
}

int ActivationBits::append_copy(int f) {
    const size_t at = data_.size();
    data_.resize(at + row_bytes_);  // not zeroed (UninitialisedAllocator): copied just below
    std::memcpy(&data_[at], &data_[size_t(f) * row_bytes_], row_bytes_);
    return static_cast<int>(at / row_bytes_);
}

uint8_t ActivationBits::range_mask(int k, int g0, int n) {
    const int lo = std::max(g0 - 8 * k, 0), hi = std::min(g0 + n - 8 * k, 8);  // bits [lo, hi) of byte k
    return static_cast<uint8_t>(((1u << hi) - 1) & ~((1u << lo) - 1));
}

void ActivationBits::set_states(int f, int g0, int n, const uint8_t* states) {
    uint8_t* b = row(f);
    int i = 0;
    if (g0 % 8 == 0)  // eight bytes of 0 or 1 to one byte: the product gathers byte k's low bit into bit 56 + k
        for (; i + 8 <= n; i += 8) {
            uint64_t w = 0;
            std::memcpy(&w, states + i, 8);
            b[(g0 + i) / 8] = static_cast<uint8_t>((w * 0x0102040810204080ull) >> 56);
        }
    for (; i < n; ++i) set(f, g0 + i, states[i] != 0);
}

void ActivationBits::get_states(int f, int g0, int n, uint8_t* out) const {
    const uint8_t* b = row(f);
    int i = 0;
    if (g0 % 8 == 0)  // one byte to eight: copied into each byte, bit k kept in byte k, then 1 where it is non-zero
        for (; i + 8 <= n; i += 8) {
            const uint64_t w = ((uint64_t{b[(g0 + i) / 8]} * 0x0101010101010101ull) & 0x8040201008040201ull) +
                               0x7f7f7f7f7f7f7f7full;
            const uint64_t states = (w & 0x8080808080808080ull) >> 7;
            std::memcpy(out + i, &states, 8);
        }
    for (; i < n; ++i) out[i] = (b[(g0 + i) >> 3] >> ((g0 + i) & 7)) & 1;
}

namespace {

/// Calls visit(x, base) for the xor of rows a and b over states g0 .. g0 + n - 1, eight bytes at a time (the last
/// word shorter): bit i of x set where the rows differ in state base + i (other bits cleared).
template <typename Visit>
void xor_words(const uint8_t* a, const uint8_t* b, int g0, int n, Visit visit) {
    if (n <= 0) return;
    const int end = g0 + n, last = (end - 1) / 8;  // states [g0, end) lie in bytes g0 / 8 .. last
    for (int k = g0 / 8; k <= last; k += 8) {
        const size_t bytes = std::min(8, last + 1 - k);
        uint64_t x = 0, y = 0;
        if (bytes == 8) {  // a constant size: two loads, no call
            std::memcpy(&x, a + k, 8);
            std::memcpy(&y, b + k, 8);
        } else {
            std::memcpy(&x, a + k, bytes);
            std::memcpy(&y, b + k, bytes);
        }
        const int lo = std::max(g0 - 8 * k, 0), hi = std::min(end - 8 * k, 64);  // bits [lo, hi) of this word
        const uint64_t mask = (hi == 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1) & ~((uint64_t{1} << lo) - 1);
        visit((x ^ y) & mask, 8 * k - g0);
    }
}

}  // namespace

void ActivationBits::differing(int f, int r, int g0, int n, std::vector<int>& out) const {
    xor_words(row(f), row(r), g0, n, [&](uint64_t x, int base) {
        for (; x != 0; x &= x - 1) out.push_back(base + std::countr_zero(x));
    });
}

int ActivationBits::count_differing(int f, int r, int g0, int n) const {
    int d = 0;
    xor_words(row(f), row(r), g0, n, [&](uint64_t x, int) { d += std::popcount(x); });
    return d;
}

void ActivationBits::append_key(int f, int n, std::string& key) const {
    const uint8_t* b = row(f);
    for (int k = 0; k < (n + 7) / 8; ++k) key.push_back(static_cast<char>(b[k] & range_mask(k, 0, n)));
}

ExactLines::ExactLines(const Network& net, const ActivationBits& bits, const std::vector<int>& layer_offset)
    : net_(net), bits_(bits), layer_offset_(layer_offset) {}

// The map of layer `layer` on face m: the composition of layers 0..layer with face m's activation states, one
// layer at a time from the cached map of the layer before. Cached by the states it depends on (face m's bits of
// layers < layer, which never change), so that every face with the same earlier states shares it.
const std::vector<Dyadic>& ExactLines::layer_map(int layer, int m) {
    const int n_before = layer == 0 ? 0 : layer_offset_[layer - 1] + net_.layers[layer - 1].n_out();
    std::string key(reinterpret_cast<const char*>(&layer), sizeof layer);
    bits_.append_key(m, n_before, key);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (W_.empty()) {
        W_.resize(net_.layers.size());
        b_.resize(net_.layers.size());
        for (size_t l = 0; l < net_.layers.size(); ++l) {
            const DenseLayer& L = net_.layers[l];
            W_[l].resize(size_t(L.W.size()));
            for (int i = 0; i < L.n_out(); ++i)
                for (int k = 0; k < L.n_in(); ++k) W_[l][size_t(i) * L.n_in() + k] = Dyadic(L.W(i, k));
            for (int i = 0; i < L.n_out(); ++i) b_[l].push_back(Dyadic(L.b(i)));
        }
    }
    // P: (n_in, 3) row-major, the layer's input as an affine map of (x, y).
    std::vector<Dyadic> P;
    if (layer == 0) {
        P = {Dyadic(1.0), Dyadic(), Dyadic(), Dyadic(), Dyadic(1.0), Dyadic()};
    } else {
        P = layer_map(layer - 1, m);
        const DenseLayer& prev = net_.layers[layer - 1];
        for (int i = 0; i < prev.n_out(); ++i) {
            if (prev.activation == Activation::linear || bits_.on(m, layer_offset_[layer - 1] + i))
                continue;
            const Dyadic slope(prev.slope_below(i));  // 0 for relu; a leaky or PReLU slope, a double, is dyadic
            for (int c = 0; c < 3; ++c)
                P[size_t(3 * i + c)] = prev.activation == Activation::leaky_relu ? P[size_t(3 * i + c)] * slope : Dyadic();
        }
    }
    const DenseLayer& L = net_.layers[layer];
    const int n_in = L.n_in(), n = L.n_out();
    std::vector<Dyadic> Z(size_t(3 * n));
    mpz_class& t = scratch_;
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < n_in; ++k) {
            const Dyadic& w = W_[layer][size_t(i) * n_in + k];
            if (w.sign() == 0) continue;
            for (int c = 0; c < 3; ++c) {
                const Dyadic& p = P[size_t(3 * k + c)];
                if (p.sign() == 0) continue;
                mpz_mul(t.get_mpz_t(), w.m.get_mpz_t(), p.m.get_mpz_t());
                add_scaled(Z[size_t(3 * i + c)], t, w.e + p.e);
            }
        }
        t = b_[layer][i].m;
        add_scaled(Z[size_t(3 * i + 2)], t, b_[layer][i].e);
        if (L.residual)
            for (int c = 0; c < 3; ++c) {
                t = P[size_t(3 * i + c)].m;
                add_scaled(Z[size_t(3 * i + c)], t, P[size_t(3 * i + c)].e);
            }
    }
    return cache_.emplace(std::move(key), std::move(Z)).first->second;
}

std::array<Dyadic, 3> ExactLines::coefficients(const LineSource& s) {
    if (s.layer < 0) {  // sides of the box: 0 bottom, 1 right, 2 top, 3 left
        const Box& d = net_.domain;
        const double at[4] = {d.y0, d.x1, d.y1, d.x0};
        const bool horizontal = s.map % 2 == 0;
        return {Dyadic(horizontal ? 0.0 : 1.0), Dyadic(horizontal ? 1.0 : 0.0), Dyadic(-at[s.map])};
    }
    const std::vector<Dyadic>& M = layer_map(s.layer, s.map);
    std::array<Dyadic, 3> r = {M[size_t(3 * s.row)], M[size_t(3 * s.row + 1)], M[size_t(3 * s.row + 2)]};
    if (s.minus >= 0)
        for (int c = 0; c < 3; ++c) r[c] = r[c] - M[size_t(3 * s.minus + c)];
    if (s.minus == -2) r[2] = r[2] - Dyadic(0.5);
    return r;
}

int ExactLines::sign_at(const LineSource& p, const LineSource& q, const LineSource& z) {
    ++n_exact;
    const auto P = coefficients(p), Q = coefficients(q), Z = coefficients(z);
    const Dyadic D = P[0] * Q[1] - Q[0] * P[1];
    GINN_ASSERT(D.sign() != 0);
    // z at the point = det(P; Q; Z) / D (Cramer's rule expanded along the third row).
    const Dyadic det = Z[0] * (P[1] * Q[2] - Q[1] * P[2]) - Z[1] * (P[0] * Q[2] - Q[0] * P[2]) + Z[2] * D;
    return sign_of(det) * sign_of(D);
}

std::array<double, 2> ExactLines::point(const LineSource& p, const LineSource& q) {
    ++n_exact;
    const auto P = coefficients(p), Q = coefficients(q);
    const mpq_class D = (P[0] * Q[1] - Q[0] * P[1]).rational();
    GINN_ASSERT(sgn(D) != 0);
    const mpq_class x = (P[1] * Q[2] - Q[1] * P[2]).rational() / D, y = (P[2] * Q[0] - Q[2] * P[0]).rational() / D;
    return {x.get_d(), y.get_d()};
}

// Row `row` (minus row `minus`) of the map of layer s.layer on face s.map, as a row functional r carried from that
// layer down to the input: r^T z_l = (W_l^T r)^T a_{l-1} + b_l^T r (+ r^T a_{l-1} when residual), a_{l-1} =
// D z_{l-1} with the face's slopes D. Every value is a double-double with |error| <= theta |magnitude| + eta, the
// magnitude being the same sums over |terms| in double: a dot product of K terms adds (4K^2 + 24) u^2 to theta (the
// (K + 2) u of the magnitude's own rounding as a factor), the slopes 4 u^2, and eta grows like the errors.
Line ExactLines::refined(const Line& line) {
    const LineSource& s = line.src;
    if (s.layer < 0 || line.refined) return line;
    const std::array<int, 4> key = {s.layer, s.map, s.row, s.minus};
    if (const auto it = refined_.find(key); it != refined_.end()) return it->second;
    ++n_refined;
    constexpr double u = unit_roundoff, u2 = unit_roundoff * unit_roundoff;
    if (Wt_.empty()) {  // each layer's weights row-major (rows contiguous) and its largest |column| sum
        for (const DenseLayer& L : net_.layers) {
            Wt_.emplace_back(L.W.size());
            Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(Wt_.back().data(), L.n_out(), L.n_in()) = L.W;
            max_col_.push_back(L.W.cwiseAbs().colwise().sum().maxCoeff() + (L.residual ? 1 : 0));
        }
    }
    const int n_top = net_.layers[size_t(s.layer)].n_out();
    for (auto* v : {&hi_, &lo_, &mag_}) v->assign(size_t(n_top), 0.0);
    hi_[size_t(s.row)] = mag_[size_t(s.row)] = 1;
    if (s.minus >= 0) {
        hi_[size_t(s.minus)] = -1;
        mag_[size_t(s.minus)] = 1;
    }
    DoubleDouble c = {s.minus == -2 ? -0.5 : 0.0, 0};  // the constant so far, and its magnitude
    double c_mag = std::abs(c.hi), theta = 0, eta = 0;
    for (int l = s.layer; l >= 0; --l) {
        const DenseLayer& L = net_.layers[size_t(l)];
        const int n_in = L.n_in();
        nonzero_.clear();
        double b_sum = 0;
        for (int j = 0; j < L.n_out(); ++j)
            if (mag_[size_t(j)] != 0) nonzero_.push_back(j);  // a zero magnitude: exactly zero
        const int K = static_cast<int>(nonzero_.size()) + 2;
        for (const int j : nonzero_) {
            c = add(c, mul({hi_[size_t(j)], lo_[size_t(j)]}, L.b(j)));
            c_mag += std::abs(L.b(j)) * mag_[size_t(j)];
            b_sum += std::abs(L.b(j));
        }
        // next = W^T row (+ row): row by row of W, each a branch-free loop over the layer's inputs (vectorised).
        for (auto* v : {&next_hi_, &next_lo_, &next_mag_}) v->assign(size_t(n_in), 0.0);
        if (L.residual) {
            next_hi_.assign(hi_.begin(), hi_.begin() + n_in);
            next_lo_.assign(lo_.begin(), lo_.begin() + n_in);
            next_mag_.assign(mag_.begin(), mag_.begin() + n_in);
        }
        double* __restrict acc_hi = next_hi_.data();
        double* __restrict acc_lo = next_lo_.data();
        double* __restrict acc_mag = next_mag_.data();
        // Compensated (Ogita, Rump and Oishi's Dot2): the high parts' products exactly (the FMA's error) and summed
        // by TwoSum; every error, and the low parts' products, summed in the plain double acc_lo; normalised once
        // at the end by a TwoSum. The sum is exact but for acc_lo's rounding, at most gamma_{3K} times the sum of
        // its |terms| (each at most about K u of the magnitude), and the low products' (u^2 of the magnitude):
        // within 4 K^2 u^2 of the magnitude.
        for (const int j : nonzero_) {
            const double r_hi = hi_[size_t(j)], r_lo = lo_[size_t(j)], r_mag = mag_[size_t(j)];
            const double* __restrict w = &Wt_[size_t(l)][size_t(j) * n_in];
            for (int i = 0; i < n_in; ++i) {
                const double p = r_hi * w[i], e = std::fma(r_hi, w[i], -p);
                const double a = acc_hi[i], sum = a + p, bb = sum - a;
                acc_hi[i] = sum;
                acc_lo[i] += ((a - (sum - bb)) + (p - bb)) + (e + r_lo * w[i]);
                acc_mag[i] += std::abs(w[i]) * r_mag;
            }
        }
        for (int i = 0; i < n_in; ++i) {
            const DoubleDouble v = two_sum(acc_hi[i], acc_lo[i]);
            acc_hi[i] = v.hi;
            acc_lo[i] = v.lo;
        }
        theta = (theta + (4.0 * K * K + 24) * u2) * (1 + 4 * (K + 2) * u);
        eta = (eta * (1 + b_sum + max_col_[size_t(l)]) + 16 * K * DBL_TRUE_MIN) * (1 + 4 * (K + 2) * u);
        if (l > 0) {  // times the slopes of layer l - 1 on the face
            const DenseLayer& prev = net_.layers[size_t(l - 1)];
            const int g0 = layer_offset_[size_t(l - 1)];
            double largest = 1;  // the largest |slope| applied: PReLU slopes may exceed 1 and scale the absolute error
            for (int i = 0; i < n_in; ++i) {
                if (prev.activation == Activation::linear || bits_.on(s.map, g0 + i)) continue;
                const double slope = prev.slope_below(i);  // 0 for relu; a leaky or PReLU slope
                const DoubleDouble v = mul({next_hi_[size_t(i)], next_lo_[size_t(i)]}, slope);
                next_hi_[size_t(i)] = v.hi;
                next_lo_[size_t(i)] = v.lo;
                next_mag_[size_t(i)] *= std::abs(slope);
                largest = std::max(largest, std::abs(slope));
            }
            theta = (theta + 4 * u2) * (1 + 2 * u);
            eta = eta * largest + 4 * DBL_TRUE_MIN;
        }
        hi_.swap(next_hi_);
        lo_.swap(next_lo_);
        mag_.swap(next_mag_);
    }
    // Rounded to double: |exact - fl(hi + lo)| <= theta |magnitude| + eta + u |hi + lo|.
    Line r = line;
    const DoubleDouble v[3] = {{hi_[0], lo_[0]}, {hi_[1], lo_[1]}, c};
    const double mag[3] = {mag_[0], mag_[1], c_mag};
    double* value[3] = {&r.a, &r.b, &r.c};
    double* err[3] = {&r.ea, &r.eb, &r.ec};
    for (int k = 0; k < 3; ++k) {
        *value[k] = v[k].hi + v[k].lo;
        *err[k] = (theta * mag[k] + eta + u * std::abs(*value[k])) * (1 + 4 * u) + underflow_slack;
        if (!std::isfinite(*value[k]) || !std::isfinite(*err[k]) || !std::isfinite(v[k].lo)) return line;
    }
    r.refined = true;
    refined_.emplace(key, r);
    return r;
}

int ExactLines::refined_sign(const Line& z, double x, double y, double err) {
    const double own = z.ea * std::abs(x) + z.eb * std::abs(y) + z.ec;
    const double rest = (std::abs(z.a) + z.ea + std::abs(z.b) + z.eb) * err +
                        3 * unit_roundoff * (std::abs(z.a * x) + std::abs(z.b * y) + std::abs(z.c));
    if (z.refined || z.a * x + z.b * y + z.c == 0 || !(own > rest)) return 2;
    return filtered_sign(refined(z), x, y, err);
}

bool ExactLines::equal_output_maps(int m1, int m2) {
    ++n_exact;
    const int out = net_.n_hidden_layers();
    const std::vector<Dyadic>&A = layer_map(out, m1), &B = layer_map(out, m2);
    for (size_t i = 0; i < A.size(); ++i)
        if ((A[i] - B[i]).sign() != 0) return false;
    return true;
}

int filtered_sign(const Line& z, double x, double y, double err) {
    const double v = z.a * x + z.b * y + z.c;
    const double ax = std::abs(x), ay = std::abs(y);
    double bound = z.ea * ax + z.eb * ay + z.ec + (std::abs(z.a) + z.ea + std::abs(z.b) + z.eb) * err +
                   3 * unit_roundoff * (std::abs(z.a) * ax + std::abs(z.b) * ay + std::abs(z.c));
    bound = bound * (1 + 8 * unit_roundoff) + underflow_slack;
    if (!std::isfinite(v) || !std::isfinite(bound) || !(std::abs(v) > bound)) return 2;
    return v > 0 ? 1 : -1;
}

bool filtered_point(const Line& p, const Line& q, double& x, double& y, double& err) {
    const double D = p.a * q.b - q.a * p.b;
    const double nx = p.b * q.c - q.b * p.c, ny = p.c * q.a - q.c * p.a;
    const double eD = minor_error(p.a, p.ea, q.b, q.eb, q.a, q.ea, p.b, p.eb);
    const double ex = minor_error(p.b, p.eb, q.c, q.ec, q.b, q.eb, p.c, p.ec);
    const double ey = minor_error(p.c, p.ec, q.a, q.ea, q.c, q.ec, p.a, p.ea);
    if (!std::isfinite(D) || !(std::abs(D) > 2 * eD)) return false;
    x = nx / D;
    y = ny / D;
    const double room = std::abs(D) - eD;
    err = std::max((ex + std::abs(x) * eD) / room + unit_roundoff * std::abs(x),
                   (ey + std::abs(y) * eD) / room + unit_roundoff * std::abs(y));
    err = err * (1 + 16 * unit_roundoff) + underflow_slack;
    return std::isfinite(x) && std::isfinite(y) && std::isfinite(err);
}

}  // namespace ginn::detail
