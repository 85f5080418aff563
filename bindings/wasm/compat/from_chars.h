// Force-included into the wasm build: emscripten 3.1.6's libc++ lacks std::from_chars for floating point, which the
// CSV reader (src/data/dataset.cpp) uses. This overload keeps from_chars' rules (no leading space or '+', no hex
// prefix, C locale) on top of strtod. Not used by the native build.
#pragma once

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>
#include <system_error>

namespace std {
inline from_chars_result from_chars(const char* first, const char* last, double& value) {
    const char* p = first;
    if (p != last && *p == '-') ++p;
    const bool bad_start = p == last || *p == '+' || *p == ' ' || (*p < '0' && *p != '.') ||
                           (p + 1 < last && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'));
    if (bad_start) return {first, errc::invalid_argument};
    const string text(first, last);
    char* end = nullptr;
    errno = 0;
    const double v = strtod(text.c_str(), &end);
    if (end == text.c_str()) return {first, errc::invalid_argument};
    if (errno == ERANGE) return {first + (end - text.c_str()), errc::result_out_of_range};
    value = v;
    return {first + (end - text.c_str()), errc{}};
}
}  // namespace std
