// Benchmark of compute_geometry beside the GINN baseline (every neuron on a 200x200 grid, pixels where its state
// changes), on a trained-like 2-16-16-16-2 relu net, then the rows of issue 9's table: time, time per region, the
// raster's time and ratio, the exact (GMP) fallback's share and peak memory against width (16 to 256) and depth
// (3, 6), each row in its own process, with its target. Checks correctness before timing. Single-threaded.
// Not a test: it asserts nothing about time; tests/geometry_test.cpp holds the invariants.
// The table's rows are synthetic "trained-like" networks (below); issue 9's networks were trained, and a trained net
// of a shape can have far fewer or more regions (at width 64, 6.9k against the synthetic net's 11.3k): `run:DIR`
// rows take a run's final snapshot instead (bench/trained_geometry.sh trains the shapes and passes them).
//
// Usage: geometry_bench [repeats=200] [WIDTHxDEPTH | run:DIR ...]   (only those rows of the table)
//        geometry_bench profile WIDTHxDEPTH|run:DIR [repeats=5]   (the exact geometry alone, for perf and callgrind)
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ginn/core/error.h"
#include "ginn/geometry/geometry.h"
#include "ginn/run/run.h"
#include "raster_baseline.h"

namespace {

using Clock = std::chrono::steady_clock;

/// PyTorch's default init (weights and biases uniform in +-1/sqrt(fan_in)), then made "trained-like": weights
/// grown 3x with noise, and first-layer lines moved to pass through random points of the domain, as training does.
ginn::Network trained_like(int width, int depth, uint32_t seed) {
    std::mt19937 rng(seed);
    ginn::Network net;
    net.domain = {-1, 1, -1, 1};
    net.head = ginn::Head::softmax2;
    int n_in = 2;
    for (int l = 0; l <= depth; ++l) {
        const int n_out = l == depth ? 2 : width;
        const double bound = 1.0 / std::sqrt(double(n_in));
        std::uniform_real_distribution<double> uniform(-bound, bound);
        std::normal_distribution<double> noise(0.0, 0.5 * bound);
        ginn::DenseLayer L;
        L.W.resize(n_out, n_in);
        L.b.resize(n_out);
        for (Eigen::Index i = 0; i < L.W.size(); ++i) L.W(i) = 3.0 * uniform(rng) + noise(rng);
        for (Eigen::Index i = 0; i < L.b.size(); ++i) L.b(i) = uniform(rng);
        if (l == 0) {
            std::uniform_real_distribution<double> in_box(-0.9, 0.9);
            for (int i = 0; i < n_out; ++i) L.b(i) = -(L.W(i, 0) * in_box(rng) + L.W(i, 1) * in_box(rng));
        }
        L.activation = l == depth ? ginn::Activation::linear : ginn::Activation::relu;
        net.layers.push_back(std::move(L));
        n_in = n_out;
    }
    return net;
}

double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return 1e3 * double(t.tv_sec) + 1e-6 * double(t.tv_nsec);
}

double median(std::vector<double> t) {
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    return t[t.size() / 2];
}

/// Median wall time in ms; `cpu_ms`, when given, gets the median of this thread's CPU time (on a loaded machine the
/// wall clock also counts the time other processes hold the core).
template <typename F>
double median_ms(int repeats, F&& f, double* cpu_ms = nullptr) {
    std::vector<double> t, cpu;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        const double c0 = thread_cpu_ms();
        f();
        cpu.push_back(thread_cpu_ms() - c0);
        t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    if (cpu_ms) *cpu_ms = median(cpu);
    return median(t);
}

/// Correctness before timing: areas sum to the box, V - E + F = 1, each face's pattern matches a forward pass.
bool check(const ginn::Network& net) {
    const ginn::Geometry g = ginn::compute_geometry(net, {.regions = true});
    double area = 0;
    std::map<std::pair<double, double>, int> V;
    std::map<std::pair<int, int>, int> E;
    Eigen::MatrixXd C(g.regions.size(), 2);
    for (size_t f = 0; f < g.regions.size(); ++f) {
        const auto& P = g.regions[f].polygon;
        area += g.regions[f].area;
        C.row(f) = P.colwise().mean();
        for (Eigen::Index i = 0; i < P.rows(); ++i) {
            const Eigen::Index k = (i + 1) % P.rows();
            const int a = V.emplace(std::pair{P(i, 0), P(i, 1)}, int(V.size())).first->second;
            const int b = V.emplace(std::pair{P(k, 0), P(k, 1)}, int(V.size())).first->second;
            ++E[{std::min(a, b), std::max(a, b)}];
        }
    }
    std::vector<Eigen::MatrixXd> pre;
    ginn::forward(net, C, &pre);
    int64_t mismatched = 0;
    for (size_t f = 0; f < g.regions.size(); ++f) {
        int bit = 0;
        for (const auto& Z : pre)
            for (Eigen::Index j = 0; j < Z.cols(); ++j, ++bit)
                mismatched += std::abs(Z(f, j)) > 1e-9 && (Z(f, j) > 0) != (g.regions[f].pattern[bit] == 1);
    }
    const int64_t euler = int64_t(V.size()) - int64_t(E.size()) + int64_t(g.regions.size());
    const bool ok = std::abs(area - net.domain.area()) < 1e-9 * net.domain.area() && euler == 1 && mismatched == 0;
    std::printf("check: %lld faces, area sum %.15g (box %g), V - E + F = %lld, pattern mismatches %lld: %s\n",
                (long long)g.regions.size(), area, net.domain.area(), (long long)euler, (long long)mismatched,
                ok ? "ok" : "FAILED");
    return ok;
}

