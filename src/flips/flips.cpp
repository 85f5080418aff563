// The one-pixel flip search: closed-form score changes with certified margins, the brute-force reference, and the
// report and figure writers. Not the model (naive_bayes.cpp).
#include "ginn/flips/flips.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/core/parallel.h"

// libstb's PNG encoder (Debian's libstb-dev); the header declares it only in its implementation section.
extern "C" unsigned char* stbi_write_png_to_mem(const unsigned char* pixels, int stride_bytes, int x, int y, int n,
                                                int* out_len);

namespace ginn {

namespace {

constexpr double unit_roundoff = 0x1p-53;

/// The class index of a label value, or -1 for a label the model never saw.
int class_of(const GaussianNB& nb, int label) {
    const auto it = std::lower_bound(nb.classes.begin(), nb.classes.end(), label);
    return it != nb.classes.end() && *it == label ? int(it - nb.classes.begin()) : -1;
}

/// The flips of one image. s: the k class scores in double, err: their certified error bounds.
std::vector<Flip> image_flips(const GaussianNB& nb, const uint8_t* x, int predicted, const std::vector<double>& s,
                              double err, int64_t& n_exact) {
    const int k = nb.n_classes;
    double s_abs = 0;
    for (double v : s) s_abs = std::max(s_abs, std::abs(v));
    std::vector<Flip> flips;
    std::vector<double> a(k), moved(k);  // a_c = 2 H(j,c) (x_j - theta(j,c)); moved: the changed image's scores
    for (int j = 0; j < nb.n_features; ++j) {
        const double* theta = &nb.theta(j, 0);
        const double* H = &nb.H(j, 0);
        double step_abs = 0;
        for (int c = 0; c < k; ++c) {
            a[c] = 2 * H[c] * (x[j] - theta[c]);
            step_abs = std::max(step_abs, std::abs(a[c]) + H[c]);
        }
        // S_c(x + s e_j) = S_c(x) - s a_c - H(j,c) exactly; a_c carries <= 2u relative error, the two additions
        // <= u each of the operands' size. Doubled for margin, so |moved_c - exact| <= bound for every class.
        const double bound = err + 8 * unit_roundoff * (s_abs + step_abs);
        for (int sign : {-1, +1}) {
            if (int(x[j]) + sign < 0 || int(x[j]) + sign > 255) continue;
            int best = 0;
            double runner_up = -std::numeric_limits<double>::infinity();
            for (int c = 0; c < k; ++c) {
                moved[c] = s[c] - sign * a[c] - H[c];
                if (c == 0) continue;
                if (moved[c] > moved[best]) {
                    runner_up = moved[best];
                    best = c;
                } else {
                    runner_up = std::max(runner_up, moved[c]);
                }
            }
            if (moved[best] - runner_up <= 2 * bound) {  // too close for double: decide the close classes exactly
                std::vector<int> close;
                for (int c = 0; c < k; ++c)
                    if (c == best || moved[best] - moved[c] <= 2 * bound) close.push_back(c);
                best = detail::exact_argmax(nb, x, j, x[j] + sign, close);
                ++n_exact;
            }
            if (best != predicted) flips.push_back({j, sign, best});
        }
    }
    return flips;
}

void check_sizes(const GaussianNB& nb, const IdxImages& test, const std::vector<uint8_t>& labels) {
    if (test.n_pixels() != nb.n_features)
        throw Error("test images", "have " + std::to_string(test.n_pixels()) + " pixels each",
                    std::to_string(nb.n_features) + " as the training images", "pass test files of the same data set");
    if (int64_t(labels.size()) != test.n)
        throw Error("test data", std::to_string(test.n) + " images but " + std::to_string(labels.size()) + " labels",
                    "one label per image", "pass the matching --test-images and --test-labels files");
}

}  // namespace

FlipsResult find_flips(const GaussianNB& nb, const IdxImages& test, const std::vector<uint8_t>& test_labels,
                       const FlipsOptions& options) {
    check_sizes(nb, test, test_labels);
    FlipsResult r;
    r.n_test = test.n;
    r.n_examined = options.limit < 0 ? test.n : std::min(options.limit, test.n);
    constexpr int block = 64;  // images per parallel task
    const int n_blocks = int((test.n + block - 1) / block);
    std::vector<ImageFlips> found(size_t(r.n_examined));
    std::atomic<int64_t> n_correct{0}, n_exact{0};
    parallel_for(n_blocks, options.threads, [&](int b) {
        int64_t correct = 0, exact = 0;
        std::vector<double> s(nb.n_classes);
        for (int64_t i = int64_t(b) * block; i < std::min<int64_t>(test.n, int64_t(b + 1) * block); ++i) {
            const uint8_t* x = test.image(i);
            const int label = class_of(nb, test_labels[i]);
            const int predicted = nb.predict(x);
            correct += predicted == label;
            if (i >= r.n_examined) continue;
            double err = 0;
            for (int c = 0; c < nb.n_classes; ++c) {
                s[c] = nb.score(x, c);
                err = std::max(err, nb.score_error_bound(x, c));
            }
            found[size_t(i)] = {i, label, predicted, image_flips(nb, x, predicted, s, err, exact)};
        }
        n_correct += correct;
        n_exact += exact;
    });
    r.accuracy = double(n_correct) / double(test.n);
    r.n_exact = n_exact;
    for (ImageFlips& f : found)
        if (!f.flips.empty()) {
            ++r.n_flipped;
            r.n_flips += int64_t(f.flips.size());
            r.images.push_back(std::move(f));
        }
    return r;
}

std::vector<Flip> find_flips_brute(const GaussianNB& nb, const uint8_t* x) {
    const int predicted = nb.predict(x);
    std::vector<uint8_t> changed(x, x + nb.n_features);
    std::vector<Flip> flips;
    for (int j = 0; j < nb.n_features; ++j)
        for (int sign : {-1, +1}) {
            if (int(x[j]) + sign < 0 || int(x[j]) + sign > 255) continue;
            changed[j] = uint8_t(x[j] + sign);
            const int now = nb.predict(changed.data());
            changed[j] = x[j];
            if (now != predicted) flips.push_back({j, sign, now});
        }
    return flips;
}

void write_flips_report(const FlipsResult& r, const GaussianNB& nb, const std::vector<std::string>& sources,
                        const std::string& path) {
    using nlohmann::json;
    const int cols = int(std::lround(std::sqrt(double(nb.n_features))));
    json images = json::array();
    for (const ImageFlips& f : r.images) {
        json flips = json::array();
        for (const Flip& flip : f.flips)
            flips.push_back({{"pixel", flip.pixel}, {"sign", flip.sign}, {"new_class", nb.classes[flip.new_class]}});
        images.push_back({{"image", f.image},
                          {"label", f.label < 0 ? json(nullptr) : json(nb.classes[f.label])},
                          {"predicted", nb.classes[f.predicted]},
                          {"flips", flips}});
    }
    const json report = {
        {"format", "ginn-flips"},
        {"version", 1},
        {"model", {{"kind", "gaussian naive bayes"}, {"var_smoothing", 1e-9}, {"epsilon", nb.epsilon},
                   {"classes", nb.classes}, {"n_features", nb.n_features}, {"image_columns", cols}}},
        {"sources", sources},
        {"n_test", r.n_test},
        {"accuracy", r.accuracy},
        {"examined", r.n_examined},
        {"flipped", r.n_flipped},
        {"flips_total", r.n_flips},
        {"exact_decisions", r.n_exact},
        {"images", images},
    };
    write_file_atomic(path, report.dump(1) + "\n");
}

void write_flips_figure(const FlipsResult& r, const IdxImages& test, const std::string& path, int n_pairs) {
    constexpr int scale = 8, gap = 8;
    const int n = std::max(1, std::min(n_pairs, int(r.images.size())));
    const int w = 2 * test.cols * scale + 3 * gap, h = n * (test.rows * scale + gap) + gap;
    std::vector<unsigned char> rgb(size_t(w) * h * 3, 255);
    auto put = [&](int px, int py, uint8_t red, uint8_t green, uint8_t blue) {
        unsigned char* p = &rgb[(size_t(py) * w + px) * 3];
        p[0] = red, p[1] = green, p[2] = blue;
    };
    for (int row = 0; row < std::min(n, int(r.images.size())); ++row) {
        const ImageFlips& f = r.images[size_t(row)];
        const Flip& flip = f.flips.front();
        const uint8_t* x = test.image(f.image);
        const int mark_r = flip.pixel / test.cols, mark_c = flip.pixel % test.cols;
        for (int panel = 0; panel < 2; ++panel) {
            const int x0 = gap + panel * (test.cols * scale + gap), y0 = gap + row * (test.rows * scale + gap);
            for (int pr = 0; pr < test.rows; ++pr)
                for (int pc = 0; pc < test.cols; ++pc) {
                    int v = x[pr * test.cols + pc];
                    if (panel == 1 && pr * test.cols + pc == flip.pixel) v += flip.sign;
                    for (int dy = 0; dy < scale; ++dy)
                        for (int dx = 0; dx < scale; ++dx) put(x0 + pc * scale + dx, y0 + pr * scale + dy, v, v, v);
                }
            // The changed pixel's outline: red for +1, blue for -1.
            const uint8_t red = flip.sign > 0 ? 230 : 30, blue = flip.sign > 0 ? 30 : 230;
            for (int t = -2; t < scale + 2; ++t)
                for (int edge : {-2, -1, scale, scale + 1}) {
                    const int px = x0 + mark_c * scale, py = y0 + mark_r * scale;
                    auto safe_put = [&](int qx, int qy) {
                        if (qx >= 0 && qx < w && qy >= 0 && qy < h) put(qx, qy, red, 40, blue);
                    };
                    safe_put(px + t, py + edge);
                    safe_put(px + edge, py + t);
                }
        }
    }
    int n_bytes = 0;
    unsigned char* png = stbi_write_png_to_mem(rgb.data(), w * 3, w, h, 3, &n_bytes);
    if (!png) throw Error(path, "cannot encode the PNG", "", "out of memory?");
    const std::string bytes(reinterpret_cast<char*>(png), size_t(n_bytes));
    std::free(png);
    write_file_atomic(path, bytes);
}

}  // namespace ginn
