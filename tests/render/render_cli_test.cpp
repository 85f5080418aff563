// Tests of `ginn render` / `ginn animate` flags through the binary: honest options (refused with one error line,
// never silently replaced), strips by --iterations with a note for unrecorded ones, PNG sizes for each size option.
#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "ginn/core/io.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;

struct Ran {
    int code = -1;
    std::string out, err;
};

const std::string& dir() {
    static const std::string d = ginn::test::scratch_dir("render_cli_test_" + std::to_string(::getpid()));
    return d;
}

Ran ginn_cli(const std::string& args) {
    const int status = std::system((std::string(GINN_BINARY) + " " + args + " >" + dir() + "/o.txt 2>" + dir() + "/e.txt").c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ginn::read_file(dir() + "/o.txt"), ginn::read_file(dir() + "/e.txt")};
}

/// A 5-snapshot run (iterations 0, 500, ..., 2000) trained once per process.
const std::string& run_dir() {
    static const std::string run = [] {
        const std::string r = dir() + "/run";
        const Ran t = ginn_cli("train -o " + r + " --resolution 24 --widths 6,6 --iterations 2000 --snapshots every:500 -q");
        EXPECT_EQ(t.code, 0) << t.err;
        return r;
    }();
    return run;
}

void expect_refused(const std::string& args, const std::string& needle) {
    const Ran r = ginn_cli(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
    EXPECT_EQ(r.err.rfind("ginn: error: ", 0), 0u) << args << ": " << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << ": expected '" << needle << "' in " << r.err;
}

std::pair<int, int> png_size(const std::string& path) {
    int w = 0, h = 0, n = 0;
    EXPECT_TRUE(stbi_info(path.c_str(), &w, &h, &n)) << path;
    return {w, h};
}

TEST(render_cli_test, bad_render_flags_are_refused_with_one_line) {
    const std::string run = run_dir(), out = " -o " + dir() + "/x.png";
    expect_refused("render " + run + " --panels -3" + out, "--panels");
    expect_refused("render " + run + " --panels 0" + out, "--panels");
    expect_refused("render " + run + " --panels 100" + out, "the run has 5 snapshots");
    expect_refused("render " + run + " --panels 3 --columns 0" + out, "--columns");
    expect_refused("render " + run + " --columns 2" + out, "--columns with a strip");
    expect_refused("render " + run + " --size 8" + out, "16..8192");
    expect_refused("render " + run + " --size 9000" + out, "16..8192");
    expect_refused("render " + run + " --neurons L1:2147483647" + out, "L1:2147483647");
    expect_refused("render " + run + " --neurons L1:1-2000000000" + out, "neurons 1..6");
    expect_refused("render " + run + " --size 300 --width 7in" + out, "--width");
    expect_refused("render " + run + " --width 7furlongs" + out, "7in, 178mm");
    expect_refused("render " + run + " --font-size 0.5" + out, "--font-size");
    expect_refused("render " + run + " --palette rainbow" + out, "standard or cb");
    expect_refused("render " + run + " --points some" + out, "train, test, all or none");
    expect_refused("render " + run + " --iterations 0,x" + out, "--iterations");
    expect_refused("render " + run + " --iterations 0,99999" + out, "0..2000");
    expect_refused("animate " + run + " --fps 0 -o " + dir() + "/a.gif", "--fps");
    expect_refused("render " + run + " --class 1" + out, "without --surface");
    expect_refused("render " + run + " --surface --class 2" + out, "0..1");
    expect_refused("render " + run + " --surface --neuron L3:1" + out, "layer 3");
    expect_refused("render " + run + " --surface --neuron L1:1-2" + out, "one neuron");
    expect_refused("render " + run + " --surface --surface-grid 1000" + out, "2..400");
    expect_refused("render " + run + " --surface --panels 2" + out, "--panels");
    expect_refused("render --weights " + dir() + "/none.json --curves" + out, "--curves");
    EXPECT_FALSE(fs::exists(dir() + "/x.png"));
}

TEST(render_cli_test, every_size_option_gives_the_png_size_it_names) {
    const std::string run = run_dir(), png = dir() + "/s.png";
    ASSERT_EQ(ginn_cli("render " + run + " --size 800 --panels 2 --background none -o " + png).code, 0);
    const auto [w800, h800] = png_size(png);
    ASSERT_EQ(ginn_cli("render " + run + " --size 801 --panels 2 --background none -o " + png).code, 0);
    EXPECT_GE(w800, 2 * 800);  // --size 800 with --panels is honoured, as 801 is
    EXPECT_EQ(png_size(png).first - w800, 2);
    ASSERT_EQ(ginn_cli("render " + run + " --size 123 -o " + png).code, 0);
    EXPECT_EQ(png_size(png).first, 123);
    ASSERT_EQ(ginn_cli("render " + run + " --width 2in --dpi 150 --legend -o " + png).code, 0);
    EXPECT_EQ(png_size(png).first, 300);
    ASSERT_EQ(ginn_cli("render " + run + " --width 50.8mm --dpi 150 --panels 3 -o " + png).code, 0);
    EXPECT_EQ(png_size(png).first, 300);
}

TEST(render_cli_test, curves_and_surfaces_are_written_in_every_format) {
    for (const char* ext : {"png", "svg", "pdf"}) {
        const std::string c = dir() + "/curves." + ext, s = dir() + "/surface." + ext;
        EXPECT_EQ(ginn_cli("render " + run_dir() + " --curves -o " + c).code, 0) << ext;
        EXPECT_EQ(ginn_cli("render " + run_dir() + " --surface --neuron L2:3 --size 300 -o " + s).code, 0) << ext;
        EXPECT_GT(fs::file_size(c), 500u) << ext;
        EXPECT_GT(fs::file_size(s), 500u) << ext;
    }
    EXPECT_EQ(png_size(dir() + "/surface.png").first, 300);
    const std::string svg = ginn::read_file(dir() + "/curves.svg");
    for (const char* t : {">loss (cross-entropy)<", ">accuracy<", ">regions (exact)<", ">iteration<"})
        EXPECT_NE(svg.find(t), std::string::npos) << t;
}

TEST(render_cli_test, iterations_pick_snapshots_and_say_which_were_not_recorded) {
    const Ran r = ginn_cli("render " + run_dir() + " --iterations 0,700,2000 --columns 3 -o " + dir() + "/it.svg");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "--iterations 700: nearest recorded snapshot is iteration 500\n");
    const std::string svg = ginn::read_file(dir() + "/it.svg");
    for (const char* label : {">iteration 0 ", ">iteration 500 ", ">iteration 2,000 "})
        EXPECT_NE(svg.find(label), std::string::npos) << label;
    EXPECT_EQ(svg.find(">iteration 1,000"), std::string::npos);
    EXPECT_EQ(ginn_cli("render " + run_dir() + " --iterations 700 -q -o " + dir() + "/q.png").err, "");
}

}  // namespace
