// Benchmark: microseconds per training iteration of the default GINN configuration (bottle 200x200, 2-16-16-16-2 ReLU,
// softmax2, Adam 1e-3 with cosine annealing, batch 128 with replacement), single-threaded. Checks first that the loss
// falls, then times. Not a test: bench/train_vs_torch.sh runs it beside the PyTorch peer and prints the ratio.
//
//   train_bench [--iterations N] [--repeats R]   time R repeats of N iterations, print the median
//   train_bench --dump FILE                      write the dataset as "x y label" lines for the peer and exit
//   train_bench --full 1                         the whole default run: 1,280,000 iterations, evaluated at the 432
//                                                iterations of the `ginn` schedule; prints wall time and final metrics
//   train_bench --config FILE [--repeats R]      a config file's run instead (e.g. one of examples/gupta/'s): R repeats
//                                                of its whole training (its iterations, no snapshots), per iteration
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "ginn/data/dataset.h"
#include "ginn/core/error.h"
#include "ginn/train/config.h"
#include "ginn/train/schedule.h"
#include "ginn/train/trainer.h"
#include "timing.h"
#include "train_counts.h"

namespace {

using ginn::bench::cpu_name;
using ginn::bench::flops_per_iteration;
using ginn::bench::thread_seconds;

/// A config file's training, R times from fresh trainers: microseconds per iteration, wall and thread CPU time.
int run_config(const std::string& path, int repeats) {
    ginn::RunConfig c = ginn::config_from_toml_file(path);
    const ginn::Dataset data = ginn::make_dataset(c.task);
    c.model.n_classes = data.n_classes;
    std::vector<double> us, cpu_us;
    for (int r = 0; r < repeats; ++r) {
        ginn::Trainer t(c.model, c.optim, c.train, data);
        const ginn::Metrics before = r == 0 ? t.evaluate() : ginn::Metrics{};
        const double c0 = thread_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        t.run_until(c.train.iterations);
        const auto t1 = std::chrono::steady_clock::now();
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / double(c.train.iterations));
        cpu_us.push_back((thread_seconds() - c0) * 1e6 / double(c.train.iterations));
        if (r == 0) {
            const ginn::Metrics after = t.evaluate();
            std::printf("check: loss %.4f -> %.4f after %lld iterations\n", before.loss, after.loss,
                        static_cast<long long>(c.train.iterations));
            if (!(after.loss < before.loss)) {
                std::printf("FAILED: the loss did not decrease\n");
                return 1;
            }
        }
    }
    std::printf("command: train_bench --config %s --repeats %d\n", path.c_str(), repeats);
    std::printf("machine: %s, 1 thread\n", cpu_name().c_str());
    std::printf("ginn: %.2f us/iteration wall, %.2f us/iteration thread CPU (medians of %d x %lld iterations, batch %d); "
                "%.1f GFLOP/s of CPU time\n",
                ginn::bench::median(us), ginn::bench::median(cpu_us), repeats,
                static_cast<long long>(c.train.iterations), c.train.batch,
                flops_per_iteration(c.model, c.train.batch) / ginn::bench::median(cpu_us) / 1e3);
    std::printf("ginn_us_per_iteration=%.3f\n", ginn::bench::median(us));
    return 0;
}

