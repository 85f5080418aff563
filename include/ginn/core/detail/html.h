// Internal: escaping text for HTML, shared by the viewer page and the analysis report. Not public API.
#pragma once

#include <string>
#include <string_view>

namespace ginn::detail {

/// Escapes &, <, > and " so text can stand in HTML content and in double-quoted attributes.
inline std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace ginn::detail
