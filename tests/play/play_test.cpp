// Tests of the live page's assembly (play.h): one self-contained file with every marker filled, the engine inlined
// intact, within the size target, and written atomically. The page's behaviour: tests/e2e/play.test.mjs.
#include "ginn/play/play.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ginn/core/error.h"
#include "test_util.h"

namespace ginn {
namespace {

#ifdef GINN_TEST_PLAY_ENGINE  // builds with the WebAssembly engine (emscripten found): the page itself

TEST(play_test, page_is_self_contained_with_every_marker_filled) {
    ASSERT_TRUE(play_available());
    const std::string html = play_html({.title = "class <demo>"});
    for (const char* marker : {"<!--GINN_TITLE-->", "/*GINN_STYLE*/", "/*GINN_SCRIPT*/", "/*GINN_ENGINE*/", "<!--GINN_WASM-->",
                               "/*GINN_VIEWER*/"})
        EXPECT_EQ(html.find(marker), std::string::npos) << marker;
    EXPECT_NE(html.find("<title>class &lt;demo&gt;</title>"), std::string::npos) << "the title is escaped";
    EXPECT_NE(html.find("window.ginnPlay"), std::string::npos);
    EXPECT_NE(html.find("GinnWasm"), std::string::npos) << "the engine's glue script";
    // the viewer's template rides along as JSON with no '<' (its own data marker stays for the replay to fill)
    const size_t t = html.find("id=\"ginn-viewer-template\"");
    ASSERT_NE(t, std::string::npos);
    const size_t body = html.find('>', t) + 1, end = html.find("</script>", body);
    EXPECT_EQ(html.substr(body, end - body).find('<'), std::string::npos);
    EXPECT_NE(html.substr(body, end - body).find("/*GINN_DATA*/"), std::string::npos);
    // no reference outside the file: no src= or href= to anything but data and blob URLs
    for (const char* attr : {" src=\"http", " href=\"http", "<link "}) EXPECT_EQ(html.find(attr), std::string::npos) << attr;
    EXPECT_LE(html.size(), size_t(1500000)) << "the issue's target: at most 1.5 MB";
}

TEST(play_test, write_is_atomic_and_equals_the_string) {
    const std::filesystem::path dir = test::scratch_dir("play_write");
    const std::string path = (dir / "play.html").string();
    write_play(path);
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), play_html());
    EXPECT_THROW(write_play((dir / "missing" / "play.html").string()), Error);
    std::filesystem::remove_all(dir);
}

#else  // builds without the engine: ginn play says how to get it

TEST(play_test, without_an_engine_the_error_says_how_to_get_one) {
    ASSERT_FALSE(play_available());
    try {
        play_html();
        FAIL() << "expected an Error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("emscripten"), std::string::npos) << e.what();
    }
}

#endif

}  // namespace
}  // namespace ginn
