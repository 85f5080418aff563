// Tests of the command line's flags through the built binary: unknown commands and flags, out-of-range numbers,
// snapshot and grid bounds, --seeds, --resume with other flags, number formatting in messages, exit codes.
// Not the library's file parsers (cli_input_test.cpp) nor the happy paths (cli_test.cpp). Every run here is tiny.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli_util.h"
#include "ginn/core/io.h"

namespace ginn::test {
namespace {

namespace fs = std::filesystem;

const std::string tiny_net = " --widths 4 --iterations 20 --snapshots every:10 -q";
const std::string tiny = " --resolution 16" + tiny_net;  // the default task is the bottle image

/// Trains a tiny run into a fresh directory and returns its path.
std::string tiny_run(const std::string& name, const std::string& extra = "", const std::string& base = tiny) {
    const std::string dir = temp(name);
    fs::remove_all(dir);
    const Result r = ginn("train -o " + dir + base + extra);
    EXPECT_EQ(r.code, 0) << r.err;
    return dir;
}

nlohmann::json manifest(const std::string& run) { return nlohmann::json::parse(read_file(run + "/manifest.json")); }

/// The number after `key` in `text` (e.g. "final loss " -> 0.2782), NaN when `key` is missing.
double number_after(const std::string& text, const std::string& key) {
    const size_t at = text.find(key);
    return at == std::string::npos ? std::nan("") : std::strtod(text.c_str() + at + key.size(), nullptr);
}

TEST(cli_flags_test, unknown_commands_and_flags_name_the_command_and_its_help) {
    Result r = ginn("bogus");
    expect_one_error_line(r, "unknown command 'bogus'");
    EXPECT_NE(r.err.find("expected a command: train, info, weights"), std::string::npos) << r.err;
    EXPECT_EQ(r.code, 2);
    expect_one_error_line(ginn(""), "no command given");
    expect_one_error_line(ginn("--bogus"), "unknown option '--bogus'");
    r = ginn("train --bogus");
    expect_one_error_line(r, "--bogus");
    EXPECT_NE(r.err.find("see `ginn train --help`"), std::string::npos) << r.err;
    EXPECT_EQ(r.code, 2);
    expect_one_error_line(ginn("weights --snapshot abc"), "ginn weights --help");
    expect_one_error_line(ginn("info"), "ginn info --help");
    // --help documents the exit codes.
    r = ginn("--help");
    EXPECT_EQ(r.code, 0);
    for (const char* code : {"0 success", "1 error", "2 bad command", "3 training diverged", "130 interrupted"})
        EXPECT_NE(r.out.find(code), std::string::npos) << code << " missing from:\n" << r.out;
}

TEST(cli_flags_test, snapshot_counts_are_bounded_and_nothing_is_written) {
    const std::string dir = temp("snap_bounds");
    fs::remove_all(dir);
    expect_one_error_line(ginn("train -o " + dir + " --snapshots log:999999999999 -q"), "at most 100000 snapshots");
    expect_one_error_line(ginn("train -o " + dir + " --iterations 1000000000000000000 --snapshots every:999999999999 -q"),
                          "at most 100000 snapshots");
    expect_one_error_line(ginn("train -o " + dir + " --snapshots log:99999999999999999999 -q"), "log:");
    EXPECT_FALSE(fs::exists(dir));
}

TEST(cli_flags_test, log_schedule_says_why_it_records_fewer_snapshots) {
    const std::string dir = temp("log100");
    fs::remove_all(dir);
    const Result r = ginn("train -o " + dir + " --resolution 16 --widths 4 --iterations 3000 --snapshots log:100 -q");
    ASSERT_EQ(r.code, 0) << r.err;
    const size_t n = manifest(dir).at("snapshots").size();
    ASSERT_LT(n, 100u);
    EXPECT_NE(r.out.find(std::to_string(n) + " snapshots (log:100 gives " + std::to_string(n) +
                         " distinct iterations after rounding"),
              std::string::npos)
        << r.out;
    EXPECT_NE(ginn("train --help").out.find("fewer than N"), std::string::npos);
}

TEST(cli_flags_test, seeds_must_be_distinct_whole_numbers) {
    const std::string dir = temp("seeds_bad");
    fs::remove_all(dir);
    expect_one_error_line(ginn("train -o " + dir + " --seeds 1,1" + tiny), "given twice");
    expect_one_error_line(ginn("train -o " + dir + " --seeds ''" + tiny), "empty list");
    expect_one_error_line(ginn("train -o " + dir + " --seeds 1,-2" + tiny), "'-2'");
    expect_one_error_line(ginn("train -o " + dir + " --seed -1" + tiny), "'-1'");
    expect_one_error_line(ginn("train -o " + dir + " --seed 18446744073709551616" + tiny), "0..18446744073709551615");
    expect_one_error_line(ginn("train -o " + dir + " --seed 1e3" + tiny), "--seed");
    expect_one_error_line(ginn("train -o " + dir + " --seed 1 --seeds 1,2" + tiny), "--seed");
    EXPECT_FALSE(fs::exists(dir));
    // The largest seed is accepted and recorded exactly.
    const std::string big = tiny_run("seed_max", " --seed 18446744073709551615");
    EXPECT_EQ(manifest(big).at("config").at("train").at("seed").get<uint64_t>(), 18446744073709551615ull);
}

TEST(cli_flags_test, meaningless_values_are_refused_before_training) {
    const std::string dir = temp("values_bad");
    fs::remove_all(dir);
    const std::string o = " -o " + dir + " -q --resolution 16 --iterations 10";
    expect_one_error_line(ginn("train --widths 0" + o), "--widths");
    expect_one_error_line(ginn("train --widths 99999999999" + o), "--widths");
    expect_one_error_line(ginn("train --lr 0" + o), "learning rate 0 ");
    expect_one_error_line(ginn("train --lr nan" + o), "learning rate nan");
    expect_one_error_line(ginn("train --lr -1" + o), "learning rate -1 ");
    expect_one_error_line(ginn("train --batch 0" + o), "batch size 0");
    expect_one_error_line(ginn("train --batch 99999999999" + o), "--batch");
    expect_one_error_line(ginn("train --test-fraction 1.5" + o), "test_fraction");
    expect_one_error_line(ginn("train --iterations -5" + o), "--iterations");
    expect_one_error_line(ginn("train --iterations 9223372036854775808" + o), "--iterations");  // not saturated
    expect_one_error_line(ginn("train --dropout 1" + o), "dropout 1 ");
    // Flags that the chosen optimiser or schedule would ignore.
    expect_one_error_line(ginn("train --step-size 5" + o), "--step-size: has no effect with the cosine schedule");
    expect_one_error_line(ginn("train --gamma 0.5 --schedule constant" + o), "--gamma");
    expect_one_error_line(ginn("train --momentum 0.5" + o), "--momentum: has no effect with optimizer adam");
    EXPECT_FALSE(fs::exists(dir));
    expect_one_error_line(ginn("demo -o " + dir + " --iterations -5 -q"), "'-5' is not in 1..1e+18");
    expect_one_error_line(ginn("demo -o " + dir + " --iterations 0 -q"), "--iterations");
    EXPECT_FALSE(fs::exists(dir));
}

TEST(cli_flags_test, resume_refuses_other_flags_by_name) {
    const std::string run = tiny_run("resume_flags");
    const std::string before = read_file(run + "/manifest.json");
    for (const char* flag : {"--lr 0.5", "--iterations 40", "-o elsewhere", "--seeds 1,2", "--force"}) {
        const Result r = ginn("train --resume " + run + " " + flag);
        expect_one_error_line(r, "cannot be combined with --resume");
        EXPECT_NE(r.err.find(std::string(flag).substr(0, std::string(flag).find(' '))), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("resume continues the saved config"), std::string::npos) << r.err;
    }
    EXPECT_EQ(read_file(run + "/manifest.json"), before);
    // --quiet is the one flag that goes with --resume: this run is complete, so the library says so.
    expect_one_error_line(ginn("train --resume " + run + " -q"), "already complete");
}

TEST(cli_flags_test, snapshot_and_iteration_flags_are_range_checked) {
    const std::string run = tiny_run("snap_flags");  // snapshots at 0, 10, 20
    expect_one_error_line(ginn("weights " + run + " --iteration -5"), "'-5' is not in 0..1e+18");
    expect_one_error_line(ginn("weights " + run + " --iteration 15"), "iteration 15");
    expect_one_error_line(ginn("weights " + run + " --snapshot 3"), "snapshot 3");
    expect_one_error_line(ginn("weights " + run + " --snapshot -4"), "does not exist");
    expect_one_error_line(ginn("weights " + run + " --snapshot 99999999999"), "--snapshot");
    expect_one_error_line(ginn("geometry " + run + " --snapshot nan"), "--snapshot");
    expect_one_error_line(ginn("geometry --weights w.json --snapshot 1"), "--weights excludes --snapshot");
    // In range: -3 is the first snapshot, iteration 10 the second.
    Result r = ginn("weights " + run + " --snapshot -3");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out).at("iteration"), 0);
    r = ginn("weights " + run + " --iteration 10");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out).at("snapshot"), 1);
    // -o names a file: a directory, device or pipe is refused (renaming over /dev/full would replace the device).
    const std::string fifo = temp("fifo");
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    expect_one_error_line(ginn("weights " + run + " -o " + fifo), "not a regular file");
    EXPECT_TRUE(fs::is_fifo(fifo));
    expect_one_error_line(ginn("geometry " + run + " -o " + run), run);
}

