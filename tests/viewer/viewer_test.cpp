// Tests for viewer.h: the page is self-contained, carries every snapshot in the documented encoding (decoded here
// and checked against the run) and the analysis' findings, is written atomically, and rejects bad input. Also writes
// the browser tests' fixture.
// Not the page's behaviour: tests/e2e drives it in Chromium.
#include "ginn/viewer/viewer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <stb/stb_image.h>

#include "ginn/analysis/analysis.h"
#include "ginn/train/config.h"
#include "ginn/core/error.h"
#include "ginn/geometry/geometry.h"
#include "ginn/core/io.h"
#include "ginn/model/model.h"
#include "ginn/train/trainer.h"
#include "viewer/page_decode.h"

namespace ginn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::decode_geometry;
using test::geometry_stream;
using test::inflate;
using test::page_data;
using test::unbase64;

/// A small real training run held in memory of config `c` on `data`, trained with Adam for c.train.iterations,
/// snapshots spaced quadratically (dense early, as GINN's schedule).
Run trained_on(const std::string& name, const RunConfig& c, Dataset data, int n_snapshots) {
    Trainer t(c.model, c.optim, c.train, data);
    std::vector<SnapshotInfo> snaps;
    std::vector<std::vector<float>> params;
    for (int k = 0; k < n_snapshots; ++k) {
        const double f = n_snapshots > 1 ? double(k) / (n_snapshots - 1) : 0.0;
        const StepResult step = t.run_until(std::llround(double(c.train.iterations) * f * f));
        const Metrics m = t.evaluate();
        snaps.push_back({.iteration = t.iteration(), .lr = t.lr(), .loss_batch = step.mean_batch_loss, .loss = m.loss,
                         .accuracy = m.accuracy, .loss_test = m.loss_test, .accuracy_test = m.accuracy_test});
        params.emplace_back(t.params().begin(), t.params().end());
    }
    return Run::in_memory(c, std::move(snaps), params, std::move(data), name);
}

/// The bottle at `resolution` (optionally with a test split) for a net of `widths`, lr 1e-2, batch 64.
RunConfig bottle_config(std::vector<int> widths, uint64_t seed, int64_t iterations, double test_fraction = 0.0, int resolution = 40) {
    RunConfig c;
    c.task.target = "bottle";
    c.task.resolution = resolution;
    c.task.test_fraction = test_fraction;
    c.model.widths = std::move(widths);
    c.optim.lr = 1e-2;
    c.train.iterations = iterations;
    c.train.batch = 64;
    c.train.seed = seed;
    return c;
}

Run trained_run(const std::string& name, std::vector<int> widths, uint64_t seed, int n_snapshots, int64_t iterations,
                double test_fraction = 0.0, int resolution = 40) {
    const RunConfig c = bottle_config(std::move(widths), seed, iterations, test_fraction, resolution);
    return trained_on(name, c, make_dataset(c.task), n_snapshots);
}

/// Three Gaussian blobs (classes 0, 1, 2) on [-6, 6]^2, n points, every fifth held out as the test split.
Dataset three_blobs(int n) {
    Dataset d;
    d.name = "three-blobs";
    d.domain = Box{-6, 6, -6, 6};
    d.n_classes = 3;
    d.X.resize(n, 2);
    d.label.resize(size_t(n));
    d.is_test.resize(size_t(n));
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 1.3f);
    const float cx[3] = {-3, 3, 0}, cy[3] = {-2, -2, 3};
    for (int i = 0; i < n; ++i) {
        const int c = i % 3;
        d.X(i, 0) = std::clamp(cx[c] + noise(rng), -5.9f, 5.9f);
        d.X(i, 1) = std::clamp(cy[c] + noise(rng), -5.9f, 5.9f);
        d.label[size_t(i)] = c;
        d.is_test[size_t(i)] = i % 5 == 4;
    }
    return d;
}

