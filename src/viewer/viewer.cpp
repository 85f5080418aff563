// The viewer writer: encodes each run's snapshots (weights, exact geometry, prediction images) and inlines them with
// the web/ page into one HTML file. Not the page's logic (web/*.js) and not the geometry (geometry.cpp).
// The encoding is documented in docs/viewer.md; keep the two in step.
#include "ginn/viewer/viewer.h"
#include "viewer/page.h"
#include "viewer/source.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>
#ifdef __EMSCRIPTEN__
// The WebAssembly build (ginn play) has no zlib: stb's deflate and PNG writer instead (bindings/wasm/stb_impl.cpp), declared
// here because the header declares them only in its implementation section.
extern "C" unsigned char* stbi_write_png_to_mem(const unsigned char* pixels, int stride_bytes, int x, int y, int n,
                                                int* out_len);
extern "C" unsigned char* stbi_zlib_compress(unsigned char* data, int data_len, int* out_len, int quality);
#else
#include <zlib.h>
#endif

#include "ginn/data/dataset.h"
#include "ginn/core/detail/html.h"
#include "ginn/core/error.h"
#include "ginn/core/parallel.h"
#include "ginn/geometry/geometry.h"
#include "ginn/core/io.h"
#include "ginn/model/network.h"


namespace ginn::detail {
std::string_view web_asset(std::string_view file_name);  // generated from web/ by cmake/embed.cmake
}  // namespace ginn::detail

namespace ginn {

using detail::html_escape;
namespace {

using nlohmann::json;
using detail::OutputSpec;
using detail::PageSource;

inline constexpr int viewer_format_version = 3;

/// Counts encoded snapshots over all runs for ViewerOptions::on_progress (called from worker threads).
struct ProgressCounter {
    const std::function<void(int, int)>& report;
    int total = 0, done = 0;
    std::mutex mutex{};
    void step() {
        if (!report) return;
        std::lock_guard lock(mutex);
        report(++done, total);
    }
};

// ---- byte encodings

std::string base64(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
    }
    if (i < bytes.size()) {
        uint32_t v = uint8_t(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// LEB128 unsigned varint.
void put_varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out += char(uint8_t(v) | 0x80);
        v >>= 7;
    }
    out += char(uint8_t(v));
}

/// Zigzag (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...) then varint.
void put_signed(std::string& out, int64_t v) { put_varint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63)); }

/// Bounds one packed array of the page before it is copied or compressed.
void check_page_bytes(size_t n, const std::string& where, const char* what) {
    if (n > size_t(1) << 30)
        throw Error(where, std::string(what) + " of " + std::to_string(n >> 20) + " MiB", "at most 1 GiB in one page",
                    "fewer snapshots (ginn train --snapshots) or a smaller network");
}

/// zlib (RFC 1950) at its default level (level 9 takes 7x longer on the weights for 2 % less); the page inflates it
/// with DecompressionStream('deflate').
std::string zlib_pack(const std::string& bytes, const std::string& where, const char* what) {
    check_page_bytes(bytes.size(), where, what);
#ifdef __EMSCRIPTEN__
    int n = 0;
    std::string copy = bytes;
    unsigned char* z = stbi_zlib_compress(reinterpret_cast<unsigned char*>(copy.data()), int(copy.size()), &n, /*quality=*/8);
    if (!z) throw Error(where, std::string("cannot compress the ") + what, "zlib output");
    std::string out(reinterpret_cast<const char*>(z), size_t(n));
    std::free(z);
#else
    uLongf n = compressBound(uLong(bytes.size()));
    std::string out(size_t(n), '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(bytes.data()), uLong(bytes.size()),
                  Z_DEFAULT_COMPRESSION) != Z_OK)
        throw Error(where, std::string("cannot compress the ") + what, "zlib output");
    out.resize(size_t(n));
#endif
    return out;
}

