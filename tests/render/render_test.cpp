// Tests for include/ginn/render/render.h: palette, neuron selections, the draw data of a snapshot and a strip, and the
// Cairo files (PNG pixels where a known line is, SVG paths, PDF header, atomic writes) and ffmpeg animations.
#include "ginn/render/render.h"

#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;
using test::scratch_dir;

namespace fs = std::filesystem;



/// A decoded PNG: w x h RGB pixels.
struct Png {
    int w = 0, h = 0;
    std::vector<uint8_t> rgb;
    Rgb at(int x, int y) const {
        const uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
        return {p[0] / 255.0, p[1] / 255.0, p[2] / 255.0};
    }
};

Png read_png(const std::string& path) {
    const std::string bytes = read_file(path);
    Png png;
    int n = 0;
    unsigned char* data = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(bytes.data()),
                                                static_cast<int>(bytes.size()), &png.w, &png.h, &n, 3);
    EXPECT_NE(data, nullptr) << path;
    if (data) png.rgb.assign(data, data + static_cast<size_t>(png.w) * png.h * 3);
    stbi_image_free(data);
    return png;
}

double distance(const Rgb& a, const Rgb& b) { return std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b); }

/// 2-(hidden...)-2 network on the unit box; hidden layer l has the given weights and biases, output layer zero with
/// bias (0, logit1) so that P(class 1) = sigmoid(logit1) everywhere.
Network constant_output_net(std::vector<std::pair<Eigen::MatrixXd, Eigen::VectorXd>> hidden, double logit1) {
    Network net;
    for (auto& [W, b] : hidden) net.layers.push_back({W, b, Activation::relu, false});
    const int n_last = net.layers.empty() ? 2 : net.layers.back().n_out();
    net.layers.push_back({Eigen::MatrixXd::Zero(2, n_last), Eigen::Vector2d(0, logit1), Activation::linear, false});
    return net;
}

/// One hidden neuron z = x - 0.5 (vertical line x = 0.5) and a second layer neuron z = a - 0.1 (its geometry
/// given by hand below: the line x = 0.6).
Network two_layer_net(double logit1 = 0) {
    Eigen::MatrixXd W1(1, 2);
    W1 << 1, 0;
    Eigen::MatrixXd W2(1, 1);
    W2 << 1;
    return constant_output_net({{W1, Eigen::VectorXd::Constant(1, -0.5)}, {W2, Eigen::VectorXd::Constant(1, -0.1)}},
                               logit1);
}

Polyline segment(double x0, double y0, double x1, double y1) {
    Polyline p(2, 2);
    p << x0, y0, x1, y1;
    return p;
}

Geometry two_layer_geometry() {
    Geometry g;
    g.neurons = {{1, 1, {segment(0.5, 0, 0.5, 1)}}, {2, 1, {segment(0.6, 0, 0.6, 1)}}};
    g.decision_boundary = {segment(0, 0.25, 1, 0.25)};
    return g;
}

// ---------------------------------------------------------------------------------------------- palette

TEST(render_test, palette_layers_are_distinct_hues_and_shades_differ) {
    // Layer 1 blue, 2 red, 3 green by their dominant channel.
    for (int i = 1; i <= 16; ++i) {
        const Rgb b = neuron_colour(1, i, 16), r = neuron_colour(2, i, 16), g = neuron_colour(3, i, 16);
        EXPECT_GT(b.b, std::max(b.r, b.g)) << i;
        EXPECT_GT(r.r, std::max(r.g, r.b)) << i;
        EXPECT_GT(g.g, std::max(g.r, g.b)) << i;
    }
    // Every pair of layers 1..8 differs clearly for the same neuron; shades within a layer differ too.
    for (int a = 1; a <= 8; ++a)
        for (int b = a + 1; b <= 8; ++b) EXPECT_GT(distance(neuron_colour(a, 8, 16), neuron_colour(b, 8, 16)), 0.25) << a << " " << b;
    EXPECT_GT(distance(neuron_colour(1, 1, 16), neuron_colour(1, 16, 16)), 0.4);
    EXPECT_GT(distance(neuron_colour(1, 3, 16), neuron_colour(1, 4, 16)), 0.02);
    for (const Rgb& c : {neuron_colour(4, 2, 5), neuron_colour(11, 1, 1), decision_colour()})
        for (double v : {c.r, c.g, c.b}) EXPECT_TRUE(v >= 0 && v <= 1);
    // Region colours are a function of the pattern only.
    const std::vector<uint8_t> p = {1, 0, 1, 1}, q = {1, 0, 1, 0};
    EXPECT_EQ(region_colour(p), region_colour(std::vector<uint8_t>(p)));
    EXPECT_NE(region_colour(p), region_colour(q));
}

