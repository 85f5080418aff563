// ginn's one exception type and the helpers that build its one-line messages.
// Not a logging facility: library code throws, and only the command line prints and picks the exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace ginn {

/// The library's error: one line saying what went wrong, where, what was expected, and a hint.
/// Example: `throw Error("bottle.png", "cannot decode image", "a PNG, JPEG or BMP file", "check the path");`
/// prints as `bottle.png: cannot decode image (expected a PNG, JPEG or BMP file; hint: check the path)`.
class Error : public std::runtime_error {
public:
    Error(const std::string& where, const std::string& what, const std::string& expected = "",
          const std::string& hint = "");
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// A number for a message: 6 significant digits as printf's %g ("1e+300", "0.001", "nan"), never 300 digits.
std::string number_text(double x);

/// Internal invariant check that stays on in release builds (STYLE.md: asserts stay on in tests).
#define GINN_ASSERT(cond)                                                                                 \
    do {                                                                                                  \
        if (!(cond)) ::ginn::detail::assert_failed(#cond, __FILE__, __LINE__);                            \
    } while (0)

namespace detail {
[[noreturn]] void assert_failed(const char* cond, const char* file, int line);
}  // namespace detail

}  // namespace ginn
