// Internal: escaping text for HTML and JSON embedded in a page, shared by the viewer and the analysis report.
// Not public API.
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

/// JSON text made safe to embed in a <script> element: every '<' becomes \u003c (JSON has '<' only inside
/// strings, where the escape means the same character), so neither "</script>" nor "<!--" in a run's name or a
/// file path can end or comment out the element.
inline std::string json_for_script(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    for (char c : json) {
        if (c == '<') out += "\\u003c";
        else out += c;
    }
    return out;
}

}  // namespace ginn::detail