/// A copy of `run` in which layer-1 neuron `index` (from 1) is planted dead from snapshot `from` on: its line moved
/// far outside the domain (w = (1e-3, 0), b = -1: zero at x = 1000) with the neuron off on the domain's side.
Run with_dead_neuron(const Run& run, int index, int from) {
    std::vector<std::vector<float>> params;
    for (int k = 0; k < run.n_snapshots(); ++k) {
        const auto p = run.params(k);
        params.emplace_back(p.begin(), p.end());
        if (k < from) continue;
        // layer 1 comes first in the flat layout (model.h): W (n1 x 2, row-major), then b (n1)
        const size_t n1 = size_t(run.config().model.widths.at(0)), i = size_t(index - 1);
        params.back()[2 * i] = 1e-3f;
        params.back()[2 * i + 1] = 0.0f;
        params.back()[2 * n1 + i] = -1.0f;
    }
    return Run::in_memory(run.config(), run.snapshots(), params, run.dataset(), run.dir());
}

/// Two small trained runs (the second with a test split) and their page, built once for the tests below.
struct Fixture {
    Run a = trained_run("seed-1", {6, 5}, /*seed=*/1, /*n_snapshots=*/6, /*iterations=*/600);
    Run b = trained_run("seed-2", {6, 5}, /*seed=*/2, /*n_snapshots=*/4, /*iterations=*/400, /*test_fraction=*/0.2);
    std::string html = viewer_html({&a, &b}, {.image_size = 32});
};
const Fixture& fixture() {
    static const Fixture f;
    return f;
}

TEST(viewer_test, page_is_self_contained) {
    std::string h = fixture().html;
    // the SVG export's namespace is an identifier, never fetched: the only http:// allowed
    for (size_t at; (at = h.find("http://www.w3.org/2000/svg")) != std::string::npos;) h.erase(at, 26);
    EXPECT_EQ(h.find("http://"), std::string::npos);
    EXPECT_EQ(h.find("https://"), std::string::npos);
    EXPECT_EQ(h.find("<script src"), std::string::npos);
    EXPECT_EQ(h.find("<link"), std::string::npos);
    EXPECT_EQ(h.find("@import"), std::string::npos);
    EXPECT_EQ(h.find("/*GINN_"), std::string::npos) << "a template marker was left in the page";
    EXPECT_NE(h.find("function drawPicture"), std::string::npos) << "scripts were not inlined";
    EXPECT_NE(h.find(".neuron.on"), std::string::npos) << "styles were not inlined";
    EXPECT_EQ(h.rfind("<!doctype html>", 0), 0u);
}

TEST(viewer_test, page_holds_every_snapshot_of_every_run) {
    const json d = page_data(fixture().html);
    EXPECT_EQ(d.at("format"), "ginn-viewer");
    ASSERT_EQ(d.at("runs").size(), 2u);
    for (int r = 0; r < 2; ++r) {
        const ginn::Run& run = r == 0 ? fixture().a : fixture().b;
        const json& j = d["runs"][r];
        EXPECT_EQ(j.at("name"), run.dir());
        ASSERT_EQ(j["snapshots"]["iteration"].size(), size_t(run.n_snapshots()));
        for (int k = 0; k < run.n_snapshots(); ++k) EXPECT_EQ(j["snapshots"]["iteration"][k], run.snapshot(k).iteration);
        EXPECT_TRUE(j["geometry"].is_string()) << "one packed stream per run";
        EXPECT_EQ(j["geometry_sizes"].size(), size_t(run.n_snapshots()));
        EXPECT_EQ(j["counts"]["activation"].size(), size_t(run.n_snapshots()));
        EXPECT_EQ(j["snapshots"].contains("loss_test"), r == 1) << "test loss only where the run has a test split";
    }
}

/// The float at byte `off` of `w` is `v` at display precision: its low mantissa byte is zero and it lies within a
/// relative 2^-16 of v (nearest on 16 significant bits).
testing::AssertionResult is_display_float(const std::string& w, size_t off, double v) {
    float f;
    std::memcpy(&f, w.data() + off, 4);
    if (w[off] != 0) return testing::AssertionFailure() << "low mantissa byte of " << f << " is not zero";
    if (std::abs(double(f) - v) > std::abs(v) * std::ldexp(1.0, -16) + 1e-30)
        return testing::AssertionFailure() << f << " is not " << v << " within 2^-16";
    return testing::AssertionSuccess();
}

