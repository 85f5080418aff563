// Tests for include/ginn/data/dataset.h: the bottle drawing, the coordinate convention, sampled and formula tasks,
// CSV and image files, the test split, the target raster, the binary form, and every bad input's error.
#include "ginn/data/dataset.h"

#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numbers>
#include <algorithm>

#include "ginn/core/error.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;
using test::scratch_dir;

namespace fs = std::filesystem;


std::string write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path;
}


Dataset bottle(int resolution = 200) {
    TaskSpec spec;
    spec.resolution = resolution;
    return make_dataset(spec);
}

int at(const Dataset& d, int r, int c) { return d.label[static_cast<size_t>(r) * d.grid_w + c]; }

// ---------------------------------------------------------------------------------------------- bottle

TEST(dataset_test, bottle_is_a_grid_on_the_unit_box) {
    const Dataset d = bottle();
    EXPECT_EQ(d.grid_w, 200);
    EXPECT_EQ(d.grid_h, 200);
    EXPECT_EQ(d.size(), 200 * 200);
    EXPECT_EQ(d.n_classes, 2);
    EXPECT_EQ(d.domain.x0, 0);
    EXPECT_EQ(d.domain.x1, 1);
    EXPECT_EQ(d.domain.y0, 0);
    EXPECT_EQ(d.domain.y1, 1);
    EXPECT_TRUE(d.is_test.empty());
    // Optional: BOTTLE_PNG=path writes the drawing for a person to look at.
    if (const char* path = std::getenv("BOTTLE_PNG")) {
        std::vector<unsigned char> grey(d.label.size());
        for (size_t i = 0; i < grey.size(); ++i) grey[i] = d.label[i] ? 255 : 0;
        stbi_write_png(path, d.grid_w, d.grid_h, 1, grey.data(), d.grid_w);
    }
}

TEST(dataset_test, bottle_is_left_right_symmetric) {
    for (int resolution : {200, 64, 37}) {
        const Dataset d = bottle(resolution);
        for (int r = 0; r < resolution; ++r)
            for (int c = 0; c < resolution; ++c)
                ASSERT_EQ(at(d, r, c), at(d, r, resolution - 1 - c)) << "res " << resolution << " row " << r;
    }
}

TEST(dataset_test, bottle_has_expected_black_white_proportions) {
    const Dataset d = bottle();
    const double black = std::count(d.label.begin(), d.label.end(), 0) / static_cast<double>(d.size());
    // Silhouette about 0.36 of the box, minus the white label (about 0.08) plus its black outline (about 0.015).
    EXPECT_GT(black, 0.26);
    EXPECT_LT(black, 0.32);
    // Corners and the outer columns are white background.
    EXPECT_EQ(at(d, 0, 0), 1);
    EXPECT_EQ(at(d, 199, 199), 1);
    for (int r = 0; r < 200; ++r) EXPECT_EQ(at(d, r, 5), 1) << "row " << r;
}

TEST(dataset_test, bottle_fills_most_of_the_height_and_is_centred) {
    const Dataset d = bottle();
    int top = -1, bottom = -1;
    for (int r = 0; r < 200; ++r)
        for (int c = 0; c < 200; ++c)
            if (at(d, r, c) == 0) {
                if (top < 0) top = r;
                bottom = r;
            }
    EXPECT_GE(bottom - top + 1, 170);  // more than 85% of the height
    EXPECT_NEAR((top + bottom) / 2.0, 99.5, 6.0);
    // The top (cap) is narrower than half the body.
    auto width = [&](int r) { return std::count_if(d.label.begin() + r * 200, d.label.begin() + r * 200 + 200,
                                                   [](int v) { return v == 0; }); };
    int widest = 0;
    for (int r = top; r <= bottom; ++r) widest = std::max<int>(widest, width(r));
    EXPECT_LT(width(top + 3), widest / 2);
    EXPECT_GT(widest, 80);  // the body is about half the box wide
}

/// Runs of equal labels along a line of pixels: (label, first index, length).
struct PixelRun {
    int label, first, length;
};
std::vector<PixelRun> runs(const std::vector<int>& line) {
    std::vector<PixelRun> out;
    for (int i = 0; i < static_cast<int>(line.size()); ++i)
        if (out.empty() || out.back().label != line[i]) out.push_back({line[i], i, 1});
        else ++out.back().length;
    return out;
}

