// Tests for `ginn sweep` as a user runs it: a small sweep end to end, the rerun that skips complete runs, and one
// clear error line with a non-zero exit for bad files, flags and a directory of another sweep.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ginn/core/io.h"
#include "test_util.h"

namespace {

struct Result {
    int code = -1;
    std::string out, err;
};

Result ginn_sweep(const std::string& dir, const std::string& args) {
    const std::string cmd = std::string(GINN_BINARY) + " sweep " + args + " >" + dir + "/out.txt 2>" + dir + "/err.txt";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ginn::read_file(dir + "/out.txt"), ginn::read_file(dir + "/err.txt")};
}

void expect_one_error_line(const Result& r, const std::string& needle) {
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("ginn: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
}

const std::string small = R"toml(
snapshots = "log:3"
[task]
n_points = 300
[model]
widths = [5, 5]
[train]
iterations = 200
batch = 30
[factors]
"task.target" = ["y-x", "y-sin(pi*x)"]
"train.seed" = [1, 2]
)toml";

TEST(sweep_cli_test, sweep_then_rerun_then_errors) {
    const std::string dir = ginn::test::scratch_dir("sweep_cli");
    std::ofstream(dir + "/s.toml") << small;
    Result r = ginn_sweep(dir, dir + "/s.toml -o " + dir + "/out -q --no-viewer --panel-size 48");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("4 runs: 4 trained"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("grid.pdf"), std::string::npos) << r.out;
    r = ginn_sweep(dir, dir + "/s.toml -o " + dir + "/out -q --no-viewer --panel-size 48");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("0 trained, 0 resumed, 4 already complete"), std::string::npos) << r.out;

    std::string other = small;
    other.replace(other.find("n_points = 300"), 14, "n_points = 301");
    std::ofstream(dir + "/other.toml") << other;
    expect_one_error_line(ginn_sweep(dir, dir + "/other.toml -o " + dir + "/out"), "base/task/n_points");
    std::ofstream(dir + "/bad.toml") << small << "\"model.dropout\" = []\n";
    expect_one_error_line(ginn_sweep(dir, dir + "/bad.toml -o " + dir + "/bad"), "has no values");
    EXPECT_FALSE(std::filesystem::exists(dir + "/bad")) << "nothing is written for a bad sweep file";
    expect_one_error_line(ginn_sweep(dir, dir + "/s.toml -o " + dir + "/x --shard 0/2"), "--shard");
    expect_one_error_line(ginn_sweep(dir, dir + "/s.toml -o " + dir + "/x --panel-size 5"), "--panel-size");
    expect_one_error_line(ginn_sweep(dir, dir + "/missing.toml"), "cannot open sweep file");
}

TEST(sweep_cli_test, several_files_are_one_study_with_a_directory_per_sweep) {
    const std::string dir = ginn::test::scratch_dir("sweep_cli_study");
    std::ofstream(dir + "/a.toml") << small << "[sweep]\nname = \"a\"\n";
    std::string b = small;
    b.replace(b.find("widths = [5, 5]"), 15, "widths = [4]");
    std::ofstream(dir + "/b.toml") << b << "[sweep]\nname = \"b\"\n";
    Result r = ginn_sweep(dir, dir + "/a.toml " + dir + "/b.toml -o " + dir + "/study -q --no-viewer --panel-size 48");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("8 runs: 8 trained"), std::string::npos) << r.out;
    // each sweep's directory is the one a single-file sweep makes: the same parameters, the same table
    ASSERT_EQ(ginn_sweep(dir, dir + "/b.toml -o " + dir + "/b-alone -q --no-viewer --panel-size 48").code, 0);
    for (const char* run : {"000", "001", "002", "003"})
        EXPECT_EQ(ginn::read_file(dir + "/study/b/runs/" + run + "/params.bin"), ginn::read_file(dir + "/b-alone/runs/" + run + "/params.bin"))
            << run;
    for (const char* name : {"a", "b"}) {
        const std::string csv = ginn::read_file(dir + "/study/" + name + "/metrics.csv");
        EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5) << name;
        EXPECT_TRUE(std::filesystem::exists(dir + "/study/" + name + "/grid.png")) << name;
    }
    r = ginn_sweep(dir, dir + "/a.toml " + dir + "/b.toml -o " + dir + "/study -q --no-viewer --panel-size 48");
    EXPECT_NE(r.out.find("0 trained, 0 resumed, 8 already complete"), std::string::npos) << r.out;
    expect_one_error_line(ginn_sweep(dir, dir + "/a.toml " + dir + "/a.toml -o " + dir + "/twice"), "sweep name 'a'");
    expect_one_error_line(ginn_sweep(dir, dir + "/a.toml " + dir + "/b.toml -o " + dir + "/x --shard 1/2"),
                          "one sweep file at a time");
}

#if GINN_TEST_MPI  // only where ginn is built with MPI (tests/CMakeLists.txt)
TEST(sweep_cli_test, mpirun_two_ranks_equal_the_single_process_sweep) {
    ASSERT_EQ(std::system("command -v mpirun >/dev/null 2>&1"), 0) << "mpirun not installed (hint: bash scripts/install-deps.sh installs openmpi-bin)";
    const std::string dir = ginn::test::scratch_dir("sweep_mpi");
    std::ofstream(dir + "/s.toml") << small;
    // As root, Open MPI needs --allow-run-as-root; --oversubscribe lets 2 ranks run on fewer free slots. Open MPI's
    // own plugins leak at exit, so the sanitizer build checks leaks in the single-process sweep only (below).
    const std::string cmd = "ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe -np 2 " + std::string(GINN_BINARY) + " sweep " +
                            dir + "/s.toml -o " + dir + "/mpi -q --no-viewer >" + dir + "/out.txt 2>" + dir + "/err.txt";
    const int status = std::system(cmd.c_str());
    const std::string out = ginn::read_file(dir + "/out.txt"), err = ginn::read_file(dir + "/err.txt");
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out << err;
    EXPECT_NE(out.find("mpi: 2 ranks"), std::string::npos) << out;
    ASSERT_EQ(ginn_sweep(dir, dir + "/s.toml -o " + dir + "/one -q --no-viewer").code, 0);
    for (const char* run : {"000", "001", "002", "003"})
        EXPECT_EQ(ginn::read_file(dir + "/mpi/runs/" + run + "/params.bin"), ginn::read_file(dir + "/one/runs/" + run + "/params.bin"))
            << run;
    // The same table but for the training times (second-to-last column).
    auto without_times = [](const std::string& csv) {
        std::string out, line;
        std::stringstream in(csv);
        while (std::getline(in, line)) {
            const size_t last = line.rfind(','), before = line.rfind(',', last - 1);
            out += line.substr(0, before) + line.substr(last) + "\n";
        }
        return out;
    };
    EXPECT_EQ(without_times(ginn::read_file(dir + "/mpi/metrics.csv")), without_times(ginn::read_file(dir + "/one/metrics.csv")));
}
#endif

}  // namespace
