// MNIST idx parsing with every declared size bounded before allocation, and bounded gzip inflation (zlib).
// Not a general gzip tool: one member, inflated into memory.
#include "ginn/flips/idx.h"

#include <zlib.h>

#include "ginn/core/error.h"
#include "ginn/core/io.h"

namespace ginn {

namespace {

constexpr uint32_t magic_images = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr uint32_t magic_labels = 0x00000801;  // unsigned bytes, 1 dimension

uint32_t big_endian_u32(std::string_view bytes, size_t at) {
    return uint32_t(uint8_t(bytes[at])) << 24 | uint32_t(uint8_t(bytes[at + 1])) << 16 |
           uint32_t(uint8_t(bytes[at + 2])) << 8 | uint32_t(uint8_t(bytes[at + 3]));
}

std::string hex(uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

/// Checks the magic and header length; returns the header's dimensions.
std::vector<uint32_t> read_header(std::string_view bytes, const std::string& where, uint32_t magic, int n_dims,
                                  const char* kind) {
    const size_t header = 4 + 4 * size_t(n_dims);
    if (bytes.size() < header)
        throw Error(where, "is too short for an idx header (" + std::to_string(bytes.size()) + " bytes)",
                    "an MNIST-format " + std::string(kind) + " file", "check the path and that the download is complete");
    if (big_endian_u32(bytes, 0) != magic)
        throw Error(where, "has magic number " + hex(big_endian_u32(bytes, 0)),
                    hex(magic) + " (" + kind + ")", "images and labels files may be swapped");
    std::vector<uint32_t> dims;
    for (int d = 0; d < n_dims; ++d) dims.push_back(big_endian_u32(bytes, 4 + 4 * size_t(d)));
    if (dims[0] < 1 || dims[0] > max_idx_items)
        throw Error(where, "declares " + std::to_string(dims[0]) + " items", "1.." + std::to_string(max_idx_items),
                    "the header is corrupt");
    return dims;
}

void check_length(std::string_view bytes, const std::string& where, uint64_t expected) {
    if (bytes.size() != expected)
        throw Error(where, "has " + std::to_string(bytes.size()) + " bytes but its header implies " +
                               std::to_string(expected), "a complete idx file", "the file is truncated or has trailing data");
}

}  // namespace

IdxImages parse_idx_images(std::string_view bytes, const std::string& where) {
    const auto dims = read_header(bytes, where, magic_images, 3, "images, idx3-ubyte");
    for (int d = 1; d <= 2; ++d)
        if (dims[d] < 1 || dims[d] > uint32_t(max_idx_side))
            throw Error(where, "declares images of " + std::to_string(dims[1]) + " x " + std::to_string(dims[2]) + " pixels",
                        "sides 1.." + std::to_string(max_idx_side), "the header is corrupt");
    const uint64_t n_bytes = uint64_t(dims[0]) * dims[1] * dims[2];
    if (n_bytes > max_idx_bytes)
        throw Error(where, "declares " + std::to_string(n_bytes) + " pixels", "at most 2^29", "use a smaller file");
    check_length(bytes, where, 16 + n_bytes);
    IdxImages images;
    images.n = dims[0];
    images.rows = int(dims[1]);
    images.cols = int(dims[2]);
    images.pixels.assign(bytes.begin() + 16, bytes.end());
    return images;
}

std::vector<uint8_t> parse_idx_labels(std::string_view bytes, const std::string& where) {
    const auto dims = read_header(bytes, where, magic_labels, 1, "labels, idx1-ubyte");
    check_length(bytes, where, 8 + uint64_t(dims[0]));
    return {bytes.begin() + 8, bytes.end()};
}

std::string read_maybe_gzip(const std::string& path) {
    std::string packed = read_file(path, max_idx_bytes + 64);
    if (packed.size() < 2 || uint8_t(packed[0]) != 0x1f || uint8_t(packed[1]) != 0x8b) return packed;
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) throw Error(path, "cannot start gzip decompression", "", "out of memory?");
    z.next_in = reinterpret_cast<Bytef*>(packed.data());
    z.avail_in = uInt(packed.size());
    std::string out;
    int status = Z_OK;
    char chunk[1 << 16];
    while (status == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(chunk);
        z.avail_out = sizeof chunk;
        status = inflate(&z, Z_NO_FLUSH);
        if (status == Z_OK || status == Z_STREAM_END) out.append(chunk, sizeof chunk - z.avail_out);
        if (status == Z_BUF_ERROR && z.avail_in == 0) status = Z_DATA_ERROR;  // the input ended mid-stream
        if (out.size() > max_idx_bytes + 64) status = Z_MEM_ERROR;
    }
    const bool trailing = z.avail_in != 0;
    inflateEnd(&z);
    if (status == Z_MEM_ERROR)
        throw Error(path, "inflates to more than 512 MiB", "an MNIST-format file of at most 512 MiB", "use a smaller file");
    if (status != Z_STREAM_END || trailing)
        throw Error(path, "is not a complete gzip stream", "a gzip-compressed or plain idx file",
                    "the file is truncated or corrupt; re-download it");
    return out;
}

IdxImages read_idx_images(const std::string& path) { return parse_idx_images(read_maybe_gzip(path), path); }
std::vector<uint8_t> read_idx_labels(const std::string& path) { return parse_idx_labels(read_maybe_gzip(path), path); }

}  // namespace ginn