TEST(dataset_test, bottle_label_is_a_white_diamond_with_a_black_outline_inside) {
    const Dataset d = bottle();
    std::vector<int> column(200);
    for (int r = 0; r < 200; ++r) column[r] = at(d, r, 99);
    // Down the centre: background, cap+neck+shoulders+body, label tip, outline, label inside, outline, label tip,
    // body, background.
    const std::vector<PixelRun> down = runs(column);
    ASSERT_EQ(down.size(), 9u);
    EXPECT_EQ(down[0].label, 1);
    EXPECT_EQ(down[4].label, 1);
    EXPECT_GT(down[1].length, 50);  // everything above the label is one black piece
    EXPECT_LE(down[3].length, 5);   // the outline is thin
    EXPECT_LE(down[5].length, 5);
    // Across the label's centre row: the same nine runs, symmetric about the centre.
    const int centre_row = down[4].first + down[4].length / 2;
    std::vector<int> row(200);
    for (int c = 0; c < 200; ++c) row[c] = at(d, centre_row, c);
    const std::vector<PixelRun> across = runs(row);
    ASSERT_EQ(across.size(), 9u) << "row " << centre_row;
    EXPECT_EQ(across[4].label, 1);
    EXPECT_GT(across[2].length, 2);  // white band between the body and the outline
    // The label sits in the body's middle: the body is black on both sides of it, the label centred vertically.
    EXPECT_GT(across[1].length, 5);
    EXPECT_NEAR(centre_row, (down[1].first + down[1].length + down[7].first + down[7].length) / 2.0, 40);
    // A diamond: the inner white width shrinks linearly away from the centre row, to about half at half height.
    auto inner_width = [&](int r) {
        std::vector<int> line(200);
        for (int c = 0; c < 200; ++c) line[c] = at(d, r, c);
        const std::vector<PixelRun> rr = runs(line);
        return rr.size() == 9 ? rr[4].length : -1;
    };
    const int w0 = across[4].length, half = down[4].length / 4;
    EXPECT_NEAR(inner_width(centre_row - half), w0 / 2.0, 4);
    EXPECT_NEAR(inner_width(centre_row + half), w0 / 2.0, 4);
}

// ---------------------------------------------------------------------------------------------- images

TEST(dataset_test, image_pixel_maps_to_documented_coordinates) {
    const std::string dir = scratch_dir("dataset_test_coords");
    constexpr int w = 8, h = 8, black_row = 1, black_col = 5;
    std::vector<unsigned char> rgb(w * h * 3, 255);
    for (int k = 0; k < 3; ++k) rgb[(black_row * w + black_col) * 3 + k] = 0;
    const std::string path = dir + "/one.png";
    ASSERT_TRUE(stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3));
    TaskSpec spec;
    spec.target = path;
    spec.resolution = 8;
    const Dataset d = make_dataset(spec);
    ASSERT_EQ(d.size(), 64);
    int64_t n_black = 0, black = -1;
    for (int64_t i = 0; i < d.size(); ++i)
        if (d.label[i] == 0) ++n_black, black = i;
    ASSERT_EQ(n_black, 1);
    EXPECT_EQ(black, black_row * w + black_col);
    EXPECT_FLOAT_EQ(d.X(black, 0), (black_col + 0.5f) / 8);  // x = (c + 0.5) / R
    EXPECT_FLOAT_EQ(d.X(black, 1), 1 - (black_row + 0.5f) / 8);  // y = 1 - (r + 0.5) / R: y grows upwards
}