TEST(render_test, prediction_colour_follows_the_shared_encoding) {
    const Rgb white{1, 1, 1};
    // Two-class heads: P(class 1) as a grey, from the logits by hand.
    const double z2[] = {0.3, 1.1};
    const double p1 = 1 / (1 + std::exp(0.3 - 1.1));
    EXPECT_LT(distance(prediction_colour(Head::softmax2, z2), {p1, p1, p1}), 1e-12);
    const double z1[] = {-2.0};
    const double s = 1 / (1 + std::exp(2.0));
    EXPECT_LT(distance(prediction_colour(Head::sigmoid, z1), {s, s, s}), 1e-12);
    // k classes: all equal -> white; a sure class -> its fill; halfway confidence -> halfway mix.
    const double equal[] = {0.5, 0.5, 0.5, 0.5};
    EXPECT_EQ(prediction_colour(Head::softmax, equal), white);
    const double sure[] = {0, 0, 60};
    EXPECT_LT(distance(prediction_colour(Head::softmax, sure), class_fill(2)), 1e-9);
    // p = 2/3 of 3 classes: conf = (2/3 - 1/3) / (2/3) = 1/2; logits (log 2, 0, 0) give p = 2/4... use (log 4, 0, 0).
    const double half[] = {std::log(4.0), 0, 0};
    EXPECT_LT(distance(prediction_colour(Head::softmax, half), mix(white, class_fill(0), 0.5)), 1e-9);
    EXPECT_EQ(class_fill(0), (Rgb{0xf4 / 255.0, 0xc7 / 255.0, 0xa1 / 255.0}));
    EXPECT_EQ(class_fill(13), class_fill(3));
    // Regression: the output on [lo, hi], clamped outside.
    const OutputScale scale{-1, 3};
    for (const auto& [out, grey] : std::vector<std::pair<double, double>>{{-1, 0}, {1, 0.5}, {3, 1}, {7, 1}, {-5, 0}}) {
        const double z[] = {out};
        EXPECT_LT(distance(prediction_colour(Head::regression, z, scale), {grey, grey, grey}), 1e-12) << out;
    }
}

