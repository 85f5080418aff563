// `ginn flips`: Fishbein & Debata's naive Bayes experiment (one-pixel flips) on MNIST-format files.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "ginn/flips/flips.h"

namespace ginn::app {

namespace {
struct FlipsFlags {
    std::string out = "flips.json", figure;
    long long limit = -1;
    int threads = 0;
    std::string train_images = std::string(fashion_mnist_dir) + "/train-images-idx3-ubyte.gz";
    std::string train_labels = std::string(fashion_mnist_dir) + "/train-labels-idx1-ubyte.gz";
    std::string test_images = std::string(fashion_mnist_dir) + "/t10k-images-idx3-ubyte.gz";
    std::string test_labels = std::string(fashion_mnist_dir) + "/t10k-labels-idx1-ubyte.gz";
};

/// FILE.json -> FILE.png beside it.
std::string figure_path(const std::string& report) {
    std::filesystem::path p(report);
    return p.replace_extension(".png").string();
}

void run_flips(const FlipsFlags& f) {
    const auto start = std::chrono::steady_clock::now();
    const IdxImages train = read_idx_images(f.train_images);
    const GaussianNB nb = fit_gaussian_nb(train, read_idx_labels(f.train_labels));
    const IdxImages test = read_idx_images(f.test_images);
    const FlipsResult r = find_flips(nb, test, read_idx_labels(f.test_labels), {.limit = f.limit, .threads = f.threads});
    const std::string figure = f.figure.empty() ? figure_path(f.out) : f.figure;
    write_flips_report(r, nb, {f.train_images, f.train_labels, f.test_images, f.test_labels}, f.out);
    if (!r.images.empty()) write_flips_figure(r, test, figure);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[512];
    std::snprintf(line, sizeof line,
                  "flips: naive Bayes accuracy %.4f on %lld test images; %lld of the first %lld flip with one pixel "
                  "+-1 (%lld flips); %s%s%s (%.1f s)\n",
                  r.accuracy, (long long)r.n_test, (long long)r.n_flipped, (long long)r.n_examined, (long long)r.n_flips,
                  f.out.c_str(), r.images.empty() ? "" : ", ", r.images.empty() ? "" : figure.c_str(), seconds);
    std::cout << line;
}
}  // namespace

void add_flips_command(CLI::App& app) {
    auto f = std::make_shared<FlipsFlags>();
    CLI::App* cmd = app.add_subcommand(
        "flips", "Fishbein & Debata's experiment: train Gaussian naive Bayes (as scikit-learn's GaussianNB) on MNIST-format\n"
                 "files and find the test images whose prediction flips when one pixel changes by +1 or -1, exactly.\n"
                 "Default data: Debian's dataset-fashion-mnist (MNIST itself is not packaged by Debian). See docs/flips.md.");
    cmd->add_option("-o,--out", f->out, "The JSON report")->capture_default_str();
    cmd->add_option("--figure", f->figure, "PNG of a few flipped pairs (default: the report's name with .png)");
    cmd->add_option("--limit", f->limit, "Search the first N test images for flips (default: all)")->check(in_range(0, 1e7));
    cmd->add_option("--threads", f->threads, "Worker threads (0 = every core)")->check(in_range(0, 1024));
    cmd->add_option("--train-images", f->train_images, "Training images (idx3-ubyte, plain or .gz)")->capture_default_str();
    cmd->add_option("--train-labels", f->train_labels, "Training labels (idx1-ubyte, plain or .gz)")->capture_default_str();
    cmd->add_option("--test-images", f->test_images, "Test images (idx3-ubyte, plain or .gz)")->capture_default_str();
    cmd->add_option("--test-labels", f->test_labels, "Test labels (idx1-ubyte, plain or .gz)")->capture_default_str();
    cmd->callback([f] { run_flips(*f); });
}

}  // namespace ginn::app
