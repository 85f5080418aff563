// The Fishbein & Debata commands end to end through the ginn binary: an s1 run with its class names, the traced
// boundaries in `ginn geometry --trace` and `ginn render --traced`, the surfaces titled by class name, the new
// detectors in `ginn analyze`, and one clear error line for each bad flag.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli_util.h"
#include "ginn/core/io.h"

namespace ginn::test {
namespace {

namespace fs = std::filesystem;

TEST(cli_fishbein_test, an_s1_run_through_geometry_render_and_analyze) {
    const std::string dir = temp("fishbein"), run = dir + "/run";
    fs::remove_all(dir);
    Result r = ginn("train -o " + run + " --target s1 --n-points 800 --widths 3 --activation sigmoid --head softmax "
                    "--optimizer adam --lr 0.02 --iterations 400 --batch 32 --snapshots every:200 -q");
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json manifest = nlohmann::json::parse(read_file(run + "/manifest.json"));
    EXPECT_EQ(manifest["task"]["class_names"], nlohmann::json({"white", "black", "grey"}));
    EXPECT_EQ(manifest["config"]["model"]["normalize"], true);
    EXPECT_EQ(manifest["config"]["task"]["margin"], 20);

    r = ginn("geometry " + run + " --trace");
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json g = nlohmann::json::parse(r.out);
    EXPECT_EQ(g["traced"]["exact"], false);
    EXPECT_EQ(g["traced"]["tolerance"], 1e-10);
    EXPECT_LE(g["traced"]["max_residual"].get<double>(), 1e-10);
    EXPECT_GE(g["traced"]["curves"].size(), 1u);

    r = ginn("render " + run + " --traced --colour-bar -o " + dir + "/map.svg -q");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string svg = read_file(dir + "/map.svg");
    for (const char* text : {"white", "black", "grey", "traced to |z_a - z_b| &lt;= 1e-10"})
        EXPECT_NE(svg.find(text), std::string::npos) << text;
    r = ginn("render " + run + " --surface --class 0 -o " + dir + "/white.svg -q");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(read_file(dir + "/white.svg").find("P(white)"), std::string::npos);

    r = ginn("analyze " + run + " -o " + dir + "/an --no-viewer");
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json rep = nlohmann::json::parse(read_file(dir + "/an/report.json"));
    const auto& a = rep["runs"][0];
    EXPECT_EQ(a["dormant"]["classes"][0]["name"], "white");
    EXPECT_EQ(a["human_rule"]["checked"], false);  // s1 is made by the rule itself
    EXPECT_EQ(a["fragile"]["checked"], true);
    EXPECT_EQ(a["fragile"]["n_candidates"], 65536);  // the whole integer grid, by brute force (sigmoid)
}

TEST(cli_fishbein_test, bad_flags_are_one_line_and_write_nothing) {
    const std::string dir = temp("fishbein_bad");
    fs::remove_all(dir);
    expect_one_error_line(ginn("train -o " + dir + " --target s2 --margin 256 -q"), "margin");
    EXPECT_FALSE(fs::exists(dir));
    expect_one_error_line(ginn("train -o " + dir + " --target s2 --margin -1 -q"), "0..255");
    EXPECT_FALSE(fs::exists(dir));
    const std::string run = dir + "_run";
    fs::remove_all(run);
    ASSERT_EQ(ginn("train -o " + run + " --target s3 --n-points 300 --widths 3 --activation tanh --head softmax "
                   "--iterations 20 --snapshots every:10 -q").code, 0);
    expect_one_error_line(ginn("geometry " + run + " --tolerance 1e-8"), "--tolerance");
    expect_one_error_line(ginn("geometry " + run + " --trace --tolerance 1"), "trace tolerance");
    expect_one_error_line(ginn("render " + run + " --traced --no-decision -o " + dir + ".png"), "--traced");
    EXPECT_FALSE(fs::exists(dir + ".png"));
    expect_one_error_line(ginn("analyze " + run + " --dormant-threshold 1.5 -o " + dir + "_an"), "--dormant-threshold");
    EXPECT_FALSE(fs::exists(dir + "_an"));
}

}  // namespace
}  // namespace ginn::test
