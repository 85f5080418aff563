// Tests for flips.h, naive_bayes.h and idx.h: the idx parser on good and bad bytes, the fit against hand-computed
// means and variances, exact ties, and the closed-form flip search against brute-force re-classification.
#include <gmpxx.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "ginn/core/io.h"
#include "ginn/flips/flips.h"
#include "test_util.h"

namespace ginn {
namespace {

std::string u32(uint32_t v) { return {char(v >> 24), char(v >> 16 & 255), char(v >> 8 & 255), char(v & 255)}; }

std::string idx_images_bytes(uint32_t n, uint32_t rows, uint32_t cols, const std::vector<uint8_t>& pixels) {
    return u32(0x803) + u32(n) + u32(rows) + u32(cols) + std::string(pixels.begin(), pixels.end());
}

std::string gzip(const std::string& bytes) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, uLong(bytes.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = uInt(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

TEST(flips_test, idx_parses_images_and_labels) {
    const IdxImages im = parse_idx_images(idx_images_bytes(2, 1, 3, {1, 2, 3, 4, 5, 6}), "a");
    EXPECT_EQ(im.n, 2);
    EXPECT_EQ(im.rows, 1);
    EXPECT_EQ(im.cols, 3);
    EXPECT_EQ(im.image(1)[2], 6);
    const auto labels = parse_idx_labels(u32(0x801) + u32(3) + std::string("\x01\x02\x09", 3), "b");
    EXPECT_EQ(labels, (std::vector<uint8_t>{1, 2, 9}));
}

TEST(flips_test, idx_refuses_bad_bytes_with_one_line) {
    test::expect_error([] { parse_idx_images(u32(0x801) + u32(1) + u32(1) + u32(1), "f"); }, {"f", "magic", "swapped"});
    test::expect_error([] { parse_idx_images("abc", "f"); }, {"too short"});
    test::expect_error([] { parse_idx_images(idx_images_bytes(2, 1, 3, {1, 2, 3}), "f"); }, {"truncated"});
    test::expect_error([] { parse_idx_images(idx_images_bytes(1, 1, 1, {1, 2}), "f"); }, {"trailing"});
    test::expect_error([] { parse_idx_images(idx_images_bytes(0, 1, 1, {}), "f"); }, {"0 items"});
    test::expect_error([] { parse_idx_images(idx_images_bytes(1, 5000, 1, {}), "f"); }, {"5000 x 1"});
    // Declared sizes are checked before anything is allocated: 10^7 images of 1024 x 1024 would be 10 TB.
    test::expect_error([] { parse_idx_images(idx_images_bytes(10'000'000, 1024, 1024, {}), "f"); }, {"at most 2^29"});
    test::expect_error([] { parse_idx_labels(u32(0x801) + u32(4) + "ab", "f"); }, {"truncated"});
}

TEST(flips_test, idx_reads_gzip_and_refuses_a_truncated_stream) {
    const std::string dir = test::scratch_dir("flips_gzip");
    const std::string raw = idx_images_bytes(2, 2, 2, {0, 1, 2, 3, 4, 5, 6, 7}), packed = gzip(raw);
    write_file_atomic(dir + "/ok.gz", packed);
    EXPECT_EQ(read_idx_images(dir + "/ok.gz").pixels, std::vector<uint8_t>({0, 1, 2, 3, 4, 5, 6, 7}));
    write_file_atomic(dir + "/plain", raw);
    EXPECT_EQ(read_idx_images(dir + "/plain").n, 2);
    write_file_atomic(dir + "/cut.gz", packed.substr(0, packed.size() - 9));
    test::expect_error([&] { read_idx_images(dir + "/cut.gz"); }, {"cut.gz", "not a complete gzip stream"});
    write_file_atomic(dir + "/more.gz", packed + "junk");
    test::expect_error([&] { read_idx_images(dir + "/more.gz"); }, {"not a complete gzip stream"});
}

TEST(flips_test, fit_matches_hand_computed_means_variances_and_priors) {
    // Three images of two pixels: class 0 = {(0, 10), (2, 10)}, class 1 = {(4, 1)}.
    IdxImages im;
    im.n = 3, im.rows = 1, im.cols = 2;
    im.pixels = {0, 10, 2, 10, 4, 1};
    const GaussianNB nb = fit_gaussian_nb(im, {0, 0, 1});
    // Largest variance over all images: pixel 1 (10, 10, 1) has mean 7 and variance (9 + 9 + 36) / 3 = 18.
    EXPECT_DOUBLE_EQ(nb.epsilon, 18e-9);
    EXPECT_DOUBLE_EQ(nb.theta(0, 0), 1);
    EXPECT_DOUBLE_EQ(nb.var(0, 0), 1 + 18e-9);
    EXPECT_DOUBLE_EQ(nb.var(1, 0), 18e-9);
    EXPECT_DOUBLE_EQ(nb.theta(0, 1), 4);
    const double log_2pi = std::log(2 * M_PI);
    EXPECT_NEAR(nb.K(0), std::log(2.0 / 3) - 0.5 * (log_2pi + std::log(1 + 18e-9) + log_2pi + std::log(18e-9)), 1e-12);
    EXPECT_EQ(nb.predict(im.image(0)), 0);
    EXPECT_EQ(nb.predict(im.image(2)), 1);
    test::expect_error([&] { fit_gaussian_nb(im, {0, 0}); }, {"3 images but 2 labels"});
    test::expect_error([&] { fit_gaussian_nb(im, {1, 1, 1}); }, {"single class"});
}

/// A one-pixel model with equal variances and priors: class means m0 and m1.
GaussianNB two_means(double m0, double m1) {
    GaussianNB::Table theta(1, 2), var(1, 2);
    theta << m0, m1;
    var << 1, 1;
    return gaussian_nb_from(theta, var, Eigen::Vector2d(0.5, 0.5));
}

TEST(flips_test, exact_ties_go_to_the_lowest_class) {
    // Pixel 0 -> 1 between means 0 and 2: a tie, which argmax gives to class 0.
    const uint8_t zero = 0;
    EXPECT_TRUE(find_flips_brute(two_means(0, 2), &zero).empty());  // 0 stays 0
    const std::vector<Flip> flips = find_flips_brute(two_means(2, 0), &zero);  // 1 becomes 0 at the tie
    ASSERT_EQ(flips.size(), 1u);
    EXPECT_EQ(flips[0], (Flip{0, +1, 0}));
    IdxImages im;
    im.n = 1, im.rows = 1, im.cols = 1;
    im.pixels = {0};
    const FlipsResult r = find_flips(two_means(2, 0), im, {1});
    ASSERT_EQ(r.images.size(), 1u);
    EXPECT_EQ(r.images[0].flips, flips);
    EXPECT_EQ(r.accuracy, 1.0);
}

TEST(flips_test, decisions_below_double_resolution_are_exact) {
    // K = 1e17 for both classes (spacing of doubles there: 16). At x = 1 the exact scores are 1e17 - 1 (class 0)
    // and 1e17 - 0.5 (class 1): class 1 wins, though both round to 1e17 (a tie that double would give to 0).
    GaussianNB nb = two_means(0, 0);
    nb.K << 1e17, 1e17;
    nb.H << 1, 0.5;
    const uint8_t x = 0;
    EXPECT_EQ(nb.predict(&x), 0);  // an exact tie
    IdxImages im;
    im.n = 1, im.rows = 1, im.cols = 1;
    im.pixels = {0};
    const FlipsResult r = find_flips(nb, im, {0});
    ASSERT_EQ(r.images.size(), 1u);
    EXPECT_EQ(r.images[0].flips, (std::vector<Flip>{{0, +1, 1}}));
    EXPECT_GE(r.n_exact, 1);
}

/// argmax over classes of the exact rational score of x, ties to the lowest: an independent reference.
int rational_argmax(const GaussianNB& nb, const std::vector<int>& x) {
    int best = -1;
    mpq_class best_score;
    for (int c = 0; c < nb.n_classes; ++c) {
        mpq_class s(nb.K(c));
        for (int j = 0; j < nb.n_features; ++j) {
            const mpq_class q = mpq_class(x[j]) - mpq_class(nb.theta(j, c));
            s -= mpq_class(nb.H(j, c)) * q * q;
        }
        if (best < 0 || s > best_score) best = c, best_score = s;
    }
    return best;
}

TEST(flips_test, closed_form_flips_equal_rational_brute_force_on_small_models) {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 20; ++trial) {
        const int d = 6, k = 3, n = 40;
        IdxImages im;
        im.n = n, im.rows = 2, im.cols = 3;
        std::vector<uint8_t> labels;
        for (int i = 0; i < n; ++i) {
            const int c = i % k;
            labels.push_back(uint8_t(c));
            for (int j = 0; j < d; ++j) {
                // Pixels near 0 and 255 and, in some trials, constant pixels (zero variance: epsilon only).
                const int centre = (j + c) % 3 == 0 ? 0 : (j + c) % 3 == 1 ? 255 : 120;
                const int spread = trial % 2 ? 2 : 40;
                im.pixels.push_back(uint8_t(std::clamp(centre + int(rng() % (2 * spread + 1)) - spread, 0, 255)));
            }
        }
        const GaussianNB nb = fit_gaussian_nb(im, labels);
        const FlipsResult r = find_flips(nb, im, labels);
        size_t next = 0;
        for (int i = 0; i < n; ++i) {
            std::vector<int> x(im.image(i), im.image(i) + d);
            const int predicted = rational_argmax(nb, x);
            EXPECT_EQ(nb.predict(im.image(i)), predicted);
            std::vector<Flip> expected;
            for (int j = 0; j < d; ++j)
                for (int sign : {-1, +1}) {
                    if (x[j] + sign < 0 || x[j] + sign > 255) continue;
                    x[j] += sign;
                    const int now = rational_argmax(nb, x);
                    x[j] -= sign;
                    if (now != predicted) expected.push_back({j, sign, now});
                }
            std::vector<Flip> got;
            if (next < r.images.size() && r.images[next].image == i) got = r.images[next++].flips;
            EXPECT_EQ(got, expected) << "trial " << trial << " image " << i;
        }
    }
}

TEST(flips_test, fashion_mnist_subset_equals_brute_force_reclassification) {
    const std::string dir = fashion_mnist_dir;
    ASSERT_TRUE(std::filesystem::exists(dir + "/t10k-images-idx3-ubyte.gz")) << "dataset-fashion-mnist is missing: bash scripts/install-deps.sh";
    const GaussianNB nb =
        fit_gaussian_nb(read_idx_images(dir + "/train-images-idx3-ubyte.gz"), read_idx_labels(dir + "/train-labels-idx1-ubyte.gz"));
    const IdxImages test = read_idx_images(dir + "/t10k-images-idx3-ubyte.gz");
    const std::vector<uint8_t> labels = read_idx_labels(dir + "/t10k-labels-idx1-ubyte.gz");
    const int n = 12;
    const FlipsResult r = find_flips(nb, test, labels, {.limit = n});
    EXPECT_EQ(r.n_examined, n);
    EXPECT_GT(r.accuracy, 0.5);  // the paper reports 52 % on MNIST; Fashion-MNIST's raw pixels give about 0.59
    EXPECT_LT(r.accuracy, 0.65);
    size_t next = 0;
    int64_t n_flips = 0;
    for (int i = 0; i < n; ++i) {
        const std::vector<int> x(test.image(i), test.image(i) + nb.n_features);
        if (next < r.images.size() && r.images[next].image == i) {
            EXPECT_EQ(r.images[next].predicted, rational_argmax(nb, x));
        }
        std::vector<Flip> got;
        if (next < r.images.size() && r.images[next].image == i) got = r.images[next++].flips;
        EXPECT_EQ(got, find_flips_brute(nb, test.image(i))) << "image " << i;
        n_flips += int64_t(got.size());
    }
    EXPECT_EQ(n_flips, r.n_flips);
    EXPECT_GT(r.n_flipped, 0);
}

TEST(flips_test, report_and_figure_are_written) {
    const std::string dir = test::scratch_dir("flips_report");
    IdxImages im;
    im.n = 1, im.rows = 1, im.cols = 1;
    im.pixels = {0};
    const GaussianNB nb = two_means(2, 0);
    const FlipsResult r = find_flips(nb, im, {1});
    write_flips_report(r, nb, {"a", "b", "c", "d"}, dir + "/r.json");
    const auto j = parse_json(read_file(dir + "/r.json"), "r.json");
    EXPECT_EQ(j["format"], "ginn-flips");
    EXPECT_EQ(j["flipped"], 1);
    EXPECT_EQ(j["images"][0]["flips"][0]["new_class"], 0);
    write_flips_figure(r, im, dir + "/f.png");
    EXPECT_EQ(read_file(dir + "/f.png").substr(1, 3), "PNG");
}

}  // namespace
}  // namespace ginn