TEST(cli_flags_test, smooth_geometry_grid_is_bounded) {
    const std::string tanh = tiny_run("grid_tanh", " --activation tanh");
    expect_one_error_line(ginn("geometry " + tanh + " --grid 65535"), "'65535' is not in 2..1024");
    expect_one_error_line(ginn("geometry " + tanh + " --grid 5000"), "is not in 2..1024");
    expect_one_error_line(ginn("geometry " + tanh + " --grid 1"), "is not in 2..1024");
    const Result r = ginn("geometry " + tanh + " --grid 8 --format summary");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("approximate"), std::string::npos) << r.out;
    // A deep, wide tanh network (6 x 64 neurons) has a smaller budget, computed by the library: 294.
    const std::string deep = temp("grid_deep");
    fs::remove_all(deep);
    ASSERT_EQ(ginn("train -o " + deep + " --resolution 8 --widths 64,64,64,64,64,64 --activation tanh --iterations 2"
                   " --snapshots every:1 -q").code, 0);
    expect_one_error_line(ginn("geometry " + deep + " --grid 1024 --format summary"), "grid <= 294");
}

TEST(cli_flags_test, numbers_in_messages_are_short) {
    const std::string dir = temp("lr_huge");
    fs::remove_all(dir);
    const Result r = ginn("train -o " + dir + " --lr 1e300 --resolution 16 --widths 4 --iterations 10 -q");
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("--lr 1e+299)"), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 300u) << r.err;
    expect_one_error_line(ginn("train -o " + dir + "x --lr -1e-300 -q"), "learning rate -1e-300 ");
}

