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
