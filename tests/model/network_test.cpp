// Tests for include/ginn/model/network.h's weights JSON: a round trip, and every malformed or oversized weights
// file refused with one error naming the file before anything large is allocated.
#include "ginn/model/network.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "ginn/core/io.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;

nlohmann::json small_weights() {
    return {{"format", "ginn-weights"},
            {"format_version", 1},
            {"head", "sigmoid"},
            {"domain", {{"x", {-1, 1}}, {"y", {-1, 1}}}},
            {"layers",
             {{{"W", {{1.0, 0.0}, {0.0, 1.0}}}, {"b", {0.0, 0.5}}, {"activation", "relu"}},
              {{"W", {{1.0, -1.0}}}, {"b", {0.25}}}}}};
}

TEST(network_test, weights_json_round_trip) {
    const Network net = network_from_json(small_weights(), "w.json");
    EXPECT_EQ(network_to_json(network_from_json(network_to_json(net), "again")), network_to_json(net));
    const Eigen::MatrixXd X = (Eigen::MatrixXd(1, 2) << 0.5, 0.25).finished();
    EXPECT_DOUBLE_EQ(forward(net, X)(0, 0), 0.5 - 0.75 + 0.25);  // relu(0.5) - relu(0.75) + 0.25
}

TEST(network_test, oversized_or_malformed_weights_are_refused_naming_the_file) {
    auto refused = [](const std::function<void(nlohmann::json&)>& edit, const std::vector<std::string>& parts) {
        nlohmann::json j = small_weights();
        edit(j);
        std::vector<std::string> all = parts;
        all.push_back("w.json");
        expect_error([&] { network_from_json(j, "w.json"); }, all);
    };
    refused([](auto& j) { j["format_version"] = 0; }, {"format_version 0"});
    refused([](auto& j) { j["format_version"] = -1; }, {"format_version -1"});
    refused([](auto& j) { j["domain"] = {{"x", {1, 1}}, {"y", {0, 1}}}; }, {"domain", "empty or out of range"});
    refused([](auto& j) { j["domain"] = {{"x", {-1e300, 1e300}}, {"y", {0, 1}}}; }, {"domain"});
    refused([](auto& j) {
        nlohmann::json layers = nlohmann::json::array();
        for (int l = 0; l < 100; ++l) layers.push_back({{"W", {{1.0, 0.0}, {0.0, 1.0}}}, {"b", {0.0, 0.0}}});
        j["layers"] = layers;
    }, {"layers", "100 entries", "1..65"});
    refused([](auto& j) {
        j["layers"][0]["W"] = nlohmann::json::array();
        for (int r = 0; r < 5000; ++r) j["layers"][0]["W"].push_back({1.0, 1.0});
    }, {"5000 by 2", "1..4096"});
    refused([](auto& j) { j["layers"][0]["W"][0][0] = "x"; }, {"malformed weights JSON"});
    refused([](auto& j) { j["layers"][1]["b"] = {1.0, 2.0}; }, {"b has 2 entries"});
    // Raw library codes stay out of the message.
    nlohmann::json j = small_weights();
    j["layers"][0]["W"][0][0] = "x";
    EXPECT_EQ(test::error_message([&] { network_from_json(j, "w.json"); }).find("json.exception"), std::string::npos);
}

/// The small network with hidden activation `act`: two neurons, pre-activations x and y + 0.5.
nlohmann::json with_activation(const std::string& act) {
    nlohmann::json j = small_weights();
    j["layers"][0]["activation"] = act;
    return j;
}

TEST(network_test, prelu_slopes_and_elu_alpha_evaluate_and_round_trip) {
    nlohmann::json j = with_activation("leaky_relu");
    j["format_version"] = 2;
    j["layers"][0]["negative_slope"] = {0.25, -1.5};
    const Network prelu = network_from_json(j, "w.json");
    const Eigen::MatrixXd X = (Eigen::MatrixXd(1, 2) << -2.0, -1.5).finished();  // z = (-2, -1)
    EXPECT_DOUBLE_EQ(forward(prelu, X)(0, 0), 0.25 * -2.0 - (-1.5 * -1.0) + 0.25);
    const nlohmann::json written = network_to_json(prelu);
    EXPECT_EQ(written["format_version"], 2);
    EXPECT_EQ(written["layers"][0]["negative_slope"], nlohmann::json({0.25, -1.5}));
    EXPECT_EQ(network_to_json(network_from_json(written, "again")), written);

    j = with_activation("elu");
    j["layers"][0]["alpha"] = 2.5;
    const Network elu = network_from_json(j, "w.json");
    EXPECT_DOUBLE_EQ(forward(elu, X)(0, 0), 2.5 * std::expm1(-2.0) - 2.5 * std::expm1(-1.0) + 0.25);
    EXPECT_EQ(network_to_json(elu)["layers"][0]["alpha"], 2.5);

    // A version 1 file (no parameters) still reads, with the defaults: leaky slope 0.01, alpha 1.
    const Network v1 = network_from_json(with_activation("leaky_relu"), "v1.json");
    EXPECT_DOUBLE_EQ(forward(v1, X)(0, 0), 0.01 * -2.0 - 0.01 * -1.0 + 0.25);
    EXPECT_FALSE(network_to_json(v1)["layers"][0].contains("negative_slope"));
}

