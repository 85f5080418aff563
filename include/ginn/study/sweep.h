// A sweep file: a base configuration and the factors to vary, expanded into one RunConfig per run, with the rows and
// columns of the grid figure. Not training and not drawing: study.h runs the sweep and writes its outputs.
//
// The file is a config file (the [task], [model], [optim], [train] tables and `snapshots`, as examples/ginn-default.toml)
// plus three more parts (see docs/study.md and examples/gupta/):
//   [sweep]      name, rows and columns (a factor key or a list of them; "variant" for the named variants), truth
//   [factors]    "section.key" = [values ...]: every combination of them is a run (a full grid)
//   [[variants]] name = "narrow" and "section.key" = value overrides: each is combined with every grid combination
//
// Intended usage:
//   1. Sweep s = sweep_from_toml_file("examples/gupta/width.toml");   // every bad input is one clear Error
//   2. for (const SweepRun& r : s.runs) train r.config into run directory r.name, place it at (r.row, r.column).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ginn/train/config.h"

namespace ginn {

/// More runs than this are refused unless forced (sweep_from_toml_file's `force`, `ginn sweep --force`).
inline constexpr int64_t max_sweep_runs = 1000;

/// One varied key and its values, in the file's order. The named variants appear as the factor "variant".
struct SweepFactor {
    std::string key;                      ///< "model.activation", "task.target", ... or "variant"
    std::vector<nlohmann::json> values;   ///< for "variant": the variants' names
};

/// One run of a sweep.
struct SweepRun {
    int index = 0;
    std::string name;           ///< run directory name inside the sweep's runs/ folder: "000", "001", ...
    std::string label;          ///< the factor values: "activation=relu, target=y-x"
    nlohmann::json values;      ///< factor key -> value ("variant" -> its name)
    RunConfig config;
    int row = 0, column = 0;    ///< panel position in the grid figure
};

struct Sweep {
    std::string path;           ///< the sweep file
    std::string name;           ///< [sweep] name, default: the file's stem
    RunConfig base;
    std::vector<SweepFactor> factors;
    std::vector<std::string> rows, columns;               ///< factor keys along the figure's rows and columns
    std::vector<std::string> row_labels, column_labels;   ///< one per row / column
    bool truth = true;          ///< draw a ground-truth row (or column) when the tasks are formulas
    std::vector<SweepRun> runs;
    nlohmann::json source;      ///< the normalised file (base, factors, variants, rows, columns), see sweep_json

    /// The normalised sweep as stored in a sweep directory (sweep.json): two files describe the same runs exactly
    /// when their sweep_json are equal.
    nlohmann::json sweep_json() const;
};

/// Reads and expands a sweep file. Throws one Error, before anything is trained, for: TOML syntax, an unknown table or
/// key, a factor with no values, a value of the wrong type (naming the key and the run), a row or column factor that
/// is not varied (or a varied one in neither), widths that cannot take residual connections, and more than
/// max_sweep_runs runs unless `force`.
/// Example: `Sweep s = sweep_from_toml_file("examples/gupta/activation.toml"); s.runs.size() == 20`.
Sweep sweep_from_toml_file(const std::string& path, bool force = false);

/// The first key where two sweep_json values differ ("factors/1/values/2", "base/model/widths"), or "" if equal.
std::string sweep_difference(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace ginn