/// The final snapshot of a run directory (a trained network), or exit with the library's error line.
ginn::Network final_snapshot(const std::string& dir) {
    try {
        const ginn::Run run = ginn::Run::open(dir);
        return run.network(run.n_snapshots() - 1);
    } catch (const ginn::Error& e) {
        std::fprintf(stderr, "geometry_bench: %s\n", e.what());
        std::exit(1);
    }
}

std::string cpu_name() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

/// The exact geometry of one shape (or a run's final snapshot) alone, repeated: a clean profile, without the raster
/// or the checks.
int profile(const std::string& shape, int repeats) {
    int w = 0, d = 0;
    ginn::Network net;
    if (shape.rfind("run:", 0) == 0) {
        net = final_snapshot(shape.substr(4));
    } else if (std::sscanf(shape.c_str(), "%dx%d", &w, &d) != 2 || w < 1 || w > 4096 || d < 1 || d > 64) {
        std::fprintf(stderr, "geometry_bench profile: '%s' is neither WIDTHxDEPTH (e.g. 128x3) nor run:DIR\n",
                     shape.c_str());
        return 2;
    } else {
        net = trained_like(w, d, 2);
    }
    ginn::Geometry g;
    double t_cpu = 0;
    const double t = median_ms(repeats, [&] { g = ginn::compute_geometry(net); }, &t_cpu);
    std::printf("%s: %lld regions, median of %d: %.3f ms wall, %.3f ms CPU (%.3f us/region CPU)\n", shape.c_str(),
                (long long)g.counts.activation, repeats, t, t_cpu, 1e3 * t_cpu / double(g.counts.activation));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2 && std::string(argv[1]) == "profile") return profile(argv[2], argc > 3 ? std::max(1, std::atoi(argv[3])) : 5);
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
    // The rows of issue 9's table with its targets (0: none): time of one geometry, peak memory, raster ratio.
    struct Row {
        int width, depth;
        double target_ms, target_mb, target_ratio;
        std::optional<ginn::Network> trained = {};  // a run's final snapshot instead of the synthetic net of this shape
    };
    std::vector<Row> rows = {{16, 3, 0.35, 0, 0},    {32, 3, 0, 0, 0},       {64, 3, 8, 0, 0},
                             {128, 3, 60, 0, 10},    {256, 3, 200, 300, 0},  {128, 6, 1000, 500, 0}};
    if (argc > 2) {  // WIDTHxDEPTH arguments: only those rows (with the table's target when it has the row)
        const std::vector<Row> table = rows;
        rows.clear();
        for (int a = 2; a < argc; ++a) {
            int w = 0, d = 0;
            std::optional<ginn::Network> trained;
            if (std::string(argv[a]).rfind("run:", 0) == 0) {
                trained = final_snapshot(argv[a] + 4);
                const ginn::Network& net = *trained;
                d = net.n_hidden_layers();
                w = static_cast<int>(net.layers.front().n_out());
                for (int l = 1; l < d; ++l) w = std::max(w, static_cast<int>(net.layers[l].n_out()));
            } else if (std::sscanf(argv[a], "%dx%d", &w, &d) != 2 || w < 1 || w > 4096 || d < 1 || d > 64) {
                std::fprintf(stderr, "geometry_bench: '%s' is neither WIDTHxDEPTH (e.g. 128x3) nor run:DIR\n", argv[a]);
                return 2;
            }
            Row row{w, d, 0, 0, 0, {}};
            for (const Row& t : table)
                if (t.width == w && t.depth == d) row = t;
            row.trained = std::move(trained);
            rows.push_back(row);
        }
    }
    utsname u{};
    uname(&u);
    std::string command = argv[0];
    for (int a = 1; a < argc; ++a) command += std::string(" ") + argv[a];
    std::printf("command: %s\nmachine: %s, %s %s, single thread, median of %d\n\n", command.c_str(),
                cpu_name().c_str(), u.sysname, u.release, repeats);

    // 1. The default GINN network (2-16-16-16-2 relu), exact geometry vs the 200x200 grid baseline.
    const ginn::Network net = trained_like(16, 3, 1);
    if (!check(net)) return 1;
    ginn::Geometry g;
    const double t_exact = median_ms(repeats, [&] { g = ginn::compute_geometry(net); });
    int64_t marked = 0;
    const double t_grid = median_ms(repeats, [&] { marked = bench::ginn_raster_baseline(net, 200); });
    size_t n_polylines = 0;
    for (const auto& nb : g.neurons) n_polylines += nb.polylines.size();
    std::printf("\n2-16-16-16-2 relu (trained-like): %lld activation regions, %lld linear, per layer %lld/%lld/%lld, "
                "%zu neuron polylines, %zu decision polylines\n",
                (long long)g.counts.activation, (long long)g.counts.linear, (long long)g.counts.per_layer[0],
                (long long)g.counts.per_layer[1], (long long)g.counts.per_layer[2], n_polylines,
                g.decision_boundary.size());
    std::printf("exact fallback: %lld of %lld decisions and vertex placements in GMP rationals (%.4f%%)\n",
                (long long)g.n_exact_decisions, (long long)g.n_decisions,
                100.0 * double(g.n_exact_decisions) / double(std::max<int64_t>(1, g.n_decisions)));
    std::printf("%-42s %10s\n", "method", "ms/snapshot");
    std::printf("%-42s %10.3f\n", "ginn exact geometry (48 neurons + decision)", t_exact);
    std::printf("%-42s %10.3f   (%lld marked pixels)\n", "GINN baseline, 200x200 grid", t_grid, (long long)marked);
    std::printf("ratio baseline / exact: %.1fx; exact: %.0f regions per second\n\n", t_grid / t_exact,
                g.counts.activation / (t_exact * 1e-3));

    // 2. Time and peak memory against width and depth, each configuration in its own process (fork) so that its
    // peak resident set is its own.
    for (int width : {16, 32, 64})
        if (!check(trained_like(width, 3, 2))) return 1;
    std::printf("\n%-7s %-5s %-8s %9s %10s %10s %10s %9s %9s %10s %9s   %s\n", "width", "depth", "net", "regions",
                "exact ms", "us/region", "grid ms", "grid/ex", "exact %", "peak MB", "(at fork)",
                "target (met?)   [CPU ms: exact, grid]");
    std::fflush(stdout);
    for (const Row& row : rows) {
        const pid_t child = fork();
        if (child == 0) {
            const ginn::Network w = row.trained ? *row.trained : trained_like(row.width, row.depth, 2);
            const int reps = std::max(3, repeats * 16 / (row.width * row.depth * row.width / 48));
            ginn::Geometry gw;
            rusage ru{};
            getrusage(RUSAGE_SELF, &ru);
            const double start_mb = double(ru.ru_maxrss) / 1024.0;  // inherited from the parent at fork
            double t_cpu = 0, tg_cpu = 0;
            const double t = median_ms(reps, [&] { gw = ginn::compute_geometry(w); }, &t_cpu);
            getrusage(RUSAGE_SELF, &ru);  // peak of the exact geometry alone, before the raster runs
            const double peak_mb = double(ru.ru_maxrss) / 1024.0;
            const double tg = median_ms(std::max(3, reps / 4), [&] { bench::ginn_raster_baseline(w, 200); }, &tg_cpu);
            // Targets are judged on CPU time: the geometry is single-threaded, and on a shared machine the wall clock
            // also counts the time other processes hold the core (the two agree on an idle one).
            std::string target;
            bool met = true;
            char part[64];
            if (row.target_ms > 0) {
                std::snprintf(part, sizeof part, "<= %g ms", row.target_ms);
                target += part;
                met = met && t_cpu <= row.target_ms;
            }
            if (row.target_mb > 0) {
                std::snprintf(part, sizeof part, ", <= %g MB", row.target_mb);
                target += part;
                met = met && peak_mb <= row.target_mb;
            }
            if (row.target_ratio > 0) {
                std::snprintf(part, sizeof part, ", >= %gx the grid", row.target_ratio);
                target += part;
                met = met && tg_cpu / t_cpu >= row.target_ratio;
            }
            std::printf("%-7d %-5d %-8s %9lld %10.3f %10.3f %10.3f %9.1f %9.4f %10.1f %9.1f   %s   [%.3f, %.3f]\n",
                        row.width, row.depth, row.trained ? "trained" : "synth", (long long)gw.counts.activation, t, 1e3 * t / double(gw.counts.activation), tg, tg / t,
                        100.0 * double(gw.n_exact_decisions) / double(std::max<int64_t>(1, gw.n_decisions)),
                        peak_mb, start_mb, target.empty() ? "-" : (target + (met ? " (met)" : " (NOT met)")).c_str(),
                        t_cpu, tg_cpu);
            std::fflush(stdout);
            // A run's network is checked here, after its peak was read (ru_maxrss is inherited across fork).
            const bool ok = !row.trained || check(w);
            std::fflush(stdout);
            _exit(ok ? 0 : 1);
        }
        int status = 0;
        waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    }
    return 0;
}
