// Tests for include/ginn/render/figures.h on every kind of network (multi-class, regression, tanh, 6 layers, 64 wide,
// a point task with a test split): what the figures say (PDF text read back with poppler's pdftotext, SVG <text>),
// their physical sizes and fonts, the snapshot choice of strips, and the points drawn.
#include "ginn/render/figures.h"

#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <cmath>
#include <cstdlib>
#include <regex>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/train/trainer.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;
using test::scratch_dir;

/// Three Gaussian blobs (classes 0, 1, 2) on [-4, 4]^2; every fifth point held out as a test point.
Dataset three_blobs() {
    Dataset d;
    d.name = "three-blobs";
    d.domain = {-4, 4, -4, 4};
    d.n_classes = 3;
    const int n = 90;
    d.X.resize(n, 2);
    for (int i = 0; i < n; ++i) {
        const int c = i % 3;
        const double a = 2 * M_PI * c / 3, r = 0.3 * ((i * 7) % 10) / 10.0;
        d.X(i, 0) = static_cast<float>(2 * std::cos(a) + r * std::cos(i));
        d.X(i, 1) = static_cast<float>(2 * std::sin(a) + r * std::sin(i));
        d.label.push_back(c);
        d.is_test.push_back(i % 5 == 0);
    }
    return d;
}

/// A run of `model` on `data` held in memory: n_snapshots snapshots at iterations 0, 10, 20, ...
ginn::Run small_run(ModelSpec model, Dataset data, int n_snapshots = 4) {
    RunConfig c;
    c.model = std::move(model);
    c.optim.lr = 1e-2;
    c.train.batch = 16;
    Trainer t(c.model, c.optim, c.train, data);
    std::vector<SnapshotInfo> snaps;
    std::vector<std::vector<float>> params;
    for (int k = 0; k < n_snapshots; ++k) {
        t.run_until(10 * k);
        const Metrics m = t.evaluate();
        snaps.push_back({.iteration = t.iteration(), .lr = t.lr(), .loss = m.loss, .accuracy = m.accuracy,
                         .loss_test = m.loss_test, .accuracy_test = m.accuracy_test});
        params.emplace_back(t.params().begin(), t.params().end());
    }
    return Run::in_memory(c, std::move(snaps), params, std::move(data), "memory");
}

struct Kind {
    std::string name;
    ginn::Run run;
};

std::vector<Kind> every_kind() {
    std::vector<Kind> kinds;
    kinds.push_back({"multi-class", small_run({.widths = {8, 8}, .head = Head::softmax, .n_classes = 3}, three_blobs())});
    kinds.push_back({"regression", small_run({.widths = {8, 8}, .head = Head::regression}, test::circle_grid(20))});
    kinds.push_back({"tanh", small_run({.widths = {6, 6}, .activation = Activation::tanh}, test::circle_grid(20))});
    kinds.push_back({"deep", small_run({.widths = {6, 6, 6, 6, 6, 6}}, test::circle_grid(20))});
    kinds.push_back({"wide", small_run({.widths = {64}}, test::circle_grid(20))});
    return kinds;
}

bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0; }

