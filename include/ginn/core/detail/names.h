// Internal: an enum parsed from its list of names (activations, heads, inits, optimisers, schedules), with one error
// that lists every valid name. Not public API.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ginn/core/error.h"

namespace ginn::detail {

/// names[i] is the name of static_cast<Enum>(i). Throws Error naming `where` and listing the names.
template <typename Enum>
Enum enum_from_name(std::string_view name, const std::vector<std::string>& names, const std::string& where,
                    const char* kind, const std::string& hint = "") {
    std::string list;
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) return static_cast<Enum>(i);
        list += (i ? ", " : "") + names[i];
    }
    throw Error(where, std::string("unknown ") + kind + " '" + std::string(name) + "'", "one of " + list, hint);
}

}  // namespace ginn::detail