TEST(cli_flags_test, summaries_print_losses_with_significant_digits) {
    // A regression head: its loss is small, and %.5f would have printed 0.00000.
    const std::string run = tiny_run("regression", " --target y-x --n-points 200 --head regression", tiny_net);
    const double loss = manifest(run).at("snapshots").back().at("loss").get<double>();
    ASSERT_GT(loss, 0);
    const Result info = ginn("info " + run);
    ASSERT_EQ(info.code, 0) << info.err;
    EXPECT_NEAR(number_after(info.out, "loss "), loss, 1e-3 * loss) << info.out;
    EXPECT_EQ(info.out.find("image pixel"), std::string::npos) << info.out;  // a point task has no pixels
    const std::string dir = temp("summary_loss");
    fs::remove_all(dir);
    const Result train = ginn("train -o " + dir + tiny);
    ASSERT_EQ(train.code, 0) << train.err;
    const double final_loss = manifest(dir).at("snapshots").back().at("loss").get<double>();
    EXPECT_NEAR(number_after(train.out, "final loss "), final_loss, 1e-3 * final_loss) << train.out;
    EXPECT_NE(ginn("info " + dir).out.find("image pixel (row r, col c)"), std::string::npos);  // an image task does
}

}  // namespace
}  // namespace ginn::test
