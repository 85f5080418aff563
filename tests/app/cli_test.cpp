// End-to-end tests of the ginn command line (app/): a short run through train/info/weights, Ctrl-C and --resume,
// --seeds, and every kind of bad input getting exactly one error line and a non-zero exit.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/cli_util.h"
#include "ginn/core/io.h"
#include "ginn/model/network.h"
#include "ginn/run/run.h"

namespace {

namespace fs = std::filesystem;
using ginn::test::count_lines;
using ginn::test::expect_one_error_line;
using ginn::test::ginn;
using ginn::test::Result;
using ginn::test::temp;

const std::string quick = " --resolution 32 --widths 8,8 --iterations 2000 --snapshots every:500 --quiet";

TEST(cli_test, train_info_weights_end_to_end) {
    const std::string dir = temp("e2e");
    fs::remove_all(dir);
    Result r = ginn("train -o " + dir + quick);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("complete, 5 snapshots"), std::string::npos) << r.out;

    r = ginn("info " + dir);
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* s : {"bottle", "2-8-8-2 relu", "adam", "5 recorded", "iteration 2000", "x to the right, y upwards"})
        EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing from:\n" << r.out;

    r = ginn("weights " + dir + " --iteration 1000");
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j.at("iteration"), 1000);
    EXPECT_EQ(j.at("layers").size(), 3u);
    EXPECT_EQ(j.at("layers").at(0).at("W").size(), 8u);     // rows = outputs
    EXPECT_EQ(j.at("layers").at(0).at("W").at(0).size(), 2u);
    const ginn::Network net = ginn::network_from_json(j, "stdout");  // the documented format reads back
    EXPECT_EQ(net.n_neurons(), 16);

    const std::string file = temp("weights.json");
    r = ginn("weights " + dir + " --snapshot -1 -o " + file);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(ginn::read_file(file)).at("iteration"), 2000);

    for (const char* cmd : {"train", "info", "weights", "demo"}) {
        r = ginn(std::string(cmd) + " --help");
        EXPECT_EQ(r.code, 0) << cmd;
        EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
    }
}

TEST(cli_test, config_file_and_flags_combine) {
    const std::string dir = temp("config"), cfg = temp("config.toml");
    fs::remove_all(dir);
    std::ofstream(cfg) << "[model]\nwidths = [5]\nactivation = \"tanh\"\n[train]\niterations = 100\n";
    const Result r = ginn("train -o " + dir + " --config " + cfg + " --resolution 16 --iterations 300 --snapshots every:100 -q");
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json m = nlohmann::json::parse(ginn::read_file(dir + "/manifest.json"));
    EXPECT_EQ(m["config"]["model"]["widths"], nlohmann::json({5}));
    EXPECT_EQ(m["config"]["model"]["activation"], "tanh");
    EXPECT_EQ(m["config"]["train"]["iterations"], 300);  // the flag wins over the file
    EXPECT_EQ(m["snapshots"].size(), 4u);
}

TEST(cli_test, seeds_train_in_parallel_and_match_single_runs) {
    const std::string dir = temp("seeds"), single = temp("seed2");
    fs::remove_all(dir);
    fs::remove_all(single);
    Result r = ginn("train -o " + dir + " --seeds 1,2,3" + quick);
    ASSERT_EQ(r.code, 0) << r.err;
    r = ginn("train -o " + single + " --seed 2" + quick);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(ginn::read_file(dir + "/seed-2/params.bin"), ginn::read_file(single + "/params.bin"));
    EXPECT_NE(ginn::read_file(dir + "/seed-1/params.bin"), ginn::read_file(dir + "/seed-2/params.bin"));
}

TEST(cli_test, ctrl_c_leaves_a_readable_run_and_resume_gives_the_same_bits) {
    const std::string full = temp("sigint_full"), cut = temp("sigint_cut");
    fs::remove_all(full);
    fs::remove_all(cut);
    const std::string args = " --resolution 32 --widths 8,8 --iterations 400000 --snapshots every:10000 --quiet";
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(ginn("train -o " + full + args).code, 0);
    const auto full_time = std::chrono::steady_clock::now() - start;

    const pid_t pid = fork();
    if (pid == 0) {
        const std::string out = "--out=" + cut;
        execl(GINN_BINARY, GINN_BINARY, "train", out.c_str(), "--resolution", "32", "--widths", "8,8", "--iterations",
              "400000", "--snapshots", "every:10000", "--quiet", static_cast<char*>(nullptr));
        _exit(127);
    }
    // Ctrl-C a third of the uninterrupted run's time after the run has started (its manifest exists; the handler is
    // installed before that), so no fixed sleep: a slow build (the sanitizer build is several times slower) or a busy
    // machine neither finishes first nor interrupts before training starts.
    for (int i = 0; i < 60000 && !fs::exists(cut + "/manifest.json"); ++i)  // at most 5 minutes
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(full_time / 3);
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 130) << "the run finished before Ctrl-C; make it longer";

    Result r = ginn("info " + cut);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("interrupted"), std::string::npos) << r.out;
    r = ginn("train --resume " + cut + " --quiet");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(ginn::read_file(cut + "/params.bin"), ginn::read_file(full + "/params.bin"));
}