/// Runs a command and returns what it printed.
std::string output_of(const std::string& command, const std::string& dir) {
    const std::string out = dir + "/cmd.txt";
    EXPECT_EQ(std::system((command + " > " + out).c_str()), 0) << command;
    return read_file(out);
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

/// Every figure kind renders, and its PDF's text says what its picture encodes.
TEST(figures_test, each_kind_of_network_says_what_its_colours_mean) {
    if (!have("pdftotext")) FAIL() << "poppler-utils (pdftotext) not installed (hint: bash scripts/install-deps.sh)";
    const std::string dir = scratch_dir("figures_test_kinds");
    for (const Kind& kind : every_kind()) {
        SCOPED_TRACE(kind.name);
        const ginn::Run& run = kind.run;
        const PanelInput last = run_panel(run, run.n_snapshots() - 1);
        const std::string pdf = dir + "/" + kind.name + ".pdf";
        render_snapshot(last.net, last.geometry, pdf,
                        run_render_options(run, {.size = 300, .colour_bar = true, .axes = true, .legend = true,
                                                 .points = PointSet::all}),
                        last.label);
        const std::string text = output_of("pdftotext -layout " + pdf + " -", dir);
        EXPECT_TRUE(contains(text, "iteration 30")) << text;
        const bool is_regression = kind.name == "regression";  // its yellow line is the output's 0.5 level, no decision
        EXPECT_EQ(contains(text, "decision boundary"), !is_regression) << text;
        EXPECT_EQ(contains(text, "output = 0.5"), is_regression) << text;
        const int n_layers = static_cast<int>(run.config().model.widths.size());
        for (int l = 1; l <= n_layers; ++l) EXPECT_TRUE(contains(text, "layer " + std::to_string(l))) << text;
        EXPECT_FALSE(contains(text, "layer " + std::to_string(n_layers + 1))) << text;
        const bool k_class = kind.name == "multi-class", regression = kind.name == "regression";
        EXPECT_EQ(contains(text, "P(class 1)"), !k_class && !regression) << text;
        for (const char* c : {"class 0", "class 1", "class 2"})
            EXPECT_EQ(contains(text, std::string(c) + "\n") || contains(text, std::string(c) + " "), k_class) << c << text;
        EXPECT_EQ(contains(text, "clipped outside"), regression) << text;
        EXPECT_EQ(contains(text, "output"), regression) << text;
        EXPECT_EQ(contains(text, "approximate boundaries (grid 256)"), kind.name == "tanh") << text;
        EXPECT_TRUE(contains(text, "training points")) << text;
        EXPECT_EQ(contains(text, "test points"), k_class) << text;  // only the blobs have a test split
    }
}

/// The shared encoding, pixel by pixel, on the figure's raster: k classes fade from white to their class fill.
TEST(figures_test, multi_class_background_uses_the_class_fills_and_regression_the_label_range) {
    const ginn::Run k3 = small_run({.widths = {8}, .head = Head::softmax, .n_classes = 3}, three_blobs(), 2);
    const Network net = k3.network(1);
    const Figure f = figure_snapshot(net, {}, run_render_options(k3, {.size = 20, .frame = false}));
    ASSERT_EQ(f.images.size(), 1u);
    const Eigen::MatrixXd X = pixel_centres(net.domain, 20, 20);
    const Eigen::MatrixXd Z = forward(net, X);
    for (Eigen::Index p = 0; p < X.rows(); ++p) {
        Eigen::Index c = 0;
        Z.row(p).maxCoeff(&c);
        const Eigen::RowVectorXd e = (Z.row(p).array() - Z.row(p).maxCoeff()).exp();
        const double conf = std::clamp((1 / e.sum() - 1.0 / 3) / (1 - 1.0 / 3), 0.0, 1.0);
        const Rgb want = mix({1, 1, 1}, class_fill(static_cast<int>(c)), conf);
        const uint8_t* got = &f.images[0].rgb[3 * p];
        ASSERT_NEAR(got[0], want.r * 255, 0.51) << p;
        ASSERT_NEAR(got[1], want.g * 255, 0.51) << p;
        ASSERT_NEAR(got[2], want.b * 255, 0.51) << p;
    }
    // Regression: the label range is the scale (labels 0/1 here), constant labels widen by 1.
    Dataset constant = test::circle_grid(10);
    std::fill(constant.label.begin(), constant.label.end(), 1);
    const ginn::Run reg = small_run({.widths = {4}, .head = Head::regression}, constant, 1);
    const RenderOptions o = run_render_options(reg, {});
    EXPECT_DOUBLE_EQ(o.output.lo, 0.5);
    EXPECT_DOUBLE_EQ(o.output.hi, 1.5);
    EXPECT_EQ(o.target, &reg.dataset());
}

/// Physical width and font size: a 7-inch PDF is 504 pt wide and its strip labels are 8 pt; PNG pixels follow --dpi.
TEST(figures_test, physical_width_and_font_size_are_honoured) {
    const std::string dir = scratch_dir("figures_test_width");
    const ginn::Run run = small_run({.widths = {6, 6}}, test::circle_grid(20), 6);
    std::vector<PanelInput> panels;
    for (int k : strip_snapshots(run, 6)) panels.push_back(run_panel(run, k));
    const RenderOptions o = run_render_options(run, {.axes = true, .legend = true, .font_size = 8, .width_pt = 504});
    const Figure f = figure_strip(panels, o, 3);
    EXPECT_DOUBLE_EQ(f.width, 504);
    for (const FigureText& t : f.texts) EXPECT_TRUE(t.size == 8 || t.size == 8 * 0.85) << t.text << " " << t.size;
    for (const FigureText& t : f.texts) EXPECT_LE(t.x, 504) << t.text;
    for (const FigureText& t : f.texts) EXPECT_LE(t.y, f.height) << t.text;
    // PNG: 504 pt at 144 dpi is 1008 pixels.
    RenderOptions png = o;
    png.dpi = 144;
    render_strip(panels, dir + "/s.png", png, 3);
    int w = 0, h = 0, n = 0;
    ASSERT_TRUE(stbi_info((dir + "/s.png").c_str(), &w, &h, &n));
    EXPECT_EQ(w, 1008);
    EXPECT_EQ(h, static_cast<int>(std::ceil(f.height * 2 - 1e-6)));
    // Too narrow for the panels: one clear error, not a squashed figure.
    expect_error([&] { figure_strip(panels, {.font_size = 8, .width_pt = 40}, 6); }, {"--width", "fewer --columns"});
    if (!have("pdftotext")) FAIL() << "poppler-utils (pdftotext) not installed (hint: bash scripts/install-deps.sh)";
    render_strip(panels, dir + "/s.pdf", o, 3);
    const std::string info = output_of("pdfinfo " + dir + "/s.pdf", dir);
    EXPECT_TRUE(std::regex_search(info, std::regex("Page size: +504 x"))) << info;
    // pdftotext -bbox gives each word's box: a label word's height is about 1.15 x its 8 pt size.
    const std::string html = output_of("pdftotext -bbox " + dir + "/s.pdf -", dir);
    const std::regex word(R"re(yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">iteration<)re");
    int n_labels = 0;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), word); it != std::sregex_iterator(); ++it, ++n_labels) {
        const double height = std::stod((*it)[2]) - std::stod((*it)[1]);
        EXPECT_GT(height, 8 * 1.0);
        EXPECT_LT(height, 8 * 1.4);
    }
    EXPECT_EQ(n_labels, 6);
}

