// File helpers shared by every writer and reader: atomic writes (unpredictable temporary name, then rename),
// bounded whole-file reads, JSON parsing with a nesting bound, a checksum for binary records, and the lock that
// keeps two writers out of one directory. Not a format: each file format lives with its concept (run.h, network.h).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace ginn {

/// Writes `data` to `path` atomically: to a fresh temporary file `.NAME.tmp.XXXXXX` in the same directory (created
/// with O_EXCL, an unpredictable name, never following a planted symlink), flushed, then renamed over `path`.
/// A crash or error never leaves a half-written `path`. Throws Error naming the path.
void write_file_atomic(const std::string& path, std::string_view data);
/// Whether `name` is a temporary file left by write_file_atomic (after a crash), so a directory's owner may remove it.
bool is_atomic_temp_name(const std::string& name);

/// Default bound for read_file: 2 GiB.
inline constexpr uint64_t max_file_bytes = uint64_t{1} << 31;
/// Reads a whole regular file of at most `max_bytes`; throws Error naming the path if it is missing, a directory,
/// too large or unreadable.
std::string read_file(const std::string& path, uint64_t max_bytes = max_file_bytes);

/// The file name's extension ("." included) in lower case: "data/Labels.CSV" -> ".csv"; "" when there is none.
std::string lower_extension(const std::string& path);

/// `s` without spaces, tabs and carriage returns at either end.
std::string_view trim(std::string_view s);

/// The lines of a text file's contents, trimmed (trim), numbered from 1, after a UTF-8 byte-order mark if there is
/// one. Shared by the CSV readers so that they agree on line numbers, "\r\n" endings and the mark:
///   TextLines lines(text);
///   while (lines.next()) use(lines.number(), lines.line());
class TextLines {
public:
    explicit TextLines(std::string_view text)
        : text_(text), start_(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0) {}
    /// Moves to the next line; false after the last one.
    bool next();
    std::string_view line() const { return line_; }
    int64_t number() const { return number_; }

private:
    std::string_view text_, line_;
    size_t start_;
    int64_t number_ = 0;
};

/// JSON nested deeper than this is refused before parsing (deep nesting would exhaust the stack).
inline constexpr int max_json_depth = 64;
/// Parses JSON text; throws Error naming `where` (with the parser's position, without its internal codes) for
/// malformed or too deeply nested text.
nlohmann::json parse_json(const std::string& text, const std::string& where);
/// The message of a nlohmann::json exception without its "[json.exception...]" prefix, for Error messages.
std::string json_error_text(const std::exception& e);

/// FNV-1a 64-bit hash: any single changed byte changes it. Used to checksum binary records.
uint64_t checksum64(std::string_view bytes, uint64_t seed = 0xcbf29ce484222325ull);

/// An exclusive advisory lock (flock) on `DIR/.lock`, held for the object's lifetime. Throws Error naming `dir`
/// when another process holds it.
class DirLock {
public:
    DirLock() = default;
    explicit DirLock(const std::string& dir);
    DirLock(DirLock&& other) noexcept;
    DirLock& operator=(DirLock&& other) noexcept;
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;
    ~DirLock();

private:
    int fd_ = -1;
};

}  // namespace ginn