TEST(cli_test, a_task_of_three_classes_gets_the_softmax_head_unless_another_head_is_named) {
    const std::string dir = temp("three_classes");
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        std::ofstream csv(dir + "/three.csv");
        csv << "x,y,label\n";
        for (int i = 0; i < 90; ++i)  // three vertical bands
            csv << -0.95 + 0.02 * i << "," << (i % 7) * 0.25 - 0.75 << "," << i / 30 << "\n";
    }
    const std::string args = " --target " + dir + "/three.csv --widths 4 --iterations 20 -q";
    Result r = ginn("train -o " + dir + "/auto" + args);
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json m = nlohmann::json::parse(ginn::read_file(dir + "/auto/manifest.json"));
    EXPECT_EQ(m["config"]["model"]["head"], "softmax");
    EXPECT_EQ(m["config"]["model"]["n_classes"], 3);
    // Resumed or re-read, the run keeps the head it was trained with.
    r = ginn("info " + dir + "/auto");
    ASSERT_EQ(r.code, 0) << r.err;
    // A head named on the command line is taken at its word: softmax2 cannot hold three classes.
    r = ginn("train -o " + dir + "/named" + args + " --head softmax2");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("3 classes"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/named/params.bin"));
}

TEST(cli_test, every_bad_input_gets_one_error_line) {
    const std::string out = temp("bad_out");
    fs::remove_all(out);
    const std::string o = " -o " + out + " --iterations 10 -q";
    expect_one_error_line(ginn("train --target /nonexistent/picture.png" + o), "picture.png");
    const std::string corrupt = temp("corrupt.png");
    std::ofstream(corrupt) << "this is not a PNG";
    expect_one_error_line(ginn("train --target " + corrupt + o), "corrupt.png");
    expect_one_error_line(ginn("train --target teapot" + o), "teapot");
    expect_one_error_line(ginn("train --activation relu6" + o), "relu6");
    expect_one_error_line(ginn("train --widths ''" + o), "--widths");
    expect_one_error_line(ginn("train --widths 16,0,16" + o), "--widths");
    expect_one_error_line(ginn("train --widths 16,x" + o), "--widths");
    expect_one_error_line(ginn("train --widths 100000" + o), "--widths");
    expect_one_error_line(ginn("train --lr 0" + o), "learning rate");
    expect_one_error_line(ginn("train --lr -1" + o), "learning rate");
    expect_one_error_line(ginn("train --batch 0" + o), "batch");
    expect_one_error_line(ginn("train --snapshots sometimes" + o), "sometimes");
    expect_one_error_line(ginn("train --resolution 32 --iterations 10 -q -o /proc/ginn/run"), "/proc/ginn/run");
    EXPECT_FALSE(fs::exists(out));  // nothing half-written by any of the above

    ASSERT_EQ(ginn("train -o " + out + quick).code, 0);
    expect_one_error_line(ginn("train -o " + out + quick), "already exists");

    // Damaged run directories given to info, weights and --resume.
    const std::string damaged = temp("bad_damaged");
    fs::remove_all(damaged);
    fs::copy(out, damaged, fs::copy_options::recursive);
    fs::resize_file(damaged + "/params.bin", 100);
    expect_one_error_line(ginn("info " + damaged), "truncated");
    expect_one_error_line(ginn("weights " + damaged), "truncated");
    expect_one_error_line(ginn("train --resume " + damaged), "truncated");
    std::ofstream(damaged + "/manifest.json") << "{\"format\": \"ginn-run\"";
    expect_one_error_line(ginn("info " + damaged), "manifest");
    expect_one_error_line(ginn("info /nonexistent/run"), "not a run directory");
    expect_one_error_line(ginn("weights " + out + " --snapshot 99"), "snapshot 99");
    expect_one_error_line(ginn("weights " + out + " --iteration 7"), "iteration 7");
    expect_one_error_line(ginn("train --resume " + out), "already complete");

    // Flags the parser rejects get one line too.
    expect_one_error_line(ginn("train --batch many"), "--batch");
    expect_one_error_line(ginn("train --no-such-flag"), "--no-such-flag");
    expect_one_error_line(ginn("frobnicate"), "ginn --help");
    expect_one_error_line(ginn("render"), "required");
}

