// The wasm build's stand-in for <gmpxx.h>: the few exact integer and rational operations that the geometry's exact
// fallback (src/geometry/exact.cpp) uses, on sign-magnitude 32-bit limbs. Not GMP: no division of integers, no gcd,
// and mpq_class::get_d() is faithful (within 2 ulp), which is all "rounded to a nearby double" asks for.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

class mpz_class {
public:
    mpz_class() = default;
    mpz_class(long v) : neg_(v < 0) {  // NOLINT: implicit, as GMP's
        uint64_t m = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
        while (m) { mag_.push_back(uint32_t(m)); m >>= 32; }
    }
    friend int sgn(const mpz_class& a) { return a.mag_.empty() ? 0 : a.neg_ ? -1 : 1; }
    mpz_class operator-() const { mpz_class r = *this; if (!r.mag_.empty()) r.neg_ = !r.neg_; return r; }
    friend mpz_class operator+(const mpz_class& a, const mpz_class& b) {
        if (a.neg_ == b.neg_) return make(add(a.mag_, b.mag_), a.neg_);
        const int c = compare(a.mag_, b.mag_);
        if (c == 0) return {};
        return c > 0 ? make(sub(a.mag_, b.mag_), a.neg_) : make(sub(b.mag_, a.mag_), b.neg_);
    }
    friend mpz_class operator-(const mpz_class& a, const mpz_class& b) { return a + (-b); }
    friend mpz_class operator*(const mpz_class& a, const mpz_class& b) {
        if (a.mag_.empty() || b.mag_.empty()) return {};
        std::vector<uint32_t> r(a.mag_.size() + b.mag_.size(), 0);
        for (size_t i = 0; i < a.mag_.size(); ++i) {
            uint64_t carry = 0;
            for (size_t j = 0; j < b.mag_.size(); ++j) {
                const uint64_t t = uint64_t(a.mag_[i]) * b.mag_[j] + r[i + j] + carry;
                r[i + j] = uint32_t(t);
                carry = t >> 32;
            }
            r[i + b.mag_.size()] = uint32_t(carry);
        }
        return make(std::move(r), a.neg_ != b.neg_);
    }
    friend mpz_class operator<<(const mpz_class& a, unsigned long s) {
        if (a.mag_.empty()) return {};
        std::vector<uint32_t> r(s / 32, 0);
        const unsigned bits = unsigned(s % 32);
        uint32_t carry = 0;
        for (uint32_t limb : a.mag_) {
            r.push_back(bits ? (limb << bits) | carry : limb);
            carry = bits ? limb >> (32 - bits) : 0;
        }
        r.push_back(carry);
        return make(std::move(r), a.neg_);
    }
    /// |a| ~ m 2^e with m holding the top 64 bits (truncated): the scale used by mpq_class::get_d.
    std::pair<double, long> top_bits() const {
        if (mag_.empty()) return {0.0, 0};
        const size_t n = mag_.size();
        const uint64_t hi = n >= 2 ? (uint64_t(mag_[n - 1]) << 32) | mag_[n - 2] : mag_[0];
        const uint32_t lo = n >= 3 ? mag_[n - 3] : 0;
        const long e = n >= 2 ? long(32 * (n - 2)) : 0;
        return {std::ldexp(double(hi), 0) + (n >= 3 ? std::ldexp(double(lo), -32) : 0.0), e};
    }
    bool negative() const { return neg_; }
    mpz_class* get_mpz_t() { return this; }
    const mpz_class* get_mpz_t() const { return this; }

private:
    static mpz_class make(std::vector<uint32_t> m, bool neg) {
        while (!m.empty() && m.back() == 0) m.pop_back();
        mpz_class r;
        r.mag_ = std::move(m);
        r.neg_ = !r.mag_.empty() && neg;
        return r;
    }
    static int compare(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
        if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
        for (size_t i = a.size(); i-- > 0;)
            if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
        return 0;
    }
    static std::vector<uint32_t> add(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
        std::vector<uint32_t> r(std::max(a.size(), b.size()) + 1, 0);
        uint64_t carry = 0;
        for (size_t i = 0; i + 1 < r.size(); ++i) {
            const uint64_t t = uint64_t(i < a.size() ? a[i] : 0) + (i < b.size() ? b[i] : 0) + carry;
            r[i] = uint32_t(t);
            carry = t >> 32;
        }
        r.back() = uint32_t(carry);
        return r;
    }
    static std::vector<uint32_t> sub(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {  // |a| > |b|
        std::vector<uint32_t> r(a.size(), 0);
        int64_t borrow = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            int64_t t = int64_t(a[i]) - (i < b.size() ? b[i] : 0) - borrow;
            borrow = t < 0;
            r[i] = uint32_t(t + (borrow << 32));
        }
        return r;
    }

    std::vector<uint32_t> mag_;  // little-endian limbs, no leading zero limb
    bool neg_ = false;
};

/// A rational num / 2^shift / den with den > 0 kept unreduced: enough for exact.cpp's one division and its sign.
class mpq_class {
public:
    mpq_class() = default;
    explicit mpq_class(const mpz_class& n) : num_(n) {}
    mpq_class* get_mpq_t() { return this; }
    friend int sgn(const mpq_class& q) { return sgn(q.num_) * sgn(q.den_); }
    friend mpq_class operator/(const mpq_class& a, const mpq_class& b) {
        mpq_class r;
        r.num_ = a.num_ * b.den_;
        r.den_ = a.den_ * b.num_;
        r.exp_ = a.exp_ - b.exp_;
        if (sgn(r.den_) < 0) r.num_ = -r.num_, r.den_ = -r.den_;
        return r;
    }
    /// num / den * 2^exp from the top 64 bits of each (relative error below 2^-60 before the final rounding).
    double get_d() const {
        if (sgn(num_) == 0) return 0.0;
        const auto [n, en] = num_.top_bits();
        const auto [d, ed] = den_.top_bits();
        const double v = std::ldexp(n / d, int(std::clamp(en - ed + exp_, -100000L, 100000L)));
        return num_.negative() ? -v : v;
    }
    long exp_ = 0;

private:
    mpz_class num_, den_ = mpz_class(1L);
};

inline void mpq_mul_2exp(mpq_class* r, mpq_class* q, unsigned long e) { *r = *q; r->exp_ += long(e); }
inline void mpq_div_2exp(mpq_class* r, mpq_class* q, unsigned long e) { *r = *q; r->exp_ -= long(e); }

// The in-place integer calls of exact.cpp's sums, on the stand-in (with temporaries: the stand-in's speed is not
// what the page is measured by).
using mp_bitcnt_t = unsigned long;
inline void mpz_swap(mpz_class* a, mpz_class* b) { std::swap(*a, *b); }
inline void mpz_mul_2exp(mpz_class* r, const mpz_class* a, mp_bitcnt_t s) { *r = *a << s; }
inline void mpz_add(mpz_class* r, const mpz_class* a, const mpz_class* b) { *r = *a + *b; }
inline void mpz_mul(mpz_class* r, const mpz_class* a, const mpz_class* b) { *r = *a * *b; }