TEST(render_test, colour_blind_palette_uses_okabe_ito_hues_with_shades) {
    EXPECT_EQ(palette_from_name("cb"), Palette::colour_blind);
    expect_error([] { palette_from_name("rainbow"); }, {"--palette", "standard or cb"});
    const Rgb okabe[] = {{0, 0x72 / 255.0, 0xB2 / 255.0}, {0xD5 / 255.0, 0x5E / 255.0, 0}, {0, 0x9E / 255.0, 0x73 / 255.0}};
    for (int l = 1; l <= 3; ++l) {
        EXPECT_LT(distance(neuron_colour(l, 1, 1, Palette::colour_blind), okabe[l - 1]), 1e-12) << l;  // t = 0.5: base
        EXPECT_LT(distance(neuron_colour(l + 8, 1, 1, Palette::colour_blind), okabe[l - 1]), 1e-12) << l;  // cyclic
        // Shades: neuron 1 darker, the last lighter, both still nearer their layer's base than another layer's.
        const Rgb dark = neuron_colour(l, 1, 16, Palette::colour_blind), light = neuron_colour(l, 16, 16, Palette::colour_blind);
        EXPECT_LT(dark.r + dark.g + dark.b, light.r + light.g + light.b);
        for (int other = 1; other <= 3; ++other)
            if (other != l) {
                EXPECT_LT(distance(dark, okabe[l - 1]), distance(dark, okabe[other - 1]));
            }
    }
    // Drawn figures use the palette.
    const Figure f = figure_snapshot(two_layer_net(), two_layer_geometry(), {.size = 50, .palette = Palette::colour_blind});
    const auto l2 = std::find_if(f.paths.begin(), f.paths.end(), [](auto& p) { return p.tag == "L2:1"; });
    ASSERT_NE(l2, f.paths.end());
    EXPECT_LT(distance(l2->colour, okabe[1]), 1e-12);
}

// ---------------------------------------------------------------------------------------------- selection

TEST(render_test, neuron_selection_parses_all_forms) {
    EXPECT_TRUE(parse_neuron_selection("all").contains(7, 99));
    const NeuronSelection none = parse_neuron_selection("none");
    EXPECT_FALSE(none.contains(1, 1));
    const NeuronSelection l1 = parse_neuron_selection("L1");
    EXPECT_TRUE(l1.contains(1, 16));
    EXPECT_FALSE(l1.contains(2, 1));
    const NeuronSelection some = parse_neuron_selection("L2:3,5");
    EXPECT_TRUE(some.contains(2, 3));
    EXPECT_TRUE(some.contains(2, 5));
    EXPECT_FALSE(some.contains(2, 4));
    EXPECT_FALSE(some.contains(1, 3));
    const NeuronSelection mixed = parse_neuron_selection("L1,L3:2");
    EXPECT_TRUE(mixed.contains(1, 9));
    EXPECT_TRUE(mixed.contains(3, 2));
    EXPECT_FALSE(mixed.contains(3, 1));
    const NeuronSelection plus = parse_neuron_selection("l1+L2:1,4+L3:2-4");
    EXPECT_TRUE(plus.contains(2, 4));
    EXPECT_TRUE(plus.contains(3, 3));
    EXPECT_FALSE(plus.contains(3, 5));
    EXPECT_FALSE(plus.contains(2, 2));
}

TEST(render_test, bad_neuron_selections_are_errors) {
    for (const char* bad : {"", "foo", "L", "L0", "Lx", "L2:", "L2:0", "L2:a", "3", "L1,3", "L1+3", "L2:5-3", "L2:3,,5",
                            "L1,", "L-1", "all,L1"})
        expect_error([&] { parse_neuron_selection(bad); }, {"--neurons", "L2:3,5"});
    // Names a neuron the network does not have: an error when drawing.
    const Network net = two_layer_net();
    expect_error([&] { figure_snapshot(net, two_layer_geometry(), {.neurons = parse_neuron_selection("L3")}); },
                 {"layer 3", "1..2"});
    expect_error([&] { figure_snapshot(net, two_layer_geometry(), {.neurons = parse_neuron_selection("L1:2")}); },
                 {"L1:2", "neurons 1..1"});
    // Huge ranges are kept as ranges (no loop to 2^31, no two-billion-element set) and checked against the network.
    EXPECT_TRUE(parse_neuron_selection("L1:2147483647").contains(1, 2147483647));
    EXPECT_TRUE(parse_neuron_selection("L1:1-2000000000").contains(1, 1999999999));
    expect_error([&] { figure_snapshot(net, two_layer_geometry(), {.neurons = parse_neuron_selection("L1:1-2000000000")}); },
                 {"L1:2000000000", "neurons 1..1"});
    expect_error([&] { parse_neuron_selection("L1:99999999999"); }, {"bad number"});
    EXPECT_EQ(background_from_name("regions"), Background::regions);
    expect_error([] { background_from_name("image"); }, {"image", "prediction"});
}

