// Tests for include/ginn/run/run.h: the run directory round trip, crash safety, resume equals uninterrupted,
// determinism across parallel runs, and every kind of damaged run directory.
#include "ginn/run/run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "ginn/core/error.h"
#include "test_util.h"
#include "ginn/core/io.h"
#include "ginn/model/model.h"

namespace ginn {
namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
    // The process id keeps parallel test processes (and other checkouts on this machine) out of each other's way.
    const auto dir = fs::temp_directory_path() / ("ginn_run_test_" + std::to_string(::getpid()) + "_" + name);
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
    // the updates' own time (format 3) is part of the whole training time, which adds the 13 evaluations and writes
    const double train_seconds = run.manifest().at("train_seconds").get<double>();
    EXPECT_GT(train_seconds, 0.0);
    EXPECT_LT(train_seconds, run.seconds());
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
    EXPECT_NE(test::error_message([&] { ginn::Run::open(d); }).find("not valid JSON"), std::string::npos);

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

/// A copy of a small trained run, with its manifest edited by `edit`.
std::string run_with_manifest(const std::string& src, const std::string& name,
                              const std::function<void(nlohmann::json&)>& edit) {
    const std::string dir = fresh_dir(name);
    fs::copy(src, dir, fs::copy_options::recursive);
    nlohmann::json m = nlohmann::json::parse(read_file(dir + "/manifest.json"));
    edit(m);
    std::ofstream(dir + "/manifest.json", std::ios::trunc) << m.dump();
    return dir;
}

TEST(run_test, manifest_values_are_range_checked_and_files_confined_to_the_run) {
    TrainOptions o;
    o.out = fresh_dir("manifest_src");
    train_run(small_config(), o);
    auto expect_refused = [&](const std::string& name, const std::function<void(nlohmann::json&)>& edit,
                              const std::vector<std::string>& parts) {
        const std::string d = run_with_manifest(o.out, name, edit);
        std::vector<std::string> all = parts;
        all.push_back(d + "/manifest.json");
        test::expect_error([&] { ginn::Run::open(d); }, all);
    };
    expect_refused("version_0", [](auto& m) { m["format_version"] = 0; }, {"format_version 0"});
    expect_refused("version_neg", [](auto& m) { m["format_version"] = -3; }, {"format_version -3"});
    expect_refused("train_seconds_neg", [](auto& m) { m["train_seconds"] = -1; }, {"train_seconds is -1"});
    expect_refused("train_seconds_text", [](auto& m) { m["train_seconds"] = "fast"; }, {"train_seconds is \"fast\""});
    expect_refused("state_outside", [](auto& m) { m["state_file"] = "/etc/hostname"; }, {"state_file", "/etc/hostname"});
    expect_refused("state_dotdot", [](auto& m) { m["state_file"] = "../x/state.a.bin"; }, {"state_file"});
    expect_refused("absurd_widths", [](auto& m) { m["config"]["model"]["widths"] = {8, 4294967304ll}; },
                   {"model.widths"});
    expect_refused("huge_width", [](auto& m) { m["config"]["model"]["widths"] = {8, 100000}; }, {"config"});
    expect_refused("empty_domain", [](auto& m) { m["domain"] = {{"x", {0, 0}}, {"y", {0, 1}}}; }, {"domain"});
    expect_refused("extreme_domain", [](auto& m) { m["domain"] = {{"x", {-1e300, 1e300}}, {"y", {0, 1}}}; }, {"domain"});
    expect_refused("wrong_type", [](auto& m) { m["status"] = 5; }, {"malformed manifest"});
    // Raw library text stays out of the message.
    const std::string d = run_with_manifest(o.out, "wrong_type2", [](auto& m) { m["status"] = 5; });
    EXPECT_EQ(test::error_message([&] { ginn::Run::open(d); }).find("json.exception"), std::string::npos);
}

TEST(run_test, deeply_nested_manifest_is_an_error_not_a_stack_overflow) {
    const std::string d = fresh_dir("deep_manifest");
    fs::create_directories(d);
    std::ofstream(d + "/manifest.json") << std::string(300000, '[') << std::string(300000, ']');
    test::expect_error([&] { ginn::Run::open(d); }, {d + "/manifest.json", "nested deeper than 64"});
}

TEST(run_test, a_flipped_parameter_is_caught_by_the_record_checksum_and_version_1_is_still_read) {
    TrainOptions o;
    o.out = fresh_dir("checksum");
    train_run(small_config(), o);
    const ginn::Run good = ginn::Run::open(o.out);
    const std::string params = read_file(o.out + "/params.bin");

    const std::string flipped = fresh_dir("checksum_flip");
    fs::copy(o.out, flipped, fs::copy_options::recursive);
    std::string bytes = params;
    bytes[24 + 8 + 4 * 3] ^= 0x01;  // one bit of the fourth parameter of snapshot 0
    write_file_atomic(flipped + "/params.bin", bytes);
    test::expect_error([&] { ginn::Run::open(flipped); }, {flipped + "/params.bin", "record 0", "checksum"});

    // Version 1: no checksums. Build one from the version-2 file and read the same parameters back.
    const size_t n = static_cast<size_t>(good.params(0).size());
    std::string v1 = params.substr(0, 24);
    const uint32_t one = 1;
    std::memcpy(v1.data() + 8, &one, 4);
    for (int k = 0; k < good.n_snapshots(); ++k) v1 += params.substr(24 + k * (8 + 4 * n + 8), 8 + 4 * n);
    const std::string old = fresh_dir("checksum_v1");
    fs::copy(o.out, old, fs::copy_options::recursive);
    write_file_atomic(old + "/params.bin", v1);
    const ginn::Run run = ginn::Run::open(old);
    ASSERT_EQ(run.n_snapshots(), good.n_snapshots());
    for (int k = 0; k < run.n_snapshots(); ++k)
        EXPECT_EQ(std::memcmp(run.params(k).data(), good.params(k).data(), 4 * n), 0) << "snapshot " << k;
}

TEST(run_test, a_second_writer_is_refused_while_the_first_holds_the_run) {
    const RunConfig c = small_config();
    TrainOptions o;
    o.out = fresh_dir("locked");
    train_run(c, o);
    {
        const DirLock held(o.out);  // as a ginn process training into it would
        o.force = true;
        test::expect_error([&] { train_run(c, o); }, {o.out, "another ginn process"});
        test::expect_error([&] { resume_run(o.out, TrainOptions{}); }, {o.out, "another ginn process"});
        EXPECT_NO_THROW(ginn::Run::open(o.out));  // untouched
    }
    EXPECT_NO_THROW(train_run(c, o));  // released with the lock's owner
}

TEST(run_test, a_run_killed_before_its_first_save_is_replaced_by_a_plain_rerun) {
    const RunConfig c = small_config();
    TrainOptions o;
    o.out = fresh_dir("half");
    train_run(c, o);
    // What `kill -9` in the first seconds leaves: the marker, the data files, a manifest without a trainer state,
    // and a temporary file that was never renamed.
    nlohmann::json m = nlohmann::json::parse(read_file(o.out + "/manifest.json"));
    m["state_file"] = "";
    m["status"] = "running";
    m["snapshots"] = nlohmann::json::array();
    std::ofstream(o.out + "/manifest.json", std::ios::trunc) << m.dump();
    std::ofstream(o.out + "/.dataset.bin.tmp.a1B2c3") << "partial";
    test::expect_error([&] { resume_run(o.out, TrainOptions{}); }, {"no saved trainer state", "train it again"});
    EXPECT_FALSE(fs::exists(o.out + "/.dataset.bin.tmp.a1B2c3"));  // resume cleans temporaries under its lock
    const TrainResult r = train_run(c, o);  // no --force needed
    EXPECT_EQ(r.status, RunStatus::complete);
    EXPECT_TRUE(ginn::Run::open(o.out).complete());

    // Without the marker (a directory ginn did not create) a plain re-run still refuses.
    const std::string other = fresh_dir("half_other");
    fs::create_directories(other);
    std::ofstream(other + "/notes.txt") << "x";
    TrainOptions oo;
    oo.out = other;
    test::expect_error([&] { train_run(c, oo); }, {"already exists"});
}

TEST(run_test, resume_rewrites_parameters_and_refuses_a_damaged_state) {
    const RunConfig c = small_config();
    const std::atomic<bool> stop{true};  // stops right after snapshot 0, whose state is saved
    TrainOptions o;
    o.out = fresh_dir("resume_state");
    o.stop = &stop;
    const TrainResult r = train_run(c, o);
    ASSERT_EQ(r.status, RunStatus::interrupted);
    const ginn::Run run = ginn::Run::open(o.out);
    const std::string state = o.out + "/" + run.manifest().at("state_file").get<std::string>();
    std::string bytes = read_file(state);
    bytes[bytes.size() / 2] ^= 0x10;
    write_file_atomic(state, bytes);
    TrainOptions again;
    again.out = o.out;
    test::expect_error([&] { train_run(c, again); }, {"already exists", "--resume " + o.out});
    test::expect_error([&] { resume_run(o.out, TrainOptions{}); }, {state, "checksum"});
}

}  // namespace
}  // namespace ginn
