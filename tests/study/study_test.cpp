// Tests for study.h: a 2x2 sweep end to end (figures, table rows, the viewer's data), resume after an interruption
// trains only what is missing and ends with the same parameters, identical initial parameters for matching shapes,
// shards equal to the single-process sweep, and refusing a directory made from another sweep file.
#include "ginn/study/study.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ginn/core/io.h"
#include "ginn/run/run.h"
#include "test_util.h"

namespace ginn {
namespace {

namespace fs = std::filesystem;

const std::string two_by_two = R"toml(
snapshots = "log:4"
[task]
target = "y-x"
n_points = 400
[model]
widths = [6, 6]
init = "he_normal"
[optim]
optimizer = "sgd"
lr = 0.05
lr_schedule = "constant"
[train]
sampling = "epochs"
iterations = 400
batch = 40
[sweep]
rows = "model.activation"
columns = "task.target"
[factors]
"model.activation" = ["relu", "tanh"]
"task.target" = ["y-x", "1-x^2/4-y^2"]
)toml";

Sweep sweep_of(const std::string& name, const std::string& text = two_by_two) {
    const std::string path = test::scratch_dir("study_" + name) + "/sweep.toml";
    std::ofstream(path) << text;
    return sweep_from_toml_file(path);
}

std::vector<float> final_params(const std::string& out, const SweepRun& r) {
    const ginn::Run run = ginn::Run::open(out + "/runs/" + r.name);
    const auto p = run.params(run.n_snapshots() - 1);
    return {p.begin(), p.end()};
}

/// The metrics table without its timing column (seconds differ between runs of the same sweep).
std::string table_without_times(const std::string& csv) {
    std::stringstream in(csv);
    std::string line, out;
    while (std::getline(in, line)) {
        // seconds is the second-to-last field; the label is quoted and contains commas, so cut from the end.
        const size_t last = line.rfind(','), before = line.rfind(',', last - 1);
        out += line.substr(0, before) + line.substr(last) + "\n";
    }
    return out;
}

TEST(study_test, two_by_two_sweep_end_to_end) {
    const Sweep s = sweep_of("e2e");
    const std::string out = test::scratch_dir("study_e2e_out") + "/sweep";
    const SweepResult r = run_sweep(s, {.out = out, .threads = 2, .panel_size = 64});
    EXPECT_EQ(r.trained, 4);
    for (const char* f : {"metrics.csv", "metrics.md", "grid.png", "grid.svg", "grid.pdf", "viewer.html", "sweep.json"})
        EXPECT_GT(fs::file_size(out + "/" + f), 100u) << f;
    const std::string csv = read_file(out + "/metrics.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
    EXPECT_NE(csv.find("\"relu, 1-x^2/4-y^2\""), std::string::npos) << csv;
    EXPECT_NE(csv.find("polygons + quadrature"), std::string::npos) << csv;  // relu on the ellipse: exact
    EXPECT_NE(csv.find("(approximate)"), std::string::npos) << csv;          // tanh: labelled approximate
    // The table's error area equals error_area of the run's final network.
    const auto metrics = sweep_metrics(s, out, 1);
    const ginn::Run run = ginn::Run::open(out + "/runs/001");
    EXPECT_DOUBLE_EQ(metrics[1].error.fraction, error_area(run.network(run.n_snapshots() - 1), "1-x^2/4-y^2").fraction);
    // The viewer holds every run with every snapshot.
    const std::string html = read_file(out + "/viewer.html");
    const std::string open = "<script id=\"ginn-data\" type=\"application/json\">";
    const size_t a = html.find(open), b = html.find("</script>", a);
    ASSERT_NE(a, std::string::npos);
    const nlohmann::json data = nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
    ASSERT_EQ(data["runs"].size(), 4u);
    for (size_t i = 0; i < 4; ++i)
        EXPECT_EQ(data["runs"][i]["snapshots"]["iteration"].size(), size_t(ginn::Run::open(out + "/runs/00" + std::to_string(i)).n_snapshots()));
}

TEST(study_test, matching_shapes_start_from_identical_parameters) {
    const Sweep s = sweep_of("init");
    const std::string out = test::scratch_dir("study_init_out") + "/sweep";
    run_sweep(s, {.out = out, .threads = 2, .viewer = false});
    const ginn::Run relu = ginn::Run::open(out + "/runs/000"), tanh = ginn::Run::open(out + "/runs/003");
    ASSERT_NE(relu.config().model.activation, tanh.config().model.activation);
    const auto p = relu.params(0), q = tanh.params(0);
    EXPECT_TRUE(std::equal(p.begin(), p.end(), q.begin(), q.end()));
    EXPECT_FALSE(std::equal(relu.params(1).begin(), relu.params(1).end(), tanh.params(1).begin()));
}

TEST(study_test, interrupted_sweep_resumes_only_what_is_missing) {
    const Sweep s = sweep_of("resume");
    const std::string ref = test::scratch_dir("study_resume_ref") + "/sweep";
    run_sweep(s, {.out = ref, .threads = 1, .viewer = false});

    const std::string out = test::scratch_dir("study_resume_out") + "/sweep";
    std::atomic<bool> stop{false};
    SweepOptions o{.out = out, .threads = 1, .viewer = false, .stop = &stop};
    o.on_progress = [&](const SweepProgress& p) {
        if (p.runs_done >= 1) stop = true;  // interrupt during the second run
    };
    const SweepResult first = run_sweep(s, o);
    EXPECT_GE(first.interrupted, 1);
    EXPECT_TRUE(first.written.empty()) << "no outputs for an interrupted sweep";
    int complete = 0;
    for (const auto& r : s.runs)
        complete += fs::exists(out + "/runs/" + r.name + "/manifest.json") && ginn::Run::open(out + "/runs/" + r.name).complete();
    EXPECT_GE(complete, 1);
    EXPECT_LT(complete, 4);

    const SweepResult second = run_sweep(s, {.out = out, .threads = 1, .viewer = false});
    EXPECT_EQ(second.skipped, complete);
    EXPECT_EQ(second.trained + second.resumed, 4 - complete);
    EXPECT_FALSE(second.written.empty());
    for (const auto& r : s.runs) EXPECT_EQ(final_params(out, r), final_params(ref, r)) << r.label;

    const SweepResult third = run_sweep(s, {.out = out, .viewer = false});
    EXPECT_EQ(third.skipped, 4);
    EXPECT_EQ(third.trained + third.resumed, 0);
}

TEST(study_test, shards_then_collect_equal_the_single_process_sweep) {
    const Sweep s = sweep_of("shards");
    const std::string one = test::scratch_dir("study_shards_one") + "/sweep";
    run_sweep(s, {.out = one, .threads = 2, .viewer = false});
    const std::string sharded = test::scratch_dir("study_shards_two") + "/sweep";
    test::expect_error([&] { run_sweep(s, {.out = sharded, .collect = true}); }, {"not a sweep directory"});
    for (int i = 0; i < 2; ++i) {
        const SweepResult r = run_sweep(s, {.out = sharded, .shard = i, .n_shards = 2, .threads = 1});
        EXPECT_EQ(r.trained, 2);
        EXPECT_TRUE(r.written.empty());
        if (i == 0) test::expect_error([&] { run_sweep(s, {.out = sharded, .collect = true}); }, {"is not complete"});
    }
    const SweepResult c = run_sweep(s, {.out = sharded, .collect = true, .viewer = false});
    EXPECT_EQ(c.skipped, 4);
    for (const auto& r : s.runs) EXPECT_EQ(final_params(sharded, r), final_params(one, r)) << r.label;
    EXPECT_EQ(table_without_times(read_file(sharded + "/metrics.csv")), table_without_times(read_file(one + "/metrics.csv")));
}

TEST(study_test, refuses_a_directory_of_another_sweep) {
    const Sweep s = sweep_of("mix");
    const std::string out = test::scratch_dir("study_mix_out") + "/sweep";
    run_sweep(s, {.out = out, .shard = 0, .n_shards = 4});
    std::string other = two_by_two;
    other.replace(other.find("widths = [6, 6]"), 15, "widths = [6, 7]");
    test::expect_error([&] { run_sweep(sweep_of("mix2", other), {.out = out}); },
                       {"made from a different sweep file", "base/model/widths/1"});
    test::expect_error([&] { run_sweep(s, {.out = out, .shard = 4, .n_shards = 4}); }, {"--shard"});
}

}  // namespace
}  // namespace ginn
