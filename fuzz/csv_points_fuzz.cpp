// libFuzzer harness: the CSV points reader (data/dataset.h, `--target points.csv`).
// Only ginn::Error may escape; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = ginn::fuzz::work_dir() / "points.csv";
    ginn::fuzz::write_file(path, data, size);
    try {
        ginn::TaskSpec spec;
        spec.target = path.string();
        const ginn::Dataset d = ginn::make_dataset(spec);
        (void)ginn::target_raster(d, 8, 8);
    } catch (const ginn::Error&) {
    }
    return 0;
}