TEST(viewer_test, weights_decode_to_the_snapshot_networks) {
    const json j = page_data(fixture().html)["runs"][0];
    ASSERT_EQ(j["weights_packing"], "xor-planes-zlib");
    // unpack (docs/viewer.md): inflate (stb_image's decoder), then per snapshot byte planes -> floats, XOR the previous
    const std::string planes = inflate(unbase64(j["weights"]));
    const size_t per = planes.size() / size_t(fixture().a.n_snapshots());
    std::string w(planes.size(), '\0');
    for (size_t at = 0; at < w.size(); at += per)
        for (size_t i = 0; i < per; ++i) w[at + i] = char(planes[at + (i % 4) * (per / 4) + i / 4] ^ (at > 0 ? w[at - per + i] : 0));
    size_t off = 0;
    for (int k = 0; k < fixture().a.n_snapshots(); ++k) {
        const Network net = fixture().a.network(k);
        for (const DenseLayer& L : net.layers) {
            for (int o = 0; o < L.n_out(); ++o)
                for (int i = 0; i < L.n_in(); ++i, off += 4) {
                    ASSERT_TRUE(is_display_float(w, off, L.W(o, i))) << "snapshot " << k << " W(" << o << ", " << i << ")";
                }
            for (int o = 0; o < L.n_out(); ++o, off += 4) {
                ASSERT_TRUE(is_display_float(w, off, L.b(o))) << "snapshot " << k << " b(" << o << ")";
            }
        }
    }
    EXPECT_EQ(off, w.size());
}

/// Distance from p to the segment a-b.
double segment_distance(std::pair<double, double> p, std::pair<double, double> a, std::pair<double, double> b) {
    const double dx = b.first - a.first, dy = b.second - a.second, len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((p.first - a.first) * dx + (p.second - a.second) * dy) / len2, 0.0, 1.0) : 0.0;
    return std::hypot(p.first - a.first - t * dx, p.second - a.second - t * dy);
}

/// The page's polyline `shown` draws the exact polyline `exact` (unit coordinates) at display precision: its points are
/// exact points in order (within quantisation `q`), the ends included, and every exact point lies within `tol` (+ 2q)
/// of the shown segment between its kept neighbours.
testing::AssertionResult draws_within(const std::vector<std::pair<double, double>>& shown,
                                      const std::vector<std::pair<double, double>>& exact, double tol, double q) {
    if (shown.size() < std::min<size_t>(2, exact.size()) || shown.size() > exact.size())
        return testing::AssertionFailure() << shown.size() << " points shown for " << exact.size();
    auto near = [&](std::pair<double, double> a, std::pair<double, double> b) {
        return std::abs(a.first - b.first) <= q && std::abs(a.second - b.second) <= q;
    };
    size_t j = 0;  // exact index of the previous shown point
    for (size_t i = 0; i < shown.size(); ++i) {
        size_t at = i == 0 ? 0 : j + 1;
        while (at < exact.size() && !near(shown[i], exact[at])) ++at;
        if (at == exact.size()) return testing::AssertionFailure() << "shown point " << i << " is no exact point after " << j;
        for (size_t m = j + 1; i > 0 && m < at; ++m)
            if (segment_distance(exact[m], shown[i - 1], shown[i]) > tol + 2 * q)
                return testing::AssertionFailure() << "exact point " << m << " lies " << segment_distance(exact[m], shown[i - 1], shown[i])
                                                   << " from the shown line";
        j = at;
    }
    if (j + 1 != exact.size()) return testing::AssertionFailure() << "the last exact point is not shown";
    return testing::AssertionSuccess();
}