TEST(dataset_test, image_is_resized_and_thresholded) {
    const std::string dir = scratch_dir("dataset_test_resize");
    // Left half dark grey (64), right half light grey (192), 40 x 20.
    std::vector<unsigned char> grey(40 * 20);
    for (int r = 0; r < 20; ++r)
        for (int c = 0; c < 40; ++c) grey[r * 40 + c] = c < 20 ? 64 : 192;
    const std::string path = dir + "/halves.bmp";
    ASSERT_TRUE(stbi_write_bmp(path.c_str(), 40, 20, 1, grey.data()));
    TaskSpec spec;
    spec.target = path;
    spec.resolution = 10;
    const Dataset d = make_dataset(spec);
    ASSERT_EQ(d.grid_w, 10);
    for (int r = 0; r < 10; ++r) {
        EXPECT_EQ(at(d, r, 0), 0);
        EXPECT_EQ(at(d, r, 9), 1);
    }
    spec.threshold = 0.1;  // both greys are now at or above the threshold
    const Dataset all_white = make_dataset(spec);
    EXPECT_EQ(std::count(all_white.label.begin(), all_white.label.end(), 1), 100);
}

// ---------------------------------------------------------------------------------------------- sampled tasks

TEST(dataset_test, formula_labels_match_the_formula) {
    const std::vector<std::pair<std::string, std::function<double(double, double)>>> formulas = {
        {"y-x", [](double x, double y) { return y - x; }},
        {"y-|x|", [](double x, double y) { return y - std::abs(x); }},
        {"1-x^2/4-y^2", [](double x, double y) { return 1 - x * x / 4 - y * y; }},
        {"y-sin(pi*x)", [](double x, double y) { return y - std::sin(std::numbers::pi * x); }},
    };
    for (const auto& [name, f] : formulas) {
        TaskSpec spec;
        spec.target = name;
        spec.n_points = 2000;
        const Dataset d = make_dataset(spec);
        ASSERT_EQ(d.size(), 2000);
        EXPECT_EQ(d.domain.x0, -2);
        EXPECT_EQ(d.domain.y1, 2);
        int n_one = 0;
        for (int64_t i = 0; i < d.size(); ++i) {
            const double x = d.X(i, 0), y = d.X(i, 1);
            ASSERT_TRUE(x >= -2 && x <= 2 && y >= -2 && y <= 2);
            ASSERT_EQ(d.label[i], f(x, y) > 0 ? 1 : 0) << name << " at (" << x << ", " << y << ")";
            n_one += d.label[i];
        }
        EXPECT_GT(n_one, 200) << name;  // both classes present
        EXPECT_LT(n_one, 1800) << name;
    }
}

TEST(dataset_test, circle_without_noise_has_class_one_inside) {
    TaskSpec spec;
    spec.target = "circle";
    spec.n_points = 1001;
    const Dataset d = make_dataset(spec);
    ASSERT_EQ(d.size(), 1001);
    EXPECT_EQ(d.domain.x0, -6);
    EXPECT_EQ(d.domain.x1, 6);
    EXPECT_EQ(std::count(d.label.begin(), d.label.end(), 1), 501);
    for (int64_t i = 0; i < d.size(); ++i) {
        const double r = std::hypot(d.X(i, 0), d.X(i, 1));
        if (d.label[i] == 1) EXPECT_LE(r, 2.5 + 1e-5);
        else EXPECT_TRUE(r >= 3.5 - 1e-5 && r <= 5 + 1e-5) << r;
    }
}

TEST(dataset_test, point_clouds_are_deterministic_in_the_seed_and_noisy_on_request) {
    for (const std::string name : {"circle", "xor", "gauss", "spiral"}) {
        TaskSpec spec;
        spec.target = name;
        spec.n_points = 500;
        spec.noise = 0.2;
        const Dataset a = make_dataset(spec), b = make_dataset(spec);
        EXPECT_EQ(a.X, b.X) << name;
        EXPECT_EQ(a.label, b.label) << name;
        spec.seed = 2;
        const Dataset c = make_dataset(spec);
        EXPECT_NE(a.X, c.X) << name;
        spec.noise = 0;
        spec.seed = 1;
        const Dataset clean = make_dataset(spec);
        // Playground's noise moves gauss and spiral points, and flips circle and xor labels (points stay).
        if (name == "circle" || name == "xor") EXPECT_NE(a.label, clean.label) << name;
        else EXPECT_NE(a.X, clean.X) << name;
        EXPECT_EQ(std::count(clean.label.begin(), clean.label.end(), 1), 250) << name;
    }
    TaskSpec xor_spec;
    xor_spec.target = "xor";
    const Dataset x = make_dataset(xor_spec);
    for (int64_t i = 0; i < x.size(); ++i) ASSERT_EQ(x.label[i], x.X(i, 0) * x.X(i, 1) > 0 ? 1 : 0);
}

