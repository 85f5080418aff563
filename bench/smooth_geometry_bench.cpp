// Benchmark of compute_geometry for smooth activations against the same-shaped ReLU network: the geometry alone,
// where ReLU's is exact and takes ~0.1 ms a snapshot (issue 10's 10x target was stated on the commands, `ginn view`
// and `ginn analyze`: bench/smooth_view_bench.sh). Times the final snapshot (median of N) and every snapshot in
// turn (median of N passes, one thread) of a tanh run and a ReLU run, and prints the ratios. Without runs it builds
// trained-like 2-16-16-16-2 networks (tanh and ReLU with the same weights) as 20 "snapshots". Checks before timing
// that every tanh boundary point lies near its function's zero set. Not a test: it asserts nothing about time.
//
// Usage: smooth_geometry_bench [repeats=5] [TANH_RUN RELU_RUN]
#include <sys/utsname.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "ginn/geometry/geometry.h"
#include "ginn/run/run.h"
#include "timing.h"

namespace {

/// PyTorch's default init with weights grown 3x and first-layer lines through random points of [-1, 1]^2.
ginn::Network trained_like(ginn::Activation act, uint32_t seed) {
    std::mt19937 rng(seed);
    ginn::Network net;
    net.domain = {-1, 1, -1, 1};
    int n_in = 2;
    for (int l = 0; l <= 3; ++l) {
        const int n_out = l == 3 ? 2 : 16;
        const double bound = 1.0 / std::sqrt(double(n_in));
        std::uniform_real_distribution<double> uniform(-bound, bound), in_box(-0.9, 0.9);
        ginn::DenseLayer L;
        L.W.resize(n_out, n_in);
        L.b.resize(n_out);
        for (Eigen::Index i = 0; i < L.W.size(); ++i) L.W(i) = 3.0 * uniform(rng);
        for (Eigen::Index i = 0; i < L.b.size(); ++i) L.b(i) = uniform(rng);
        if (l == 0)
            for (int i = 0; i < n_out; ++i) L.b(i) = -(L.W(i, 0) * in_box(rng) + L.W(i, 1) * in_box(rng));
        L.activation = l == 3 ? ginn::Activation::linear : act;
        net.layers.push_back(std::move(L));
        n_in = n_out;
    }
    return net;
}

std::vector<ginn::Network> snapshots(const std::string& dir, ginn::Activation act) {
    std::vector<ginn::Network> nets;
    if (dir.empty()) {
        for (uint32_t s = 0; s < 20; ++s) nets.push_back(trained_like(act, 100 + s));
        return nets;
    }
    const ginn::Run run = ginn::Run::open(dir);
    for (int k = 0; k < run.n_snapshots(); ++k) nets.push_back(run.network(k));
    return nets;
}

/// Largest |z| / |grad z| over the neuron boundary points of g (distance to the zero set to first order).
double worst_distance(const ginn::Network& net, const ginn::Geometry& g) {
    double worst = 0;
    const double h = 1e-7;
    for (const auto& nb : g.neurons)
        for (const auto& P : nb.polylines) {
            std::vector<Eigen::MatrixXd> pre, px, py;
            ginn::forward(net, P, &pre);
            ginn::forward(net, P.rowwise() + Eigen::RowVector2d(h, 0), &px);
            ginn::forward(net, P.rowwise() + Eigen::RowVector2d(0, h), &py);
            const int l = nb.layer - 1, j = nb.index - 1;
            for (Eigen::Index i = 0; i < P.rows(); ++i) {
                const double gx = (px[l](i, j) - pre[l](i, j)) / h, gy = (py[l](i, j) - pre[l](i, j)) / h;
                worst = std::max(worst, std::abs(pre[l](i, j)) / std::max(std::hypot(gx, gy), 1e-12));
            }
        }
    return worst;
}

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const std::string tanh_dir = argc > 3 ? argv[2] : "", relu_dir = argc > 3 ? argv[3] : "";
    utsname u{};
    uname(&u);
    std::printf("command: smooth_geometry_bench %d %s %s\nmachine: %s %s, one thread, median of %d\n", repeats,
                tanh_dir.c_str(), relu_dir.c_str(), u.nodename, u.machine, repeats);
    const auto tanh_nets = snapshots(tanh_dir, ginn::Activation::tanh);
    const auto relu_nets = snapshots(relu_dir, ginn::Activation::relu);
    const ginn::Geometry g = ginn::compute_geometry(tanh_nets.back());
    const double worst = worst_distance(tanh_nets.back(), g);
    const double tolerance = ginn::GeometryOptions{}.tolerance * 2 * std::max(g.domain.width(), g.domain.height());
    std::printf("check: tanh final snapshot, %zu neurons, worst neuron-point distance %.2e (bound %.2e) %s\n",
                g.neurons.size(), worst, tolerance, worst <= tolerance ? "ok" : "FAILED");
    if (g.exact || !(worst <= tolerance)) return 1;

    auto time_final = [&](const std::vector<ginn::Network>& nets) {
        std::vector<double> t;
        for (int r = 0; r < repeats; ++r) t.push_back(ginn::bench::seconds([&] { ginn::compute_geometry(nets.back()); }));
        return ginn::bench::median(t);
    };
    auto time_all = [&](const std::vector<ginn::Network>& nets) {
        std::vector<double> t;
        for (int r = 0; r < repeats; ++r)
            t.push_back(ginn::bench::seconds([&] {
                for (const auto& net : nets) ginn::compute_geometry(net);
            }));
        return ginn::bench::median(t);
    };
    const double tf = time_final(tanh_nets), rf = time_final(relu_nets);
    std::printf("final snapshot: tanh %.2f ms, relu %.2f ms, ratio %.1fx\n", 1e3 * tf, 1e3 * rf,
                tf / rf);
    const double ta = time_all(tanh_nets), ra = time_all(relu_nets);
    std::printf("all %zu snapshots: tanh %.3f s, relu %.3f s, ratio %.1fx\n", tanh_nets.size(), ta,
                ra, ta / ra);
    return 0;
}
