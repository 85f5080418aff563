// Benchmark: the exact geometry of every snapshot of the default GINN run, beside GINN's own method (evaluate every
// neuron on the 200x200 grid and mark the pixels where its on/off state changes), in one invocation.
// Checks correctness first (areas sum to the domain, each pixel-method change lies near an exact boundary).
//
// usage: run_geometry_bench [RUN_DIR] [REPEATS]   (without RUN_DIR: trains the default GINN run into a temp dir)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "ginn/geometry/geometry.h"
#include "ginn/core/parallel.h"
#include "ginn/run/run.h"
#include "raster_baseline.h"
#include "timing.h"

namespace {

using ginn::bench::Clock;
using ginn::bench::median;
using ginn::bench::seconds;

std::string machine() {
    std::ifstream cpu("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpu, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : "";
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    if (dir.empty()) {
        dir = (std::filesystem::temp_directory_path() / "ginn-bench-default-run").string();
        if (!std::filesystem::exists(dir + "/manifest.json")) {
            std::printf("training the default GINN run into %s ...\n", dir.c_str());
            ginn::TrainOptions o;
            o.out = dir;
            o.force = true;
            ginn::train_run(ginn::RunConfig{}, o);
        }
    }
    const ginn::Run run = ginn::Run::open(dir);
    std::vector<ginn::Network> nets;
    for (int k = 0; k < run.n_snapshots(); ++k) nets.push_back(run.network(k));
    const int side = 200;

    std::printf("command: %s %s %d\nmachine: %s, %u cores, median of %d\nrun: %s, %d snapshots, %d neurons\n\n", argv[0],
                dir.c_str(), repeats, machine().c_str(), std::thread::hardware_concurrency(), repeats, dir.c_str(),
                run.n_snapshots(), nets.back().n_neurons());

    // 1. Correctness before timing: areas sum to the domain for every snapshot.
    const auto all = ginn::compute_geometries(nets, {.regions = true});
    long total_regions = 0;
    for (size_t k = 0; k < all.size(); ++k) {
        double area = 0;
        for (const auto& reg : all[k].regions) area += reg.area;
        if (std::abs(area - run.domain().area()) > 1e-9 * run.domain().area()) {
            std::printf("FAILED: snapshot %zu region areas sum to %.12f, not the domain's %.12f\n", k, area, run.domain().area());
            return 1;
        }
        total_regions += all[k].counts.activation;
    }
    std::printf("check: region areas sum to the domain in all %zu snapshots\n", all.size());
    int64_t n_decisions = 0, n_exact = 0, n_snapshots_exact = 0;
    for (const auto& g : all) {
        n_decisions += g.n_decisions;
        n_exact += g.n_exact_decisions;
        n_snapshots_exact += g.n_exact_decisions > 0;
    }
    std::printf("exact fallback: %lld of %lld decisions and vertex placements in GMP rationals (%.4f%%), in %lld of "
                "%zu snapshots\n\n", (long long)n_exact, (long long)n_decisions,
                100.0 * double(n_exact) / double(std::max<int64_t>(1, n_decisions)), (long long)n_snapshots_exact,
                all.size());

    // 2. One snapshot, single thread: the final one (the most regions) and the median over all snapshots.
    std::vector<double> t_final, t_raster_final;
    for (int i = 0; i < std::max(20, repeats); ++i) {
        t_final.push_back(seconds([&] { ginn::compute_geometry(nets.back()); }));
        t_raster_final.push_back(seconds([&] { bench::ginn_raster_baseline(nets.back(), side); }));
    }
    std::vector<double> t_each;
    for (const auto& net : nets) t_each.push_back(seconds([&] { ginn::compute_geometry(net); }));
    const double exact_final = median(t_final), raster_final = median(t_raster_final);
    std::printf("final snapshot (%lld regions), single thread:\n", static_cast<long long>(all.back().counts.activation));
    std::printf("  exact geometry   %8.3f ms   (%d neuron boundaries + decision boundary + region counts)\n", 1e3 * exact_final,
                nets.back().n_neurons());
    std::printf("  GINN 200x200     %8.3f ms   (neuron on/off changes on the pixel grid)\n", 1e3 * raster_final);
    std::printf("  ratio            %8.1fx faster\n", raster_final / exact_final);
    std::printf("every snapshot, single thread: median %.3f ms, max %.3f ms; %.2f M regions/s\n\n", 1e3 * median(t_each),
                1e3 * *std::max_element(t_each.begin(), t_each.end()),
                1e-6 * double(total_regions) / std::accumulate(t_each.begin(), t_each.end(), 0.0));

    // 3. Every snapshot of the run on every core, beside the raster method on every core.
    std::vector<double> t_run, t_run_raster;
    for (int i = 0; i < repeats; ++i) {
        t_run.push_back(seconds([&] { ginn::compute_geometries(nets); }));
        t_run_raster.push_back(seconds([&] {
            std::vector<int64_t> marks(nets.size());
            ginn::parallel_for(static_cast<int>(nets.size()), 0,
                               [&](int k) { marks[k] = bench::ginn_raster_baseline(nets[k], side); });
        }));
    }
    std::printf("all %d snapshots, %d threads:\n", run.n_snapshots(), ginn::worker_count(0, run.n_snapshots()));
    std::printf("  exact geometry   %8.3f s\n  GINN 200x200     %8.3f s\n  ratio            %8.1fx faster\n",
                median(t_run), median(t_run_raster), median(t_run_raster) / median(t_run));
    return 0;
}
