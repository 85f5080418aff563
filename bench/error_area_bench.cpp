// Benchmark: the exact error area against each formula truth for GINN-sized nets (2-16-16-16-2 ReLU, He-normal init,
// optionally a trained run), beside the sampling peer (a 2000 x 2000 grid of cell centres). Checks correctness first:
// exact and sampled areas agree within the grid's sampling error. Target: 5 ms per run (issue 11).
//
// usage: error_area_bench [RUN_DIR] [REPEATS]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ginn/model/model.h"
#include "ginn/run/run.h"
#include "ginn/study/truth.h"
#include "timing.h"

namespace {

using ginn::bench::Clock;
using ginn::bench::median;
using ginn::bench::seconds;

/// The peer: the misclassified fraction of an n x n grid of cell centres.
double grid_error(const ginn::Network& net, const std::string& target, int n) {
    int64_t wrong = 0;
    Eigen::MatrixXd X(n, 2);  // one row of cell centres, n by 2
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) X.row(i) << -2 + 4 * (i + 0.5) / n, -2 + 4 * (j + 0.5) / n;
        const Eigen::VectorXd v = ginn::decision_value(net, X);
        for (int i = 0; i < n; ++i) wrong += (v(i) > 0) != (ginn::formula_value(target, X(i, 0), X(i, 1)) > 0);
    }
    return static_cast<double>(wrong) / (double(n) * n);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "";
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    std::vector<std::pair<std::string, ginn::Network>> nets;
    ginn::ModelSpec spec;
    spec.widths = {16, 16, 16};
    spec.init = ginn::Init::he_normal;
    for (uint64_t seed = 1; seed <= 3; ++seed)
        nets.emplace_back("2-16-16-16-2 init seed " + std::to_string(seed),
                          ginn::to_network(spec, ginn::init_params(spec, seed), {-2, 2, -2, 2}));
    if (!dir.empty()) {
        const ginn::Run run = ginn::Run::open(dir);
        nets.emplace_back(dir + " (final)", run.network(run.n_snapshots() - 1));
    }
    std::printf("command: error_area_bench %s %d\n", dir.c_str(), repeats);
    std::printf("%-40s %-12s %10s %10s %12s %12s %8s\n", "net", "truth", "exact", "grid2000", "exact ms", "grid ms", "ratio");
    int bad = 0;
    for (const auto& [name, net] : nets)
        for (const std::string target : {"y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)"}) {
            const double exact = ginn::error_area(net, target).fraction;
            const double grid = grid_error(net, target, 2000);
            if (std::abs(exact - grid) > 5e-4) ++bad;  // a 2000^2 grid is good to ~1e-4 here
            std::vector<double> t_exact, t_grid;
            for (int r = 0; r < repeats; ++r) {
                t_exact.push_back(seconds([&] { ginn::error_area(net, target); }));
                t_grid.push_back(seconds([&] { grid_error(net, target, 2000); }));
            }
            const double me = median(t_exact), mg = median(t_grid);
            std::printf("%-40s %-12s %10.6f %10.6f %12.3f %12.1f %7.0fx\n", name.c_str(), target.c_str(), exact, grid,
                        1e3 * me, 1e3 * mg, mg / me);
        }
    if (bad) std::printf("CHECK FAILED: %d exact areas differ from the grid by more than 5e-4\n", bad);
    else std::printf("check: every exact area within 5e-4 of the 2000^2 grid (medians of %d)\n", repeats);
    return bad ? 1 : 0;
}