/// Distance from (x, y) to a spiral arm r = 5 t, angle = 3.5 pi t + phase, t in [0, 1], by dense sampling.
double distance_to_arm(double x, double y, double phase) {
    double best = INFINITY;
    for (int i = 0; i <= 20000; ++i) {
        const double t = i / 20000.0, angle = 3.5 * std::numbers::pi * t + phase;
        best = std::min(best, std::hypot(x - 5 * t * std::sin(angle), y - 5 * t * std::cos(angle)));
    }
    return best;
}

TEST(dataset_test, noise_is_tensorflow_playgrounds_per_task) {
    auto cloud = [](const std::string& name, double noise, int n = 2000) {
        return make_dataset(TaskSpec{.target = name, .n_points = n, .noise = noise});
    };
    // spiral: noise 0 puts every point on its own arm (perfectly separable); noise d moves it by at most d per
    // coordinate, and a sample uses that spread.
    const Dataset clean = cloud("spiral", 0, 400);
    for (int64_t i = 0; i < clean.size(); ++i) {
        const double phase = clean.label[i] == 1 ? 0.0 : std::numbers::pi;
        ASSERT_LT(distance_to_arm(clean.X(i, 0), clean.X(i, 1), phase), 2e-3) << "point " << i;  // the sampling step
    }
    const Dataset noisy = cloud("spiral", 0.3, 400);
    double farthest = 0;
    for (int64_t i = 0; i < noisy.size(); ++i) {
        const double d = distance_to_arm(noisy.X(i, 0), noisy.X(i, 1), noisy.label[i] == 1 ? 0.0 : std::numbers::pi);
        EXPECT_LE(d, 0.3 * std::sqrt(2.0) + 2e-3) << "point " << i;
        farthest = std::max(farthest, d);
    }
    EXPECT_GT(farthest, 0.2);
    // gauss: variance 0.5 + 7 * noise per coordinate around (2, 2) and (-2, -2).
    for (double noise : {0.0, 0.1, 0.5}) {
        const Dataset g = cloud("gauss", noise, 40000);
        double sum2 = 0;
        for (int64_t i = 0; i < g.size(); ++i) {
            const double c = g.label[i] == 1 ? 2.0 : -2.0;
            sum2 += std::pow(g.X(i, 0) - c, 2) + std::pow(g.X(i, 1) - c, 2);
        }
        const double variance = sum2 / (2.0 * g.size()), expected = 0.5 + 7 * noise;
        EXPECT_NEAR(variance, expected, 0.03 * expected) << "noise " << noise;
    }
    // circle and xor: points stay where the noiseless task puts them; a label differs from the clean rule only
    // where a displacement of up to 5 * noise per coordinate reaches across the boundary, and some do.
    const double noise = 0.3, reach = 5 * noise;
    const Dataset circle = cloud("circle", noise);
    int n_flipped = 0;
    for (int64_t i = 0; i < circle.size(); ++i) {
        const double r = std::hypot(circle.X(i, 0), circle.X(i, 1));
        EXPECT_TRUE(r <= 2.5 + 1e-5 || (r >= 3.5 - 1e-5 && r <= 5 + 1e-5)) << r;
        if (circle.label[i] != (r < 2.5 ? 1 : 0)) {
            ++n_flipped;
            EXPECT_LE(std::abs(r - 2.5), reach * std::sqrt(2.0) + 1e-5) << r;
        }
    }
    EXPECT_GT(n_flipped, 0);
    const Dataset xor_data = cloud("xor", noise);
    n_flipped = 0;
    for (int64_t i = 0; i < xor_data.size(); ++i) {
        const double x = xor_data.X(i, 0), y = xor_data.X(i, 1);
        if (xor_data.label[i] != (x * y > 0 ? 1 : 0)) {
            ++n_flipped;
            EXPECT_LE(std::min(std::abs(x), std::abs(y)), reach + 1e-5) << x << ", " << y;
        }
    }
    EXPECT_GT(n_flipped, 0);
}

