// MNIST's idx files (images idx3-ubyte, labels idx1-ubyte), plain or gzip-compressed as Debian ships them.
// Not a data set registry: the default Fashion-MNIST paths live with `ginn flips` (flips.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ginn {

/// n grey images of rows x cols bytes (0 black .. 255 white as MNIST stores them; Fashion-MNIST alike).
struct IdxImages {
    int64_t n = 0;
    int rows = 0, cols = 0;
    std::vector<uint8_t> pixels;  // n by rows * cols, row-major per image

    int64_t n_pixels() const { return int64_t(rows) * cols; }
    const uint8_t* image(int64_t i) const { return pixels.data() + i * n_pixels(); }
};

/// Bounds on what an idx file may declare, checked before anything is allocated.
inline constexpr int64_t max_idx_items = 10'000'000;
inline constexpr int max_idx_side = 1024;
inline constexpr uint64_t max_idx_bytes = uint64_t{1} << 29;  // 512 MiB once decompressed

/// Parses an idx3-ubyte image file's bytes (magic 0x00000803, n, rows, cols, then the pixels, nothing after).
/// Throws Error naming `where` for a wrong magic, a size out of bounds, or a length that disagrees with the header.
IdxImages parse_idx_images(std::string_view bytes, const std::string& where);
/// Parses an idx1-ubyte label file's bytes (magic 0x00000801, n, then one byte per label).
std::vector<uint8_t> parse_idx_labels(std::string_view bytes, const std::string& where);

/// Reads a file whole, inflating it when it is gzip-compressed (at most max_idx_bytes once inflated).
std::string read_maybe_gzip(const std::string& path);
/// read_maybe_gzip + parse. Example: `const IdxImages test = read_idx_images("t10k-images-idx3-ubyte.gz");`
IdxImages read_idx_images(const std::string& path);
std::vector<uint8_t> read_idx_labels(const std::string& path);

}  // namespace ginn
