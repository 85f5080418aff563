// Decoders of the viewer page's data (docs/viewer.md) for the viewer's tests: the inlined JSON, base64, zlib (stb's
// inflater, independent of the zlib that packed it) and the geometry streams. Not a test itself.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stb/stb_image.h>
#include <string>
#include <utility>
#include <vector>

namespace ginn::test {

using nlohmann::json;

/// The data JSON inlined in a page.
inline json page_data(const std::string& html) {
    const std::string open = "<script id=\"ginn-data\" type=\"application/json\">";
    const size_t a = html.find(open);
    EXPECT_NE(a, std::string::npos) << "no data element";
    const size_t b = html.find("</script>", a);
    return json::parse(html.substr(a + open.size(), b - a - open.size()));
}

inline std::string unbase64(const std::string& s) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char ch : s) {
        int v = ch >= 'A' && ch <= 'Z' ? ch - 'A' : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
              : ch >= '0' && ch <= '9' ? ch - '0' + 52 : ch == '+' ? 62 : ch == '/' ? 63 : -1;
        if (v < 0) continue;
        acc = (acc << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) out += char((acc >> (bits -= 8)) & 255);
    }
    return out;
}

/// zlib data -> bytes (stb_image's inflater: independent of the zlib that packed them).
inline std::string inflate(const std::string& z) {
    int n = 0;
    char* raw = stbi_zlib_decode_malloc(z.data(), int(z.size()), &n);
    EXPECT_NE(raw, nullptr) << "not zlib data";
    if (!raw) return {};
    std::string out(raw, size_t(n));
    std::free(raw);
    return out;
}

/// Snapshot k's geometry stream of a run's page data: the inflated streams cut at the sizes (docs/viewer.md).
inline std::string geometry_stream(const json& run, int k) {
    EXPECT_EQ(run["geometry_packing"], "zlib");
    const std::string all = inflate(unbase64(run["geometry"]));
    size_t at = 0;
    for (int j = 0; j < k; ++j) at += run["geometry_sizes"][size_t(j)].get<size_t>();
    return all.substr(at, run["geometry_sizes"][size_t(k)].get<size_t>());
}

/// Decodes one snapshot's geometry stream (docs/viewer.md) into unit-square polylines per neuron, decision last.
inline std::vector<std::vector<std::vector<std::pair<double, double>>>> decode_geometry(const std::string& bytes, int n_neurons,
                                                                                 double scale) {
    size_t p = 0;
    auto varint = [&] {
        uint64_t v = 0;
        for (int s = 0;; s += 7) {
            uint8_t b = uint8_t(bytes.at(p++));
            v |= uint64_t(b & 127) << s;
            if (!(b & 128)) return v;
        }
    };
    auto zigzag = [&] { uint64_t v = varint(); return int64_t(v >> 1) ^ -int64_t(v & 1); };
    int64_t x = 0, y = 0;
    std::vector<std::vector<std::vector<std::pair<double, double>>>> items(size_t(n_neurons) + 1);
    for (auto& lines : items) {
        lines.resize(varint());
        for (auto& line : lines) {
            line.resize(varint());
            for (auto& pt : line) {
                x += zigzag();
                y += zigzag();
                pt = {x / scale, y / scale};
            }
        }
    }
    EXPECT_EQ(p, bytes.size()) << "trailing bytes in the geometry stream";
    return items;
}

}  // namespace ginn::test
