// Atomic file writes and whole-file reads.
#include "ginn/core/io.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ginn/core/error.h"

namespace ginn {

void write_file_atomic(const std::string& path, std::string_view data) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(path, std::string("cannot write file: ") + std::strerror(errno), "a writable location",
                        "check that the directory exists and is writable");
    const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size() && std::fflush(f) == 0 &&
                    ::fsync(::fileno(f)) == 0;
    const int err = errno;
    std::fclose(f);
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error(path, std::string("cannot write file: ") + std::strerror(ok ? errno : err), "enough disk space",
                    "check free space and permissions");
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open file", "a readable file", "check the path");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace ginn
