// Tests for include/ginn/train/config.h: defaults reproduce GINN, TOML and JSON spellings agree, and every malformed
// config gets one error naming the key and line.
#include "ginn/train/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ginn/core/error.h"
#include "test_util.h"

namespace ginn {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / ("ginn_config_test_" + std::to_string(::getpid()) + "_" + name);
    std::ofstream(path) << text;
    return path.string();
}


TEST(config_test, defaults_are_the_ginn_experiment) {
    const RunConfig c;
    EXPECT_EQ(c.task.target, "bottle");
    EXPECT_EQ(c.task.resolution, 200);
    EXPECT_EQ(c.model.widths, (std::vector<int>{16, 16, 16}));
    EXPECT_EQ(c.model.activation, Activation::relu);
    EXPECT_EQ(c.model.head, Head::softmax2);
    EXPECT_EQ(c.model.init, Init::pytorch);
    EXPECT_EQ(c.optim.kind, OptimizerKind::adam);
    EXPECT_DOUBLE_EQ(c.optim.lr, 1e-3);
    EXPECT_EQ(c.optim.schedule, LrSchedule::cosine);
    EXPECT_EQ(c.train.iterations, 1280000);
    EXPECT_EQ(c.train.batch, 128);
    EXPECT_EQ(c.train.sampling, Sampling::replacement);
    EXPECT_EQ(c.snapshots, "ginn");
    EXPECT_NO_THROW(c.validate());
}

TEST(config_test, json_round_trip_keeps_every_field) {
    RunConfig c;
    c.task.target = "spiral";
    c.task.noise = 0.25;
    c.task.test_fraction = 0.3;
    c.model.widths = {8, 4};
    c.model.activation = Activation::tanh;
    c.model.head = Head::sigmoid;
    c.model.batch_norm = true;
    c.model.dropout = 0.2;
    c.model.init = Init::xavier;
    c.optim.kind = OptimizerKind::momentum;
    c.optim.lr = 0.05;
    c.optim.schedule = LrSchedule::step;
    c.optim.weight_decay = 1e-4;
    c.train.iterations = 777;
    c.train.batch = 32;
    c.train.sampling = Sampling::epochs;
    c.train.seed = 9;
    c.snapshots = "every:7";
    const nlohmann::json j = config_to_json(c);
    EXPECT_EQ(config_to_json(config_from_json(j, "test")), j);
}

TEST(config_test, toml_file_equals_flags) {
    const std::string path = write_temp("ok.toml", R"(
snapshots = "log:20"
[task]
target = "circle"
noise = 0.1
[model]
widths = [8, 8]
activation = "leaky_relu"
[optim]
lr = 0.01
[train]
iterations = 500
batch = 64
)");
    const RunConfig c = config_from_toml_file(path);
    EXPECT_EQ(c.task.target, "circle");
    EXPECT_DOUBLE_EQ(c.task.noise, 0.1);
    EXPECT_EQ(c.model.widths, (std::vector<int>{8, 8}));
    EXPECT_EQ(c.model.activation, Activation::leaky_relu);
    EXPECT_DOUBLE_EQ(c.optim.lr, 0.01);
    EXPECT_EQ(c.train.iterations, 500);
    EXPECT_EQ(c.train.batch, 64);
    EXPECT_EQ(c.snapshots, "log:20");
    EXPECT_EQ(c.optim.kind, OptimizerKind::adam);  // untouched keys keep the GINN defaults
}

TEST(config_test, shipped_example_is_the_default) {
    const RunConfig c = config_from_toml_file(std::string(GINN_SOURCE_DIR) + "/examples/ginn-default.toml");
    EXPECT_EQ(config_to_json(c), config_to_json(RunConfig{}));
    EXPECT_NO_THROW(config_from_toml_file(std::string(GINN_SOURCE_DIR) + "/examples/gupta-sine.toml").validate());
}

TEST(config_test, unknown_key_names_key_and_line) {
    const std::string path = write_temp("unknown.toml", "[model]\nwidths = [4]\nwidht = 3\n");
    const std::string msg = test::error_message([&] { config_from_toml_file(path); });
    EXPECT_NE(msg.find("model.widht"), std::string::npos) << msg;
    EXPECT_NE(msg.find(":3"), std::string::npos) << msg;
}