// ---------------------------------------------------------------------------------------------- draw data

TEST(render_test, snapshot_figure_has_one_path_per_selected_polyline) {
    const Network net = two_layer_net();
    Geometry g = two_layer_geometry();
    g.neurons[0].polylines.push_back(segment(0.1, 0.1, 0.2, 0.9));
    const Figure all = figure_snapshot(net, g, {.size = 200});
    auto count = [](const Figure& f, const std::string& tag) {
        return std::count_if(f.paths.begin(), f.paths.end(), [&](const FigurePath& p) { return p.tag == tag; });
    };
    EXPECT_EQ(count(all, "L1:1"), 2);
    EXPECT_EQ(count(all, "L2:1"), 1);
    EXPECT_EQ(count(all, "decision"), 1);
    EXPECT_EQ(count(all, "decision-outline"), 1);
    EXPECT_EQ(all.width, 200);
    EXPECT_EQ(all.height, 200);
    // Domain (0.5, 0) -> figure (100, 200): x right, y down in figure units.
    const FigurePath& line = *std::find_if(all.paths.begin(), all.paths.end(), [](auto& p) { return p.tag == "L1:1"; });
    EXPECT_DOUBLE_EQ(line.points(0, 0), 100);
    EXPECT_DOUBLE_EQ(line.points(0, 1), 200);
    EXPECT_EQ(line.colour, neuron_colour(1, 1, 1));
    const Figure l2 = figure_snapshot(net, g, {.size = 200, .neurons = parse_neuron_selection("L2"),
                                               .decision_boundary = false});
    EXPECT_EQ(count(l2, "L1:1"), 0);
    EXPECT_EQ(count(l2, "L2:1"), 1);
    EXPECT_EQ(count(l2, "decision"), 0);
    // Decorations grow the figure beyond the plot area.
    const Figure decorated = figure_snapshot(net, g, {.size = 200, .colour_bar = true, .axes = true}, "iteration 5");
    EXPECT_GT(decorated.width, 230);
    EXPECT_GT(decorated.height, 230);
    EXPECT_GE(decorated.texts.size(), 1u + 5 + 5);  // label, ticks
}

TEST(render_test, snapshot_label_groups_digits) {
    EXPECT_EQ(snapshot_label(1280000, 0.031234), "iteration 1,280,000   loss 0.0312");
    EXPECT_EQ(snapshot_label(0, NAN), "iteration 0");
    EXPECT_EQ(snapshot_label(999, 1), "iteration 999   loss 1");
}

TEST(render_test, strip_lays_panels_side_by_side) {
    const Network net = two_layer_net();
    const std::vector<PanelInput> panels(6, PanelInput{net, two_layer_geometry(), "iteration 0"});
    const Figure row = figure_strip(panels, {.size = 100});
    EXPECT_GT(row.width, 600);
    EXPECT_LT(row.height, 200);
    EXPECT_EQ(row.images.size(), 6u);
    EXPECT_EQ(row.texts.size(), 6u);
    const Figure grid = figure_strip(panels, {.size = 100}, /*n_columns=*/3);
    EXPECT_GT(grid.height, 200);
    EXPECT_LT(grid.width, 400);
    // Panels do not overlap.
    for (size_t i = 1; i < grid.images.size(); ++i) {
        const FigureImage &a = grid.images[i - 1], &b = grid.images[i];
        EXPECT_TRUE(a.x + a.w <= b.x || b.y >= a.y + a.h) << i;
    }
    expect_error([] { figure_strip({}, {}); }, {"no snapshots"});
}

// ---------------------------------------------------------------------------------------------- files