TEST(viewer_test, geometry_decodes_to_the_exact_polylines_at_display_precision) {
    const json j = page_data(fixture().html)["runs"][0];
    const double scale = j["geometry_scale"], q = 0.5 / scale + 1e-12, tol = 1.0 / 8192;  // docs/viewer.md
    EXPECT_EQ(scale, 16383);
    size_t n_exact = 0, n_shown = 0;
    for (int k = 0; k < fixture().a.n_snapshots(); ++k) {
        const Network net = fixture().a.network(k);
        const Geometry g = compute_geometry(net);
        const auto items = decode_geometry(geometry_stream(j, k), net.n_neurons(), scale);
        const Box& d = net.domain;
        for (size_t n = 0; n < items.size(); ++n) {
            const std::vector<Polyline>& lines = n < g.neurons.size() ? g.neurons[n].polylines : g.decision_boundary;
            ASSERT_EQ(items[n].size(), lines.size()) << "snapshot " << k << " item " << n;
            for (size_t l = 0; l < lines.size(); ++l) {
                std::vector<std::pair<double, double>> exact;
                for (Eigen::Index i = 0; i < lines[l].rows(); ++i)
                    exact.emplace_back((lines[l](i, 0) - d.x0) / d.width(), (lines[l](i, 1) - d.y0) / d.height());
                EXPECT_TRUE(draws_within(items[n][l], exact, tol, q)) << "snapshot " << k << " item " << n << " line " << l;
                n_exact += exact.size(), n_shown += items[n][l].size();
            }
        }
        EXPECT_EQ(j["counts"]["activation"][k], g.counts.activation);
    }
    EXPECT_GT(n_exact, 0u);
    EXPECT_LE(n_shown, n_exact);
}

TEST(viewer_test, display_precision_check_accepts_dropped_slight_bends_and_rejects_dropped_visible_ones) {
    // the reference the geometry test uses: a bend of 1e-5 (far below a pixel) may go, one of 0.15 may not
    const std::vector<std::pair<double, double>> exact = {{0, 0}, {0.25, 0.25 + 1e-5}, {0.5, 0.5}, {0.75, 0.9}};
    const std::vector<std::pair<double, double>> shown = {{0, 0}, {0.5, 0.5}, {0.75, 0.9}};
    EXPECT_TRUE(draws_within(shown, exact, 1.0 / 8192, 1e-9));
    const std::vector<std::pair<double, double>> too_coarse = {{0, 0}, {0.75, 0.9}};
    EXPECT_FALSE(draws_within(too_coarse, exact, 1.0 / 8192, 1e-9)) << "the reference check must see a dropped bend";
}

TEST(viewer_test, prediction_atlas_decodes_to_the_network_probabilities) {
    const json p = page_data(fixture().html)["runs"][0]["prediction"];
    const int n = p["size"], cols = p["cols"];
    ASSERT_EQ(n, 32);
    const std::string png = unbase64(p["atlas"].get<std::string>().substr(std::string("data:image/png;base64,").size()));
    int w = 0, h = 0, ch = 0;
    unsigned char* px = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()), int(png.size()), &w, &h, &ch, 1);
    ASSERT_NE(px, nullptr) << "atlas is not a PNG";
    std::vector<uint8_t> prev(size_t(n) * n, 0);
    for (int k = 0; k < fixture().a.n_snapshots(); ++k) {
        const Network net = fixture().a.network(k);
        const Box& d = net.domain;
        int worst = 0;
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                const int ar = k / cols * n + r, ac = k % cols * n + c;
                ASSERT_LT(ar, h);
                const uint8_t v = uint8_t(prev[size_t(r) * n + c] + px[size_t(ar) * w + ac]);
                prev[size_t(r) * n + c] = v;
                Eigen::MatrixXd X(1, 2);
                X << d.x0 + (c + 0.5) / n * d.width(), d.y1 - (r + 0.5) / n * d.height();
                worst = std::max(worst, std::abs(int(v) - int(std::lround(probability(net, X)(0) * 255))));
            }
        EXPECT_LE(worst, 1) << "snapshot " << k;
    }
    stbi_image_free(px);
}

