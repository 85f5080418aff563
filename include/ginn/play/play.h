// The live page (`ginn play`): one self-contained HTML file that trains a network in the browser with ginn's own
// engine and exact geometry built to WebAssembly (bindings/wasm/), drawn by the viewer's web modules. Not a server and not a
// second engine: the page runs the same C++ as `ginn train`, and the file needs no network.
//
// Intended usage:
//   1. if (!play_available()) ...                     // this build has no WebAssembly engine (no emscripten)
//   2. write_play("play.html");                       // opens from disk (file://), works offline
//   3. or std::string html = play_html({});           // the same bytes, for tests and tools
// The page's controls, URL fragment, limits and window.ginnPlay API: docs/play.md.
#pragma once

#include <string>

namespace ginn {

struct PlayOptions {
    std::string title = "ginn play";  ///< page title
};

/// True when this build embedded the WebAssembly engine (emscripten was found at build time).
bool play_available();

/// The whole page as one HTML string: CSS, the web modules, the engine (wasm inlined as base64) and the replay
/// viewer's template. Throws Error when the build has no engine.
/// Example: `std::string html = play_html({.title = "class demo"});`
std::string play_html(const PlayOptions& options = {});

/// Writes play_html(options) to `path` atomically (io.h). Throws Error naming the path if it is unwritable.
/// Example: `write_play("play.html");`
void write_play(const std::string& path, const PlayOptions& options = {});

}  // namespace ginn