TEST(figures_test, strips_refuse_more_panels_than_snapshots_and_pick_the_nearest_iterations) {
    const ginn::Run run = small_run({.widths = {4}}, test::circle_grid(10), 4);  // iterations 0, 10, 20, 30
    EXPECT_EQ(strip_snapshots(run, 4), (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(strip_snapshots(run, 2), (std::vector<int>{0, 3}));
    expect_error([&] { strip_snapshots(run, 5); }, {"--panels", "5", "1..4", "4 snapshots"});
    expect_error([&] { strip_snapshots(run, 0); }, {"--panels", "0"});
    std::vector<std::string> notes;
    EXPECT_EQ(snapshots_near_iterations(run, "30,0,14,16,15", &notes), (std::vector<int>{3, 0, 1, 2, 1}));
    ASSERT_EQ(notes.size(), 3u);
    EXPECT_EQ(notes[0], "--iterations 14: nearest recorded snapshot is iteration 10");
    EXPECT_EQ(notes[1], "--iterations 16: nearest recorded snapshot is iteration 20");
    for (const char* bad : {"", "10,", "x", "-1", "31", "1e3", "10,,20"})
        expect_error([&] { snapshots_near_iterations(run, bad, nullptr); }, {"--iterations", "0..30"});
}

TEST(figures_test, demo_figures_are_written_for_a_run_with_fewer_than_six_snapshots) {
    const std::string dir = scratch_dir("figures_test_demo");
    const ginn::Run run = small_run({.widths = {4}}, test::circle_grid(10), 4);
    const std::vector<std::string> paths = write_run_figures(run, dir);
    ASSERT_EQ(paths.size(), 2u);
    int w = 0, h = 0, n = 0;
    EXPECT_TRUE(stbi_info(paths[0].c_str(), &w, &h, &n)) << paths[0];
    EXPECT_GT(w, 800);  // the plot, its axes and the P(class 1) bar
    EXPECT_EQ(read_file(paths[1]).substr(0, 5), "%PDF-");
}

/// Point tasks: one marker per point of the chosen set, training points filled, test points hollow rings.
TEST(figures_test, the_legend_draws_points_in_the_colours_the_picture_draws_them) {
    // two classes: black (0) and white (1) markers with the pictures' mid-grey edge, never a grey dot that is neither
    const ginn::Run run = small_run({.widths = {4}}, test::circle_grid(20), 1);
    const PanelInput p = run_panel(run, 0);
    const Figure f = figure_snapshot(p.net, p.geometry, run_render_options(run, {.size = 100, .legend = true, .points = PointSet::train}));
    std::vector<Rgb> legend;  // markers outside every panel's clip: the legend's
    for (const FigureFill& m : f.fills)
        if (m.clip < 0 && m.filled && m.points.rows() == 10) legend.push_back(m.colour);
    ASSERT_EQ(legend.size(), 2u);
    EXPECT_EQ(legend[0].r + legend[0].g + legend[0].b, 0.0) << "class 0 black";
    EXPECT_EQ(legend[1].r + legend[1].g + legend[1].b, 3.0) << "class 1 white";
    int64_t drawn_black = 0, drawn_white = 0;  // and the picture's markers are those colours
    for (const FigureFill& m : f.fills)
        if (m.clip >= 0 && m.filled) (m.colour.r == 0 ? drawn_black : drawn_white) += 1;
    EXPECT_GT(drawn_black, 0);
    EXPECT_GT(drawn_white, 0);
}

TEST(figures_test, points_draw_one_marker_per_point_of_the_chosen_set) {
    const ginn::Run run = small_run({.widths = {4}, .head = Head::softmax, .n_classes = 3}, three_blobs(), 1);
    const Dataset& d = run.dataset();
    const int64_t n_test = d.n_test(), n_train = d.size() - n_test;
    ASSERT_GT(n_test, 0);
    const PanelInput p = run_panel(run, 0);
    auto fills = [&](PointSet s) {
        const Figure f = figure_snapshot(p.net, p.geometry, run_render_options(run, {.size = 100, .points = s}));
        int64_t filled = 0, hollow = 0;
        for (const FigureFill& m : f.fills) (m.filled ? filled : hollow)++;
        return std::pair{filled, hollow};
    };
    EXPECT_EQ(fills(PointSet::none), (std::pair<int64_t, int64_t>{0, 0}));
    EXPECT_EQ(fills(PointSet::train), (std::pair<int64_t, int64_t>{n_train, 0}));
    EXPECT_EQ(fills(PointSet::test), (std::pair<int64_t, int64_t>{0, 2 * n_test}));  // ring: dark edge + class colour
    EXPECT_EQ(fills(PointSet::all), (std::pair<int64_t, int64_t>{n_train, 2 * n_test}));
    expect_error([&] { figure_snapshot(p.net, p.geometry, {.points = PointSet::all}); }, {"--points", "no dataset"});
    // A point task has no target image: the background would be invented between its points.
    expect_error([&] { figure_snapshot(p.net, p.geometry, run_render_options(run, {.background = Background::target})); },
                 {"--background target", "only at its points", "--points all"});
    expect_error([] { point_set_from_name("some"); }, {"--points", "train, test, all or none"});
}

}  // namespace
}  // namespace ginn
