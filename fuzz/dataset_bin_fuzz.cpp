// libFuzzer harness: the binary dataset reader (dataset.bin, data/dataset.h) and what a run does with its result.
// Only ginn::Error may escape; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const ginn::Dataset d = ginn::dataset_from_bytes(std::string(reinterpret_cast<const char*>(data), size), "dataset.bin");
        (void)ginn::target_raster(d, 8, 8);
    } catch (const ginn::Error&) {
    }
    return 0;
}
