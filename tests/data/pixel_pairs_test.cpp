// Tests for the pixel-pair tasks s1, s2, s3 of include/ginn/data/dataset.h (Fishbein & Debata) and for class names:
// labels against the rules at hand-picked pairs (corners, the margin's edges), S3's every third index, the grid
// layout, sampling, the names' round trip through dataset.bin, and the input normalisation folded into layer 1.
#include <gtest/gtest.h>

#include <set>

#include "ginn/core/error.h"
#include "ginn/data/dataset.h"
#include "ginn/model/model.h"
#include "ginn/run/run.h"
#include "ginn/train/config.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;

Dataset pairs(const std::string& name, int margin = 20, int n = 65536) {
    TaskSpec spec;
    spec.target = name;
    spec.margin = margin;
    spec.n_points = n;
    return make_dataset(spec);
}

/// The label of pair (x1, x2) in a full-grid dataset, found by its coordinates (row-major from x2 = 255 down).
int label_at(const Dataset& d, int x1, int x2) {
    const int64_t i = int64_t{255 - x2} * 256 + x1;
    EXPECT_EQ(d.X(i, 0), x1);
    EXPECT_EQ(d.X(i, 1), x2);
    return d.label[static_cast<size_t>(i)];
}

TEST(pixel_pairs_test, s1_corners_and_margin_edges) {
    const Dataset d = pairs("s1");
    EXPECT_EQ(d.n_classes, 3);
    EXPECT_EQ(d.size(), 65536);
    EXPECT_EQ(d.grid_w, 256);
    EXPECT_EQ(label_at(d, 255, 255), pixel_white);  // both boxes white: looks white
    EXPECT_EQ(label_at(d, 0, 0), pixel_black);
    EXPECT_EQ(label_at(d, 255, 0), pixel_grey);     // sum 255: the middle
    EXPECT_EQ(label_at(d, 0, 255), pixel_grey);
    // margin 20: white needs sum > 275, black sum < 235; 235 and 275 themselves are grey
    EXPECT_EQ(label_at(d, 200, 76), pixel_white);   // 276
    EXPECT_EQ(label_at(d, 200, 75), pixel_grey);    // 275
    EXPECT_EQ(label_at(d, 100, 135), pixel_grey);   // 235
    EXPECT_EQ(label_at(d, 100, 134), pixel_black);  // 234
    EXPECT_EQ(d.class_name(pixel_white), "white");
    EXPECT_EQ(d.class_name(pixel_black), "black");
    EXPECT_EQ(d.class_name(pixel_grey), "grey");
}

TEST(pixel_pairs_test, s2_needs_the_order_and_the_sum) {
    const Dataset d = pairs("s2");
    EXPECT_EQ(label_at(d, 255, 254), pixel_white);  // x1 > x2, sum 509
    EXPECT_EQ(label_at(d, 255, 255), pixel_grey);   // x1 == x2: neither strict order
    EXPECT_EQ(label_at(d, 254, 255), pixel_grey);   // x1 < x2 with a high sum
    EXPECT_EQ(label_at(d, 0, 1), pixel_black);      // x1 < x2, sum 1
    EXPECT_EQ(label_at(d, 0, 0), pixel_grey);
    EXPECT_EQ(label_at(d, 1, 0), pixel_grey);
    EXPECT_EQ(label_at(d, 140, 136), pixel_white);  // 276, x1 > x2
    EXPECT_EQ(label_at(d, 140, 135), pixel_grey);   // 275
    EXPECT_EQ(label_at(d, 100, 134), pixel_black);  // 234, x1 < x2
    EXPECT_EQ(label_at(d, 100, 135), pixel_grey);   // 235
}

TEST(pixel_pairs_test, s3_is_s1_with_every_third_example_grey) {
    const Dataset s1 = pairs("s1"), s3 = pairs("s3");
    int n_changed = 0;
    for (int64_t i = 0; i < s3.size(); ++i) {
        if (i % 3 == 2) EXPECT_EQ(s3.label[i], pixel_grey) << "index " << i;
        else EXPECT_EQ(s3.label[i], s1.label[i]) << "index " << i;
        n_changed += s3.label[i] != s1.label[i];
    }
    EXPECT_GT(n_changed, 10000);  // most of the forced greys fall where S1 says white or black
    // sampled: the index is the order drawn, so the noise still hits every third example
    const Dataset sampled = pairs("s3", 20, 3000);
    for (int64_t i = 2; i < sampled.size(); i += 3) EXPECT_EQ(sampled.label[i], pixel_grey);
}

TEST(pixel_pairs_test, margin_zero_and_full) {
    EXPECT_EQ(pixel_pair_class("s1", 128, 128, 0), pixel_white);  // 256 > 255
    EXPECT_EQ(pixel_pair_class("s1", 127, 128, 0), pixel_grey);   // 255
    EXPECT_EQ(pixel_pair_class("s1", 127, 127, 0), pixel_black);
    const Dataset all_grey = pairs("s1", 255);
    for (int32_t y : all_grey.label) ASSERT_EQ(y, pixel_grey);
    expect_error([] { pairs("s1", 256); }, {"margin", "0..255"});
    expect_error([] { pairs("s2", -1); }, {"margin"});
}