/// A float rounded to nearest on 16 significant bits (the low 8 bits of its float32 mantissa cleared): relative error
/// at most 2^-16, far below the page's 3-4 printed digits, and the low mantissa byte (noise to a compressor) is gone.
float display_float(double v) {
    float f = float(v);
    if (!std::isfinite(f)) return f;
    uint32_t u;
    std::memcpy(&u, &f, 4);
    uint32_t r = (u + 0x80u) & ~0xFFu;  // carries into the exponent when the mantissa rounds up: still nearest
    float g;
    std::memcpy(&g, &r, 4);
    if (!std::isfinite(g)) r = u & ~0xFFu;  // rounding up past the largest float: truncate instead
    std::memcpy(&g, &r, 4);
    return g;
}

/// The weights of all snapshots (float32 little-endian, `per_snapshot` bytes each), packed for the page: each snapshot
/// XOR-ed with the previous one, its bytes regrouped into 4 planes (byte j of every float), then zlib (RFC 1950).
/// Consecutive snapshots share signs, exponents and high mantissa bits, so the planes compress well.
std::string pack_weights(const std::string& raw, size_t per_snapshot, const std::string& where) {
    check_page_bytes(raw.size(), where, "weights");
    std::string planes(raw.size(), '\0');
    const size_t n_floats = per_snapshot / 4;
    for (size_t at = 0; at < raw.size(); at += per_snapshot)
        for (size_t i = 0; i < per_snapshot; ++i) {
            const char prev = at > 0 ? raw[at - per_snapshot + i] : '\0';
            planes[at + (i % 4) * n_floats + i / 4] = char(raw[at + i] ^ prev);
        }
    return zlib_pack(planes, where, "weights");
}

