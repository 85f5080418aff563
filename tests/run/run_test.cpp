// Tests for include/ginn/run/run.h: the run directory round trip, crash safety, resume equals uninterrupted,
// determinism across parallel runs, and every kind of damaged run directory.
#include "ginn/run/run.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ginn/core/error.h"
#include "test_util.h"
#include "ginn/core/io.h"
#include "ginn/model/model.h"

namespace ginn {
namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ginn_run_test_" + name);
    fs::remove_all(dir);
    return dir.string();
}

/// A small but real config: the bottle at 32x32, a 2-8-8-2 net, 3000 iterations.
RunConfig small_config() {
    RunConfig c;
    c.task.resolution = 32;
    c.model.widths = {8, 8};
    c.train.iterations = 3000;
    c.snapshots = "every:250";
    return c;
}


TEST(run_test, round_trip_of_a_trained_run) {
    const RunConfig c = small_config();
    TrainOptions o;
    o.out = fresh_dir("round_trip");
    const TrainResult r = train_run(c, o);
    EXPECT_EQ(r.status, RunStatus::complete);
    EXPECT_EQ(r.n_snapshots, 13);  // 0, 250, ..., 3000

    const ginn::Run run = ginn::Run::open(o.out);
    ASSERT_EQ(run.n_snapshots(), 13);
    EXPECT_TRUE(run.complete());
    EXPECT_EQ(run.snapshot(12).iteration, 3000);
    EXPECT_EQ(config_to_json(run.config()), config_to_json(c));
    EXPECT_TRUE(std::isnan(run.snapshot(0).loss_batch));
    EXPECT_FALSE(std::isnan(run.snapshot(1).loss_batch));
    EXPECT_LT(run.snapshots().back().loss, run.snapshots().front().loss);  // it learned something
    EXPECT_EQ(run.dataset().size(), 32 * 32);
    EXPECT_EQ(run.snapshot_at_iteration(500), 2);
    EXPECT_EQ(run.resolve_snapshot(-1, -1), 12);
    EXPECT_NE(test::error_message([&] { run.snapshot_at_iteration(260); }).find("nearest recorded: 250 500"), std::string::npos);

    // The stored parameters reproduce the recorded loss through an independent path: the double-precision network.
    const Network net = run.network(12);
    const Dataset& d = run.dataset();
    const Eigen::MatrixXd X = d.X.cast<double>();
    const Eigen::VectorXd p = probability(net, X);
    double loss = 0;
    for (int64_t i = 0; i < d.size(); ++i) loss -= std::log(d.label[i] ? p(i) : 1 - p(i));
    EXPECT_NEAR(loss / d.size(), run.snapshots().back().loss, 1e-4);
}

TEST(run_test, same_seed_same_bits_whatever_the_number_of_parallel_runs) {
    const RunConfig c = small_config();
    TrainOptions o;
    o.out = fresh_dir("alone");
    train_run(c, o);
    RunConfig c2 = c, c3 = c;
    c3.train.seed = 2;
    const std::string a = fresh_dir("par_a"), b = fresh_dir("par_b");
    train_runs({c2, c3}, {a, b}, TrainOptions{});
    const std::string p_alone = read_file(o.out + "/params.bin");
    EXPECT_EQ(read_file(a + "/params.bin"), p_alone);
    EXPECT_NE(read_file(b + "/params.bin"), p_alone);  // a different seed is a different run
}

TEST(run_test, interrupted_run_is_readable_and_resumes_to_the_same_bits) {
    RunConfig c = small_config();
    c.train.iterations = 200000;
    c.snapshots = "every:5000";
    TrainOptions o;
    o.out = fresh_dir("uninterrupted");
    train_run(c, o);

    std::atomic<bool> stop{false};
    TrainOptions oi;
    oi.out = fresh_dir("interrupted");
    oi.stop = &stop;
    oi.flush_seconds = 0;
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        stop = true;
    });
    const TrainResult r = train_run(c, oi);
    stopper.join();
    ASSERT_EQ(r.status, RunStatus::interrupted) << "training finished before the stop; make the run longer";
    const ginn::Run partial = ginn::Run::open(oi.out);
    EXPECT_EQ(partial.status(), RunStatus::interrupted);
    EXPECT_GT(partial.n_snapshots(), 0);
    EXPECT_LT(partial.n_snapshots(), 41);

    // Simulate a crash after params were appended but before the manifest was committed: trailing garbage.
    { std::ofstream(oi.out + "/params.bin", std::ios::app) << "half a record"; }
    EXPECT_NO_THROW(ginn::Run::open(oi.out));

    const TrainResult resumed = resume_run(oi.out, TrainOptions{});
    EXPECT_EQ(resumed.status, RunStatus::complete);
    EXPECT_EQ(read_file(oi.out + "/params.bin"), read_file(o.out + "/params.bin"));
    const ginn::Run a = ginn::Run::open(o.out), b = ginn::Run::open(oi.out);
    ASSERT_EQ(a.n_snapshots(), b.n_snapshots());
    for (int k = 0; k < a.n_snapshots(); ++k) {
        EXPECT_EQ(a.snapshot(k).loss, b.snapshot(k).loss) << "snapshot " << k;
        const double la = a.snapshot(k).loss_batch, lb = b.snapshot(k).loss_batch;
        EXPECT_TRUE(la == lb || (std::isnan(la) && std::isnan(lb))) << "snapshot " << k << ": " << la << " vs " << lb;
    }
    EXPECT_NE(test::error_message([&] { resume_run(oi.out, TrainOptions{}); }).find("already complete"), std::string::npos);
}

