// End-to-end checks of input and fault handling through the ginn binary: a locked run refuses a second writer,
// GINN's preprocessing flags, crafted files give one error line (never a crash), the atomic writer ignores a
// planted symlink, and a run name with `<!--<script>` leaves the viewer's data intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ginn/core/io.h"

namespace {

namespace fs = std::filesystem;

struct Result {
    int code = -1;
    std::string out, err;
};

std::string temp(const std::string& name) {
    return (fs::temp_directory_path() / ("ginn_cli_input_test_" + std::to_string(::getpid()) + "_" + name)).string();
}

/// Runs `ginn ARGS` (or, with raw, a whole shell command) capturing stdout and stderr.
Result run(const std::string& command) {
    const std::string out = temp("stdout"), err = temp("stderr");
    const int status = std::system((command + " >" + out + " 2>" + err).c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1000 - (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r.out = ginn::read_file(out);
    r.err = ginn::read_file(err);
    return r;
}
Result ginn(const std::string& args) { return run(std::string(GINN_BINARY) + " " + args); }

void expect_one_error_line(const Result& r, const std::string& needle) {
    EXPECT_GT(r.code, 0) << r.err;  // a plain non-zero exit, not a signal
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("ginn: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
}

const std::string quick = " --resolution 32 --widths 8,8 --iterations 2000 --snapshots every:500 --quiet";

TEST(cli_input_test, a_second_writer_is_refused_while_a_run_trains) {
    const std::string dir = temp("locked");
    fs::remove_all(dir);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::execl(GINN_BINARY, GINN_BINARY, "train", "-o", dir.c_str(), "--resolution", "32", "--widths", "8,8",
                "--iterations", "100000000", "--snapshots", "log:50", "--quiet", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Wait (without a time limit on the result) until the first writer has created and locked the directory.
    for (int i = 0; i < 600 && !fs::exists(dir + "/.ginn-run"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(fs::exists(dir + "/.ginn-run"));
    expect_one_error_line(ginn("train -o " + dir + " --force" + quick), "another ginn process");
    expect_one_error_line(ginn("train -o " + dir + quick), "");
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const Result info = ginn("info " + dir);
    EXPECT_EQ(info.code, 0) << info.err;
    EXPECT_NE(info.out.find("interrupted"), std::string::npos) << info.out;
}

TEST(cli_input_test, ginn_preprocessing_flags_and_a_config_directory) {
    const std::string dir = temp("flags");
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir + "/t.csv") << "0,0,0\n1,1,1\n";
    expect_one_error_line(ginn("train -o " + dir + "/r --config " + dir + quick), "is a directory");
    expect_one_error_line(ginn("train -o " + dir + "/r --resize cubic" + quick), "--resize");
    expect_one_error_line(ginn("train -o " + dir + "/r --target spiral --noise 1e300" + quick), "noise");
    expect_one_error_line(ginn("train -o " + dir + "/r --target " + dir + quick), "is a directory");
    // A task flag the target does not read is refused, naming the flag, the task's kind and the flags it reads.
    const std::string net = " --widths 4 --iterations 10 -q";
    expect_one_error_line(ginn("train -o " + dir + "/r --target y-x --resolution 16" + net), "(task kind: formula)");
    expect_one_error_line(ginn("train -o " + dir + "/r --target circle --margin 5" + net), "--noise");
    expect_one_error_line(ginn("train -o " + dir + "/r --n-points 50" + net), "--resolution, --threshold");
    expect_one_error_line(ginn("train -o " + dir + "/r --target " + dir + "/t.csv --threshold 0.2" + net),
                          "no task flags besides --test-fraction");
    EXPECT_FALSE(fs::exists(dir + "/r"));
    const std::string png = std::string(GINN_SOURCE_DIR) + "/docs/images/final.png";
    const Result r = ginn("train -o " + dir + "/img --target " + png + " --resize bilinear --threshold 1" + quick);
    ASSERT_EQ(r.code, 0) << r.err;
    const Result info = ginn("info " + dir + "/img");
    EXPECT_NE(info.out.find("32x32 pixel grid"), std::string::npos) << info.out;
}

TEST(cli_input_test, crafted_files_give_one_error_line) {
    const std::string dir = temp("crafted");
    fs::remove_all(dir);
    ASSERT_EQ(ginn("train -o " + dir + "/r" + quick).code, 0);
    // dataset.bin with an extreme but finite domain: refused when the target background needs it.
    std::string data = ginn::read_file(dir + "/r/dataset.bin");
    uint32_t name_size = 0;
    std::memcpy(&name_size, data.data() + 12, 4);
    const double huge = 1e300;
    std::memcpy(data.data() + 16 + name_size + 8, &huge, 8);  // domain x1
    ginn::write_file_atomic(dir + "/r/dataset.bin", data);
    expect_one_error_line(ginn("render " + dir + "/r --background target -o " + dir + "/t.png"), "dataset.bin");
    expect_one_error_line(ginn("view " + dir + "/r -o " + dir + "/v.html"), "dataset.bin");
    // A deeply nested weights file.
    std::ofstream(dir + "/deep.json") << std::string(300000, '[') << std::string(300000, ']');
    expect_one_error_line(ginn("geometry --weights " + dir + "/deep.json"), "nested deeper than 64");
}

TEST(cli_input_test, planted_symlink_at_the_old_temporary_name_is_not_followed) {
    const std::string dir = temp("symlink");
    fs::remove_all(dir);
    ASSERT_EQ(ginn("train -o " + dir + "/r" + quick).code, 0);
    std::ofstream(dir + "/victim") << "precious";
    const Result r = run("cd " + dir + " && sh -c 'ln -s victim out.json.tmp.$$; exec " + GINN_BINARY +
                         " weights r -o out.json'");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(ginn::read_file(dir + "/victim"), "precious");
    EXPECT_NE(ginn::read_file(dir + "/out.json").find("ginn-weights"), std::string::npos);
}

TEST(cli_input_test, a_run_named_like_markup_leaves_the_viewer_data_intact) {
    const std::string dir = temp("markup") + "/<!--<script>run";
    fs::remove_all(temp("markup"));
    ASSERT_EQ(ginn("train -o '" + dir + "'" + quick).code, 0);
    const Result r = ginn("view '" + dir + "' --no-analysis -o " + temp("markup") + "/v.html");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string page = ginn::read_file(temp("markup") + "/v.html");
    EXPECT_EQ(page.find("<!--<script>run"), std::string::npos);
    EXPECT_NE(page.find("\\u003c!--\\u003cscript>run"), std::string::npos);
}

}  // namespace
