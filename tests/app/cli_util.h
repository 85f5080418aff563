// Helpers for the tests that run the built ginn binary (tests/app): run it, capture its output, check its errors.
// Not a test framework: only what more than one tests/app file needs.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ginn/core/io.h"

namespace ginn::test {

struct Result {
    int code = -1;
    std::string out, err;
};

/// A path under the temp dir unique to this process: ctest runs each test case as its own process, in parallel.
inline std::string temp(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("ginn_cli_test_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

/// Runs `ginn ARGS` through the shell, capturing stdout and stderr separately.
inline Result ginn(const std::string& args) {
    const std::string out = temp("stdout"), err = temp("stderr");
    const std::string cmd = std::string(GINN_BINARY) + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

inline int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

/// Expects a clean failure: non-zero exit, exactly one line on stderr starting "ginn: error:", containing `needle`.
inline void expect_one_error_line(const Result& r, const std::string& needle) {
    EXPECT_NE(r.code, 0) << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("ginn: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
}

}  // namespace ginn::test
