// A run's full configuration (task, model, optimiser, training, snapshots) and its two spellings: a TOML config file
// for people and the JSON stored in a run's manifest. Not the command line: app/ maps flags onto a RunConfig.
//
// Intended usage:
//   1. RunConfig c;                         // defaults reproduce the GINN experiment
//   2. c = config_from_toml_file("x.toml"); // optional; then override fields from flags
//   3. c.validate();                        // one clear Error for any bad value
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "ginn/data/dataset.h"
#include "ginn/model/model.h"
#include "ginn/train/optim.h"
#include "ginn/train/trainer.h"

namespace ginn {

struct RunConfig {
    TaskSpec task;
    ModelSpec model;
    OptimSpec optim;
    TrainSpec train;
    std::string snapshots = "ginn";  ///< snapshot schedule spec (schedule.h)

    /// Validates every part; throws Error naming the field.
    void validate() const;
};

nlohmann::json config_to_json(const RunConfig& c);
/// Parses the JSON form; missing keys keep their defaults; unknown keys are errors. `where` names the source.
RunConfig config_from_json(const nlohmann::json& j, const std::string& where);
/// Reads a TOML config file: tables [task], [model], [optim], [train] and a top-level `snapshots` key, with the same
/// keys as the JSON form (see examples/ginn-default.toml). Unknown keys and wrong types are errors naming the line.
RunConfig config_from_toml_file(const std::string& path);

}  // namespace ginn
