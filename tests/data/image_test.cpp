// Tests for image targets (src/data/image.cpp): `resize bilinear` reproduces Pillow's antialiased bilinear resize
// and grey conversion, checked against Debian's python3-pil on thin lines, gradients, colour noise, several sizes
// and odd scale factors; and an image too large to decode is refused before decoding.
#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>
#include <stb/stb_image_write.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ginn/core/io.h"
#include "ginn/data/dataset.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;
using test::scratch_dir;

struct PillowCase {
    std::string name;
    int n = 0;
};

/// Runs tests/data/pillow_resize.py into `dir`: NAME.png and NAME.ref (Pillow's n x n grey levels) per case.
std::vector<PillowCase> pillow_cases(const std::string& dir) {
    // Debian's interpreter, where python3-pil installs (a python3 earlier on PATH, e.g. pyenv's, lacks it).
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const std::string command = python + " " GINN_SOURCE_DIR "/tests/data/pillow_resize.py " + dir + " 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return {};
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    const int status = ::pclose(pipe);
    if (status != 0) {
        ADD_FAILURE() << "the Pillow reference could not run (`" << command << "`): " << output
                      << "\nInstall Debian's python3-pil: bash scripts/install-deps.sh";
        return {};
    }
    std::vector<PillowCase> cases;
    std::istringstream lines(output);
    for (PillowCase c; lines >> c.name >> c.n;) cases.push_back(c);
    return cases;
}

TEST(image_test, bilinear_resize_gives_pillows_labels) {
    const std::string dir = scratch_dir("image_pillow");
    const auto cases = pillow_cases(dir);
    ASSERT_GE(cases.size(), 7u);
    for (const auto& c : cases) {
        const std::string ref = read_file(dir + "/" + c.name + ".ref");
        ASSERT_EQ(ref.size(), static_cast<size_t>(c.n) * c.n) << c.name;
        // Thresholds 1 (GINN: only pure white is white), 0.5 and 100/255 together pin down most grey levels.
        for (int level : {255, 128, 100, 1}) {
            TaskSpec spec;
            spec.target = dir + "/" + c.name + ".png";
            spec.resolution = c.n;
            spec.threshold = level / 255.0;
            spec.resize = Resize::bilinear;
            const Dataset data = make_dataset(spec);
            ASSERT_EQ(data.label.size(), ref.size());
            size_t n_same = 0, n_white = 0;
            for (size_t i = 0; i < ref.size(); ++i) {
                const int expected = static_cast<unsigned char>(ref[i]) >= level ? 1 : 0;
                n_same += data.label[i] == expected;
                n_white += expected;
            }
            const double fraction = static_cast<double>(n_same) / ref.size();
            EXPECT_GE(fraction, 0.999) << c.name << " at grey level " << level << ": " << ref.size() - n_same
                                       << " of " << ref.size() << " pixels differ from Pillow's";
            // Every reference pixel agrees in fact (the resize is reproduced bit for bit).
            EXPECT_EQ(n_same, ref.size()) << c.name << " at grey level " << level;
            if (level == 255 && c.name.rfind("lines", 0) == 0) {  // thin lines make both labels common
                EXPECT_GT(n_white, ref.size() / 10) << c.name;
                EXPECT_LT(n_white, ref.size()) << c.name;
            }
        }
    }
}

TEST(image_test, stb_stays_the_default_and_differs_from_pillow_on_thin_lines) {
    const std::string dir = scratch_dir("image_default");
    const auto cases = pillow_cases(dir);
    ASSERT_FALSE(cases.empty());
    TaskSpec spec;
    EXPECT_EQ(spec.resize, Resize::stb);
    spec.target = dir + "/lines_420_200.png";
    spec.threshold = 1.0;
    const Dataset stb = make_dataset(spec);
    spec.resize = Resize::bilinear;
    const Dataset bilinear = make_dataset(spec);
    size_t n_diff = 0;
    for (size_t i = 0; i < stb.label.size(); ++i) n_diff += stb.label[i] != bilinear.label[i];
    EXPECT_GT(n_diff, 0u) << "the two filters should give different labels on GINN-like thin lines";
}

TEST(image_test, stb_mode_is_ginns_original_preprocessing) {
    // The original pipeline, spelled out with stb directly: grey + alpha decode, composite onto white, stb resize.
    const std::string dir = scratch_dir("image_stb");
    ASSERT_FALSE(pillow_cases(dir).empty());
    for (const std::string name : {"noise_123_50", "lines_333_97"}) {
        const std::string path = dir + "/" + name + ".png";
        int w = 0, h = 0, n = 0;
        unsigned char* pixels = stbi_load(path.c_str(), &w, &h, &n, 2);
        ASSERT_NE(pixels, nullptr);
        std::vector<unsigned char> grey(static_cast<size_t>(w) * h), resized(64 * 64);
        for (size_t i = 0; i < grey.size(); ++i)
            grey[i] = static_cast<unsigned char>((pixels[2 * i] * pixels[2 * i + 1] + 255 * (255 - pixels[2 * i + 1]) + 127) / 255);
        stbi_image_free(pixels);
        ASSERT_TRUE(stbir_resize_uint8(grey.data(), w, h, 0, resized.data(), 64, 64, 0, 1));
        const Dataset data = make_dataset(TaskSpec{.target = path, .resolution = 64});
        for (size_t i = 0; i < resized.size(); ++i)
            ASSERT_EQ(data.label[i], resized[i] / 255.0 >= 0.5 ? 1 : 0) << name << " pixel " << i;
    }
}

TEST(image_test, resize_names_round_trip_and_bad_name_is_an_error) {
    for (const std::string& name : resize_names()) EXPECT_EQ(resize_name(resize_from_name(name)), name);
    expect_error([] { resize_from_name("lanczos", "--resize"); }, {"--resize", "lanczos", "stb, bilinear"});
}

/// A valid 1x1 grey PNG whose header is patched to claim w x h pixels (stb_image does not check chunk CRCs).
std::string png_claiming(const std::string& path, uint32_t w, uint32_t h) {
    const unsigned char pixel[1] = {255};
    EXPECT_TRUE(stbi_write_png(path.c_str(), 1, 1, 1, pixel, 1));
    std::string bytes = read_file(path);
    for (auto [offset, v] : {std::pair{16, w}, std::pair{20, h}})  // IHDR width and height, big-endian
        for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>(v >> (24 - 8 * i));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
}

TEST(image_test, huge_declared_dimensions_are_refused_before_decoding) {
    // Both would decode to hundreds of megabytes from a file of a few dozen bytes.
    const std::string dir = scratch_dir("image_huge");
    TaskSpec spec;
    spec.target = png_claiming(dir + "/wide.png", 20000, 3000);
    expect_error([&] { make_dataset(spec); }, {spec.target, "20000x3000", "at most 16384 per side", "40 million"});
    spec.target = png_claiming(dir + "/square.png", 8000, 8000);
    expect_error([&] { make_dataset(spec); }, {spec.target, "8000x8000", "40 million pixels"});
}

}  // namespace
}  // namespace ginn