#ifdef __EMSCRIPTEN__
std::string png_grey(const std::vector<uint8_t>& pixels, int w, int h, const std::string& where) {
    check_page_bytes(pixels.size(), where, "prediction images");
    int n = 0;
    unsigned char* png = stbi_write_png_to_mem(pixels.data(), w, w, h, /*n=*/1, &n);
    if (!png) throw Error(where, "cannot encode a " + std::to_string(w) + "x" + std::to_string(h) + " PNG");
    std::string out(reinterpret_cast<const char*>(png), size_t(n));
    std::free(png);
    return out;
}
#else
/// A PNG chunk: length, type, data, CRC-32 of type and data (PNG specification, section 5.3).
void put_png_chunk(std::string& out, const char* type, const std::string& data) {
    auto put_u32 = [&](uint32_t v) { for (int s = 24; s >= 0; s -= 8) out += char((v >> s) & 255); };
    put_u32(uint32_t(data.size()));
    const std::string body = type + data;
    out += body;
    put_u32(uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
}

/// An 8-bit grey PNG of w x h pixels (row-major). Each row takes the filter (none, sub, up, average, Paeth; PNG
/// specification, section 9) whose output has the smallest sum of |signed bytes|, the usual heuristic; then zlib.
std::string png_grey(const std::vector<uint8_t>& pixels, int w, int h, const std::string& where) {
    check_page_bytes(pixels.size(), where, "prediction images");
    std::string filtered, row(size_t(w), '\0'), best;
    filtered.reserve((size_t(w) + 1) * size_t(h));
    const std::vector<uint8_t> zero_row(size_t(w), 0);
    for (int r = 0; r < h; ++r) {
        const uint8_t* x = pixels.data() + size_t(r) * size_t(w);
        const uint8_t* up = r > 0 ? x - w : zero_row.data();
        int64_t best_cost = -1;
        int best_type = 0;
        for (int type = 0; type < 5; ++type) {
            int64_t cost = 0;
            for (int i = 0; i < w; ++i) {
                const int a = i > 0 ? x[i - 1] : 0, b = up[i], c = i > 0 ? up[i - 1] : 0;
                const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                const int predict = type == 0 ? 0 : type == 1 ? a : type == 2 ? b : type == 3 ? (a + b) / 2
                                  : pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                row[size_t(i)] = char(uint8_t(x[i] - predict));
                cost += std::abs(int(int8_t(row[size_t(i)])));
            }
            if (best_cost < 0 || cost < best_cost) best_cost = cost, best_type = type, best = row;
        }
        filtered += char(best_type);
        filtered += best;
    }
    std::string png = "\x89PNG\r\n\x1a\n", header;
    for (int v : {w, h}) for (int s = 24; s >= 0; s -= 8) header += char((uint32_t(v) >> s) & 255);
    header += std::string("\x08\x00\x00\x00\x00", 5);  // 8 bits, grey, deflate, adaptive filters, no interlace
    put_png_chunk(png, "IHDR", header);
    put_png_chunk(png, "IDAT", zlib_pack(filtered, where, "prediction images"));
    put_png_chunk(png, "IEND", "");
    return png;
}
#endif

std::string png_data_url(const std::vector<uint8_t>& pixels, int w, int h, const std::string& where) {
    return "data:image/png;base64," + base64(png_grey(pixels, w, h, where));
}

// ---- per-snapshot data

// Display precision of the boundaries (docs/viewer.md): points the page would draw within a tenth of a pixel of the
// line through their neighbours are dropped, the rest quantised to 14 bits. The exact numbers stay in `ginn geometry`.
inline constexpr double geometry_scale = 16383;           // quantisation steps across the domain (14 bits)
inline constexpr double geometry_tolerance = 1.0 / 8192;  // simplification, as a fraction of the domain

/// The points of a polyline (in unit coordinates, #P by 2) that Douglas-Peucker simplification keeps at `tol`
/// (Douglas and Peucker 1973: keep the farthest point from the chord while it lies farther than tol, recursively).
/// The ends are always kept, so closed loops stay closed.
std::vector<Eigen::Index> simplified(const Eigen::MatrixXd& P, double tol) {
    const Eigen::Index n = P.rows();
    std::vector<char> keep(size_t(n), 0);
    if (n > 0) keep.front() = keep.back() = 1;
    std::vector<std::pair<Eigen::Index, Eigen::Index>> todo;  // index ranges (first, last) still to split
    if (n > 2) todo.emplace_back(0, n - 1);
    while (!todo.empty()) {
        const auto [i0, i1] = todo.back();
        todo.pop_back();
        const Eigen::Vector2d a = P.row(i0), d = P.row(i1) - P.row(i0);
        const double len = d.norm();
        double worst = -1;
        Eigen::Index at = i0;
        for (Eigen::Index i = i0 + 1; i < i1; ++i) {
            const Eigen::Vector2d v = Eigen::Vector2d(P.row(i)) - a;
            const double dist = len > 0 ? std::abs(d.x() * v.y() - d.y() * v.x()) / len : v.norm();
            if (dist > worst) worst = dist, at = i;
        }
        if (worst <= tol) continue;
        keep[size_t(at)] = 1;
        if (at - i0 > 1) todo.emplace_back(i0, at);
        if (i1 - at > 1) todo.emplace_back(at, i1);
    }
    std::vector<Eigen::Index> out;
    for (Eigen::Index i = 0; i < n; ++i)
        if (keep[size_t(i)]) out.push_back(i);
    return out;
}

/// Polylines at display precision (above), delta-encoded as zigzag varints (docs/viewer.md): for each neuron, then
/// the decision boundary: n_polylines, and per polyline n_points then (dx, dy) per point.
std::string encode_geometry(const Geometry& g, const Box& d) {
    std::string out;
    int64_t px = 0, py = 0;
    auto put_lines = [&](const std::vector<Polyline>& lines) {
        put_varint(out, lines.size());
        for (const Polyline& line : lines) {
            Eigen::MatrixXd unit(line.rows(), 2);  // #P by 2, the domain mapped to [0, 1]^2
            unit.col(0) = (line.col(0).array() - d.x0) / d.width();
            unit.col(1) = (line.col(1).array() - d.y0) / d.height();
            const std::vector<Eigen::Index> kept = simplified(unit, geometry_tolerance);
            put_varint(out, kept.size());
            for (Eigen::Index i : kept) {
                auto q = [](double t) {
                    return int64_t(std::lround((std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0) * geometry_scale));
                };
                const int64_t qx = q(unit(i, 0)), qy = q(unit(i, 1));
                put_signed(out, qx - px);
                put_signed(out, qy - py);
                px = qx;
                py = qy;
            }
        }
    };
    for (const NeuronBoundary& nb : g.neurons) put_lines(nb.polylines);
    put_lines(g.decision_boundary);
    return out;
}

uint8_t unit_byte(double v) { return uint8_t(std::lround((std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.5) * 255.0)); }

/// The network's logits at the pixel centres X (#pixels by 2) in single precision, into per-thread buffers reused from
/// snapshot to snapshot: the images are 8-bit, so float's 1e-7 relative error is invisible, and float products and
/// no fresh allocations make this the cheap part of encoding a snapshot. The same layers as forward() (network.h).
const Eigen::MatrixXf& display_logits(const Network& net, const Eigen::MatrixXd& X) {
    thread_local Eigen::MatrixXf A, Z;  // #pixels by layer width: activations in, pre-activations out
    A = X.cast<float>();
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const DenseLayer& L = net.layers[l];
        const Eigen::MatrixXf Wt = L.W.transpose().cast<float>();  // (n_in, n_out)
        Z.resize(A.rows(), Wt.cols());
        Z.noalias() = A * Wt;
        Z.rowwise() += L.b.transpose().cast<float>();
        if (L.residual) Z += A;
        if (l + 1 == net.layers.size()) break;
        if (L.activation == Activation::relu) A = Z.cwiseMax(0.0f);  // the common case, vectorised
        else if (L.activation == Activation::tanh) A = Z.array().tanh();  // Eigen's vectorised float tanh (a few ulp)
        else if (L.activation == Activation::sigmoid) A = Z.array().logistic();
        else {  // column i with neuron i's parameters (PReLU slopes, ELU alpha)
            A.resize(Z.rows(), Z.cols());
            for (Eigen::Index i = 0; i < Z.cols(); ++i)
                A.col(i) = Z.col(i).unaryExpr([&](float z) { return float(L.activate(int(i), double(z))); });
        }
    }
    return Z;
}