TEST(dataset_test, test_split_marks_the_requested_fraction_deterministically) {
    TaskSpec spec;
    spec.target = "gauss";
    spec.n_points = 1000;
    spec.test_fraction = 0.25;
    const Dataset a = make_dataset(spec), b = make_dataset(spec);
    EXPECT_EQ(a.n_test(), 250);
    EXPECT_EQ(a.is_test, b.is_test);
    spec.seed = 9;
    EXPECT_NE(make_dataset(spec).is_test, a.is_test);
    TaskSpec grid;
    grid.resolution = 20;
    grid.test_fraction = 0.5;
    EXPECT_EQ(make_dataset(grid).n_test(), 200);
    grid.test_fraction = 0;
    EXPECT_TRUE(make_dataset(grid).is_test.empty());
}

// ---------------------------------------------------------------------------------------------- CSV

TEST(dataset_test, csv_with_header_gives_points_classes_and_padded_box) {
    const std::string dir = scratch_dir("dataset_test_csv");
    const std::string path = write_text(dir + "/p.csv", "x,y,label\n0,0,0\n10, 20 ,2\r\n\n5,-20,1\n");
    TaskSpec spec;
    spec.target = path;
    const Dataset d = make_dataset(spec);
    ASSERT_EQ(d.size(), 3);
    EXPECT_EQ(d.n_classes, 3);
    EXPECT_EQ(d.label, (std::vector<int32_t>{0, 2, 1}));
    EXPECT_FLOAT_EQ(d.X(1, 1), 20);
    EXPECT_DOUBLE_EQ(d.domain.x0, -0.5);
    EXPECT_DOUBLE_EQ(d.domain.x1, 10.5);
    EXPECT_DOUBLE_EQ(d.domain.y0, -22);
    EXPECT_DOUBLE_EQ(d.domain.y1, 22);
    const Dataset no_header = make_dataset(TaskSpec{.target = write_text(dir + "/q.csv", "1.5,2.5,1\n")});
    EXPECT_EQ(no_header.size(), 1);
    EXPECT_EQ(no_header.n_classes, 2);
}

TEST(dataset_test, csv_first_row_is_kept_after_a_byte_order_mark_and_a_header_is_recognised) {
    const std::string dir = scratch_dir("dataset_test_bom");
    const Dataset bom = make_dataset(TaskSpec{.target = write_text(dir + "/bom.csv", "\xEF\xBB\xBF" "0.5,0.5,1\n1,2,0\n")});
    ASSERT_EQ(bom.size(), 2);
    EXPECT_FLOAT_EQ(bom.X(0, 0), 0.5f);
    EXPECT_EQ(bom.label[0], 1);
    const Dataset bom_header =
        make_dataset(TaskSpec{.target = write_text(dir + "/bomh.csv", "\xEF\xBB\xBF" "x,y,label\n0.5,0.5,1\n1,2,0\n")});
    EXPECT_EQ(bom_header.size(), 2);
    const Dataset named = make_dataset(TaskSpec{.target = write_text(dir + "/h.csv", "x1, x2, class\n3,4,2\n0,0,0\n")});
    EXPECT_EQ(named.size(), 2);
    EXPECT_EQ(named.n_classes, 3);
}

TEST(dataset_test, malformed_csv_names_the_line) {
    const std::string dir = scratch_dir("dataset_test_badcsv");
    auto load = [&](const std::string& file, const std::string& text) {
        return [=] { make_dataset(TaskSpec{.target = write_text(dir + "/" + file, text)}); };
    };
    expect_error(load("num.csv", "x,y,label\n0,0,0\n1,abc,1\n"), {"num.csv:3", "bad coordinate"});
    expect_error(load("cols.csv", "0,0,0\n1,1\n"), {"cols.csv:2", "2 columns"});
    expect_error(load("neg.csv", "0,0,0\n1,1,-1\n"), {"neg.csv:2", "bad label", "0..4095"});
    expect_error(load("typo.csv", "O.5,0.5,1\n0,0,0\n"), {"typo.csv:1", "bad coordinate 'O.5,0.5'"});
    expect_error(load("typo2.csv", "x,y,label\n0.5,O.5,1\n"), {"typo2.csv:2", "bad coordinate"});
    expect_error(load("huge_label.csv", "0,0,0\n1,1,2147483647\n"), {"huge_label.csv:2", "bad label"});
    expect_error(load("huge_coord.csv", "0,0,0\n1e39,1,1\n"), {"huge_coord.csv:2", "within +-1e6"});
    expect_error(load("nan.csv", "0,0,0\nnan,1,1\n"), {"nan.csv:2", "bad coordinate"});
    const std::string folder = dir + "/folder.csv";
    std::filesystem::create_directories(folder);
    expect_error([&] { make_dataset(TaskSpec{.target = folder}); }, {"folder.csv", "is a directory"});
    expect_error(load("frac.csv", "0,0,0.5\n"), {"frac.csv:1", "bad label"});
    expect_error(load("empty.csv", ""), {"empty.csv", "no points"});
    expect_error(load("header_only.csv", "x,y,label\n"), {"header_only.csv", "no points"});
}

