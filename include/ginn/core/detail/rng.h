// The random generator of ginn (initialisation, minibatch sampling, dropout masks, sampled tasks): xoshiro256**.
// Hand-written rather than <random>: std distributions differ between standard libraries, and ginn promises
// bit-identical runs; this one is a few lines, fast, and its state is four words that save_state can store.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace ginn::detail {

/// SplitMix64 (Steele, Lea & Flood 2014): advances `x` and returns a well-mixed 64-bit value of it. Seeds Rng, and
/// hashes counters where a position-addressable sequence is needed (the labelling page's pair designs).
inline uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// xoshiro256** (Blackman and Vigna, https://prng.di.unimi.it/), seeded through splitmix64.
class Rng {
public:
    explicit Rng(uint64_t seed = 1) { reseed(seed); }

    void reseed(uint64_t seed) {
        for (auto& w : s_) w = splitmix64(seed);
    }
    uint64_t next() { return scramble(step()); }
    /// next() in two halves, for callers that scramble many words at once in SIMD lanes: step() advances the state and
    /// returns the word that next() scrambles, so scramble(step()) == next().
    uint64_t step() {
        const uint64_t word = s_[1];
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return word;
    }
    static uint64_t scramble(uint64_t word) { return rotl(word * 5, 7) * 9; }
    /// Uniform integer in [0, n), by Lemire's multiply-shift (bias below n / 2^64).
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<__uint128_t>(next()) * n) >> 64); }
    /// Uniform float in [0, 1) with 24 random bits.
    float uniform_float() { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }
    /// Uniform double in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Standard normal by Box-Muller (one of the pair; simple and portable).
    double normal() {
        const double u1 = 1.0 - uniform();  // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

    const std::array<uint64_t, 4>& state() const { return s_; }
    void set_state(const std::array<uint64_t, 4>& s) { s_ = s; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<uint64_t, 4> s_{};
};

}  // namespace ginn::detail