/// Tile t of a decoded atlas (grey PNG, delta-coded per tile against tile t - tiles): n x n bytes, row-major.
std::vector<std::vector<uint8_t>> atlas_tiles(const json& p, int n_snapshots) {
    const int n = p["size"], cols = p["cols"], T = p.value("tiles", 1);
    const std::string png = unbase64(p["atlas"].get<std::string>().substr(std::string("data:image/png;base64,").size()));
    int w = 0, h = 0, ch = 0;
    unsigned char* px = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()), int(png.size()), &w, &h, &ch, 1);
    EXPECT_NE(px, nullptr) << "atlas is not a PNG";
    std::vector<std::vector<uint8_t>> tiles(size_t(n_snapshots * T), std::vector<uint8_t>(size_t(n) * n));
    for (int t = 0; px && t < n_snapshots * T; ++t)
        for (int i = 0; i < n * n; ++i) {
            const uint8_t d = px[size_t(t / cols * n + i / n) * size_t(w) + size_t(t % cols * n + i % n)];
            tiles[size_t(t)][size_t(i)] = uint8_t((t >= T ? tiles[size_t(t - T)][size_t(i)] : 0) + d);
        }
    stbi_image_free(px);
    return tiles;
}

TEST(viewer_test, k_class_and_regression_images_decode_to_softmax_and_scaled_output) {
    RunConfig three = bottle_config({6}, /*seed=*/1, /*iterations=*/200);
    three.task.target = "three-blobs";
    three.model.head = Head::softmax;
    three.model.n_classes = 3;
    const ginn::Run classes = trained_on("three", three, three_blobs(90), /*n_snapshots=*/3);
    RunConfig reg_config = bottle_config({6}, /*seed=*/2, /*iterations=*/200);
    reg_config.model.head = Head::regression;
    const ginn::Run reg = trained_on("reg", reg_config, make_dataset(reg_config.task), /*n_snapshots=*/3);
    const json d = page_data(viewer_html({&classes, &reg}, {.image_size = 16}));
    const int n = 16;
    // k classes: one tile per class holding P(class c) (softmax of the logits, computed here), 8 bits
    const json& c = d["runs"][0];
    EXPECT_EQ(c["output"]["kind"], "classes");
    EXPECT_EQ(c["prediction"]["tiles"], 3);
    const auto tiles = atlas_tiles(c["prediction"], 3);
    for (int k = 0; k < 3; ++k) {
        const Network net = classes.network(k);
        const Eigen::MatrixXd Z = forward(net, pixel_centres(net.domain, n, n));  // (n^2, 3)
        for (int i = 0; i < n * n; ++i) {
            const Eigen::ArrayXd e = (Z.row(i).array() - Z.row(i).maxCoeff()).exp().transpose();
            for (int cl = 0; cl < 3; ++cl)
                ASSERT_LE(std::abs(int(tiles[size_t(k * 3 + cl)][size_t(i)]) - int(std::lround(255 * e(cl) / e.sum()))), 1)
                    << "snapshot " << k << " pixel " << i << " class " << cl;
        }
    }
    // points: 90, quantised to 16 bits; every fifth a test point
    const json& pts = c["points"];
    ASSERT_EQ(pts["n"], 90);
    const std::string xy = unbase64(pts["xy"]), test = unbase64(pts["test"]);
    for (int i = 0; i < 90; ++i) {
        const double u = (uint8_t(xy[size_t(4 * i)]) | uint8_t(xy[size_t(4 * i + 1)]) << 8) / 65535.0;
        EXPECT_NEAR(-6 + 12 * u, classes.dataset().X(i, 0), 12.0 / 65535) << "point " << i;
        EXPECT_EQ(test[size_t(i)], i % 5 == 4 ? 1 : 0);
    }
    EXPECT_TRUE(c["target"].is_null()) << "a point task defines no target raster";
    // regression: the output scaled from the label range [0, 1], clipped
    const json& r = d["runs"][1];
    EXPECT_EQ(r["output"]["kind"], "regression");
    EXPECT_EQ(r["output"]["range"], json::parse("[0.0, 1.0]"));
    const auto rt = atlas_tiles(r["prediction"], 3);
    for (int k = 0; k < 3; ++k) {
        const Network net = reg.network(k);
        const Eigen::MatrixXd Z = forward(net, pixel_centres(net.domain, n, n));
        for (int i = 0; i < n * n; ++i)
            ASSERT_LE(std::abs(int(rt[size_t(k)][size_t(i)]) - int(std::lround(255 * std::clamp(Z(i, 0), 0.0, 1.0)))), 1);
    }
    EXPECT_TRUE(r["target"].is_object()) << "the bottle image is a target";
}