/// The prediction tiles of one snapshot, each n^2 bytes quantised to 8 bits: P(class 1); or P(class c) for each of k
/// classes (softmax); or (output - lo) / (hi - lo) clamped to [0, 1] for regression.
std::vector<uint8_t> prediction_image(const Network& net, const Eigen::MatrixXd& X, const OutputSpec& o) {
    const size_t n = size_t(X.rows());
    std::vector<uint8_t> img(n * size_t(o.tiles()));
    const Eigen::MatrixXf& Z = display_logits(net, X);  // (#pixels, #outputs)
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        if (o.n_classes > 2) {
            const float m = Z.row(i).maxCoeff();
            const Eigen::RowVectorXf e = (Z.row(i).array() - m).exp();  // softmax, shifted for range
            for (int c = 0; c < o.n_classes; ++c) img[size_t(c) * n + size_t(i)] = unit_byte(e(c) / e.sum());
        } else if (o.head == Head::regression) {
            img[size_t(i)] = unit_byte((Z(i, 0) - o.lo) / (o.hi - o.lo));
        } else if (o.head == Head::sigmoid) {
            img[size_t(i)] = unit_byte(1 / (1 + std::exp(-double(Z(i, 0)))));
        } else {  // two logits: P(class 1) of their softmax
            img[size_t(i)] = unit_byte(1 / (1 + std::exp(double(Z(i, 0)) - double(Z(i, 1)))));
        }
    }
    return img;
}

struct SnapshotData {
    std::string weights;   // float32 little-endian: per layer W (n_out, n_in) row-major, then b
    std::string geometry;  // encode_geometry
    bool exact = true;
    RegionCounts counts;
    std::vector<uint8_t> image;  // tiles x image_size^2 bytes
};

void append_floats(std::string& out, const auto& values) {
    for (Eigen::Index i = 0; i < values.size(); ++i) {
        float f = display_float(values(i));
        char b[4];
        std::memcpy(b, &f, 4);
        out.append(b, 4);
    }
}

