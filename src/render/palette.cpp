// The colours of ginn's figures: layer hues (standard and colour-blind-safe), region and class colours, and the
// shared encoding of a prediction as a colour (the viewer implements the same numbers). Not layout: render.cpp.
#include <algorithm>
#include <cmath>

#include "ginn/core/error.h"
#include "ginn/render/render.h"

namespace ginn {

namespace {

/// CSS hsl(): hue in degrees, saturation and lightness in [0, 1].
Rgb hsl(double hue, double s, double l) {
    hue = std::fmod(std::fmod(hue, 360.0) + 360.0, 360.0);
    const double c = (1 - std::abs(2 * l - 1)) * s;
    const double hp = hue / 60.0;
    const double x = c * (1 - std::abs(std::fmod(hp, 2.0) - 1));
    double r = 0, g = 0, b = 0;
    if (hp < 1) r = c, g = x;
    else if (hp < 2) r = x, g = c;
    else if (hp < 3) g = c, b = x;
    else if (hp < 4) g = x, b = c;
    else if (hp < 5) r = x, b = c;
    else r = c, b = x;
    const double m = l - c / 2;
    return {r + m, g + m, b + m};
}

constexpr Rgb hex(unsigned v) { return {((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0}; }

constexpr Rgb okabe_ito[] = {hex(0x0072B2), hex(0xD55E00), hex(0x009E73), hex(0xCC79A7),
                             hex(0xE69F00), hex(0x56B4E9), hex(0xF0E442), hex(0x000000)};
constexpr Rgb class_fills[] = {hex(0xf4c7a1), hex(0xa8d5c9), hex(0xc9b8e0), hex(0xf2e29b), hex(0xa9c7e8),
                               hex(0xe8a9bf), hex(0xcfd9a0), hex(0xd7c0a8), hex(0xb5e0e8), hex(0xe0b8d8)};
const Rgb white{1, 1, 1}, black{0, 0, 0};

}  // namespace

Palette palette_from_name(std::string_view name, const std::string& where) {
    if (name == "standard") return Palette::standard;
    if (name == "cb") return Palette::colour_blind;
    throw Error(where, "unknown palette '" + std::string(name) + "'", "standard or cb",
                "cb is the Okabe-Ito colour-blind-safe set");
}

Rgb mix(const Rgb& a, const Rgb& b, double t) {
    return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

Rgb neuron_colour(int layer, int index, int n_in_layer, Palette palette) {
    const double t = n_in_layer > 1 ? std::clamp((index - 1) / double(n_in_layer - 1), 0.0, 1.0) : 0.5;
    const int slot = (std::max(layer, 1) - 1) % 8;
    if (palette == Palette::colour_blind) {
        const Rgb base = okabe_ito[slot];
        return t < 0.5 ? mix(base, black, (0.5 - t) * 0.6) : mix(base, white, (t - 0.5) * 0.6);
    }
    static constexpr double layer_hue[] = {215, 355, 125, 275, 30, 180, 320, 60};
    return hsl(layer_hue[slot] + (t - 0.5) * 24, 0.80, 0.30 + 0.32 * t);
}

Rgb decision_colour() { return hsl(48, 1.0, 0.5); }
Rgb decision_outline_colour() { return {20 / 255.0, 20 / 255.0, 20 / 255.0}; }

Rgb region_colour(std::span<const uint8_t> pattern) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64
    for (uint8_t byte : pattern) h = (h ^ byte) * 0x100000001b3ull;
    return hsl(static_cast<double>(h % 360), 0.35 + 0.30 * ((h >> 20) % 64) / 63.0,
               0.70 + 0.15 * ((h >> 40) % 64) / 63.0);
}

Rgb class_fill(int c) { return class_fills[((c % 10) + 10) % 10]; }

Rgb class_colour(int k, int n_classes) {
    if (n_classes <= 2) return k == 0 ? black : white;
    return class_fill(k);
}

Rgb prediction_colour(Head head, std::span<const double> z, const OutputScale& scale) {
    GINN_ASSERT(!z.empty());
    auto grey = [](double v) { return Rgb{v, v, v}; };
    switch (head) {
        case Head::sigmoid: return grey(1 / (1 + std::exp(-z[0])));
        case Head::regression: return grey(std::clamp((z[0] - scale.lo) / (scale.hi - scale.lo), 0.0, 1.0));
        case Head::softmax2:
        case Head::softmax: {
            const size_t k = z.size();
            const auto top = std::max_element(z.begin(), z.end());
            double sum = 0;  // softmax of the top class: 1 / sum(exp(z - top))
            for (double v : z) sum += std::exp(v - *top);
            const double p = 1 / sum;
            if (k == 2) return grey(top == z.begin() ? 1 - p : p);
            const double conf = std::clamp((p - 1.0 / k) / (1 - 1.0 / k), 0.0, 1.0);
            return mix(white, class_fill(static_cast<int>(top - z.begin())), conf);
        }
    }
    return black;
}

}  // namespace ginn