TEST(viewer_test, page_without_findings_has_none) {
    const json page = page_data(fixture().html);  // named: a range-for over a temporary's member dangles
    for (const json& r : page["runs"]) EXPECT_FALSE(r.contains("findings"));
}

TEST(viewer_test, findings_are_embedded_per_run_and_decode) {
    // Layer-1 neuron 2 of the first run is planted dead from snapshot 3 of 6: the analysis must find it there.
    const ginn::Run a = with_dead_neuron(fixture().a, /*index=*/2, /*from=*/3);
    const std::vector<json> findings = run_findings({&a, &fixture().b});
    ASSERT_EQ(findings.size(), 2u);
    const json d = page_data(viewer_html({&a, &fixture().b}, {.image_size = 16, .findings = findings}));
    ASSERT_EQ(d["runs"].size(), 2u);
    for (int r = 0; r < 2; ++r) {
        const json& f = d["runs"][r].at("findings");
        EXPECT_EQ(f, findings[size_t(r)]) << "run " << r << ": the page carries the findings unchanged";
        EXPECT_EQ(f.at("format"), "ginn-findings");
        // the region curve the page draws from "counts" is the analysis' own
        EXPECT_EQ(f["regions"]["activation"], d["runs"][r]["counts"]["activation"]) << "run " << r;
        EXPECT_EQ(f["regions"]["linear"], d["runs"][r]["counts"]["linear"]) << "run " << r;
    }
    const json& f = d["runs"][0]["findings"];
    EXPECT_NE(std::find(f["badges"]["L1:2"].begin(), f["badges"]["L1:2"].end(), "dead"), f["badges"]["L1:2"].end())
        << f["badges"].dump();
    EXPECT_EQ(f["spans"]["L1:2"]["dead"], json::parse("[[3, 5]]")) << "dead exactly from the planted snapshot on";
    bool died = false;
    for (const json& e : f["events"]) died = died || (e["kind"] == "died" && e["snapshot"] == 3 && e["neurons"] == json{"L1:2"});
    EXPECT_TRUE(died) << f["events"].dump();
}

TEST(viewer_test, findings_must_be_one_per_run_in_order) {
    const ginn::Run& a = fixture().a;
    const ginn::Run& b = fixture().b;
    const std::vector<json> f = run_findings({&a, &b});
    EXPECT_THROW(viewer_html({&a, &b}, {.image_size = 16, .findings = {f[0]}}), Error) << "one findings for two runs";
    EXPECT_THROW(viewer_html({&a, &b}, {.image_size = 16, .findings = {f[1], f[0]}}), Error) << "swapped runs";
    EXPECT_THROW(viewer_html({&a}, {.image_size = 16, .findings = {json{{"format", "ginn-analysis"}}}}), Error);
    EXPECT_THROW(viewer_html({&a}, {.image_size = 16, .findings = {json::array()}}), Error);
    try {
        viewer_html({&a, &b}, {.image_size = 16, .findings = {f[1], f[0]}});
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(a.dir()), std::string::npos) << "names the run: " << e.what();
    }
}