TEST(run_test, init_from_starts_at_the_same_parameters) {
    RunConfig c = small_config();
    TrainOptions o;
    o.out = fresh_dir("init_a");
    train_run(c, o);
    RunConfig c2 = c;
    c2.train.seed = 77;
    c2.optim.lr = 0.01;
    TrainOptions o2;
    o2.out = fresh_dir("init_b");
    o2.init_from = o.out;
    train_run(c2, o2);
    const ginn::Run a = ginn::Run::open(o.out), b = ginn::Run::open(o2.out);
    const auto pa = a.params(0), pb = b.params(0);
    EXPECT_TRUE(std::equal(pa.begin(), pa.end(), pb.begin()));
    const auto qa = a.params(1), qb = b.params(1);
    EXPECT_FALSE(std::equal(qa.begin(), qa.end(), qb.begin()));  // different training from the same start

    RunConfig wide = c;
    wide.model.widths = {9, 8};
    TrainOptions o3;
    o3.out = fresh_dir("init_c");
    o3.init_from = o.out;
    EXPECT_NE(test::error_message([&] { train_run(wide, o3); }).find("architecture differs"), std::string::npos);
}

TEST(run_test, diverging_run_stops_cleanly_and_keeps_its_snapshots) {
    RunConfig c = small_config();
    c.optim.lr = 1e30;
    c.optim.kind = OptimizerKind::sgd;
    c.optim.schedule = LrSchedule::constant;
    TrainOptions o;
    o.out = fresh_dir("diverge");
    const TrainResult r = train_run(c, o);
    EXPECT_EQ(r.status, RunStatus::diverged);
    EXPECT_NE(r.message.find("non-finite"), std::string::npos);
    EXPECT_NE(r.message.find("smaller learning rate"), std::string::npos);
    const ginn::Run run = ginn::Run::open(o.out);
    EXPECT_EQ(run.status(), RunStatus::diverged);
    EXPECT_GE(run.n_snapshots(), 1);
    for (int k = 0; k < run.n_snapshots(); ++k) EXPECT_TRUE(run.network(k).layers[0].W.allFinite());
    EXPECT_NE(test::error_message([&] { resume_run(o.out, TrainOptions{}); }).find("diverged"), std::string::npos);
}

TEST(run_test, existing_and_unwritable_output_directories) {
    const RunConfig c = small_config();
    TrainOptions o;
    o.out = fresh_dir("exists");
    train_run(c, o);
    EXPECT_NE(test::error_message([&] { train_run(c, o); }).find("already exists"), std::string::npos);
    o.force = true;
    EXPECT_NO_THROW(train_run(c, o));

    const std::string folder = fresh_dir("not_a_run");
    fs::create_directories(folder);
    std::ofstream(folder + "/precious.txt") << "keep me";
    TrainOptions of;
    of.out = folder;
    of.force = true;
    EXPECT_NE(test::error_message([&] { train_run(c, of); }).find("not a ginn run"), std::string::npos);
    EXPECT_TRUE(fs::exists(folder + "/precious.txt"));

    TrainOptions ou;
    ou.out = "/proc/ginn-cannot-write-here";
    EXPECT_NE(test::error_message([&] { train_run(c, ou); }).find("cannot create"), std::string::npos);
}

TEST(run_test, damaged_run_directories_are_rejected_with_the_file_named) {
    const RunConfig c = small_config();
    TrainOptions o;
    o.out = fresh_dir("damaged_src");
    train_run(c, o);
    auto copy = [&](const std::string& name) {
        const std::string dir = fresh_dir(name);
        fs::copy(o.out, dir, fs::copy_options::recursive);
        return dir;
    };
    EXPECT_NE(test::error_message([&] { ginn::Run::open(fresh_dir("missing")); }).find("not a run directory"), std::string::npos);

    std::string d = copy("no_manifest");
    fs::remove(d + "/manifest.json");
    EXPECT_NE(test::error_message([&] { ginn::Run::open(d); }).find("manifest.json"), std::string::npos);

    d = copy("corrupt_manifest");
    std::ofstream(d + "/manifest.json") << "{ not json";
    EXPECT_NE(test::error_message([&] { ginn::Run::open(d); }).find("corrupt manifest"), std::string::npos);

    d = copy("truncated_params");
    fs::resize_file(d + "/params.bin", fs::file_size(d + "/params.bin") - 100);
    EXPECT_NE(test::error_message([&] { ginn::Run::open(d); }).find("truncated"), std::string::npos);

    d = copy("bad_magic");
    {
        std::fstream f(d + "/params.bin", std::ios::in | std::ios::out | std::ios::binary);
        f.write("XXXX", 4);
    }
    EXPECT_NE(test::error_message([&] { ginn::Run::open(d); }).find("not a ginn parameter file"), std::string::npos);

    d = copy("newer_version");
    {
        nlohmann::json m = nlohmann::json::parse(read_file(d + "/manifest.json"));
        m["format_version"] = 99;
        std::ofstream(d + "/manifest.json") << m.dump();
    }
    EXPECT_NE(test::error_message([&] { ginn::Run::open(d); }).find("newer than this ginn"), std::string::npos);

    d = copy("no_dataset");
    fs::remove(d + "/dataset.bin");
    const ginn::Run run = ginn::Run::open(d);  // metrics and parameters are still readable
    EXPECT_NE(test::error_message([&] { run.dataset(); }).find("dataset.bin"), std::string::npos);
}

}  // namespace
}  // namespace ginn