/// One snapshot's page data; its geometry is `known` when not null, else computed here.
SnapshotData encode_snapshot(const Network& net, const Eigen::MatrixXd& X, const OutputSpec& output, int approx_grid,
                             const Geometry* known) {
    SnapshotData s;
    for (const DenseLayer& L : net.layers) {
        Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> W = L.W;  // (n_out, n_in)
        append_floats(s.weights, W.reshaped<Eigen::RowMajor>());
        append_floats(s.weights, L.b);
    }
    Geometry computed;
    const Geometry& g = known != nullptr ? *known : (computed = compute_geometry(net, {.grid = approx_grid}));
    s.geometry = encode_geometry(g, net.domain);
    s.exact = g.exact;
    s.counts = g.counts;
    s.image = prediction_image(net, X, output);
    return s;
}

/// Every snapshot's tiles (one, or one per class), each delta-coded against the same tile of the previous snapshot
/// (mod 256), in one grey PNG atlas: tile t = snapshot * tiles + class, row-major in `cols` columns.
json prediction_json(const std::vector<SnapshotData>& snaps, int n, int tiles, const std::string& where) {
    const int count = int(snaps.size()) * tiles;
    const int cols = std::max(1, int(std::ceil(std::sqrt(double(count)))));
    const int rows = (count + cols - 1) / cols;
    if (int64_t(cols) * n > 16384)
        throw Error(where, "prediction atlas of " + std::to_string(count) + " tiles of " + std::to_string(n) + " px is too large",
                    "at most 16384 px per side", "a smaller --image-size");
    std::vector<uint8_t> atlas(size_t(cols) * n * rows * n, 0);
    const size_t nn = size_t(n) * n;
    for (int t = 0; t < count; ++t) {
        const size_t k = size_t(t / tiles), c = size_t(t % tiles);
        const int r0 = t / cols * n, c0 = t % cols * n;
        for (size_t i = 0; i < nn; ++i) {
            const uint8_t v = snaps[k].image[c * nn + i], prev = k > 0 ? snaps[k - 1].image[c * nn + i] : 0;
            atlas[(size_t(r0) + i / size_t(n)) * size_t(cols) * size_t(n) + size_t(c0) + i % size_t(n)] = uint8_t(v - prev);
        }
    }
    return {{"size", n}, {"cols", cols}, {"tiles", tiles}, {"delta", true}, {"atlas", png_data_url(atlas, cols * n, rows * n, where)}};
}

json output_json(const OutputSpec& o) {
    if (o.n_classes > 2) return {{"kind", "classes"}};
    if (o.head == Head::regression) return {{"kind", "regression"}, {"range", {o.lo, o.hi}}};
    return {{"kind", "probability"}};
}

json run_json(const PageSource& src, const ViewerOptions& options, const std::vector<Geometry>* known, int threads,
              ProgressCounter& progress) {
    const int n_snap = src.n_snapshots;
    const Network net0 = src.network(0);
    if (net0.layers.empty() || net0.layers.front().n_in() != 2)
        throw Error(src.where, "network has " + std::to_string(net0.layers.empty() ? 0 : net0.layers.front().n_in()) + " inputs",
                    "a network on (x, y): 2 inputs", "the viewer shows networks of a 2-D input");
    const OutputSpec& output = src.output;
    const Eigen::MatrixXd X = pixel_centres(net0.domain, options.image_size, options.image_size);

    if (known != nullptr && known->size() != size_t(n_snap))
        throw Error(src.where, "geometry of " + std::to_string(known->size()) + " snapshots for " + std::to_string(n_snap),
                    "one Geometry per snapshot", "analyze(runs, options, &geometry) or analyze_network in analysis.h");
    std::vector<SnapshotData> snaps(static_cast<size_t>(n_snap));
    parallel_for(n_snap, threads, [&](int k) {
        snaps[size_t(k)] = encode_snapshot(src.network(k), X, output, options.approx_grid,
                                           known != nullptr ? &(*known)[size_t(k)] : nullptr);
        progress.step();
    });

    json layers = json::array();
    for (const DenseLayer& L : net0.layers)
        layers.push_back({{"n_in", L.n_in()}, {"n_out", L.n_out()},
                          {"activation", std::string(activation_name(L.activation))}, {"residual", L.residual},
                          {"negative_slope", std::vector<double>(L.negative_slope.begin(), L.negative_slope.end())},
                          {"alpha", L.alpha}});
    std::string weights, geometry;
    json geometry_sizes = json::array(), exact = json::array(), activation = json::array(), linear = json::array(),
         per_layer = json::array();
    for (const SnapshotData& s : snaps) {
        weights += s.weights;
        geometry += s.geometry;
        geometry_sizes.push_back(s.geometry.size());
        exact.push_back(s.exact);
        activation.push_back(s.counts.activation);
        linear.push_back(s.counts.linear);
        per_layer.push_back(s.counts.per_layer);
    }
    const Box& d = net0.domain;
    json j = {{"name", src.name},
              {"summary", src.summary},
              {"config", src.config},
              {"domain", {d.x0, d.x1, d.y0, d.y1}},
              {"head", std::string(head_name(net0.head))},
              {"n_classes", output.n_classes},
              {"class_names", src.class_names},
              {"output", output_json(output)},
              {"batch_norm", src.batch_norm},
              {"approx_grid", options.approx_grid},
              {"layers", layers},
              {"snapshots", src.metrics},
              {"weights", base64(pack_weights(weights, weights.size() / size_t(n_snap), src.where))},
              {"weights_packing", "xor-planes-zlib"},
              {"geometry", base64(zlib_pack(geometry, src.where, "boundaries"))},
              {"geometry_sizes", geometry_sizes},
              {"geometry_packing", "zlib"},
              {"geometry_scale", geometry_scale},
              {"exact", exact},
              {"counts", {{"activation", activation}, {"linear", linear}, {"per_layer", per_layer}}},
              {"prediction", prediction_json(snaps, options.image_size, output.tiles(), src.where)},
              {"target", src.target},
              {"points", src.points}};
    if (src.imported) j["imported"] = true;
    return j;
}