TEST(cli_test, non_finite_loss_stops_cleanly_and_says_what_to_try) {
    const std::string dir = temp("nan");
    fs::remove_all(dir);
    const Result r = ginn("train -o " + dir + quick + " --optimizer sgd --schedule constant --lr 1e30");
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("non-finite at iteration"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("smaller learning rate"), std::string::npos) << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_EQ(ginn("info " + dir).code, 0);  // the snapshots so far stay readable
}

/// A short trained run shared by the figure, geometry, viewer and analysis command tests.
const std::string& shared_run() {
    static const std::string dir = [] {
        const std::string d = temp("shared_run");
        fs::remove_all(d);
        const Result r = ginn("train -o " + d + quick);
        EXPECT_EQ(r.code, 0) << r.err;
        return d;
    }();
    return dir;
}

TEST(cli_test, geometry_command_writes_the_documented_json) {
    const Result r = ginn("geometry " + shared_run() + " --format json --regions");
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j.at("exact"), true);
    EXPECT_EQ(j.at("neurons").size(), 16u);
    EXPECT_EQ(j.at("neurons").at(0).at("layer"), 1);
    EXPECT_EQ(j.at("neurons").at(0).at("index"), 1);
    EXPECT_GE(j.at("regions").at("activation").get<int>(), j.at("regions").at("linear").get<int>());
    EXPECT_EQ(j.at("regions").at("per_layer").size(), 2u);

    // The same network through --weights gives the same geometry.
    const std::string w = temp("geom_weights.json");
    ASSERT_EQ(ginn("weights " + shared_run() + " -o " + w).code, 0);
    const Result r2 = ginn("geometry --weights " + w + " --format json --regions");
    ASSERT_EQ(r2.code, 0) << r2.err;
    const nlohmann::json j2 = nlohmann::json::parse(r2.out);
    EXPECT_EQ(j2.at("regions"), j.at("regions"));
    EXPECT_EQ(j2.at("neurons"), j.at("neurons"));
}

TEST(cli_test, render_writes_png_svg_pdf_and_strips) {
    for (const char* ext : {"png", "svg", "pdf"}) {
        const std::string out = temp(std::string("render.") + ext);
        fs::remove(out);
        const Result r = ginn("render " + shared_run() + " --neurons L1+L2:3 --axes --colour-bar -o " + out);
        ASSERT_EQ(r.code, 0) << ext << ": " << r.err;
        EXPECT_GT(fs::file_size(out), 1000u) << ext;
    }
    EXPECT_EQ(ginn::read_file(temp("render.pdf")).rfind("%PDF", 0), 0u);
    const std::string strip = temp("strip.png");
    ASSERT_EQ(ginn("render " + shared_run() + " --panels 4 --size 120 -o " + strip).code, 0);
    EXPECT_GT(fs::file_size(strip), 1000u);
    const std::string target = temp("target.png");
    ASSERT_EQ(ginn("render " + shared_run() + " --background target --snapshot 0 -o " + target).code, 0);
}

TEST(cli_test, animate_writes_a_gif_and_an_mp4_with_a_frame_per_snapshot) {
    const std::string gif = temp("anim.gif"), mp4 = temp("anim.mp4");
    Result r = ginn("animate " + shared_run() + " --size 64 --fps 5 -o " + gif);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("5 frames"), std::string::npos) << r.out;
    EXPECT_EQ(ginn::read_file(gif).rfind("GIF89a", 0), 0u);
    r = ginn("animate " + shared_run() + " --size 64 --neurons L1 --background regions -o " + mp4);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(ginn::read_file(mp4).substr(4, 4), "ftyp");
}

