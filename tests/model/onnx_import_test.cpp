// Tests for include/ginn/model/onnx_import.h: PyTorch-exported MLPs (tests/python/fixtures, written by
// tests/python/make_onnx_fixtures.py) import and evaluate equal to torch's own forward; bad files get one clear error.
#include "ginn/model/onnx_import.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ginn/core/io.h"
#include "ginn/geometry/geometry.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;

const std::string fixtures = std::string(GINN_SOURCE_DIR) + "/tests/python/fixtures/";

nlohmann::json cases() { return parse_json(read_file(fixtures + "cases.json"), "cases.json"); }

Eigen::MatrixXd matrix_of(const nlohmann::json& rows) {
    Eigen::MatrixXd M(rows.size(), rows.at(0).size());
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < rows[i].size(); ++j) M(i, j) = rows[i][j].get<double>();
    return M;
}

const OnnxImportOptions domain2{.domain = {-2, 2, -2, 2}};

TEST(onnx_import_test, torch_exports_evaluate_equal_to_torch) {
    ASSERT_TRUE(onnx_import_available()) << "built without libonnx-dev: bash scripts/install-deps.sh, then rebuild";
    int n_checked = 0;
    const nlohmann::json all = cases();
    for (const auto& item : all.items()) {
        const std::string name = item.key();
        const nlohmann::json& c = item.value();
        if (c.at("expect") != "ok") continue;
        SCOPED_TRACE(name);
        const Network net = load_network_onnx(fixtures + name + ".onnx", domain2);
        test::expect_matrix_near(forward(net, matrix_of(c.at("points"))), matrix_of(c.at("logits")), 1e-6, name);
        ++n_checked;
    }
    EXPECT_EQ(n_checked, 13);
}

TEST(onnx_import_test, heads_residuals_and_batch_norm_fold_into_ginn_layers) {
    ASSERT_TRUE(onnx_import_available()) << "built without libonnx-dev: bash scripts/install-deps.sh, then rebuild";
    const Network sigmoid = load_network_onnx(fixtures + "sigmoid.onnx", domain2);
    EXPECT_EQ(sigmoid.head, Head::sigmoid);  // the final Sigmoid is the head, not a layer
    EXPECT_EQ(sigmoid.n_hidden_layers(), 2);
    EXPECT_EQ(sigmoid.layers[0].activation, Activation::sigmoid);
    EXPECT_EQ(load_network_onnx(fixtures + "tanh.onnx", domain2).head, Head::softmax);
    const Network bn = load_network_onnx(fixtures + "batch_norm.onnx", domain2);
    EXPECT_EQ(bn.head, Head::softmax2);
    EXPECT_EQ(bn.n_hidden_layers(), 2);  // BatchNormalization folded, Dropout dropped
    const Network res = load_network_onnx(fixtures + "residual.onnx", domain2);
    ASSERT_EQ(res.n_hidden_layers(), 3);
    EXPECT_FALSE(res.layers[0].residual);
    EXPECT_TRUE(res.layers[1].residual);
    EXPECT_TRUE(res.layers[2].residual);  // linear -> batch norm -> residual add -> relu
    EXPECT_EQ(load_network_onnx(fixtures + "prelu_leaky.onnx", domain2).layers[0].activation, Activation::leaky_relu);
    EXPECT_DOUBLE_EQ(load_network_onnx(fixtures + "relu.onnx", {}).domain.x0, -1.0);  // the documented default
}

TEST(onnx_import_test, prelu_leaky_elu_and_softplus_keep_their_parameters) {
    ASSERT_TRUE(onnx_import_available()) << "built without libonnx-dev: bash scripts/install-deps.sh, then rebuild";
    const Network prelu = load_network_onnx(fixtures + "prelu_channels.onnx", domain2);
    ASSERT_EQ(prelu.layers[0].activation, Activation::leaky_relu);
    ASSERT_EQ(prelu.layers[0].negative_slope.size(), 8);
    EXPECT_EQ(prelu.layers[0].negative_slope(0), 0.0);  // one slope per channel, as written
    EXPECT_EQ(prelu.layers[0].negative_slope(1), 1.0);
    EXPECT_EQ(prelu.layers[0].negative_slope(2), -0.25);
    EXPECT_TRUE(prelu.piecewise_linear());
    const Network leaky = load_network_onnx(fixtures + "leaky_relu_0.2.onnx", domain2);
    EXPECT_EQ(leaky.layers[1].negative_slope(7), double(0.2f));  // the float attribute, as torch computes with it
    EXPECT_EQ(load_network_onnx(fixtures + "elu_alpha.onnx", domain2).layers[0].alpha, 0.5);
    const Network softplus = load_network_onnx(fixtures + "softplus.onnx", domain2);
    EXPECT_EQ(softplus.layers[0].activation, Activation::softplus);
    EXPECT_FALSE(softplus.piecewise_linear());
    EXPECT_FALSE(compute_geometry(softplus).exact);  // the smooth path, labelled approximate
}

TEST(onnx_import_test, exact_geometry_of_an_imported_relu_net) {
    ASSERT_TRUE(onnx_import_available()) << "built without libonnx-dev: bash scripts/install-deps.sh, then rebuild";
    const Network net = load_network_onnx(fixtures + "residual.onnx", domain2);
    const Geometry g = compute_geometry(net);
    EXPECT_TRUE(g.exact);
    EXPECT_GE(g.counts.linear, 2);
    EXPECT_GE(g.counts.activation, g.counts.linear);
    const Geometry p = compute_geometry(load_network_onnx(fixtures + "prelu_channels.onnx", domain2));
    EXPECT_TRUE(p.exact);  // PReLU with any slopes is piecewise linear (tests/geometry checks it against exact arithmetic)
    EXPECT_GE(p.counts.activation, p.counts.linear);
}

TEST(onnx_import_test, unsupported_and_malformed_files_get_one_clear_error) {
    ASSERT_TRUE(onnx_import_available()) << "built without libonnx-dev: bash scripts/install-deps.sh, then rebuild";
    const nlohmann::json all = cases();
    for (const auto& item : all.items()) {
        const std::string name = item.key();  // a named copy: clang 14 cannot capture structured bindings
        const nlohmann::json& c = item.value();
        if (c.at("expect") == "ok") continue;
        SCOPED_TRACE(name);
        expect_error([&] { (void)load_network_onnx(fixtures + name + ".onnx", domain2); },
                     {name + ".onnx", c.at("expect").get<std::string>(), "docs/onnx.md"});
    }
    expect_error([] { (void)load_network_onnx(fixtures + "conv.onnx", {}); }, {"node 'conv1' (Conv)", "Gemm, MatMul"});
    const std::string bytes = read_file(fixtures + "residual.onnx");
    for (size_t cut : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 7})
        expect_error([&] { (void)network_from_onnx(std::string_view(bytes).substr(0, cut), "cut.onnx", domain2); },
                     {"cut.onnx"});
    expect_error([] { (void)network_from_onnx("not a protobuf at all \xff\xff\xff", "junk.onnx", domain2); },
                 {"junk.onnx", "truncated or damaged"});
    expect_error([] { (void)load_network_onnx(fixtures + "relu.onnx", {.domain = {1, -1, 0, 1}}); }, {"--domain"});
    expect_error([] { (void)load_network_onnx(fixtures + "missing.onnx", {}); }, {"missing.onnx"});
}

}  // namespace
}  // namespace ginn
