// Benchmark of `ginn analyze`: analyze() on a run (a directory given as argument, else an in-memory run the size of
// the default GINN run: bottle 200x200, 16x16x16 ReLU, the 431-snapshot "ginn" schedule). Not a test.
// Checks first that one and two threads give the same report, then prints the median of N timings of each.
//
//   build-ana/bench/analysis_bench [RUN_DIR] [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ginn/analysis/analysis.h"
#include "ginn/train/config.h"
#include "ginn/model/model.h"
#include "ginn/run/run.h"
#include "ginn/train/schedule.h"

namespace {

/// Parameters that drift like a training run: init plus a random walk whose steps shrink over the schedule,
/// with weights growing so that later snapshots have more regions (as trained networks do).
ginn::Run synthetic_run() {
    ginn::RunConfig c;  // defaults: the GINN experiment
    const auto its = ginn::snapshot_iterations(c.snapshots, c.train.iterations);
    std::vector<float> p = ginn::init_params(c.model, /*seed=*/1);
    std::mt19937 rng(5);
    std::normal_distribution<float> nd(0, 1);
    std::vector<ginn::SnapshotInfo> snaps;
    std::vector<std::vector<float>> params;
    for (size_t k = 0; k < its.size(); ++k) {
        const float step = 0.03f / std::sqrt(1.0f + static_cast<float>(k));
        for (float& v : p) v = v * 1.004f + step * nd(rng);
        ginn::SnapshotInfo s;
        s.iteration = its[k];
        s.loss = 0.7 / (1 + 0.01 * k);
        s.accuracy = 0.5;
        snaps.push_back(s);
        params.push_back(p);
    }
    return ginn::Run::in_memory(c, snaps, params, ginn::make_dataset(c.task), "synthetic-ginn-default");
}

double seconds_of(const std::vector<const ginn::Run*>& runs, const ginn::AnalysisOptions& o, nlohmann::json* out) {
    const auto t0 = std::chrono::steady_clock::now();
    const ginn::AnalysisReport rep = ginn::analyze(runs, o);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (out) {
        *out = ginn::analysis_to_json(rep);
        for (auto& r : (*out)["runs"]) r.erase("seconds");
    }
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string dir = argc > 1 ? argv[1] : "";
        const int n = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
        const ginn::Run run = dir.empty() ? synthetic_run() : ginn::Run::open(dir);
        std::printf("command: %s %s %d\n", argv[0], dir.empty() ? "(in-memory default-size run)" : dir.c_str(), n);
        std::printf("machine: %u hardware threads\n", std::thread::hardware_concurrency());
        std::printf("run: %s, %d snapshots, %d hidden neurons\n", run.dir().c_str(), run.n_snapshots(),
                    run.network(0).n_neurons());

        // Correctness first: the report does not depend on the number of threads.
        ginn::AnalysisOptions o1, o2;
        o1.threads = 1;
        o2.threads = 2;
        nlohmann::json j1, j2;
        std::vector<double> t1, t2;
        t1.push_back(seconds_of({&run}, o1, &j1));
        t2.push_back(seconds_of({&run}, o2, &j2));
        if (j1.dump() != j2.dump()) {  // as written: NaN (no boundary to mirror) is null on both sides, yet NaN != NaN
            std::fprintf(stderr, "FAIL: reports differ between 1 and 2 threads\n");
            return 1;
        }
        const auto& r = j1["runs"][0];
        int with_role = 0;
        for (const auto& role : r["roles"]) with_role += role["feature"].back().get<int>() >= 0;
        std::printf("check: 1 and 2 threads agree; final regions %s, dead %s, copy groups %zu, unmodelled parts %s, "
                    "neurons with a role %d, events %zu\n",
                    r["regions"]["activation"].back().dump().c_str(), r["dead"]["n_dead"].back().dump().c_str(),
                    r["copycat"]["groups"].size(), r["failure"]["unmodelled_at_end"].dump().c_str(), with_role,
                    r["events"].size());
        for (int i = 1; i < n; ++i) {
            t1.push_back(seconds_of({&run}, o1, nullptr));
            t2.push_back(seconds_of({&run}, o2, nullptr));
        }
        std::printf("analyze, 1 thread : median %.3f s of %d\n", median(t1), n);
        std::printf("analyze, 2 threads: median %.3f s of %d (speed-up %.2fx; budget 5 s)\n", median(t2), n,
                    median(t1) / median(t2));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