// ---------------------------------------------------------------------------------------------- bad input

TEST(dataset_test, bad_files_are_errors) {
    const std::string dir = scratch_dir("dataset_test_badfiles");
    expect_error([&] { make_dataset(TaskSpec{.target = dir + "/missing.png"}); }, {"missing.png", "cannot open"});
    const std::string junk = write_text(dir + "/junk.png", "this is not an image, just some text bytes");
    expect_error([&] { make_dataset(TaskSpec{.target = junk}); }, {"junk.png", "cannot decode", "PNG"});
    const std::string empty = write_text(dir + "/empty.png", "");
    expect_error([&] { make_dataset(TaskSpec{.target = empty}); }, {"empty.png", "empty"});
}

TEST(dataset_test, unknown_task_lists_the_valid_ones) {
    expect_error([] { make_dataset(TaskSpec{.target = "spirals"}); }, {"spirals", "unknown task", "bottle", "spiral",
                                                                       "y-sin(pi*x)"});
}

TEST(dataset_test, out_of_range_parameters_are_errors) {
    expect_error([] { make_dataset(TaskSpec{.resolution = 0}); }, {"resolution", "1..4096"});
    expect_error([] { make_dataset(TaskSpec{.resolution = 4097}); }, {"resolution", "4097"});
    expect_error([] { make_dataset(TaskSpec{.target = "xor", .n_points = 0}); }, {"n_points"});
    expect_error([] { make_dataset(TaskSpec{.target = "xor", .n_points = 10'000'001}); }, {"n_points"});
    expect_error([] { make_dataset(TaskSpec{.target = "xor", .noise = -0.1}); }, {"noise", "[0, 1]"});
    expect_error([] { make_dataset(TaskSpec{.target = "spiral", .noise = 1e300}); }, {"noise", "[0, 1]"});
    expect_error([] { make_dataset(TaskSpec{.target = "xor", .noise = NAN}); }, {"noise"});
    expect_error([] { make_dataset(TaskSpec{.test_fraction = 0.95}); }, {"test_fraction", "[0, 0.9]"});
    expect_error([] { make_dataset(TaskSpec{.test_fraction = -0.1}); }, {"test_fraction"});
    expect_error([] { make_dataset(TaskSpec{.threshold = 1.5}); }, {"threshold"});
    EXPECT_NO_THROW(make_dataset(TaskSpec{.resolution = 1}));
}

// ---------------------------------------------------------------------------------------------- raster and bytes

TEST(dataset_test, target_raster_of_grid_and_of_points) {
    const Dataset b = bottle(50);
    EXPECT_EQ(target_raster(b, 50, 50), b.label);
    const std::vector<int32_t> half = target_raster(b, 25, 25);
    EXPECT_EQ(half[0], 1);
    EXPECT_EQ(half[12 * 25 + 12], at(b, 24, 24));
    // Gauss clusters: class 1 around (2, 2) (upper right), class 0 around (-2, -2) (lower left).
    const Dataset g = make_dataset(TaskSpec{.target = "gauss", .n_points = 400});
    const std::vector<int32_t> raster = target_raster(g, 60, 60);
    const auto pixel = [&](double x, double y) {  // raster pixel containing domain point (x, y)
        const int c = static_cast<int>((x + 6) / 12 * 60), r = static_cast<int>((6 - y) / 12 * 60);
        return raster[r * 60 + c];
    };
    EXPECT_EQ(pixel(2, 2), 1);
    EXPECT_EQ(pixel(-2, -2), 0);
    // Exact nearest neighbour: compare with brute force at every pixel.
    for (int r = 0; r < 60; ++r)
        for (int c = 0; c < 60; ++c) {
            const double x = -6 + (c + 0.5) / 5, y = 6 - (r + 0.5) / 5;
            int64_t best = 0;
            for (int64_t i = 1; i < g.size(); ++i)
                if (std::hypot(g.X(i, 0) - x, g.X(i, 1) - y) < std::hypot(g.X(best, 0) - x, g.X(best, 1) - y))
                    best = i;
            ASSERT_EQ(raster[r * 60 + c], g.label[best]) << r << "," << c;
        }
}