TEST(render_test, png_has_the_expected_size_and_line_pixels_in_layer_colour) {
    const std::string dir = scratch_dir("render_test_png");
    const Network net = two_layer_net();
    const std::string path = dir + "/lines.png";
    render_snapshot(net, two_layer_geometry(), path,
                    {.size = 200, .background = Background::none, .frame = false, .line_width = 2});
    const Png png = read_png(path);
    ASSERT_EQ(png.w, 200);
    ASSERT_EQ(png.h, 200);
    // x = 0.5 is the pixel edge between columns 99 and 100; the 2-unit line centred there covers both fully
    // (anti-aliasing aside), so the pixel closest to the layer colour near the line should match it.
    const Rgb blue = neuron_colour(1, 1, 1), red = neuron_colour(2, 1, 1);
    for (int y : {20, 100, 140}) {
        double best_blue = 9, best_red = 9;
        for (int x = 97; x <= 102; ++x) best_blue = std::min(best_blue, distance(png.at(x, y), blue));
        for (int x = 117; x <= 122; ++x) best_red = std::min(best_red, distance(png.at(x, y), red));
        EXPECT_LT(best_blue, 0.05) << "row " << y;
        EXPECT_LT(best_red, 0.05) << "row " << y;
        EXPECT_LT(distance(png.at(40, y), {1, 1, 1}), 0.02) << "far from any line, white";
        EXPECT_LT(distance(png.at(170, y), {1, 1, 1}), 0.02);
        EXPECT_GT(png.at(99, y).b, png.at(99, y).r + 0.1) << "blue-ish on the layer-1 line";
    }
    // The decision boundary y = 0.25 (row 150) stands out: dark outline / yellow core, not white.
    double darkest = 3;
    for (int y = 145; y <= 155; ++y) darkest = std::min(darkest, png.at(40, y).r + png.at(40, y).g + png.at(40, y).b);
    EXPECT_LT(darkest, 1.5);
    const Rgb core = png.at(40, 150);
    EXPECT_GT(core.r, 0.7);
    EXPECT_LT(core.b, 0.4);  // yellow
}

TEST(render_test, prediction_background_of_a_constant_network_is_uniform_on_a_fixed_scale) {
    const std::string dir = scratch_dir("render_test_constant");
    for (double logit : {1.0, -2.0}) {
        const Network net = two_layer_net(logit);
        const std::string path = dir + "/c.png";
        render_snapshot(net, Geometry{}, path, {.size = 64, .frame = false});
        const Png png = read_png(path);
        ASSERT_EQ(png.w, 64);
        const double expected = 1 / (1 + std::exp(-logit));  // P(class 1) as a grey, not stretched
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) {
                ASSERT_NEAR(png.at(x, y).r, expected, 1.0 / 255 + 1e-9) << x << "," << y;
                ASSERT_EQ(png.at(x, y), png.at(0, 0));
            }
    }
}

TEST(render_test, regions_background_colours_by_pattern) {
    const Network net = two_layer_net();  // regions: x < 0.5 (both off), 0.5..0.6 (L1 on), x > 0.6 (both on)
    const Figure f = figure_snapshot(net, Geometry{}, {.size = 100, .background = Background::regions});
    ASSERT_EQ(f.images.size(), 1u);
    const FigureImage& img = f.images[0];
    auto pixel = [&](int x, int y) {
        const uint8_t* p = &img.rgb[(static_cast<size_t>(y) * img.px_w + x) * 3];
        return Rgb{p[0] / 255.0, p[1] / 255.0, p[2] / 255.0};
    };
    const std::vector<uint8_t> off = {0, 0}, l1 = {1, 0}, both = {1, 1};
    EXPECT_LT(distance(pixel(10, 50), region_colour(off)), 0.015);
    EXPECT_LT(distance(pixel(55, 50), region_colour(l1)), 0.015);
    EXPECT_LT(distance(pixel(90, 50), region_colour(both)), 0.015);
    EXPECT_NE(region_colour(off), region_colour(both));
}

