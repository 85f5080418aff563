// Tests for sweep.h: expansion of grids and variants into runs, rows and columns, and one clear error for every bad
// input the issue lists. Not training (study_test.cpp).
#include "ginn/study/sweep.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace ginn {
namespace {

const std::string base = R"toml(
[task]
target = "y-x"
n_points = 200
[model]
widths = [4, 4]
[train]
iterations = 10
batch = 50
)toml";

/// Writes `text` (after the base config) as a sweep file and returns its path.
std::string sweep_file(const std::string& name, const std::string& text) {
    const std::string dir = test::scratch_dir("sweep_" + name);
    const std::string path = dir + "/" + name + ".toml";
    std::ofstream(path) << base << text;
    return path;
}

TEST(sweep_test, grid_expands_every_combination_with_rows_and_columns) {
    const Sweep s = sweep_from_toml_file(sweep_file("grid", R"toml(
[sweep]
rows = "model.activation"
columns = "task.target"
[factors]
"model.activation" = ["relu", "tanh", "elu"]
task.target = ["y-x", "y-|x|"]
)toml"));
    EXPECT_EQ(s.name, "grid");
    ASSERT_EQ(s.runs.size(), 6u);
    EXPECT_EQ(s.row_labels, (std::vector<std::string>{"relu", "tanh", "elu"}));
    EXPECT_EQ(s.column_labels, (std::vector<std::string>{"y-x", "y-|x|"}));
    for (const auto& r : s.runs) {
        EXPECT_EQ(std::string(activation_name(r.config.model.activation)), s.row_labels[r.row]) << r.label;
        EXPECT_EQ(r.config.task.target, s.column_labels[r.column]) << r.label;
        EXPECT_EQ(r.config.task.n_points, 200);  // the base stays
    }
    EXPECT_EQ(s.runs[3].label, "tanh, y-|x|");
    EXPECT_EQ(s.runs[3].name, "003");
}

TEST(sweep_test, variants_combine_with_factors_and_may_share_rows) {
    const Sweep s = sweep_from_toml_file(sweep_file("variants", R"toml(
[sweep]
rows = ["model.residual", "variant"]
columns = "task.target"
[factors]
"model.residual" = [false, true]
"task.target" = ["y-x", "y-sin(pi*x)"]
[[variants]]
name = "small"
"task.n_points" = 100
[[variants]]
name = "large"
task.n_points = 1000
train.iterations = 20
)toml"));
    ASSERT_EQ(s.runs.size(), 8u);
    EXPECT_EQ(s.row_labels.size(), 4u);
    EXPECT_EQ(s.row_labels[1], "residual=false, large");
    for (const auto& r : s.runs) {
        const bool large = r.values["variant"] == "large";
        EXPECT_EQ(r.config.task.n_points, large ? 1000 : 100);
        EXPECT_EQ(r.config.train.iterations, large ? 20 : 10);
        EXPECT_EQ(r.row, (r.config.model.residual ? 2 : 0) + (large ? 1 : 0));
    }
}

TEST(sweep_test, every_bad_input_is_one_clear_error) {
    test::expect_error([] { sweep_from_toml_file("/nonexistent/x.toml"); }, {"cannot open sweep file"});
    test::expect_error([] { sweep_from_toml_file(sweep_file("syntax", "[factors\n")); }, {"TOML syntax error"});
    test::expect_error([] { sweep_from_toml_file(sweep_file("table", "[factor]\nx = 1\n")); },
                       {"unknown table or key 'factor'"});
    test::expect_error([] { sweep_from_toml_file(sweep_file("key", "[factors]\n\"model.widht\" = [[1]]\n")); },
                       {"unknown key 'model.widht'", "model.widths", ":11"});
    test::expect_error([] { sweep_from_toml_file(sweep_file("empty", "[factors]\n\"train.seed\" = []\n")); },
                       {"factor train.seed has no values"});
    test::expect_error([] { sweep_from_toml_file(sweep_file("scalar", "[factors]\n\"train.seed\" = 3\n")); },
                       {"not a list of values"});
    test::expect_error([] { sweep_from_toml_file(sweep_file("type", "[factors]\n\"model.activation\" = [\"relu\", 3]\n")); },
                       {"run 'model.activation=3'", "model.activation", "expected a string"});
    test::expect_error(
        [] {
            sweep_from_toml_file(sweep_file("vtype", "[[variants]]\nname = \"wide\"\n\"model.widths\" = \"wide\"\n"));
        },
        {"run 'variant wide'", "model.widths"});
    test::expect_error([] { sweep_from_toml_file(sweep_file("value", "[factors]\n\"model.activation\" = [\"rulu\"]\n")); },
                       {"run 'model.activation=rulu'", "rulu"});
    test::expect_error(
        [] {
            sweep_from_toml_file(sweep_file("rows", "[sweep]\nrows = \"model.dropout\"\n[factors]\n\"train.seed\" = [1, 2]\n"));
        },
        {"'model.dropout' in sweep.rows is not varied", "train.seed"});
    test::expect_error(
        [] {
            sweep_from_toml_file(sweep_file("placed", "[sweep]\nrows = \"train.seed\"\ncolumns = \"task.target\"\n"
                                                      "[factors]\n\"train.seed\" = [1, 2]\n\"task.target\" = [\"y-x\"]\n"
                                                      "\"train.batch\" = [10, 20]\n"));
        },
        {"factor 'train.batch' is varied but in neither rows nor columns"});
    test::expect_error(
        [] {
            sweep_from_toml_file(sweep_file("residual", "[[variants]]\nname = \"increasing\"\n\"model.widths\" = [5, 10]\n"
                                                        "\"model.residual\" = true\n"));
        },
        {"run 'variant increasing'", "widths [5, 10] cannot take residual connections"});
    test::expect_error(
        [] {
            sweep_from_toml_file(sweep_file("absurd", "[factors]\n\"train.seed\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n"
                                                      "\"train.batch\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
                                                      "\"model.dropout\" = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85]\n"));
        },
        {"would train 1100 runs", "at most 1000", "--force"});
    test::expect_error(
        [] { sweep_from_toml_file(sweep_file("dup", "[[variants]]\nname = \"a\"\n[[variants]]\nname = \"a\"\n")); },
        {"two variants are named 'a'"});
}

TEST(sweep_test, force_allows_a_large_sweep) {
    std::string seeds;
    for (int i = 0; i < 1001; ++i) seeds += (i ? ", " : "") + std::to_string(i);
    const std::string path = sweep_file("force", "[factors]\n\"train.seed\" = [" + seeds + "]\n");
    test::expect_error([&] { sweep_from_toml_file(path); }, {"1001 runs"});
    EXPECT_EQ(sweep_from_toml_file(path, /*force=*/true).runs.size(), 1001u);
}

TEST(sweep_test, difference_names_the_first_differing_key) {
    const Sweep a = sweep_from_toml_file(sweep_file("a", "[factors]\n\"train.seed\" = [1, 2]\n"));
    const Sweep b = sweep_from_toml_file(sweep_file("b", "[factors]\n\"train.seed\" = [1, 3]\n"));
    EXPECT_EQ(sweep_difference(a.sweep_json(), a.sweep_json()), "");
    EXPECT_EQ(sweep_difference(a.sweep_json(), b.sweep_json()), "factors/0/values/1");
}

TEST(sweep_test, shipped_examples_expand_as_documented) {
    const std::string dir = std::string(GINN_SOURCE_DIR) + "/examples/";
    const std::vector<std::pair<std::string, size_t>> expected = {
        {"gupta/activation.toml", 20}, {"gupta/depth.toml", 16}, {"gupta/width.toml", 28}, {"gupta/dropout.toml", 16},
        {"gupta/batchnorm.toml", 8},   {"gupta/residual.toml", 32}, {"ginn-seeds.toml", 4}};
    for (const auto& [file, n] : expected) {
        const Sweep s = sweep_from_toml_file(dir + file);
        EXPECT_EQ(s.runs.size(), n) << file;
        for (const auto& r : s.runs) {
            if (file.rfind("gupta/", 0) == 0) {
                EXPECT_EQ(r.config.model.init, Init::he_normal) << file;
                EXPECT_EQ(r.config.optim.kind, OptimizerKind::sgd) << file;
                EXPECT_EQ(r.config.task.n_points, r.config.train.iterations * r.config.train.batch / 100) << "100 epochs: " << file;
            }
        }
    }
    const Sweep seeds = sweep_from_toml_file(dir + "ginn-seeds.toml");
    EXPECT_EQ(seeds.runs[3].config.train.seed, 4u);
    EXPECT_EQ(seeds.runs[3].config.train.iterations, 1280000);  // the default GINN run
}

}  // namespace
}  // namespace ginn
