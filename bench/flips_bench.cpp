// Benchmark: `ginn flips`'s search (closed-form score changes, certified margins) over every Fashion-MNIST test image
// and every pixel, beside the peer: re-classifying each changed image from scratch (timed on the first images and
// extrapolated to all, as it would take about n_features times longer). Checks correctness first: both find the same
// flips on the images the peer examines. Target: the whole search in at most 2 s (issue 12).
//
// usage: flips_bench [REPEATS] [PEER_IMAGES] [THREADS]   (defaults 5, 20, 0 = every core)
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "ginn/flips/flips.h"
#include "timing.h"

int main(int argc, char** argv) {
    using ginn::bench::median;
    using ginn::bench::seconds;
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const int peer_images = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
    const int threads = argc > 3 ? std::max(0, std::atoi(argv[3])) : 0;
    const std::string dir = ginn::fashion_mnist_dir;
    std::printf("command: flips_bench %d %d %d   (machine: %u hardware threads; data: %s)\n", repeats, peer_images, threads,
                std::thread::hardware_concurrency(), dir.c_str());
    ginn::GaussianNB nb;
    ginn::IdxImages test;
    std::vector<uint8_t> labels;
    const double load = seconds([&] {
        nb = ginn::fit_gaussian_nb(ginn::read_idx_images(dir + "/train-images-idx3-ubyte.gz"),
                                   ginn::read_idx_labels(dir + "/train-labels-idx1-ubyte.gz"));
        test = ginn::read_idx_images(dir + "/t10k-images-idx3-ubyte.gz");
        labels = ginn::read_idx_labels(dir + "/t10k-labels-idx1-ubyte.gz");
    });
    std::printf("read and fit: %.2f s (once; not part of the search)\n", load);

    // Correctness: the closed form equals brute-force re-classification on the first peer_images images.
    ginn::FlipsResult r = ginn::find_flips(nb, test, labels, {.limit = peer_images, .threads = threads});
    size_t next = 0;
    std::vector<double> peer_times;
    for (int i = 0; i < peer_images; ++i) {
        std::vector<ginn::Flip> brute;
        peer_times.push_back(seconds([&] { brute = ginn::find_flips_brute(nb, test.image(i)); }));
        std::vector<ginn::Flip> fast;
        if (next < r.images.size() && r.images[next].image == i) fast = r.images[next++].flips;
        if (fast != brute) {
            std::printf("MISMATCH on image %d: %zu flips by the closed form, %zu by re-classification\n", i, fast.size(),
                        brute.size());
            return 1;
        }
    }
    std::printf("check: the closed form and re-classification agree on the first %d images\n", peer_images);

    std::vector<double> times;
    for (int k = 0; k < repeats; ++k)
        times.push_back(seconds([&] { r = ginn::find_flips(nb, test, labels, {.threads = threads}); }));
    const double ours = median(times);
    double peer_sum = 0;
    for (double t : peer_times) peer_sum += t;
    const double peer = peer_sum / peer_images * double(test.n) / std::max(1, threads == 0 ? int(std::thread::hardware_concurrency()) : threads);
    std::printf("ginn flips search: %lld images x %d pixels x +-1: median %.3f s of %d (accuracy %.4f, %lld flipped, %lld flips, "
                "%lld exact decisions)\n",
                (long long)test.n, nb.n_features, ours, repeats, r.accuracy, (long long)r.n_flipped, (long long)r.n_flips,
                (long long)r.n_exact);
    std::printf("peer (re-classify every changed image): %.3f s per image on one thread -> about %.0f s for all %lld images "
                "on the same threads (extrapolated from %d images); ratio %.0fx\n",
                peer_sum / peer_images, peer, (long long)test.n, peer_images, peer / ours);
    std::printf("target: <= 2 s: %s\n", ours <= 2 ? "met" : "NOT met");
    return 0;
}
