// Benchmark: how close the training of Gupta's six side-by-side runs (study_bench.sh's picks) comes to this core's
// fp32 FMA peak, and where the rest of the time goes. Not a test: it asserts nothing about time; it checks that each
// run's loss falls before timing it.
//
//   1. peak: register-only FMA chains (16 independent accumulators; AVX-512 and AVX2 registers) and the clock (a chain
//      of dependent integer adds, one per cycle): GFLOP/s and FLOP per cycle, median and best of R;
//   2. per run: FLOPs of its updates (2 per multiply-add of the three GEMMs of each layer, train_counts.h), the update
//      loop's time (Trainer::run_until, no snapshots; median of R), achieved GFLOP/s and the fraction of the best peak;
//   3. per run, where one run's time goes: the engine's passes with a profile attached (engine.h's phases; fused layers
//      count their activations inside the GEMMs, so the GEMMs are also timed alone with plain stores), the optimiser
//      step, and what `ginn train` adds around the updates (manifest seconds - train_seconds: the snapshots'
//      full-data evaluations, states and writes).
//
// usage: train_roofline_bench [--repeats R]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/data/dataset.h"
#include "ginn/model/detail/engine.h"
#include "ginn/run/run.h"
#include "ginn/study/sweep.h"
#include "ginn/train/detail/optim_step.h"
#include "ginn/train/trainer.h"
#include "timing.h"
#include "train_counts.h"

namespace {

using ginn::bench::median;
using ginn::bench::thread_seconds;

using vf16 = float __attribute__((vector_size(64)));  // one AVX-512 register
using vf8 = float __attribute__((vector_size(32)));   // one AVX2 register

/// Seconds of n_iter steps of `Chains` independent FMA chains on registers V of `Lanes` floats (2 Lanes Chains n_iter
/// FLOPs). Each chain is acc = acc * a + b, so the FMAs' latency is hidden only by the other chains.
template <typename V, int Lanes, int Chains>
[[gnu::noinline]] double fma_chain_seconds(int64_t n_iter, float* sink) {
    static_assert(sizeof(V) == Lanes * sizeof(float));
    V acc[Chains];
    for (int c = 0; c < Chains; ++c) acc[c] = V{} + 1e-3f * float(c);
    V a = V{} + 0.99999994f, b = V{} + 1e-7f;
    asm("" : "+v"(a), "+v"(b));  // not constants the compiler could fold
    const double t0 = thread_seconds();
    for (int64_t i = 0; i < n_iter; ++i)
        for (int c = 0; c < Chains; ++c) acc[c] = acc[c] * a + b;
    const double s = thread_seconds() - t0;
    float lanes[Chains * Lanes], total = 0;
    std::memcpy(lanes, acc, sizeof lanes);
    for (float x : lanes) total += x;
    *sink += total;
    return s;
}

/// Cycles per second: a chain of dependent integer adds runs at one add per cycle.
double clock_hz(int64_t n_blocks) {
    uint64_t x = 0;
    const double t0 = thread_seconds();
    for (int64_t i = 0; i < n_blocks; ++i) asm volatile(".rept 1000\n\tadd $1, %0\n\t.endr" : "+r"(x));
    const double s = thread_seconds() - t0;
    return double(x) / s;
}

struct Peak {
    double gflops = 0, flop_per_cycle = 0;
};

template <typename V, int Lanes>
Peak measure_peak(const char* name, int repeats, double hz) {
    constexpr int chains = 16;
    constexpr int64_t n_iter = 4000000;
    float sink = 0;
    fma_chain_seconds<V, Lanes, chains>(n_iter / 4, &sink);  // warm up (clock ramp, AVX-512 licence)
    std::vector<double> gflops;
    for (int r = 0; r < repeats; ++r)
        gflops.push_back(2.0 * Lanes * chains * double(n_iter) / fma_chain_seconds<V, Lanes, chains>(n_iter, &sink) / 1e9);
    const double best = *std::max_element(gflops.begin(), gflops.end());
    std::printf("peak %-8s %5.1f GFLOP/s median, %5.1f best (%d chains of %d-lane FMAs; %.1f FLOP/cycle at the best)%s\n",
                name, median(gflops), best, chains, Lanes, best * 1e9 / hz, sink == 12345.0f ? " " : "");
    return {best, best * 1e9 / hz};
}

struct Pick {
    const char* experiment;
    int index;
    const char* what;
};
// The runs study_bench.sh times beside PyTorch (its picks activation:011 ... residual:023).
constexpr Pick picks[] = {{"activation", 11, "tanh 2-10x4-2"},     {"depth", 15, "8 layers 2-10x8-2"},
                          {"width", 15, "very wide 2-40x4-2"},     {"dropout", 7, "dropout 0.5"},
                          {"batchnorm", 7, "batch norm"},          {"residual", 23, "residual, batch 100"}};

ginn::RunConfig pick_config(const Pick& p) {
    const ginn::Sweep sweep = ginn::sweep_from_toml_file(std::string(GINN_SOURCE_DIR) + "/examples/gupta/" + p.experiment + ".toml");
    return sweep.runs.at(p.index).config;
}

/// Median thread CPU seconds of the update loop alone (fresh trainer each time), after checking that the loss falls.
double update_loop_seconds(const ginn::RunConfig& c, const ginn::Dataset& data, int repeats, bool* ok) {
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
        ginn::Trainer t(c.model, c.optim, c.train, data);
        const double before = r == 0 ? t.evaluate().loss : 0;
        const double t0 = thread_seconds();
        t.run_until(c.train.iterations);
        seconds.push_back(thread_seconds() - t0);
        if (r == 0 && !(t.evaluate().loss < before)) *ok = false;
    }
    return median(seconds);
}