TEST(pixel_pairs_test, a_sample_is_distinct_integer_pairs_and_seeded) {
    const Dataset a = pairs("s1", 20, 5000), b = pairs("s1", 20, 5000);
    EXPECT_FALSE(a.is_grid());
    std::set<std::pair<int, int>> seen;
    for (int64_t i = 0; i < a.size(); ++i) {
        const int x1 = static_cast<int>(a.X(i, 0)), x2 = static_cast<int>(a.X(i, 1));
        ASSERT_TRUE(x1 >= 0 && x1 <= 255 && x2 >= 0 && x2 <= 255);
        EXPECT_EQ(a.X(i, 0), x1);
        EXPECT_EQ(a.label[i], pixel_pair_class("s1", x1, x2, 20));
        seen.insert({x1, x2});
    }
    EXPECT_EQ(seen.size(), 5000u);
    EXPECT_TRUE(a.X == b.X);
}

TEST(pixel_pairs_test, class_names_survive_dataset_bin_and_old_files_have_none) {
    const Dataset d = pairs("s2", 20, 300);
    const Dataset back = dataset_from_bytes(dataset_to_bytes(d), "dataset.bin");
    EXPECT_EQ(back.class_names, d.class_names);
    Dataset plain = test::circle_grid(8);
    const std::string bytes = dataset_to_bytes(plain);
    EXPECT_EQ(bytes[8], 1);  // version 1 without names: byte-identical to older ginn
    const Dataset plain_back = dataset_from_bytes(bytes, "dataset.bin");
    EXPECT_TRUE(plain_back.class_names.empty());
    EXPECT_EQ(plain_back.class_name(1), "class 1");
    // a name with a control character, or too few names, is refused with one clear error
    Dataset bad = d;
    bad.class_names[1] = std::string("bl\x01" "ck");
    expect_error([&] { dataset_from_bytes(dataset_to_bytes(bad), "dataset.bin"); }, {"dataset.bin", "class name"});
    expect_error([&] { check_class_names({"a", "b"}, 3, "names"); }, {"names", "2 class names for 3 classes"});
    std::string cut = dataset_to_bytes(d);
    cut.resize(cut.size() - 2);
    expect_error([&] { dataset_from_bytes(cut, "dataset.bin"); }, {"dataset.bin", "corrupt"});
}

TEST(pixel_pairs_test, normalised_inputs_fold_exactly_into_layer_one) {
    // A network trained on u = 2 (x - x0) / w - 1 evaluates the same at x as the raw layers at u.
    for (bool residual : {false, true}) {
        ModelSpec spec;
        spec.widths = {2, 3};
        spec.activation = Activation::sigmoid;
        spec.head = Head::softmax;
        spec.n_classes = 3;
        spec.residual = residual;
        const std::vector<float> p = init_params(spec, 7);
        const Box domain{-0.5, 255.5, -0.5, 255.5};
        const Network raw = to_network(spec, p, Box{-1, 1, -1, 1});
        spec.normalize = true;
        const Network folded = to_network(spec, p, domain);
        EXPECT_FALSE(folded.layers[0].residual);
        Eigen::MatrixXd X(4, 2), U(4, 2);
        X << 0, 0, 255, 255, 17, 200, 128.5, 3;
        for (int i = 0; i < 4; ++i)
            U.row(i) << normalized_input(X(i, 0), domain.x0, domain.x1), normalized_input(X(i, 1), domain.y0, domain.y1);
        const Eigen::MatrixXd a = forward(folded, X), b = forward(raw, U);
        for (int i = 0; i < 4; ++i)
            for (int k = 0; k < 3; ++k) EXPECT_NEAR(a(i, k), b(i, k), 1e-12) << "point " << i << " logit " << k;
    }
    EXPECT_DOUBLE_EQ(normalized_input(-0.5, -0.5, 255.5), -1);
    EXPECT_DOUBLE_EQ(normalized_input(255.5, -0.5, 255.5), 1);
}

TEST(pixel_pairs_test, a_run_records_names_and_normalises_by_itself) {
    RunConfig c;
    c.task.target = "s1";
    c.task.n_points = 400;
    c.model.widths = {3};
    c.model.activation = Activation::sigmoid;
    c.model.head = Head::softmax;
    c.optim.kind = OptimizerKind::adam;
    c.optim.lr = 0.01;
    c.train.iterations = 300;
    c.train.batch = 16;
    c.snapshots = "every:100";
    const std::string dir = test::scratch_dir("pixel_pairs_run") + "/run";
    TrainOptions options;
    options.out = dir;
    train_run(c, options);
    const ginn::Run run = ginn::Run::open(dir);
    EXPECT_TRUE(run.config().model.normalize);  // turned on for s1-s3: the net sees [-1, 1]
    EXPECT_EQ(run.config().task.margin, 20);
    EXPECT_EQ(run.dataset().class_names, pixel_pair_class_names());
    // the recorded accuracy (on normalised inputs, float engine) equals the folded network's on grey levels
    const Network net = run.network(run.n_snapshots() - 1);
    const Dataset& d = run.dataset();
    const Eigen::VectorXi cls = predicted_class(net, d.X.cast<double>());
    int correct = 0;
    for (int64_t i = 0; i < d.size(); ++i) correct += cls(i) == d.label[static_cast<size_t>(i)];
    EXPECT_NEAR(run.snapshot(run.n_snapshots() - 1).accuracy, correct / static_cast<double>(d.size()), 0.01);
    EXPECT_GT(correct, 200);  // learned something in 300 steps
}

}  // namespace
}  // namespace ginn
