// Tests for include/ginn/core/io.h and core/detail/html.h: the atomic writer never writes through a planted
// symlink and leaves no temporaries, bounded reads name a directory, JSON depth is bounded, the checksum sees
// any changed byte, the directory lock excludes a second writer, and JSON embedded in a page has no '<'.
#include "ginn/core/io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ginn/core/detail/html.h"
#include "test_util.h"

namespace ginn {
namespace {

namespace fs = std::filesystem;
using test::expect_error;
using test::scratch_dir;

TEST(io_test, atomic_write_does_not_follow_a_planted_symlink_and_leaves_no_temporary) {
    const std::string dir = scratch_dir("io_symlink");
    const std::string victim = dir + "/victim.txt", out = dir + "/out.json";
    std::ofstream(victim) << "precious";
    // The names an attacker could predict from earlier versions (PATH.tmp.<pid>) and a few more.
    fs::create_symlink(victim, out + ".tmp." + std::to_string(::getpid()));
    fs::create_symlink(victim, dir + "/.out.json.tmp.XXXXXX");
    write_file_atomic(out, "{\"ok\": true}");
    EXPECT_EQ(read_file(victim), "precious");
    EXPECT_EQ(read_file(out), "{\"ok\": true}");
    EXPECT_FALSE(fs::is_symlink(out));
    int n_entries = 0;
    for (const auto& e : fs::directory_iterator(dir)) n_entries += !is_atomic_temp_name(e.path().filename().string());
    EXPECT_EQ(n_entries, 3);  // victim, out and the planted out.json.tmp.PID: no temporary of ours is left
    for (const auto& e : fs::directory_iterator(dir))
        if (is_atomic_temp_name(e.path().filename().string())) {
            EXPECT_TRUE(fs::is_symlink(e.path())) << e.path();
        }
    // A symlink at the target itself is replaced, not written through.
    fs::remove(out);
    fs::create_symlink(victim, out);
    write_file_atomic(out, "new");
    EXPECT_EQ(read_file(victim), "precious");
    EXPECT_EQ(read_file(out), "new");
}

TEST(io_test, temporary_names_are_recognised_for_cleanup) {
    EXPECT_TRUE(is_atomic_temp_name(".dataset.bin.tmp.a8Zq01"));
    EXPECT_FALSE(is_atomic_temp_name("dataset.bin"));
    EXPECT_FALSE(is_atomic_temp_name(".dataset.bin.tmp.a8"));
    EXPECT_FALSE(is_atomic_temp_name("manifest.json"));
}

TEST(io_test, read_file_names_directories_missing_files_and_oversized_files) {
    const std::string dir = scratch_dir("io_read");
    expect_error([&] { read_file(dir); }, {dir, "is a directory"});
    expect_error([&] { read_file(dir + "/missing"); }, {dir + "/missing", "cannot open"});
    std::ofstream(dir + "/ten") << "0123456789";
    EXPECT_EQ(read_file(dir + "/ten"), "0123456789");
    expect_error([&] { read_file(dir + "/ten", 9); }, {dir + "/ten", "10 bytes", "at most 9"});
}

TEST(io_test, json_depth_is_bounded_and_errors_name_the_file_without_library_codes) {
    const std::string deep = std::string(300000, '[') + std::string(300000, ']');
    expect_error([&] { parse_json(deep, "w.json"); }, {"w.json", "nested deeper than 64"});
    const std::string ok = std::string(64, '[') + std::string(64, ']');
    EXPECT_NO_THROW(parse_json(ok, "w.json"));
    // Brackets inside strings do not count.
    EXPECT_EQ(parse_json("{\"a\": \"" + std::string(1000, '[') + "\\\"\"}", "s.json")["a"].get<std::string>().size(), 1001u);
    const std::string message = test::error_message([] { parse_json("{\"a\": ", "m.json"); });
    EXPECT_NE(message.find("m.json"), std::string::npos) << message;
    EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
}

TEST(io_test, text_lines_skip_a_byte_order_mark_trim_and_number_every_line) {
    std::vector<std::pair<int64_t, std::string>> seen;
    TextLines lines("\xEF\xBB\xBF x,y \r\n\n\t1,2\n\xEF\xBB\xBF");
    while (lines.next()) seen.emplace_back(lines.number(), std::string(lines.line()));
    const std::vector<std::pair<int64_t, std::string>> expected{{1, "x,y"}, {2, ""}, {3, "1,2"}, {4, "\xEF\xBB\xBF"}};
    EXPECT_EQ(seen, expected);  // a mark is skipped only at the start of the text
    TextLines empty("");
    EXPECT_FALSE(empty.next());
    EXPECT_EQ(trim(" \t\r "), "");
}

TEST(io_test, checksum_changes_with_any_single_byte) {
    std::string bytes(1000, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
    const uint64_t sum = checksum64(bytes);
    for (size_t i = 0; i < bytes.size(); i += 37)
        for (int bit = 0; bit < 8; ++bit) {
            std::string flipped = bytes;
            flipped[i] ^= static_cast<char>(1 << bit);
            EXPECT_NE(checksum64(flipped), sum) << "byte " << i << " bit " << bit;
        }
}

TEST(io_test, directory_lock_excludes_a_second_holder_until_released) {
    const std::string dir = scratch_dir("io_lock");
    {
        const DirLock first(dir);
        expect_error([&] { DirLock second(dir); }, {dir, "another ginn process"});
    }
    EXPECT_NO_THROW(DirLock again(dir));
}

TEST(io_test, json_for_script_has_no_angle_bracket_and_means_the_same) {
    const nlohmann::json j = {{"dir", "runs/<!--<script>x</script>"}, {"csv", "a<b.csv"}};
    const std::string safe = detail::json_for_script(j.dump());
    EXPECT_EQ(safe.find('<'), std::string::npos) << safe;
    EXPECT_EQ(nlohmann::json::parse(safe), j);
}

}  // namespace
}  // namespace ginn
