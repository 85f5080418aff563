// Internal: the viewer page without its data, shared by `ginn view` (viewer.cpp) and the live page's replay mode
// (src/play/play.cpp). Not public API.
#pragma once

#include <string>
#include <string_view>

namespace ginn::detail {

/// viewer.html with its CSS and scripts inlined; the run data still to be put at the /*GINN_DATA*/ marker.
std::string viewer_page(const std::string& title);

}  // namespace ginn::detail

namespace ginn::detail {

/// A file of web/ as embedded at build time (it must exist).
std::string web_file(std::string_view file_name);
/// Base64 (RFC 4648, with padding) of bytes.
std::string base64_text(std::string_view bytes);
/// zlib (RFC 1950) of bytes, as the page's DecompressionStream('deflate') reads it; `where` names them in errors.
std::string zlib_bytes(std::string bytes, const std::string& where);
/// Replaces the one occurrence of `marker` in `page` by `text` (the marker must be there).
void put_at_marker(std::string& page, std::string_view marker, const std::string& text);

}  // namespace ginn::detail