int run(int argc, char** argv) {
    int64_t iterations = 20000;
    int repeats = 7;
    std::string dump, config_path;
    bool full = false;
    for (int k = 1; k + 1 < argc; k += 2) {
        if (!std::strcmp(argv[k], "--iterations")) iterations = std::stoll(argv[k + 1]);
        else if (!std::strcmp(argv[k], "--repeats")) repeats = std::stoi(argv[k + 1]);
        else if (!std::strcmp(argv[k], "--dump")) dump = argv[k + 1];
        else if (!std::strcmp(argv[k], "--full")) full = std::strcmp(argv[k + 1], "0") != 0;
        else if (!std::strcmp(argv[k], "--config")) config_path = argv[k + 1];
    }
    if (!config_path.empty()) return run_config(config_path, repeats);
    const ginn::Dataset data = ginn::make_dataset(ginn::TaskSpec{});  // the bottle, 200 x 200
    if (!dump.empty()) {
        std::ofstream out(dump);
        for (int64_t k = 0; k < data.size(); ++k) out << data.X(k, 0) << ' ' << data.X(k, 1) << ' ' << data.label[k] << '\n';
        return out ? 0 : 1;
    }
    const ginn::ModelSpec model;
    const ginn::OptimSpec optim;
    const ginn::TrainSpec train;
    if (full) {  // the complete GINN run with its snapshot evaluations (no disk writes: that is run.cpp's part)
        const auto t0 = std::chrono::steady_clock::now();
        ginn::Trainer t(model, optim, train, data);
        double eval_seconds = 0;
        ginn::Metrics m;
        for (int64_t it : ginn::snapshot_iterations("ginn", train.iterations)) {
            t.run_until(it);
            const auto e0 = std::chrono::steady_clock::now();
            m = t.evaluate();
            eval_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("full run: %lld iterations and 432 evaluations in %.1f s wall (evaluations %.2f s); final full-grid "
                    "loss %.4f, accuracy %.4f\n",
                    static_cast<long long>(train.iterations), seconds, eval_seconds, m.loss, m.accuracy);
        return 0;
    }

    // 1. correctness first: a few thousand iterations must lower the full-grid loss
    {
        ginn::Trainer t(model, optim, train, data);
        const ginn::Metrics before = t.evaluate();
        t.run_until(5000);
        const ginn::Metrics after = t.evaluate();
        std::printf("check: full-grid loss %.4f -> %.4f after 5000 iterations (accuracy %.3f -> %.3f)\n", before.loss,
                    after.loss, before.accuracy, after.accuracy);
        if (!(after.loss < before.loss * 0.9)) {
            std::printf("FAILED: the loss did not decrease\n");
            return 1;
        }
    }

    // 2. time: median of `repeats` runs of `iterations` iterations, each from a fresh trainer
    std::vector<double> us, cpu_us;
    for (int r = 0; r < repeats; ++r) {
        ginn::TrainSpec tr = train;
        tr.seed = 1 + r;
        ginn::Trainer t(model, optim, tr, data);
        t.run_until(200);  // warm caches and branch predictors
        const double c0 = thread_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        t.run_until(200 + iterations);
        const auto t1 = std::chrono::steady_clock::now();
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / double(iterations));
        cpu_us.push_back((thread_seconds() - c0) * 1e6 / double(iterations));
    }
    std::sort(us.begin(), us.end());
    std::sort(cpu_us.begin(), cpu_us.end());
    const double median = us[us.size() / 2];
    const double flops = flops_per_iteration(model, train.batch);
    const double floor_us = flops / 96e9 * 1e6;  // fp32 AVX-512 FMA peak of one core of this machine, ~96 GFLOP/s
    std::printf("command: train_bench --iterations %lld --repeats %d\n", static_cast<long long>(iterations), repeats);
    std::printf("machine: %s, 1 thread\n", cpu_name().c_str());
    std::printf("config: bottle %dx%d, 2-16-16-16-2 relu, softmax2, adam 1e-3 cosine, batch %d with replacement\n",
                data.grid_w, data.grid_h, train.batch);
    std::printf("ginn: %.2f us/iteration (median of %d x %lld; min %.2f, max %.2f)\n", median, repeats,
                static_cast<long long>(iterations), us.front(), us.back());
    std::printf("ginn: %.2f us/iteration of thread CPU time (median; differs from the wall clock when the machine is busy)\n",
                cpu_us[cpu_us.size() / 2]);
    std::printf("ginn: %.3f MFLOP/iteration, %.1f GFLOP/s, %.0f%% of the %.2f us floor at 96 GFLOP/s\n", flops / 1e6,
                flops / median / 1e3, 100.0 * floor_us / median, floor_us);
    std::printf("ginn_us_per_iteration=%.3f\n", median);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const ginn::Error& e) {
        std::fprintf(stderr, "train_bench: %s\n", e.what());
        return 1;
    }
}
