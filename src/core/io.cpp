// Atomic file writes, bounded reads, JSON parsing with a depth bound, checksums and directory locks.
#include "ginn/core/io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ginn/core/error.h"

namespace ginn {

namespace fs = std::filesystem;

namespace {
constexpr std::string_view temp_marker = ".tmp.";

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}
}  // namespace

void write_file_atomic(const std::string& path, std::string_view data) {
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmp = (dir / ("." + target.filename().string() + std::string(temp_marker) + "XXXXXX")).string();
    // mkostemp creates the file with O_CREAT|O_EXCL under a random name: a planted file or symlink makes it pick
    // another name, never write through it.
    const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (fd < 0) throw Error(path, std::string("cannot write file: ") + std::strerror(errno), "a writable location",
                            "check that the directory exists and is writable");
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);  // mkostemp's 0600, widened to what a plain create would give
    const bool ok = write_all(fd, data) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err2 = ok ? errno : err;
        std::remove(tmp.c_str());
        throw Error(path, std::string("cannot write file: ") + std::strerror(err2), "enough disk space",
                    "check free space and permissions");
    }
}

bool is_atomic_temp_name(const std::string& name) {
    const size_t at = name.rfind(temp_marker);
    return !name.empty() && name[0] == '.' && at != std::string::npos && name.size() == at + temp_marker.size() + 6;
}

std::string lower_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

bool TextLines::next() {
    if (start_ >= text_.size()) return false;
    size_t end = text_.find('\n', start_);
    if (end == std::string_view::npos) end = text_.size();
    line_ = trim(text_.substr(start_, end - start_));
    start_ = end + 1;
    ++number_;
    return true;
}

std::string read_file(const std::string& path, uint64_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path, std::string("cannot open file: ") + std::strerror(errno), "a readable file",
                            "check the path");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(path, S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file", "a file",
                    "check the path");
    }
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        throw Error(path, "file is " + std::to_string(st.st_size) + " bytes",
                    "at most " + std::to_string(max_bytes) + " bytes", "is this the right file?");
    }
    std::string out(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    if (got != out.size()) throw Error(path, "cannot read file", "a readable file", "check the file");
    return out;
}

std::string json_error_text(const std::exception& e) {
    std::string s = e.what();
    if (s.rfind("[json.exception.", 0) == 0) {
        const size_t close = s.find("] ");
        if (close != std::string::npos) s = s.substr(close + 2);
    }
    return s;
}

nlohmann::json parse_json(const std::string& text, const std::string& where) {
    // Depth pre-pass: brackets outside strings. nlohmann's parser and destructor recurse per level.
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_json_depth)
                throw Error(where, "JSON nested deeper than " + std::to_string(max_json_depth) + " levels at byte " +
                                       std::to_string(i), "a file written by ginn", "the file is damaged or not ginn's");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where, "not valid JSON: " + json_error_text(e), "a JSON file", "check the file");
    }
}

uint64_t checksum64(std::string_view bytes, uint64_t seed) {
    uint64_t h = seed;
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

DirLock::DirLock(const std::string& dir) {
    const std::string path = (fs::path(dir) / ".lock").string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) throw Error(dir, std::string("cannot create lock file: ") + std::strerror(errno),
                             "a writable directory", "check permissions");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        fd_ = -1;
        throw Error(dir, "another ginn process is writing this run directory", "a directory no other ginn writes",
                    "wait for it to finish, or choose another -o");
    }
}
DirLock::DirLock(DirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
DirLock& DirLock::operator=(DirLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}
DirLock::~DirLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace ginn
