// Image targets: decode (stb_image, dimensions checked first), convert to grey, resize to R x R and threshold.
// Two resize filters: stb_image_resize's default, and Pillow's antialiased bilinear (GINN's own preprocessing).
// Not CSV files or the dataset's binary form (dataset.cpp).
#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "data/internal.h"
#include "ginn/core/detail/names.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"

namespace ginn {

const std::vector<std::string>& resize_names() {
    static const std::vector<std::string> names = {"stb", "bilinear"};
    return names;
}
std::string_view resize_name(Resize r) { return resize_names()[static_cast<size_t>(r)]; }
Resize resize_from_name(std::string_view name, const std::string& where) {
    return detail::enum_from_name<Resize>(name, resize_names(), where, "resize filter",
                                          "bilinear reproduces GINN's Pillow preprocessing");
}

namespace detail {

namespace {

// ---------------------------------------------------------------------------------------------- Pillow's bilinear

// Pillow's Image.resize(size, BILINEAR) on an 8-bit "L" image, reproduced to the bit. Written by hand because
// stb_image_resize's triangle filter is not Pillow's: it filters in float with its own kernel normalisation and
// rounding. Measured against Pillow 9.4 on tests/data/pillow_resize.py's images, stb's triangle gave equal grey
// levels for only 96.6-97.5 % of pixels on thin lines (420->200, 333->97), and Debian's stb aborted on an
// assertion (total < 1.1f) for 300->128 and 123->50. Pillow's method (libImaging/Resample.c, described, not copied):
//   - separable: a horizontal pass into an 8-bit intermediate, then a vertical pass;
//   - output pixel i of n from m input pixels has its centre at (i + 0.5) * m / n; the triangle filter
//     max(0, 1 - |t|) is widened by s = max(1, m / n) (antialiasing when downscaling), so the support is s;
//   - taps j in [round(centre - s), round(centre + s)) clamped to the image, weight tri((j + 0.5 - centre) / s),
//     normalised to sum 1, then converted to fixed point with 22 fraction bits (rounded half away from zero);
//   - each output is (sum of weight * value + 2^21) >> 22, clamped to 0..255.
constexpr int precision_bits = 32 - 8 - 2;

struct Taps {
    std::vector<int> first, count;  // per output pixel: first input index and number of taps
    std::vector<int32_t> weight;    // per output pixel: `width` fixed-point weights (zero beyond count)
    int width = 0;
};

Taps pillow_bilinear_taps(int n_in, int n_out) {
    const double scale = static_cast<double>(n_in) / n_out;
    const double filter_scale = std::max(1.0, scale);
    const double support = 1.0 * filter_scale;  // the triangle's support is 1
    Taps taps;
    taps.width = static_cast<int>(std::ceil(support)) * 2 + 1;
    taps.first.resize(n_out);
    taps.count.resize(n_out);
    taps.weight.assign(static_cast<size_t>(n_out) * taps.width, 0);
    std::vector<double> w(taps.width);
    for (int i = 0; i < n_out; ++i) {
        const double centre = (i + 0.5) * scale;
        const int lo = std::max(0, static_cast<int>(centre - support + 0.5));
        const int hi = std::min(n_in, static_cast<int>(centre + support + 0.5));
        double total = 0;
        for (int j = lo; j < hi; ++j) {
            const double t = std::abs((j - centre + 0.5) / filter_scale);
            w[j - lo] = t < 1.0 ? 1.0 - t : 0.0;
            total += w[j - lo];
        }
        taps.first[i] = lo;
        taps.count[i] = hi - lo;
        for (int j = 0; j < hi - lo; ++j) {
            const double v = (total != 0.0 ? w[j] / total : w[j]) * (1 << precision_bits);
            taps.weight[static_cast<size_t>(i) * taps.width + j] = static_cast<int32_t>(v < 0 ? v - 0.5 : v + 0.5);
        }
    }
    return taps;
}

uint8_t fixed_to_u8(int64_t sum) {
    return static_cast<uint8_t>(std::clamp<int64_t>(sum >> precision_bits, 0, 255));
}

/// grey: h rows of w, from the top. Returns n x n, Pillow's bilinear resize.
std::vector<uint8_t> resize_pillow_bilinear(const std::vector<uint8_t>& grey, int w, int h, int n) {
    std::vector<uint8_t> rows(grey);  // after the horizontal pass: h rows of n (or w when no pass is needed)
    int row_w = w;
    if (w != n) {
        const Taps tx = pillow_bilinear_taps(w, n);
        rows.assign(static_cast<size_t>(h) * n, 0);
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < n; ++c) {
                int64_t sum = int64_t{1} << (precision_bits - 1);
                const int32_t* k = &tx.weight[static_cast<size_t>(c) * tx.width];
                for (int j = 0; j < tx.count[c]; ++j) sum += int64_t{grey[static_cast<size_t>(r) * w + tx.first[c] + j]} * k[j];
                rows[static_cast<size_t>(r) * n + c] = fixed_to_u8(sum);
            }
        row_w = n;
    }
    if (h == n) return rows;
    const Taps ty = pillow_bilinear_taps(h, n);
    std::vector<uint8_t> out(static_cast<size_t>(n) * row_w);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < row_w; ++c) {
            int64_t sum = int64_t{1} << (precision_bits - 1);
            const int32_t* k = &ty.weight[static_cast<size_t>(r) * ty.width];
            for (int j = 0; j < ty.count[r]; ++j) sum += int64_t{rows[static_cast<size_t>(ty.first[r] + j) * row_w + c]} * k[j];
            out[static_cast<size_t>(r) * row_w + c] = fixed_to_u8(sum);
        }
    return out;
}

// ---------------------------------------------------------------------------------------------- decoding

/// Grey level of an RGBA pixel, composited onto white (Pillow's convert("L") would drop the alpha instead; GINN's
/// image is opaque). bilinear: Pillow's "L" (ITU-R 601-2 luma in 16-bit fixed point, rounded); stb: stb_image's
/// own conversion (8-bit weights 77, 150, 29, truncated), ginn's original behaviour. Both keep a grey pixel's value.
uint8_t grey_level(const unsigned char* rgba, Resize resize) {
    const int l = resize == Resize::bilinear ? (rgba[0] * 19595 + rgba[1] * 38470 + rgba[2] * 7471 + 0x8000) >> 16
                                             : (rgba[0] * 77 + rgba[1] * 150 + rgba[2] * 29) >> 8;
    const int alpha = rgba[3];
    return static_cast<uint8_t>((l * alpha + 255 * (255 - alpha) + 127) / 255);
}

}  // namespace