TEST(render_test, target_background_needs_and_shows_the_dataset) {
    const Network net = two_layer_net();
    expect_error([&] { figure_snapshot(net, Geometry{}, {.background = Background::target}); }, {"no dataset"});
    Dataset d = make_dataset(TaskSpec{.resolution = 40});  // the bottle: background white, body black
    const Figure f = figure_snapshot(net, Geometry{}, {.size = 40, .background = Background::target, .target = &d});
    ASSERT_EQ(f.images.size(), 1u);
    const auto& rgb = f.images[0].rgb;
    EXPECT_EQ(rgb[0], 255);
    EXPECT_EQ(rgb[(35 * 40 + 20) * 3], d.label[35 * 40 + 20] ? 255 : 0);
    EXPECT_EQ(rgb[(35 * 40 + 20) * 3], 0);  // low in the body
}

int count_substring(const std::string& s, const std::string& needle) {
    int n = 0;
    for (size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + 1)) ++n;
    return n;
}

TEST(render_test, svg_keeps_one_vector_path_per_polyline_and_pdf_is_a_pdf) {
    const std::string dir = scratch_dir("render_test_vector");
    const Network net = two_layer_net();
    Geometry g = two_layer_geometry();
    Polyline bent(3, 2);
    bent << 0.1, 0.9, 0.3, 0.5, 0.2, 0.1;
    g.neurons[1].polylines.push_back(bent);
    const RenderOptions o{.size = 300, .frame = false};
    const Figure f = figure_snapshot(net, g, o);
    const size_t n_polylines = 1 + 2 + 1;  // L1, two L2, the decision boundary (drawn twice: outline + core)
    ASSERT_EQ(f.paths.size(), n_polylines + 1);
    const std::string svg_path = dir + "/f.svg";
    render_snapshot(net, g, svg_path, o);
    const std::string svg = read_file(svg_path);
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    // Each stroked path is one <path style="fill:none;stroke-width:...">.
    EXPECT_EQ(count_substring(svg, "fill:none;stroke-width"), static_cast<int>(f.paths.size()));
    EXPECT_NE(svg.find("<image"), std::string::npos);  // the prediction background is one embedded image
    // Text stays editable text: one <text> per label with its size, special characters escaped.
    render_snapshot(net, g, svg_path, {.size = 300, .axes = true, .font_size = 11}, "iteration 10 <&> loss 0.5");
    const std::string labelled = read_file(svg_path);
    EXPECT_NE(labelled.find("font-size=\"11\" fill=\"#1a1a1a\" text-anchor=\"middle\">iteration 10 &lt;&amp;&gt; loss 0.5</text>"),
              std::string::npos) << labelled.substr(labelled.size() - 600);
    EXPECT_EQ(count_substring(labelled, "<text"), 1 + 6 + 6);  // label, x and y tick numbers 0, 0.2, ..., 1
    const std::string pdf_path = dir + "/f.pdf";
    render_snapshot(net, g, pdf_path, {.size = 300, .axes = true}, "iteration 10   loss 0.5");
    EXPECT_EQ(read_file(pdf_path).substr(0, 5), "%PDF-");
}

TEST(render_test, bad_extension_or_unwritable_directory_is_an_error_and_leaves_nothing) {
    const std::string dir = scratch_dir("render_test_bad");
    const Network net = two_layer_net();
    expect_error([&] { render_snapshot(net, two_layer_geometry(), dir + "/f.jpg"); }, {"f.jpg", ".png, .svg or .pdf"});
    expect_error([&] { render_strip(std::vector<PanelInput>{{net, {}, ""}}, dir + "/f"); }, {"unknown figure format"});
    const std::string missing = dir + "/no/such/dir/f.png";
    expect_error([&] { render_snapshot(net, two_layer_geometry(), missing, {.size = 32}); }, {missing});
    EXPECT_TRUE(fs::is_empty(dir)) << "no partial or temporary file left";
    fs::create_directories(dir + "/ro");
    fs::permissions(dir + "/ro", fs::perms::owner_read | fs::perms::owner_exec);
    if (::access((dir + "/ro").c_str(), W_OK) != 0) {  // root ignores permissions; skip the check then
        expect_error([&] { render_snapshot(net, two_layer_geometry(), dir + "/ro/f.svg", {.size = 32}); }, {"ro/f.svg"});
        EXPECT_TRUE(fs::is_empty(dir + "/ro"));
    }
    fs::permissions(dir + "/ro", fs::perms::owner_all);
}

