// Tests for analyze_network (analysis.h): the findings that apply to one network without a run, on hand-built
// networks whose dead, always-on, copied and complementary neurons and dormant outputs are known by construction;
// its counts against the geometry; its report says what needs a run. Not the analysis of runs (analysis_test.cpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"
#include "ginn/geometry/geometry.h"

namespace ginn {
namespace {

using nlohmann::json;

/// One hidden layer of 6 ReLU neurons on [-1, 1]^2, known by construction:
/// 1 dead (z = -1 - 0.1 x < 0), 2 always on (z = 2 + 0.1 y > 0), 3 and 4 one line x = 0.2 with the same active
/// side (4 is 3 scaled by 2), 5 the same line with the other side (complementary), 6 the line y = -0.3 alone.
/// Outputs: two classes (softmax2), or three where class 2's logit is -100 everywhere (a dormant output).
Network known_network(int n_out = 2) {
    Network net;
    net.domain = {-1, 1, -1, 1};
    net.head = n_out == 2 ? Head::softmax2 : Head::softmax;
    DenseLayer h;
    h.W = Eigen::MatrixXd(6, 2);  // (6, 2)
    h.W << -0.1, 0, 0, 0.1, 1, 0, 2, 0, -1, 0, 0, 1;
    h.b = Eigen::VectorXd(6);
    h.b << -1, 2, -0.2, -0.4, 0.2, 0.3;
    DenseLayer out;
    out.activation = Activation::linear;
    out.W = Eigen::MatrixXd::Zero(n_out, 6);  // (n_out, 6)
    out.W.row(1) << 0, 0, 1, 0.5, -1, 1;
    out.b = Eigen::VectorXd::Zero(n_out);
    if (n_out == 3) out.b(2) = -100;
    net.layers = {h, out};
    return net;
}

TEST(network_analysis_test, finds_the_dead_always_on_copied_and_complementary_neurons_it_was_built_with) {
    const RunAnalysis r = analyze_network(known_network(), {}, "known");
    EXPECT_TRUE(r.imported);
    EXPECT_TRUE(r.exact);
    ASSERT_EQ(r.dead.neurons.size(), 6u);
    EXPECT_EQ(r.dead.neurons[0].final_state, NeuronState::dead);
    EXPECT_EQ(r.dead.neurons[1].final_state, NeuronState::always_on);
    for (int i = 2; i < 6; ++i) EXPECT_EQ(r.dead.neurons[size_t(i)].final_state, NeuronState::boundary) << "neuron " << i + 1;
    ASSERT_EQ(r.copycat.groups.size(), 1u);
    EXPECT_EQ(r.copycat.groups[0].neurons, (std::vector<NeuronId>{{1, 3}, {1, 4}}));
    ASSERT_FALSE(r.copycat.complementary.empty());
    for (const CopycatPair& p : r.copycat.complementary)
        EXPECT_TRUE(p.b == (NeuronId{1, 5}) && (p.a == (NeuronId{1, 3}) || p.a == (NeuronId{1, 4})))
            << neuron_label(p.a) << " " << neuron_label(p.b);
    const json f = viewer_findings(r);
    EXPECT_EQ(f["badges"]["L1:1"], json::array({"dead"}));
    EXPECT_EQ(f["badges"]["L1:2"], json::array({"always on"}));
    EXPECT_EQ(f["regions"]["iterations"], json::array({0}));
}

TEST(network_analysis_test, region_counts_are_the_geometrys_and_the_brute_force_count_of_lines) {
    const Network net = known_network();
    Geometry g;
    const RunAnalysis r = analyze_network(net, {}, "known", &g);
    const Geometry direct = compute_geometry(net);
    ASSERT_EQ(r.regions.activation.size(), 1u);
    EXPECT_EQ(r.regions.activation[0], direct.counts.activation);
    EXPECT_EQ(r.regions.linear[0], direct.counts.linear);
    EXPECT_EQ(g.counts.activation, direct.counts.activation);
    // Closed form: the lines x = 0.2 and y = -0.3 cross inside the square, cutting it into 4 activation regions.
    EXPECT_EQ(r.regions.activation[0], 4);
    EXPECT_EQ(r.regions.density_near.size(), 1u) << "regions.every > 0: the densities of the one snapshot";
}

TEST(network_analysis_test, dormant_output_is_a_class_predicted_almost_nowhere) {
    const RunAnalysis r = analyze_network(known_network(3), {}, "three");
    ASSERT_TRUE(r.dormant.checked);
    ASSERT_EQ(r.dormant.classes.size(), 3u);
    EXPECT_TRUE(r.dormant.classes[2].dormant_at_end);
    EXPECT_EQ(r.dormant.classes[2].share[0], 0.0);
    EXPECT_FALSE(r.dormant.classes[1].dormant_at_end) << "class 1 wins on part of the domain";
    EXPECT_NEAR(r.dormant.classes[0].share[0] + r.dormant.classes[1].share[0], 1.0, 1e-12);
}

TEST(network_analysis_test, smooth_networks_have_no_dead_neurons_only_no_sign_change) {
    Network net = known_network();
    net.layers[0].activation = Activation::tanh;
    const RunAnalysis r = analyze_network(net, {}, "tanh");
    EXPECT_FALSE(r.exact);
    EXPECT_FALSE(r.dead.can_die);
    EXPECT_EQ(r.dead.neurons[0].final_state, NeuronState::dead) << "negative everywhere: no sign change";
    EXPECT_EQ(viewer_findings(r)["badges"]["L1:1"], json::array({"no sign change"}));
}

TEST(network_analysis_test, leaky_neurons_die_only_with_slope_zero) {
    // PReLU with slope 0 everywhere outputs exactly 0 below zero, as ReLU: a neuron negative over the domain is dead.
    Network net = known_network();
    net.layers[0].activation = Activation::leaky_relu;
    net.layers[0].negative_slope = Eigen::VectorXd::Zero(net.layers[0].n_out());
    const RunAnalysis dead = analyze_network(net, {}, "prelu0");
    EXPECT_TRUE(dead.exact);
    EXPECT_TRUE(dead.dead.can_die);
    EXPECT_EQ(viewer_findings(dead)["badges"]["L1:1"], json::array({"dead"}));
    // One neuron with a slope below zero passes a signal there: the report says "no sign change".
    net.layers[0].negative_slope(0) = 0.25;
    const RunAnalysis leaky = analyze_network(net, {}, "prelu");
    EXPECT_FALSE(leaky.dead.can_die);
    EXPECT_EQ(viewer_findings(leaky)["badges"]["L1:1"], json::array({"no sign change"}));
}

TEST(network_analysis_test, report_says_plainly_what_needs_a_run) {
    AnalysisReport rep;
    rep.runs.push_back(analyze_network(known_network(), {}, "known.onnx"));
    const json j = analysis_to_json(rep);
    EXPECT_EQ(j["runs"][0]["imported"], true);
    ASSERT_EQ(j["runs"][0]["needs_run"].size(), 3u);
    EXPECT_NE(j["runs"][0]["needs_run"][0].get<std::string>().find("training history"), std::string::npos);
    EXPECT_TRUE(j["runs"][0]["bias"]["layers"].empty()) << "no bias shifts without training";
    const std::string html = analysis_html(rep);
    EXPECT_NE(html.find("Needs a training run"), std::string::npos);
    EXPECT_NE(html.find("known.onnx"), std::string::npos);
    const std::string text = network_findings_text(rep.runs[0]);
    EXPECT_NE(text.find("dead:       L1:1"), std::string::npos) << text;
    EXPECT_NE(text.find("copies:     L1:3, L1:4"), std::string::npos) << text;
    EXPECT_NE(text.find("needs a run:"), std::string::npos) << text;
}

TEST(network_analysis_test, bad_networks_and_options_throw) {
    Network three = known_network();
    three.layers[0].W = Eigen::MatrixXd::Ones(6, 3);
    EXPECT_THROW(analyze_network(three, {}, "three-inputs"), Error);
    AnalysisOptions bad;
    bad.dormant.threshold = -1;
    EXPECT_THROW(analyze_network(known_network(), bad, "known"), Error);
}

}  // namespace
}  // namespace ginn