/// An entry's findings (analysis.h, format "ginn-findings"), after checking that they belong to its snapshots.
const json& checked_findings(const json& f, const PageSource& src) {
    const bool ok_format = f.is_object() && f.value("format", "") == "ginn-findings";
    if (!ok_format) throw Error(src.where, "findings are not a \"ginn-findings\" object", "viewer_findings(...) output");
    const json its = f.value(json::json_pointer("/regions/iterations"), json());
    bool same = its.is_array() && its.size() == src.iterations.size();
    for (size_t k = 0; same && k < src.iterations.size(); ++k) same = its[k] == src.iterations[k];
    if (!same)
        throw Error(src.where, "findings do not match the " + std::to_string(src.n_snapshots) + " snapshot iterations",
                    "findings of this run or network, in the list's order");
    return f;
}

// ---- page assembly

std::string asset(std::string_view file_name) {
    std::string_view a = detail::web_asset(file_name);
    GINN_ASSERT(!a.empty());  // every web/ file is embedded at build time
    return std::string(a);
}

void replace_marker(std::string& page, std::string_view marker, const std::string& text) {
    size_t at = page.find(marker);
    GINN_ASSERT(at != std::string::npos);
    page.replace(at, marker.size(), text);
}

/// JSON inside <script>: no '<' at all, so "</script>" or "<!--" in a name cannot end or comment out the element.
std::string script_safe(const std::string& s) { return detail::json_for_script(s); }

/// The page's data from one source per entry (`make(i)` builds entry i's, after the options are checked).
json page_data(size_t n, const std::function<PageSource(size_t)>& make, const std::function<int(size_t)>& n_snapshots,
               const ViewerOptions& options) {
    if (options.image_size < 16 || options.image_size > 512)
        throw Error("viewer", "image size " + std::to_string(options.image_size) + " out of range", "16..512");
    if (!options.findings.empty() && options.findings.size() != n)
        throw Error("viewer", std::to_string(options.findings.size()) + " findings for " + std::to_string(n) + " entries",
                    "one findings object per run or network, in the list's order", "run_findings(runs) in analysis.h");
    if (!options.geometry.empty() && options.geometry.size() != n)
        throw Error("viewer", std::to_string(options.geometry.size()) + " geometry lists for " + std::to_string(n) + " entries",
                    "one per run or network, in the list's order", "run_findings(runs, options, &geometry) in analysis.h");
    json data = {{"format", "ginn-viewer"}, {"format_version", viewer_format_version}, {"ginn_version", GINN_VERSION},
                 {"runs", json::array()}};
    ProgressCounter progress{.report = options.on_progress};
    for (size_t i = 0; i < n; ++i) progress.total += n_snapshots(i);
    for (size_t i = 0; i < n; ++i) {
        const PageSource src = make(i);
        data["runs"].push_back(run_json(src, options, options.geometry.empty() ? nullptr : options.geometry[i],
                                        options.threads, progress));  // threads 0: every core (parallel_for)
        if (!options.findings.empty()) data["runs"].back()["findings"] = checked_findings(options.findings[i], src);
    }
    return data;
}

