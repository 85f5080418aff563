// ginn::Error message formatting and the always-on internal assertion.
#include "ginn/core/error.h"

#include <cstdio>

namespace ginn {

namespace {
std::string compose(const std::string& where, const std::string& what, const std::string& expected,
                    const std::string& hint) {
    std::string message = where.empty() ? what : where + ": " + what;
    if (!expected.empty() || !hint.empty()) {
        message += " (";
        if (!expected.empty()) message += "expected " + expected;
        if (!expected.empty() && !hint.empty()) message += "; ";
        if (!hint.empty()) message += "hint: " + hint;
        message += ")";
    }
    return message;
}
}  // namespace

Error::Error(const std::string& where, const std::string& what, const std::string& expected,
             const std::string& hint)
    : std::runtime_error(compose(where, what, expected, hint)) {}

std::string number_text(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", x);
    return text;
}

namespace detail {
void assert_failed(const char* cond, const char* file, int line) {
    throw Error(std::string(file) + ":" + std::to_string(line), std::string("internal invariant failed: ") + cond,
                "", "this is a bug in ginn; please report it with the command that caused it");
}
}  // namespace detail

}  // namespace ginn
