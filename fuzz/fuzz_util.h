// Shared by the libFuzzer harnesses: a private temp directory for parsers that take a path, and one tiny run whose
// files the run harnesses keep valid while fuzzing the others. Not a test helper: the suite never includes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "ginn/core/error.h"
#include "ginn/run/run.h"

namespace ginn::fuzz {

/// A directory of this process's own under the system temp dir (parallel fuzz jobs do not collide).
inline const std::filesystem::path& work_dir() {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("ginn-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline void write_file(const std::filesystem::path& path, const uint8_t* data, size_t size) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The configuration of the tiny run: 40 xor points, one hidden layer of 3, 20 Adam steps, snapshots every 10.
inline RunConfig tiny_config() {
    RunConfig c;
    c.task.target = "xor";
    c.task.n_points = 40;
    c.model.widths = {3};
    c.train.iterations = 20;
    c.train.batch = 8;
    c.snapshots = "every:10";
    return c;
}

/// A complete tiny run, trained once per process; its files are the valid halves of the run harnesses' inputs.
inline const std::filesystem::path& tiny_run() {
    static const std::filesystem::path dir = [] {
        auto d = work_dir() / "tiny-run";
        train_run(tiny_config(), {.out = d.string(), .force = true});
        return d;
    }();
    return dir;
}

/// Copies the tiny run into `dir` and replaces one of its files by the fuzzer's bytes.
inline std::string run_with_file(const std::string& file, const uint8_t* data, size_t size) {
    const auto dir = work_dir() / "run";
    std::filesystem::remove_all(dir);
    std::filesystem::copy(tiny_run(), dir);
    write_file(dir / file, data, size);
    return dir.string();
}

/// Opens a run and reads everything a later stage reads: each snapshot's network and the dataset.
inline void read_whole_run(const std::string& dir) {
    const Run run = Run::open(dir);
    for (int k = 0; k < run.n_snapshots(); ++k) (void)run.network(k);
    (void)run.dataset().size();
}

}  // namespace ginn::fuzz