TEST(viewer_test, geometry_shared_by_the_analysis_gives_the_same_page) {
    // ginn view computes each snapshot's geometry once, in the analysis, and hands it to the page.
    const ginn::Run& a = fixture().a;
    const ginn::Run& b = fixture().b;
    std::vector<std::vector<Geometry>> geometry;
    const std::vector<json> f = run_findings({&a, &b}, {}, &geometry);
    ASSERT_EQ(geometry.size(), 2u);
    EXPECT_EQ(geometry[0].size(), size_t(a.n_snapshots()));
    EXPECT_EQ(f, run_findings({&a, &b})) << "the findings do not depend on whether the geometry is handed out";
    const std::string shared = viewer_html({&a, &b}, {.image_size = 16, .findings = f, .geometry = {&geometry[0], &geometry[1]}});
    EXPECT_EQ(shared, viewer_html({&a, &b}, {.image_size = 16, .findings = f})) << "byte for byte";
    // a list per run, one Geometry per snapshot: else one clear error
    EXPECT_THROW(viewer_html({&a, &b}, {.image_size = 16, .geometry = {&geometry[0]}}), Error);
    EXPECT_THROW(viewer_html({&a, &b}, {.image_size = 16, .geometry = {&geometry[1], &geometry[0]}}), Error)
        << "swapped runs have other snapshot counts";
}

