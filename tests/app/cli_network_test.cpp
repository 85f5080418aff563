// Tests of `ginn view` and `ginn analyze` on one network without a run (--model FILE.onnx, --weights FILE.json): the
// page and report hold the same geometry as `ginn geometry --model`, and each flag combination that cannot work is
// one clear error line. The ONNX files are tests/python/fixtures (PyTorch exports, tests/python/make_onnx_fixtures.py).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli_util.h"
#include "ginn/core/io.h"
#include "ginn/model/network.h"
#include "ginn/model/onnx_import.h"

namespace ginn::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string fixture(const std::string& name) { return std::string(GINN_SOURCE_DIR) + "/tests/python/fixtures/" + name; }

/// The data JSON a page inlines.
json page_json(const std::string& path) {
    const std::string html = read_file(path), open = "<script id=\"ginn-data\" type=\"application/json\">";
    const size_t a = html.find(open), b = html.find("</script>", a);
    EXPECT_NE(a, std::string::npos) << path;
    return json::parse(html.substr(a + open.size(), b - a - open.size()));
}

TEST(cli_network_test, view_and_analyze_of_an_onnx_model_hold_the_geometry_of_ginn_geometry) {
    ASSERT_TRUE(onnx_import_available()) << "built without libonnx-dev: bash scripts/install-deps.sh, then rebuild";
    for (const std::string name : {"relu", "prelu_channels", "residual", "batch_norm", "elu_alpha"}) {
        const std::string model = fixture(name + ".onnx"), page = temp(name + ".html"), dir = temp(name + "-analysis");
        const Result geometry = ginn("geometry --model " + model + " --domain -2,2,-2,2");
        ASSERT_EQ(geometry.code, 0) << geometry.err;
        const json g = json::parse(geometry.out);
        const Result view = ginn("view --model " + model + " --domain -2,2,-2,2 -q -o " + page);
        ASSERT_EQ(view.code, 0) << view.err;
        const json run = page_json(page)["runs"][0];
        EXPECT_EQ(run["imported"], true) << name;
        EXPECT_EQ(run["exact"][0], g["exact"]) << name;
        if (g["exact"]) {
            EXPECT_EQ(run["counts"]["activation"][0], g["regions"]["activation"]) << name;
            EXPECT_EQ(run["counts"]["linear"][0], g["regions"]["linear"]) << name;
        }
        EXPECT_EQ(run["domain"], json::array({-2, 2, -2, 2})) << name;
        EXPECT_TRUE(run.contains("findings")) << name << ": the analysis' badges";
        const Result analyze = ginn("analyze --model " + model + " --domain -2,2,-2,2 -q -o " + dir);
        ASSERT_EQ(analyze.code, 0) << analyze.err;
        EXPECT_NE(analyze.out.find("needs a run:"), std::string::npos) << analyze.out;
        const json report = json::parse(read_file(dir + "/report.json"));
        EXPECT_EQ(report["runs"][0]["imported"], true);
        if (g["exact"]) {
            EXPECT_EQ(report["runs"][0]["regions"]["activation"][0], g["regions"]["activation"]) << name;
        }
        EXPECT_TRUE(fs::exists(dir + "/report.html") && fs::exists(dir + "/viewer.html"));
        fs::remove_all(dir);
        fs::remove(page);
    }
}

TEST(cli_network_test, view_of_a_weights_file_and_analyze_without_viewer) {
    Network net;
    net.domain = {0, 1, 0, 1};
    DenseLayer h{.W = Eigen::MatrixXd{{1.0, -1.0}, {0.5, 1.0}, {0.0, 0.0}}, .b = Eigen::Vector3d(0.0, -0.5, -1.0)};
    DenseLayer out{.W = Eigen::MatrixXd{{0.0, 0.0, 0.0}, {1.0, -1.0, 1.0}}, .b = Eigen::Vector2d(0.0, 0.0), .activation = Activation::linear};
    net.layers = {h, out};
    const std::string weights = temp("net.json"), page = temp("net.html"), dir = temp("net-analysis");
    write_file_atomic(weights, network_to_json(net).dump());
    const Result view = ginn("view --weights " + weights + " --no-analysis -q -o " + page);
    ASSERT_EQ(view.code, 0) << view.err;
    EXPECT_FALSE(page_json(page)["runs"][0].contains("findings")) << "--no-analysis";
    const Result analyze = ginn("analyze --weights " + weights + " --no-viewer -o " + dir);
    ASSERT_EQ(analyze.code, 0) << analyze.err;
    EXPECT_NE(analyze.out.find("dead:       L1:3"), std::string::npos) << "z = -1 everywhere: " << analyze.out;
    EXPECT_FALSE(fs::exists(dir + "/viewer.html"));
    fs::remove_all(dir);
    fs::remove(page);
    fs::remove(weights);
}

TEST(cli_network_test, flag_combinations_that_cannot_work_are_one_error_line) {
    ASSERT_TRUE(onnx_import_available());
    const std::string relu = fixture("relu.onnx"), out = temp("bad.html"), dir = temp("bad-analysis");
    const std::string run_dir = temp("some-run");
    expect_one_error_line(ginn("view " + run_dir + " --model " + relu + " -o " + out), "--model: given with the run directory");
    expect_one_error_line(ginn("analyze " + run_dir + " --weights x.json -o " + dir), "--weights: given with the run directory");
    expect_one_error_line(ginn("view -o " + out), "no network given");
    expect_one_error_line(ginn("analyze -o " + dir), "no network given");
    expect_one_error_line(ginn("analyze --model " + relu + " --bias-share 0.6 -o " + dir), "--bias-share: given with --model");
    expect_one_error_line(ginn("analyze --model " + relu + " --dead-stay 0.1 -o " + dir), "needs a training run");
    expect_one_error_line(ginn("view --model " + fixture("three_inputs.onnx") + " -o " + out), "3 features");
    expect_one_error_line(ginn("view --model " + fixture("conv.onnx") + " -o " + out), "Conv");
    expect_one_error_line(ginn("view --model " + relu + " --weights x.json -o " + out), "--weights");
    expect_one_error_line(ginn("view --weights x.json --domain 0,1,0,1 -o " + out), "--domain");
    expect_one_error_line(ginn("analyze --model " + relu + " --domain 1,0,0,1 -o " + dir), "xmin < xmax");
    expect_one_error_line(ginn("view --model /nonexistent.onnx -o " + out), "/nonexistent.onnx");
    EXPECT_FALSE(fs::exists(out)) << "nothing is written after an error";
    EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace ginn::test
