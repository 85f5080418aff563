// libFuzzer harness: the image target reader (data/dataset.h, `--target picture.png`; PNG, JPEG and BMP are told
// apart by their bytes, not the name). Only ginn::Error may escape; anything else, a crash or a sanitizer report is
// a finding.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = ginn::fuzz::work_dir() / "target.png";
    ginn::fuzz::write_file(path, data, size);
    try {
        ginn::TaskSpec spec;
        spec.target = path.string();
        spec.resolution = 16;
        (void)ginn::make_dataset(spec);
    } catch (const ginn::Error&) {
    }
    return 0;
}