TEST(viewer_test, write_is_atomic_and_equals_the_string) {
    const fs::path dir = fs::temp_directory_path() / ("ginn_viewer_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "view.html").string();
    write_file_atomic(path, "old contents");
    write_viewer({&fixture().a}, path, {.image_size = 32});
    EXPECT_EQ(read_file(path), viewer_html({&fixture().a}, {.image_size = 32}));
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
    EXPECT_EQ(files, 1) << "a temporary file was left behind";
    fs::remove_all(dir);
}

TEST(viewer_test, bad_inputs_throw_errors) {
    EXPECT_THROW(viewer_html({}, {}), Error);
    EXPECT_THROW(viewer_html({nullptr}, {}), Error);
    EXPECT_THROW(viewer_html({&fixture().a}, {.image_size = 4}), Error);
    EXPECT_THROW(write_viewer({&fixture().a}, "/nonexistent-dir/ginn/view.html", {.image_size = 32}), Error);
    EXPECT_THROW(write_viewer({}, "view.html"), Error);
    EXPECT_FALSE(fs::exists("view.html"));
    try {
        write_viewer({&fixture().a}, "/nonexistent-dir/ginn/view.html", {.image_size = 32});
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/ginn/view.html"), std::string::npos) << e.what();
    }
}

TEST(viewer_test, run_without_snapshots_is_an_error) {
    RunConfig c;
    c.task.target = "circle";
    c.task.n_points = 50;
    c.model.widths = {3};
    ginn::Run empty = Run::in_memory(c, {}, {}, make_dataset(c.task), "empty");
    EXPECT_THROW(viewer_html({&empty}), Error);
}

/// The browser tests' fixtures (tests/e2e/run.sh), written to $GINN_VIEWER_FIXTURE or <build>/viewer_fixture.html:
/// two trained 2-16-16-16-2 runs, one with a test split, with the analysis' findings; in the first, layer-1 neuron 5
/// (alive until then) is planted dead from snapshot 20 of 40. Beside it, FIXTURE-kinds.html: a 3-class point task with
/// a test split, a regression head on the bottle, a tanh net on the circle task with a test split (its layer-1 neuron 3
/// planted without sign change from snapshot 4 of 8); FIXTURE-wide.html: a 2-64-64-64-2 run
/// and a 6-layer run.
TEST(viewer_test, write_e2e_fixture) {
    const char* env = std::getenv("GINN_VIEWER_FIXTURE");
    const std::string path = env && *env ? std::string(env) : (fs::path(GINN_BINARY).parent_path() / "viewer_fixture.html").string();
    const ginn::Run trained = trained_run("bottle-seed-1", {16, 16, 16}, /*seed=*/1, /*n_snapshots=*/40, /*iterations=*/4000, 0.0, 64);
    const ginn::Run a = with_dead_neuron(trained, /*index=*/5, /*from=*/20);
    const ginn::Run b = trained_run("bottle-seed-2", {16, 16, 16}, /*seed=*/2, /*n_snapshots=*/30, /*iterations=*/3000, 0.1, 64);
    const std::vector<json> findings = run_findings({&a, &b});
    ASSERT_EQ(findings[0]["spans"]["L1:5"]["dead"], json::parse("[[20, 39]]")) << "the planted death is found";
    write_viewer({&a, &b}, path, {.title = "ginn viewer test fixture", .image_size = 64, .findings = findings});
    EXPECT_TRUE(fs::exists(path));
    std::cout << "wrote " << path << " (" << fs::file_size(path) << " bytes)\n";

    const std::string stem = path.substr(0, path.size() - std::string(".html").size());
    RunConfig three = bottle_config({12, 12}, /*seed=*/1, /*iterations=*/1500);
    three.task.target = "three-blobs";
    three.model.head = Head::softmax;
    three.model.n_classes = 3;
    const ginn::Run classes = trained_on("three-classes", three, three_blobs(600), /*n_snapshots=*/12);
    RunConfig regression = bottle_config({16, 16}, /*seed=*/3, /*iterations=*/1500);
    regression.model.head = Head::regression;
    const ginn::Run reg = trained_on("regression", regression, make_dataset(regression.task), /*n_snapshots=*/10);
    RunConfig smooth = bottle_config({8, 8}, /*seed=*/4, /*iterations=*/1500, /*test_fraction=*/0.2);
    smooth.task.target = "circle";
    smooth.task.n_points = 400;
    smooth.model.activation = Activation::tanh;
    const ginn::Run tanh_run = with_dead_neuron(trained_on("tanh-circle", smooth, make_dataset(smooth.task), /*n_snapshots=*/8),
                                                /*index=*/3, /*from=*/4);  // no sign change from snapshot 4: not dead
    write_viewer({&classes, &reg, &tanh_run}, stem + "-kinds.html", {.title = "ginn viewer fixture: kinds", .image_size = 48});

    const ginn::Run wide = trained_run("wide-64", {64, 64, 64}, /*seed=*/5, /*n_snapshots=*/6, /*iterations=*/400);
    const ginn::Run deep = trained_run("deep-6", {8, 8, 8, 8, 8, 8}, /*seed=*/6, /*n_snapshots=*/6, /*iterations=*/400);
    const std::vector<json> wide_findings = run_findings({&wide, &deep});
    write_viewer({&wide, &deep}, stem + "-wide.html", {.title = "ginn viewer fixture: wide and deep", .image_size = 48,
                                                       .findings = wide_findings});

    RunConfig marked = bottle_config({8, 8, 8}, /*seed=*/7, /*iterations=*/400);
    marked.model.residual = true;
    marked.model.batch_norm = true;
    const ginn::Run res = trained_on("residual-bn", marked, make_dataset(marked.task), /*n_snapshots=*/5);
    write_viewer({&res}, stem + "-residual.html", {.title = "ginn viewer fixture: residual and batch norm", .image_size = 48});

    // Networks without a run (as --model/--weights give them): a 6-layer net, a 3-class net, a tanh net.
    const Network deep_net = deep.network(deep.n_snapshots() - 1), three_net = classes.network(classes.n_snapshots() - 1),
                  tanh_net = tanh_run.network(tanh_run.n_snapshots() - 1);
    std::vector<json> net_findings;
    for (const Network* net : {&deep_net, &three_net, &tanh_net}) net_findings.push_back(viewer_findings(analyze_network(*net)));
    write_network_viewer({{&deep_net, "deep-6.onnx"}, {&three_net, "three.json"}, {&tanh_net, "tanh.onnx"}},
                         stem + "-network.html", {.title = "ginn viewer fixture: networks", .image_size = 48,
                                                  .findings = net_findings});
}

}  // namespace
}  // namespace ginn
