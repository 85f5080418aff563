// Internal: constants and record helpers of the run directory format shared by run.cpp (reader) and
// recorder.cpp (writer). Not public API; the format itself is documented in docs/run-format.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "ginn/run/run.h"

namespace ginn::detail {

inline constexpr char params_magic[9] = "GINNPARM";
inline constexpr uint32_t params_version = 1;
inline constexpr uint32_t params_dtype_f32 = 1;
inline constexpr size_t params_header_size = 24;  // magic (8) + version (4) + dtype (4) + n_params (8)

RunStatus run_status_from_name(const std::string& name, const std::string& where);
nlohmann::json snapshot_to_json(const SnapshotInfo& s);
SnapshotInfo snapshot_from_json(const nlohmann::json& j);
/// The 24-byte header of params.bin.
std::string params_header(int64_t n_params);
/// One snapshot record: iteration (u64, little-endian) then the floats.
std::string params_record(int64_t iteration, std::span<const float> params);

}  // namespace ginn::detail