TEST(config_test, wrong_type_names_key_and_line) {
    const std::string path = write_temp("type.toml", "[optim]\n\nlr = \"fast\"\n");
    const std::string msg = test::error_message([&] { config_from_toml_file(path); });
    EXPECT_NE(msg.find("optim.lr"), std::string::npos) << msg;
    EXPECT_NE(msg.find(":3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("a number"), std::string::npos) << msg;
}

TEST(config_test, syntax_error_names_line) {
    const std::string path = write_temp("syntax.toml", "[task]\ntarget = \n");
    const std::string msg = test::error_message([&] { config_from_toml_file(path); });
    EXPECT_NE(msg.find("syntax.toml:2"), std::string::npos) << msg;
}

TEST(config_test, missing_file_and_unknown_section_and_bad_names) {
    EXPECT_NE(test::error_message([] { config_from_toml_file("/nonexistent/ginn.toml"); }).find("cannot open"), std::string::npos);
    EXPECT_NE(test::error_message([] { config_from_toml_file(write_temp("section.toml", "[modle]\nx = 1\n")); }).find("modle"),
              std::string::npos);
    EXPECT_NE(test::error_message([] { config_from_toml_file(write_temp("act.toml", "[model]\nactivation = \"relu6\"\n")); })
                  .find("relu6"),
              std::string::npos);
    EXPECT_NE(test::error_message([] { config_from_toml_file(write_temp("samp.toml", "[train]\nsampling = \"sometimes\"\n")); })
                  .find("sometimes"),
              std::string::npos);
}

TEST(config_test, validate_rejects_bad_values) {
    RunConfig c;
    c.optim.lr = 0;
    EXPECT_THROW(c.validate(), Error);
    c = RunConfig{};
    c.train.batch = 0;
    EXPECT_THROW(c.validate(), Error);
    c = RunConfig{};
    c.model.widths = {};
    EXPECT_THROW(c.validate(), Error);
    c = RunConfig{};
    c.snapshots = "every:0";
    EXPECT_THROW(c.validate(), Error);
}

TEST(config_test, numbers_are_range_checked_not_wrapped_or_truncated) {
    auto expect_refused = [](const std::string& name, const std::string& text, const std::vector<std::string>& parts) {
        const std::string path = write_temp(name, text);
        std::vector<std::string> all = parts;
        all.push_back(path + ":");
        test::expect_error([&] { config_from_toml_file(path); }, all);
    };
    expect_refused("wrap.toml", "[train]\nbatch = 4294967424\n", {"train.batch", "4294967424", "an integer in"});
    expect_refused("frac.toml", "[train]\niterations = 3.7\n", {"train.iterations", "3.7"});
    expect_refused("nan.toml", "[optim]\nlr = nan\n", {"optim.lr", "finite"});
    expect_refused("inf.toml", "[optim]\nlr = inf\n", {"optim.lr", "finite"});
    expect_refused("big_int.toml", "[train]\niterations = 1e300\n", {"train.iterations"});
    expect_refused("neg_seed.toml", "[train]\nseed = -1\n", {"train.seed"});
    expect_refused("widths.toml", "[model]\nwidths = [8, 4294967304]\n", {"model.widths"});
    // In range, a value reaches the validator, which checks it against the field's own limits.
    const RunConfig c = config_from_toml_file(write_temp("noise.toml", "[task]\nnoise = 1e300\n"));
    test::expect_error([&] { c.validate(); }, {"noise", "[0, 1]"});
    // The same reader serves the manifest's JSON.
    nlohmann::json j = config_to_json(RunConfig{});
    j["train"]["batch"] = 4294967424ll;
    test::expect_error([&] { config_from_json(j, "manifest.json"); }, {"manifest.json", "train.batch"});
}

TEST(config_test, a_directory_or_a_resize_name_is_checked) {
    const auto dir = std::filesystem::temp_directory_path() / ("ginn_config_test_" + std::to_string(::getpid()) + "_dir");
    std::filesystem::create_directories(dir);
    test::expect_error([&] { config_from_toml_file(dir.string()); }, {dir.string(), "is a directory"});
    const RunConfig c = config_from_toml_file(write_temp("resize.toml", "[task]\nresize = \"bilinear\"\nthreshold = 1\n"));
    EXPECT_EQ(c.task.resize, Resize::bilinear);
    EXPECT_EQ(config_from_json(config_to_json(c), "x").task.resize, Resize::bilinear);
    test::expect_error([] { config_from_toml_file(write_temp("resize_bad.toml", "[task]\nresize = \"cubic\"\n")); },
                       {"resize_bad.toml:2", "cubic", "stb, bilinear"});
}

}  // namespace
}  // namespace ginn