/// The whole page around its data.
std::string page_html(const json& data, const std::string& title_option) {
    std::string title = title_option;
    if (title.empty())
        for (const json& r : data["runs"]) title += (title.empty() ? "ginn: " : ", ") + r["name"].get<std::string>();
    std::string page = detail::viewer_page(title);
    replace_marker(page, "/*GINN_DATA*/", script_safe(data.dump()));
    return page;
}

/// Fails before the minutes of encoding a large run set, not after, when the file's directory is missing.
void check_output_directory(const std::string& path) {
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
        throw Error(path, "cannot write file: directory " + dir.string() + " does not exist", "a writable location",
                    "create the directory first or choose another -o");
}

}  // namespace

json viewer_data(const std::vector<const Run*>& runs, const ViewerOptions& options) {
    if (runs.empty()) throw Error("ginn view", "no runs given", "one or more run directories", "ginn view RUN -o FILE.html");
    for (const Run* run : runs)
        if (!run) throw Error("viewer", "null run in the run list", "a list of opened runs");
    return page_data(
        runs.size(), [&](size_t i) { return detail::run_page_source(*runs[i]); },
        [&](size_t i) { return runs[i]->n_snapshots(); }, options);
}

json network_viewer_data(const std::vector<ViewerNetwork>& nets, const ViewerOptions& options) {
    if (nets.empty()) throw Error("viewer", "no networks given", "one or more networks", "ginn view --model FILE.onnx -o FILE.html");
    return page_data(
        nets.size(), [&](size_t i) { return detail::network_page_source(nets[i], options.image_size); },
        [](size_t) { return 1; }, options);
}

std::string viewer_html(const std::vector<const Run*>& runs, const ViewerOptions& options) {
    return page_html(viewer_data(runs, options), options.title);
}

std::string network_viewer_html(const std::vector<ViewerNetwork>& nets, const ViewerOptions& options) {
    return page_html(network_viewer_data(nets, options), options.title);
}

std::string detail::png_grey_data_url(const std::vector<uint8_t>& pixels, int w, int h, const std::string& where) {
    return png_data_url(pixels, w, h, where);
}
std::string detail::web_file(std::string_view file_name) { return asset(file_name); }
std::string detail::base64_text(std::string_view bytes) { return base64(bytes); }
std::string detail::zlib_bytes(std::string bytes, const std::string& where) { return zlib_pack(bytes, where, "data"); }
void detail::put_at_marker(std::string& page, std::string_view marker, const std::string& text) {
    replace_marker(page, marker, text);
}

std::string detail::viewer_page(const std::string& title) {
    std::string page = asset("viewer.html");
    replace_marker(page, "<!--GINN_TITLE-->", html_escape(title));
    replace_marker(page, "/*GINN_STYLE*/", asset("viewer.css"));
    std::string script;
    for (const char* file : {"decode.js", "draw.js", "curves.js", "diagram.js", "findings.js", "share.js", "readouts.js",
                             "surface.js", "viewer.js"})
        script += asset(file) + "\n";
    replace_marker(page, "/*GINN_SCRIPT*/", script);
    return page;
}

void write_viewer(const std::vector<const Run*>& runs, const std::string& path, const ViewerOptions& options) {
    check_output_directory(path);
    write_file_atomic(path, viewer_html(runs, options));
}

void write_network_viewer(const std::vector<ViewerNetwork>& nets, const std::string& path, const ViewerOptions& options) {
    check_output_directory(path);
    write_file_atomic(path, network_viewer_html(nets, options));
}

}  // namespace ginn