/// Fills the engine's batch with the first points of the data (the passes' cost does not depend on which).
void fill_batch(ginn::detail::Engine& e, const ginn::Dataset& data, int n) {
    for (int s = 0; s < n; ++s) {
        e.input_x()[s] = float(data.X(s % data.size(), 0));
        e.input_y()[s] = float(data.X(s % data.size(), 1));
        e.labels()[s] = data.label[s % data.size()];
    }
}

/// Phases of the run's updates, seconds for all of its iterations: the engine's passes (profiled), the optimiser step.
struct Breakdown {
    ginn::detail::EngineProfile engine;
    double optimiser = 0, gemm_alone = 0;
};

Breakdown breakdown(const ginn::RunConfig& c, const ginn::Dataset& data) {
    using namespace ginn::detail;
    Breakdown b;
    const int n = c.train.batch;
    std::vector<float> params = ginn::init_params(c.model, c.train.seed), grad(params.size()), m(params.size()),
                       v(params.size());
    Engine e(c.model, n);
    fill_batch(e, data, n);
    std::vector<std::pair<int64_t, int64_t>> decayed, undecayed;
    for (const auto& L : e.layers()) {
        decayed.emplace_back(L.W, L.W + int64_t{L.n_out} * L.n_in);
        undecayed.emplace_back(L.b, L.b + L.n_out);
        if (L.gamma >= 0) undecayed.emplace_back(L.gamma, L.beta + L.n_out);
    }
    ginn::OptimSpec plain = c.optim;
    plain.weight_decay = 0;
    Rng rng(c.train.seed);
    e.set_profile(&b.engine);
    const auto wall0 = std::chrono::steady_clock::now();
    const double cpu0 = thread_seconds();
    for (int64_t it = 0; it < c.train.iterations; ++it) {
        e.forward_train(params.data(), n, c.model.dropout > 0 ? &rng : nullptr);
        e.backward(params.data(), grad.data());
        b.optimiser += ginn::bench::seconds([&] {
            optimizer_step(c.optim, c.optim.lr, it + 1, decayed, params.data(), grad.data(), m.data(), v.data());
            optimizer_step(plain, c.optim.lr, it + 1, undecayed, params.data(), grad.data(), m.data(), v.data());
            e.update_running_stats(params.data());
        });
    }
    e.set_profile(nullptr);
    // the phases are timed by the wall clock (cheap to read); scaled to this thread's CPU time on a busy machine
    const double scale = (thread_seconds() - cpu0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    for (double* x : {&b.engine.gemm_forward, &b.engine.dropout_mask, &b.engine.rows, &b.engine.loss,
                      &b.engine.rows_backward, &b.engine.weight_grad, &b.engine.gemm_backward, &b.optimiser})
        *x *= scale;
    // the GEMMs alone: the same engine without activations, batch norm or dropout (linear layers, fused path)
    ginn::ModelSpec linear = c.model;
    linear.activation = ginn::Activation::linear;
    linear.batch_norm = linear.residual = false;
    linear.dropout = 0;
    Engine g(linear, n);
    fill_batch(g, data, n);
    const std::vector<float> p_linear = ginn::init_params(linear, c.train.seed);
    EngineProfile gp;
    g.set_profile(&gp);
    const auto g_wall0 = std::chrono::steady_clock::now();
    const double g_cpu0 = thread_seconds();
    for (int64_t it = 0; it < c.train.iterations; ++it) {
        g.forward_train(p_linear.data(), n, nullptr);
        g.backward(p_linear.data(), grad.data());
    }
    const double g_scale = (thread_seconds() - g_cpu0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - g_wall0).count();
    b.gemm_alone = (gp.gemm_forward + gp.gemm_backward + gp.weight_grad) * g_scale;
    return b;
}

/// Seconds `ginn train` spends beside its updates: a real run into a scratch directory, seconds - train_seconds.
double snapshot_seconds(const ginn::RunConfig& c, const std::string& dir) {
    ginn::TrainOptions o;
    o.out = dir;
    o.force = true;
    ginn::train_run(c, o);
    const nlohmann::json m = nlohmann::json::parse(ginn::read_file(dir + "/manifest.json"));
    return m.at("seconds").get<double>() - m.at("train_seconds").get<double>();
}

int run(int argc, char** argv) {
    int repeats = 3;
    for (int k = 1; k + 1 < argc; k += 2)
        if (!std::strcmp(argv[k], "--repeats")) repeats = std::stoi(argv[k + 1]);
    std::printf("command: train_roofline_bench --repeats %d\n", repeats);
    std::printf("machine: %s, %ld cores online, 1 thread\n", ginn::bench::cpu_name().c_str(), sysconf(_SC_NPROCESSORS_ONLN));

    // 1. the core's fp32 FMA peak
    const double hz = clock_hz(200000);
    std::printf("clock: %.2f GHz (dependent integer adds; every time here is this thread's CPU time)\n", hz / 1e9);
    const Peak avx512 = measure_peak<vf16, 16>("AVX-512", 2 * repeats + 1, hz);
    const Peak avx2 = measure_peak<vf8, 8>("AVX2", 2 * repeats + 1, hz);
    const double peak = std::max(avx512.gflops, avx2.gflops);

    // 2. each run's update loop against the peak
    const std::string scratch = std::filesystem::temp_directory_path() / ("ginn-roofline-" + std::to_string(getpid()));
    std::printf("\n%-22s %10s %11s %9s %8s  (update loop alone, thread CPU seconds, median of %d)\n", "run", "GFLOP", "seconds", "GFLOP/s",
                "of peak", repeats);
    std::vector<ginn::RunConfig> configs;
    std::vector<ginn::Dataset> datasets;
    bool ok = true;
    for (const Pick& p : picks) {
        ginn::RunConfig c = pick_config(p);
        ginn::Dataset data = ginn::make_dataset(c.task);
        c.model.n_classes = data.n_classes;
        const double flops = ginn::bench::flops_per_iteration(c.model, c.train.batch) * double(c.train.iterations);
        const double s = update_loop_seconds(c, data, repeats, &ok);
        std::printf("%-22s %10.2f %11.4f %9.1f %7.0f%%\n", p.what, flops / 1e9, s, flops / s / 1e9, 100 * flops / s / 1e9 / peak);
        configs.push_back(c);
        datasets.push_back(std::move(data));
    }
    if (!ok) {
        std::printf("FAILED: a run's loss did not decrease\n");
        return 1;
    }

    // 3. where each run's time goes
    std::printf("\nCPU milliseconds per run by phase (engine profiled by the wall clock, scaled to CPU time; fused layers count activation and dropout multiply in "
                "the GEMMs;\n'GEMMs alone' = the same shapes with linear layers; 'ginn train adds' = snapshots' "
                "evaluations, states, writes)\n");
    std::printf("%-22s %8s %8s %8s %8s %8s %8s %8s %8s | %8s %8s\n", "run", "fwd GEMM", "dropout", "rows fwd", "loss",
                "rows bwd", "dW, db", "bwd GEMM", "optim", "GEMMs", "ginn adds");
    for (size_t k = 0; k < configs.size(); ++k) {
        const Breakdown b = breakdown(configs[k], datasets[k]);
        const double extra = snapshot_seconds(configs[k], scratch);
        const auto& e = b.engine;
        std::printf("%-22s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f | %8.2f %8.2f\n", picks[k].what,
                    1e3 * e.gemm_forward, 1e3 * e.dropout_mask, 1e3 * e.rows, 1e3 * e.loss, 1e3 * e.rows_backward,
                    1e3 * e.weight_grad, 1e3 * e.gemm_backward, 1e3 * b.optimiser, 1e3 * b.gemm_alone, 1e3 * extra);
    }
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const ginn::Error& e) {
        std::fprintf(stderr, "train_roofline_bench: %s\n", e.what());
        return 1;
    }
}