TEST(network_test, softplus_and_derivatives_match_closed_forms_and_finite_differences) {
    DenseLayer L;
    L.W = Eigen::MatrixXd::Identity(2, 2);
    L.b = Eigen::VectorXd::Zero(2);
    for (double z : {-800.0, -30.0, -1.0, 0.0, 0.5, 30.0, 800.0}) {  // no overflow at either end
        L.activation = Activation::softplus;
        const double want = z > 30 ? z : std::log(1 + std::exp(z));
        EXPECT_NEAR(L.activate(0, z), want, 1e-15 * std::max(1.0, std::abs(z))) << z;
    }
    L.negative_slope = (Eigen::VectorXd(2) << 0.3, -2.0).finished();
    L.alpha = 1.7;
    for (Activation a : {Activation::softplus, Activation::leaky_relu, Activation::elu, Activation::tanh, Activation::gelu})
        for (int i = 0; i < 2; ++i)
            for (double z : {-2.0, -0.3, 0.4, 1.9}) {
                L.activation = a;
                const double h = 1e-6, fd = (L.activate(i, z + h) - L.activate(i, z - h)) / (2 * h);
                EXPECT_NEAR(L.derivative(i, z), fd, 1e-8) << activation_name(a) << " neuron " << i << " at " << z;
            }
}

TEST(network_test, bad_activation_parameters_are_refused_naming_the_file) {
    auto refused = [](nlohmann::json j, const std::vector<std::string>& parts) {
        std::vector<std::string> all = parts;
        all.push_back("w.json");
        expect_error([&] { network_from_json(j, "w.json"); }, all);
    };
    nlohmann::json j = with_activation("leaky_relu");
    j["layers"][0]["negative_slope"] = {0.25};
    refused(j, {"negative_slope has 1 entries", "2 (one per neuron)"});
    j["layers"][0]["negative_slope"] = {0.25, 1e300};
    refused(j, {"not finite or beyond +-1e6"});
    j["layers"][0]["negative_slope"] = {0.25, "x"};
    refused(j, {"malformed weights JSON"});
    j = with_activation("relu");
    j["layers"][0]["negative_slope"] = {0.25, 0.5};
    refused(j, {"negative slopes on a relu layer", "only with leaky_relu"});
    j = with_activation("tanh");
    j["layers"][0]["alpha"] = 2.0;
    refused(j, {"alpha on a tanh layer"});
    j = with_activation("elu");
    j["layers"][0]["alpha"] = -1e7;
    refused(j, {"alpha is not finite or beyond +-1e6"});
    j = small_weights();
    j["format_version"] = 3;
    refused(j, {"format_version 3 is newer", "upgrade ginn"});
}

TEST(network_test, deeply_nested_weights_file_is_an_error_not_a_stack_overflow) {
    const std::string dir = test::scratch_dir("network_deep");
    const std::string path = dir + "/deep.json";
    std::ofstream(path) << "{\"layers\": " << std::string(300000, '[') << std::string(300000, ']') << "}";
    expect_error([&] { load_network_json(path); }, {path, "nested deeper than 64"});
    expect_error([&] { load_network_json(dir); }, {dir, "is a directory"});
}

TEST(network_test, non_finite_parameters_are_not_written_as_null) {
    Network net = network_from_json(small_weights(), "w.json");
    net.layers[0].b(1) = NAN;
    expect_error([&] { network_to_json(net, "run: snapshot 3"); }, {"run: snapshot 3", "not finite"});
    net.layers[0].b(1) = INFINITY;
    expect_error([&] { network_to_json(net); }, {"not finite"});
}

}  // namespace
}  // namespace ginn
