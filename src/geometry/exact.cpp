// Certified double-precision filters and the exact GMP fallback behind them (exact.h). The error bounds follow the
// standard model fl(a op b) = (a op b)(1 + d), |d| <= u, plus an absolute term for underflow (Higham, Accuracy and
// Stability of Numerical Algorithms, ch. 2-3; Shewchuk, Adaptive Precision Floating-Point Arithmetic, 1997).
// Not the arrangement (mesh.cpp).
#include "geometry/exact.h"

#include <cmath>

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

ExactLines::ExactLines(const Network& net, const std::vector<uint8_t>& bits, int stride,
                       const std::vector<int>& layer_offset)
    : net_(net), bits_(bits), stride_(stride), layer_offset_(layer_offset) {}

// The map of layer `layer` on face m: the composition of layers 0..layer with face m's activation states, one
// layer at a time from the cached map of the layer before. Cached by the states it depends on (face m's bits of
// layers < layer, which never change), so that every face with the same earlier states shares it.
const std::vector<Dyadic>& ExactLines::layer_map(int layer, int m) {
    const int n_before = layer == 0 ? 0 : layer_offset_[layer - 1] + net_.layers[layer - 1].n_out();
    std::string key(reinterpret_cast<const char*>(&layer), sizeof layer);
    key.append(reinterpret_cast<const char*>(&bits_[size_t(m) * stride_]), size_t(n_before));
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
            if (prev.activation == Activation::linear || bits_[size_t(m) * stride_ + layer_offset_[layer - 1] + i])
                continue;
            const Dyadic slope(prev.slope_below(i));  // 0 for relu; a leaky or PReLU slope, a double, is dyadic
            for (int c = 0; c < 3; ++c)
                P[size_t(3 * i + c)] = prev.activation == Activation::leaky_relu ? P[size_t(3 * i + c)] * slope : Dyadic();
        }
    }
    const DenseLayer& L = net_.layers[layer];
    const int n_in = L.n_in(), n = L.n_out();
    std::vector<Dyadic> Z(size_t(3 * n));
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < n_in; ++k) {
            const Dyadic& w = W_[layer][size_t(i) * n_in + k];
            if (w.sign() == 0) continue;
            for (int c = 0; c < 3; ++c) Z[size_t(3 * i + c)] = Z[size_t(3 * i + c)] + w * P[size_t(3 * k + c)];
        }
        Z[size_t(3 * i + 2)] = Z[size_t(3 * i + 2)] + b_[layer][i];
        if (L.residual)
            for (int c = 0; c < 3; ++c) Z[size_t(3 * i + c)] = Z[size_t(3 * i + c)] + P[size_t(3 * i + c)];
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