TEST(dataset_test, bytes_round_trip) {
    for (const TaskSpec& spec : {TaskSpec{.resolution = 30, .test_fraction = 0.2},
                                 TaskSpec{.target = "spiral", .n_points = 300, .noise = 0.1}}) {
        const Dataset d = make_dataset(spec);
        const Dataset e = dataset_from_bytes(dataset_to_bytes(d), "dataset.bin");
        EXPECT_EQ(e.name, d.name);
        EXPECT_EQ(e.X, d.X);
        EXPECT_EQ(e.label, d.label);
        EXPECT_EQ(e.is_test, d.is_test);
        EXPECT_EQ(e.grid_w, d.grid_w);
        EXPECT_EQ(e.grid_h, d.grid_h);
        EXPECT_EQ(e.n_classes, d.n_classes);
        EXPECT_EQ(e.domain.x0, d.domain.x0);
        EXPECT_EQ(e.domain.y1, d.domain.y1);
    }
}

TEST(dataset_test, truncated_or_corrupt_bytes_are_errors) {
    const std::string bytes = dataset_to_bytes(make_dataset(TaskSpec{.resolution = 8, .test_fraction = 0.5}));
    for (size_t n = 0; n < bytes.size(); n += 7)
        expect_error([&] { dataset_from_bytes(bytes.substr(0, n), "run/dataset.bin"); }, {"run/dataset.bin"});
    expect_error([&] { dataset_from_bytes(bytes.substr(0, bytes.size() - 1), "d.bin"); }, {"truncated"});
    expect_error([&] { dataset_from_bytes(bytes + "x", "d.bin"); }, {"trailing"});
    std::string bad_magic = bytes;
    bad_magic[0] = 'X';
    expect_error([&] { dataset_from_bytes(bad_magic, "d.bin"); }, {"magic"});
    std::string bad_version = bytes;
    bad_version[8] = 7;
    expect_error([&] { dataset_from_bytes(bad_version, "d.bin"); }, {"version"});
    std::string bad_label = bytes;  // the first label sits right after the 64 points
    const size_t label_offset = bytes.size() - 1 - 64 - 64 * 4;
    bad_label[label_offset] = 9;
    expect_error([&] { dataset_from_bytes(bad_label, "d.bin"); }, {"label 9"});
    // An extreme but finite domain (x1 at offset 8 + 4 + 4 + 0: the name is empty for this hand-made case).
    Dataset extreme = make_dataset(TaskSpec{.resolution = 8});
    extreme.name.clear();
    extreme.domain.x1 = 1e300;
    expect_error([&] { dataset_from_bytes(dataset_to_bytes(extreme), "d.bin"); }, {"d.bin", "domain"});
}

TEST(dataset_test, target_raster_of_an_extreme_domain_stays_in_bounds) {
    // Distances overflow to infinity here; the nearest-point search must still return a real point.
    Dataset d;
    d.name = "extreme";
    d.domain = Box{0, 1e300, 0, 1e300};
    d.X.resize(2, 2);
    d.X << 0.f, 0.f, 3e38f, 3e38f;
    d.label = {0, 1};
    const std::vector<int32_t> raster = target_raster(d, 16, 16);
    ASSERT_EQ(raster.size(), 256u);
    for (int32_t v : raster) EXPECT_TRUE(v == 0 || v == 1);
}

}  // namespace
}  // namespace ginn
