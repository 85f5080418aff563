// The C++ side of bench/python_geometry_bench.py: compute_geometry on one weights file, repeated, median printed
// as "cpp_median_seconds S" for the Python driver to compare with ginn.geometry. Checks the geometry is exact first.
// Not a benchmark of its own: run the .py driver, which prints the command, the machine and the ratio.
//
// Usage: python_geometry_bench WEIGHTS.json [repeats=50]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ginn/geometry/geometry.h"
#include "timing.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: python_geometry_bench WEIGHTS.json [repeats=50]\n");
        return 2;
    }
    try {
        const ginn::Network net = ginn::load_network_json(argv[1]);
        const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 50;
        const ginn::Geometry g = ginn::compute_geometry(net);
        if (!g.exact || g.counts.linear < 1) {
            std::fprintf(stderr, "python_geometry_bench: expected an exact relu network\n");
            return 1;
        }
        std::vector<double> times;
        for (int r = 0; r < repeats; ++r) times.push_back(ginn::bench::seconds([&] { (void)ginn::compute_geometry(net); }));
        std::printf("cpp_linear_regions %lld\ncpp_median_seconds %.6f\n", static_cast<long long>(g.counts.linear),
                    ginn::bench::median(times));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "python_geometry_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
