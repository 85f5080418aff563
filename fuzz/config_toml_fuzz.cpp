// libFuzzer harness: the TOML config reader (train/config.h, `ginn train --config FILE`) and the config's validation.
// Only ginn::Error may escape; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = ginn::fuzz::work_dir() / "config.toml";
    ginn::fuzz::write_file(path, data, size);
    try {
        ginn::config_from_toml_file(path.string()).validate();
    } catch (const ginn::Error&) {
    }
    return 0;
}