Dataset load_image(const std::string& path, int resolution, double threshold, Resize resize) {
    const std::string bytes = read_file(path);
    const std::string expected = "a PNG, JPEG or BMP image";
    if (bytes.empty()) throw Error(path, "file is empty", expected, "check that the file was fully written");
    if (bytes.size() > static_cast<size_t>(INT32_MAX))
        throw Error(path, "file is " + std::to_string(bytes.size()) + " bytes", "an image file under 2 GB", "");
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const int n_bytes = static_cast<int>(bytes.size());
    // Dimensions first, so that a small file declaring a huge image is refused before decoding allocates it.
    int w = 0, h = 0, n_channels = 0;
    if (!stbi_info_from_memory(data, n_bytes, &w, &h, &n_channels))
        throw Error(path, std::string("cannot decode image: ") + stbi_failure_reason(), expected, "convert it to PNG");
    if (w < 1 || h < 1 || w > max_image_side || h > max_image_side ||
        static_cast<int64_t>(w) * h > max_image_pixels)
        throw Error(path, "image is " + std::to_string(w) + "x" + std::to_string(h) + " pixels",
                    "at most " + std::to_string(max_image_side) + " per side and " +
                        std::to_string(max_image_pixels / 1'000'000) + " million pixels",
                    "downscale the image first");
    unsigned char* pixels = stbi_load_from_memory(data, n_bytes, &w, &h, &n_channels, 4);
    if (!pixels) throw Error(path, std::string("cannot decode image: ") + stbi_failure_reason(), expected,
                             "convert it to PNG");
    const size_t n_pixels = static_cast<size_t>(w) * h;
    std::vector<uint8_t> grey(n_pixels);  // h rows of w, from the top
    for (size_t i = 0; i < n_pixels; ++i) grey[i] = grey_level(pixels + 4 * i, resize);
    stbi_image_free(pixels);
    // Resize to resolution x resolution (the aspect ratio is not kept: the image fills the unit box).
    std::vector<uint8_t> resized;
    if (resize == Resize::bilinear) {
        resized = resize_pillow_bilinear(grey, w, h, resolution);
    } else {
        resized.resize(static_cast<size_t>(resolution) * resolution);
        if (!stbir_resize_uint8(grey.data(), w, h, 0, resized.data(), resolution, resolution, 0, 1))
            throw Error(path, "cannot resize image", "an image stb_image_resize accepts", "convert it to PNG");
    }
    std::vector<int32_t> labels(resized.size());
    for (size_t i = 0; i < resized.size(); ++i) labels[i] = resized[i] / 255.0 >= threshold ? 1 : 0;
    return grid_dataset(path, Box{}, resolution, resolution, std::move(labels));
}

}  // namespace detail

}  // namespace ginn
