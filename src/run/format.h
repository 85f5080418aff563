// Internal: constants and record helpers of the run directory format shared by run.cpp (reader) and
// recorder.cpp (writer). Not public API; the format itself is documented in docs/run-format.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "ginn/data/dataset.h"
#include "ginn/train/config.h"

#include "ginn/run/run.h"

namespace ginn::detail {

inline constexpr char params_magic[9] = "GINNPARM";
inline constexpr uint32_t params_version = 2;  // 2: each record ends with a checksum; 1 (without) is still read
inline constexpr uint32_t params_dtype_f32 = 1;
inline constexpr size_t params_header_size = 24;  // magic (8) + version (4) + dtype (4) + n_params (8)

RunStatus run_status_from_name(const std::string& name, const std::string& where);
nlohmann::json snapshot_to_json(const SnapshotInfo& s);
SnapshotInfo snapshot_from_json(const nlohmann::json& j);
/// The 24-byte header of params.bin.
std::string params_header(int64_t n_params);
/// One snapshot record: iteration (u64, little-endian), the floats, then checksum64 of both (u64).
std::string params_record(int64_t iteration, std::span<const float> params);
/// Bytes of one record of a params.bin of `version`.
size_t params_record_size(uint32_t version, int64_t n_params);
/// The only trainer state files a manifest may name (state_file), so a manifest cannot point outside its run.
bool is_state_file_name(const std::string& name);
/// The manifest of a run (docs/run-format.md) without the writer's fields status, message, seconds and state_file:
/// format, config, domain, task, architecture, schedule and the snapshots. `config.model.n_classes` is the task's.
nlohmann::json manifest_json(const RunConfig& config, const Dataset& data, const std::vector<int64_t>& schedule,
                             const std::vector<SnapshotInfo>& snapshots);
/// Manifests and weights files are at most this large.
inline constexpr uint64_t max_manifest_bytes = 256ull << 20;

}  // namespace ginn::detail
