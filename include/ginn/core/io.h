// File helpers shared by every writer: atomic writes (temporary name, then rename) and whole-file reads.
// Not a format: each file format lives with its concept (run.h, network.h, render.h, viewer.h).
#pragma once

#include <string>
#include <string_view>

namespace ginn {

/// Writes `data` to `path` atomically: to `path.tmp.<pid>` first, flushed, then renamed over `path`.
/// A crash or error never leaves a half-written `path`. Throws Error naming the path.
void write_file_atomic(const std::string& path, std::string_view data);
/// Reads a whole file; throws Error naming the path if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace ginn
