// Tests for Fishbein & Debata's output detectors (analysis blocks.h, report.h): dormant outputs, one-step flips per
// class pair against brute-force re-classification, and people's labels against S1's rule, on hand-built networks
// and datasets whose answers are known.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ginn/analysis/analysis.h"
#include "test_util.h"

namespace ginn {
namespace {

/// Three classes on the integer grid 0..9: z = (-10, x - 4.5, y - 4.5) * strength; class 0 wins nowhere.
Network grid_net(double strength = 1, double z0 = -10) {
    Network net;
    net.domain = Box{-0.5, 9.5, -0.5, 9.5};
    net.head = Head::softmax;
    DenseLayer h;
    h.W = Eigen::Matrix2d::Identity();
    h.b = Eigen::Vector2d{-4.5, -4.5};
    h.activation = Activation::tanh;
    DenseLayer out;
    out.W.resize(3, 2);
    out.W << 0, 0, strength, 0, 0, strength;
    out.b = Eigen::Vector3d{z0, 0, 0};
    out.activation = Activation::linear;
    net.layers = {h, out};
    return net;
}

/// Integer pairs 0..9 labelled by `label(x, y)`, named white/black/grey.
Dataset pairs_dataset(const std::function<int(int, int)>& label, const std::string& name = "answers") {
    Dataset d;
    d.name = name;
    d.domain = Box{-0.5, 9.5, -0.5, 9.5};
    d.n_classes = 3;
    d.class_names = pixel_pair_class_names();
    d.X.resize(100, 2);
    for (int i = 0; i < 100; ++i) {
        d.X(i, 0) = static_cast<float>(i % 10);
        d.X(i, 1) = static_cast<float>(i / 10);
        d.label.push_back(label(i % 10, i / 10));
    }
    return d;
}

RunAnalysis analyse(const std::vector<Network>& nets, const Dataset& data, AnalysisOptions o = {}) {
    std::vector<int64_t> it;
    for (size_t k = 0; k < nets.size(); ++k) it.push_back(static_cast<int64_t>(k) * 10);
    o.threads = 1;
    return analyze_networks(nets, it, std::vector<double>(nets.size(), 0.1), std::vector<double>(nets.size(), 0.9), data, o);
}

TEST(class_outputs_test, a_class_never_predicted_is_dormant_from_the_snapshot_it_stops) {
    const Dataset data = pairs_dataset([](int x, int y) { return (x + y) % 3; });  // every class present
    // snapshot 0: class 0 wins where x, y < 5 (a quarter); snapshots 1, 2: nowhere
    const RunAnalysis r = analyse({grid_net(1, 0.0), grid_net(), grid_net()}, data);
    ASSERT_TRUE(r.dormant.checked);
    ASSERT_EQ(r.dormant.classes.size(), 3u);
    const DormantOutput& white = r.dormant.classes[0];
    EXPECT_EQ(white.name, "white");
    EXPECT_TRUE(white.dormant_at_end);
    EXPECT_EQ(white.dormant_since, 1);
    EXPECT_GT(white.share[0], 0.2);
    EXPECT_EQ(white.share[2], 0.0);
    EXPECT_FALSE(r.dormant.classes[1].dormant_at_end);
    EXPECT_FALSE(r.dormant.classes[2].dormant_at_end);
    bool event = false;
    for (const Event& e : r.events) event = event || (e.kind == "dormant_output" && e.snapshot == 1);
    EXPECT_TRUE(event);
    // a class the data does not have is not dormant, however rarely predicted
    const RunAnalysis no_white = analyse({grid_net()}, pairs_dataset([](int x, int) { return 1 + x % 2; }));
    EXPECT_FALSE(no_white.dormant.classes[0].dormant_at_end);
    // the threshold: class shares below it count as dormant
    EXPECT_EQ(class_shares({0, 1, 1, 2}, 3), (std::vector<double>{0.25, 0.5, 0.25}));
    const DormantReport rep = dormant_outputs({{0.3, 0.69, 0.01}}, data, 0.02);
    EXPECT_TRUE(rep.classes[2].dormant_at_end);
    EXPECT_FALSE(rep.classes[0].dormant_at_end);
}

TEST(class_outputs_test, flips_per_class_pair_match_brute_force_reclassification) {
    for (const Network& net : {grid_net(), grid_net(1, -0.3)}) {
        const FragileReport rep = fragile_points(net, compute_geometry(net), /*brute_force=*/true);
        Eigen::MatrixXd X(100, 2);
        for (int i = 0; i < 100; ++i) X.row(i) << i % 10, i / 10;
        const Eigen::VectorXi cls = predicted_class(net, X);
        std::vector<std::vector<int64_t>> expected(3, std::vector<int64_t>(3, 0));
        int64_t total = 0;
        for (int y = 0; y < 10; ++y)
            for (int x = 0; x < 10; ++x) {
                const int c = cls(y * 10 + x);
                if (x < 9 && cls(y * 10 + x + 1) != c) ++expected[std::min(c, cls(y * 10 + x + 1))][std::max(c, cls(y * 10 + x + 1))], ++total;
                if (y < 9 && cls((y + 1) * 10 + x) != c) ++expected[std::min(c, cls((y + 1) * 10 + x))][std::max(c, cls((y + 1) * 10 + x))], ++total;
            }
        EXPECT_EQ(rep.pair_steps, expected);
        EXPECT_GT(total, 5);
    }
}

TEST(class_outputs_test, people_against_the_rule_confusion_table) {
    // hand-picked answers: the rule (s1, margin 20) says white above 275, black below 235
    const Dataset d = [] {
        Dataset d;
        d.name = "s4.csv";
        d.domain = Box{-0.5, 255.5, -0.5, 255.5};
        d.n_classes = 3;
        d.class_names = pixel_pair_class_names();
        const int rows[][3] = {{255, 255, pixel_white}, {200, 200, pixel_grey}, {0, 0, pixel_black},
                               {10, 250, pixel_white}, {100, 100, pixel_black}, {250, 250, pixel_grey}};
        d.X.resize(6, 2);
        for (int i = 0; i < 6; ++i) {
            d.X(i, 0) = static_cast<float>(rows[i][0]);
            d.X(i, 1) = static_cast<float>(rows[i][1]);
            d.label.push_back(rows[i][2]);
        }
        return d;
    }();
    ASSERT_TRUE(is_pixel_pair_answers(d));
    const HumanRuleReport r = human_vs_rule(d, 20);
    ASSERT_TRUE(r.checked);
    EXPECT_EQ(r.n_points, 6);
    EXPECT_EQ(r.n_agree, 3);
    const std::vector<std::vector<int64_t>> expected = {{1, 0, 1}, {0, 2, 0}, {2, 0, 0}};  // [people][rule]
    EXPECT_EQ(r.confusion, expected);
    ASSERT_EQ(r.disagree.size(), 3u);
    EXPECT_EQ(r.disagree[0].x1, 200);
    EXPECT_EQ(r.disagree[0].rule, pixel_white);
    // a rule-made task, unnamed classes, or non-integer points are not people's answers
    Dataset s1 = d;
    s1.name = "s1";
    EXPECT_FALSE(human_vs_rule(s1, 20).checked);
    Dataset unnamed = d;
    unnamed.class_names.clear();
    EXPECT_FALSE(is_pixel_pair_answers(unnamed));
    Dataset half = d;
    half.X(0, 0) = 3.5f;
    EXPECT_FALSE(is_pixel_pair_answers(half));
}

TEST(class_outputs_test, report_json_and_html_carry_the_findings) {
    const RunAnalysis r = analyse({grid_net()}, pairs_dataset([](int x, int y) { return (x + y) % 3; }));
    AnalysisReport rep;
    rep.runs.push_back(r);
    const nlohmann::json j = analysis_to_json(rep);
    const auto& run = j["runs"][0];
    EXPECT_EQ(run["dormant"]["classes"][0]["dormant_at_end"], true);
    EXPECT_EQ(run["class_names"][0], "white");
    EXPECT_TRUE(run["fragile"]["pair_steps"].is_array());
    EXPECT_TRUE(run["human_rule"]["checked"]);  // integer pairs named white/black/grey, not a rule-made task
    const std::string html = analysis_html(rep);
    EXPECT_NE(html.find("Dormant outputs"), std::string::npos);
    EXPECT_NE(html.find("People against S1"), std::string::npos);
    EXPECT_NE(html.find("One-step flips by class pair"), std::string::npos);
}

}  // namespace
}  // namespace ginn