TEST(cli_test, view_and_analyze_write_self_contained_outputs) {
    const std::string html = temp("view.html");
    Result r = ginn("view " + shared_run() + " -o " + html);
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string page = ginn::read_file(html);
    EXPECT_NE(page.find("<html"), std::string::npos);
    EXPECT_EQ(page.find("<script src="), std::string::npos);

    EXPECT_NE(page.find("\"format\":\"ginn-findings\""), std::string::npos);  // findings by default
    const std::string bare = temp("view_bare.html");
    ASSERT_EQ(ginn("view " + shared_run() + " --no-analysis -o " + bare).code, 0);
    EXPECT_EQ(ginn::read_file(bare).find("\"format\":\"ginn-findings\""), std::string::npos);

    const std::string dir = temp("analysis");
    fs::remove_all(dir);
    r = ginn("analyze " + shared_run() + " -o " + dir);
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(ginn::read_file(dir + "/report.json"));
    EXPECT_EQ(j.at("format"), "ginn-analysis");
    EXPECT_TRUE(fs::exists(dir + "/report.html"));
    // The viewer beside the report embeds the same events the report lists (no second, different analysis).
    const std::string viewer = ginn::read_file(dir + "/viewer.html");
    EXPECT_NE(viewer.find("\"format\":\"ginn-findings\""), std::string::npos);
    const std::string first_event = j.at("runs").at(0).at("events").at(0).at("text").get<std::string>();
    EXPECT_NE(viewer.find(nlohmann::json(first_event).dump()), std::string::npos) << first_event;
}

TEST(cli_test, view_and_analyze_show_progress_on_a_terminal_and_none_when_quiet) {
    if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1) for a terminal";
    // script(1) gives the command a terminal (stderr is a tty): the bar shows there, as `ginn train`'s does
    const auto on_terminal = [](const std::string& args) {
        const std::string out = temp("tty.txt");
        const std::string cmd = "script -qec '" + std::string(GINN_BINARY) + " " + args + "' /dev/null > " + out + " 2>&1";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        return ginn::read_file(out);
    };
    const std::string run = shared_run(), n = std::to_string(ginn::Run::open(run).n_snapshots());
    std::string t = on_terminal("view " + run + " -o " + temp("tty_view.html"));
    EXPECT_NE(t.find("analysing snapshots " + n + "/" + n), std::string::npos) << t;
    EXPECT_NE(t.find("encoding snapshots " + n + "/" + n), std::string::npos) << t;
    t = on_terminal("view " + run + " -q -o " + temp("tty_view.html"));
    EXPECT_EQ(t.find("snapshots"), std::string::npos) << t;
    fs::remove_all(temp("tty_an"));
    t = on_terminal("analyze " + run + " -o " + temp("tty_an"));
    EXPECT_NE(t.find("analysing snapshots " + n + "/" + n), std::string::npos) << t;
    fs::remove_all(temp("tty_an"));
    t = on_terminal("analyze " + run + " --quiet -o " + temp("tty_an"));
    EXPECT_EQ(t.find("analysing"), std::string::npos) << t;
}

TEST(cli_test, bad_inputs_to_the_geometry_figure_viewer_and_analysis_commands) {
    const std::string run = shared_run();
    expect_one_error_line(ginn("render " + run + " -o " + temp("fig.bmp")), "bmp");
    EXPECT_FALSE(fs::exists(temp("fig.bmp")));
    expect_one_error_line(ginn("render " + run + " --neurons L9 -o " + temp("fig.png")), "layer 9");
    expect_one_error_line(ginn("render " + run + " --neurons Lx:1 -o " + temp("fig.png")), "Lx:1");
    expect_one_error_line(ginn("render " + run + " --background sky -o " + temp("fig.png")), "sky");
    expect_one_error_line(ginn("render " + run + " -o /nonexistent/dir/fig.png"), "/nonexistent/dir/fig.png");
    expect_one_error_line(ginn("animate " + run + " -o " + temp("anim.avi")), "avi");

    const std::string bad_json = temp("bad_weights.json");
    std::ofstream(bad_json) << "{\"layers\": [";
    expect_one_error_line(ginn("geometry --weights " + bad_json), "bad_weights.json");
    std::ofstream(bad_json) << R"({"domain": {"x": [0, 1], "y": [0, 1]}, "layers": [{"W": [[1, 2, 3]], "b": [0]}]})";
    expect_one_error_line(ginn("geometry --weights " + bad_json), "bad_weights.json");
    std::ofstream(bad_json) << R"({"domain": {"x": [0, 1], "y": [0, 1]}, "layers": [{"W": [[1, 2]], "b": [0], "activation": "relu9"}]})";
    expect_one_error_line(ginn("render --weights " + bad_json + " -o " + temp("w.png")), "relu9");
    expect_one_error_line(ginn("geometry --weights /nonexistent.json"), "/nonexistent.json");
    expect_one_error_line(ginn("geometry"), "no network given");

    expect_one_error_line(ginn("view /nonexistent/run -o " + temp("v.html")), "/nonexistent/run");
    expect_one_error_line(ginn("view " + run + " -o /nonexistent/dir/v.html"), "/nonexistent/dir/v.html");
    expect_one_error_line(ginn("analyze /nonexistent/run -o " + temp("a")), "/nonexistent/run");
}

}  // namespace
