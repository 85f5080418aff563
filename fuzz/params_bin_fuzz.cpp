// libFuzzer harness: a run's params.bin (run/run.h, docs/run-format.md) beside a valid manifest and dataset.bin.
// Only ginn::Error may escape; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        ginn::fuzz::read_whole_run(ginn::fuzz::run_with_file("params.bin", data, size));
    } catch (const ginn::Error&) {
    }
    return 0;
}
