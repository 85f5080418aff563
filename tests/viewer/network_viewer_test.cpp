// Tests for viewer.h's pages of networks without a run (ViewerNetwork): each network is one snapshot holding its
// own geometry, weights and prediction in the documented encoding (decoded here and checked against the network),
// marked imported with no training data, and bad input is refused. Not the page's behaviour (tests/e2e/network).
#include "ginn/viewer/viewer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"
#include "ginn/data/dataset.h"
#include "ginn/geometry/geometry.h"
#include "viewer/page_decode.h"

namespace ginn {
namespace {

using nlohmann::json;

/// A random network on [-2, 2]^2 of the given hidden widths (N(0, 1) weights, biases in +-0.5).
Network random_network(const std::vector<int>& widths, Activation act, Head head, int n_out, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    Network net;
    net.domain = {-2, 2, -2, 2};
    net.head = head;
    int n_in = 2;
    for (size_t l = 0; l <= widths.size(); ++l) {
        const int n = l < widths.size() ? widths[l] : n_out;
        DenseLayer L;
        L.W = Eigen::MatrixXd::NullaryExpr(n, n_in, [&] { return normal(rng) / std::sqrt(double(n_in)); });
        L.b = Eigen::VectorXd::NullaryExpr(n, [&] { return 0.5 * std::tanh(normal(rng)); });
        L.activation = l < widths.size() ? act : Activation::linear;
        net.layers.push_back(L);
        n_in = n;
    }
    return net;
}

/// A 6-layer, 3-class PReLU network (one slope per neuron, residual middle layers) and a tanh regression network.
struct Nets {
    Network deep = [] {
        Network n = random_network({6, 6, 6, 6, 6, 6}, Activation::leaky_relu, Head::softmax, 3, /*seed=*/1);
        for (int l = 0; l < 6; ++l) n.layers[size_t(l)].negative_slope = Eigen::VectorXd::LinSpaced(6, -0.25, 1.5);
        n.layers[2].residual = n.layers[3].residual = true;
        return n;
    }();
    Network smooth = random_network({8, 8}, Activation::tanh, Head::regression, 1, /*seed=*/2);
};

TEST(network_viewer_test, each_network_is_one_imported_snapshot_without_training_data) {
    const Nets n;
    const json data = test::page_data(network_viewer_html({{&n.deep, "dir/deep.onnx"}, {&n.smooth, "smooth"}}, {.image_size = 32}));
    ASSERT_EQ(data["runs"].size(), 2u);
    const json& r = data["runs"][0];
    EXPECT_EQ(r["name"], "deep.onnx") << "the file name, without its directory";
    EXPECT_EQ(r["imported"], true);
    EXPECT_EQ(r["snapshots"]["iteration"], json::array({0}));
    EXPECT_TRUE(r["snapshots"]["loss"][0].is_null()) << "no loss: nothing was trained";
    EXPECT_TRUE(r["config"].is_null() && r["target"].is_null() && r["points"].is_null());
    EXPECT_EQ(r["n_classes"], 3);
    EXPECT_EQ(r["head"], "softmax");
    EXPECT_EQ(r["summary"]["model"], "2-6-6-6-6-6-6-3 prelu, softmax, residual");
    EXPECT_EQ(r["layers"][2]["residual"], true);
    EXPECT_EQ(r["layers"][0]["negative_slope"].size(), 6u);
    EXPECT_EQ(data["runs"][1]["exact"], json::array({false})) << "tanh: the approximate path, marked";
    EXPECT_EQ(data["runs"][1]["output"]["kind"], "regression");
}

TEST(network_viewer_test, geometry_and_counts_are_the_networks_own) {
    const Nets n;
    for (const Network* net : {&n.deep, &n.smooth}) {
        const Geometry g = compute_geometry(*net);
        const json data = test::page_data(network_viewer_html({{net, "net"}}, {.image_size = 16}));
        const json& r = data["runs"][0];
        EXPECT_EQ(r["exact"][0], g.exact);
        EXPECT_EQ(r["counts"]["activation"][0], g.counts.activation);
        EXPECT_EQ(r["counts"]["linear"][0], g.counts.linear);
        EXPECT_EQ(r["counts"]["per_layer"][0], json(g.counts.per_layer));
        const auto items = test::decode_geometry(test::geometry_stream(r, 0), net->n_neurons(), r["geometry_scale"]);
        for (int i = 0; i < net->n_neurons(); ++i)
            EXPECT_EQ(items[size_t(i)].size(), g.neurons[size_t(i)].polylines.size()) << "neuron " << i;
        EXPECT_EQ(items.back().size(), g.decision_boundary.size()) << "decision boundary";
        if (g.exact) {
            EXPECT_GT(g.counts.activation, 10) << "a network with something to draw";
        }
    }
}

TEST(network_viewer_test, weights_are_the_networks_at_display_precision) {
    const Nets n;
    const json r = test::page_data(network_viewer_html({{&n.deep, "deep"}}, {.image_size = 16}))["runs"][0];
    ASSERT_EQ(r["weights_packing"], "xor-planes-zlib");
    const std::string planes = test::inflate(test::unbase64(r["weights"]));  // one snapshot: nothing to undo the XOR with
    const size_t n_floats = planes.size() / 4;
    auto value = [&](size_t j) {  // float j: byte b in plane b
        uint32_t u = 0;
        for (int b = 0; b < 4; ++b) u |= uint32_t(uint8_t(planes.at(size_t(b) * n_floats + j))) << (8 * b);
        float f;
        std::memcpy(&f, &u, 4);
        return double(f);
    };
    size_t at = 0;  // per layer: W (n_out, n_in) row-major, then b
    for (const DenseLayer& L : n.deep.layers) {
        for (Eigen::Index i = 0; i < L.W.rows(); ++i)
            for (Eigen::Index j = 0; j < L.W.cols(); ++j) EXPECT_NEAR(value(at++), L.W(i, j), 1e-4 * std::abs(L.W(i, j)));
        for (Eigen::Index i = 0; i < L.b.size(); ++i) EXPECT_NEAR(value(at++), L.b(i), 1e-4 * std::abs(L.b(i)));
    }
    EXPECT_EQ(at, n_floats) << "every parameter, nothing else";
}

TEST(network_viewer_test, regression_output_spans_its_own_range_over_the_image) {
    const Nets n;
    const int size = 24;
    const json r = test::page_data(network_viewer_html({{&n.smooth, "smooth"}}, {.image_size = size}))["runs"][0];
    const Eigen::VectorXd y = forward(n.smooth, pixel_centres(n.smooth.domain, size, size)).col(0);
    EXPECT_DOUBLE_EQ(r["output"]["range"][0].get<double>(), y.minCoeff());
    EXPECT_DOUBLE_EQ(r["output"]["range"][1].get<double>(), y.maxCoeff());
}

TEST(network_viewer_test, findings_of_the_network_are_embedded_and_must_match) {
    const Nets n;
    Geometry g;
    const RunAnalysis a = analyze_network(n.deep, {}, "deep", &g);
    const std::vector<Geometry> known = {g};
    const std::string shared = network_viewer_html({{&n.deep, "deep"}}, {.image_size = 16, .findings = {viewer_findings(a)}, .geometry = {&known}});
    const std::string computed = network_viewer_html({{&n.deep, "deep"}}, {.image_size = 16, .findings = {viewer_findings(a)}});
    EXPECT_EQ(shared, computed) << "the analysis' geometry is the geometry the page computes";
    EXPECT_EQ(test::page_data(shared)["runs"][0]["findings"]["regions"]["iterations"], json::array({0}));
    EXPECT_THROW(network_viewer_html({{&n.deep, "deep"}, {&n.smooth, "s"}}, {.findings = {viewer_findings(a)}}), Error)
        << "one findings object for two networks";
}

TEST(network_viewer_test, bad_inputs_throw_one_error_naming_the_network) {
    const Nets n;
    EXPECT_THROW(network_viewer_html({}), Error);
    EXPECT_THROW(network_viewer_html({{nullptr, "none"}}), Error);
    Network three = random_network({4}, Activation::relu, Head::softmax2, 2, /*seed=*/3);
    three.layers[0].W = Eigen::MatrixXd::Ones(4, 3);
    try {
        network_viewer_html({{&three, "three.json"}});
        FAIL() << "a network of 3 inputs has no page";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("three.json"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("3 columns"), std::string::npos) << e.what();
    }
    EXPECT_THROW(write_network_viewer({{&n.deep, "deep"}}, "/nonexistent-dir/x.html"), Error);
}

}  // namespace
}  // namespace ginn