// ---------------------------------------------------------------------------------------------- animation

TEST(render_test, animation_without_ffmpeg_says_so) {
    const std::string dir = scratch_dir("render_test_noffmpeg");
    const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (dir + "/empty-bin").c_str(), 1);
    const std::vector<PanelInput> frames(2, PanelInput{two_layer_net(), two_layer_geometry(), "i"});
    expect_error([&] { render_animation(frames, dir + "/a.mp4"); }, {"ffmpeg", "not found", "apt-get install ffmpeg"});
    ::setenv("PATH", old_path.c_str(), 1);
    expect_error([&] { render_animation(frames, dir + "/a.avi"); }, {".mp4 or .gif"});
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST(render_test, animation_writes_mp4_and_gif_with_ffmpeg) {
    if (system("command -v ffmpeg >/dev/null 2>&1") != 0) FAIL() << "ffmpeg not installed (hint: bash scripts/install-deps.sh)";
    const std::string dir = scratch_dir("render_test_ffmpeg");
    int calls = 0;
    auto frame = [&](int i) {
        ++calls;
        Geometry g = two_layer_geometry();
        g.neurons[0].polylines[0] = segment(0.2 + 0.1 * i, 0, 0.5, 1);
        return PanelInput{two_layer_net(i - 1.0), g, snapshot_label(i * 10, 0.5 / (i + 1))};
    };
    // Size 75 with a label gives odd dimensions: the mp4 path must pad them to even.
    const AnimationOptions o{.render = {.size = 75}, .fps = 4};
    render_animation(4, frame, dir + "/run.mp4", o);
    EXPECT_EQ(calls, 4);
    const std::string mp4 = read_file(dir + "/run.mp4");
    ASSERT_GT(mp4.size(), 100u);
    EXPECT_EQ(mp4.substr(4, 4), "ftyp");
    render_animation(3, frame, dir + "/run.gif", o);
    const std::string gif = read_file(dir + "/run.gif");
    EXPECT_EQ(gif.substr(0, 6), "GIF89a");
    // Even dimensions, padded with paper (white), not black: the bottom row and right column of the first frame.
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(gif.data()), static_cast<int>(gif.size()),
                                              &w, &h, &n, 3);
    ASSERT_NE(px, nullptr);
    const Figure first = figure_snapshot(two_layer_net(-1.0), two_layer_geometry(), o.render, snapshot_label(0, 0.5));
    EXPECT_EQ(w, static_cast<int>(first.width) + static_cast<int>(first.width) % 2);
    EXPECT_EQ(h, static_cast<int>(first.height) + static_cast<int>(first.height) % 2);
    EXPECT_TRUE(w % 2 == 0 && h % 2 == 0 && (first.width != w || first.height != h)) << w << "x" << h;
    for (int x = 0; x < w; ++x) EXPECT_GT(px[(static_cast<size_t>(h - 1) * w + x) * 3], 200) << x;
    // The right column beside the plot may carry half of the frame's antialiased stroke, never black.
    for (int y = 0; y < h; ++y) EXPECT_GT(px[(static_cast<size_t>(y) * w + w - 1) * 3], 120) << y;
    stbi_image_free(px);
    int n_files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n_files;
    EXPECT_EQ(n_files, 2) << "no temporary files left beside the outputs";
}

}  // namespace
}  // namespace ginn
