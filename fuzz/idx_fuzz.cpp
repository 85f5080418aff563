// libFuzzer harness: the MNIST idx readers (flips/idx.h, `ginn flips --train-images ...`), plain and gzipped.
// Only ginn::Error may escape; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"
#include "ginn/flips/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = ginn::fuzz::work_dir() / "images.idx";
    ginn::fuzz::write_file(path, data, size);
    try {
        (void)ginn::read_idx_images(path.string());
    } catch (const ginn::Error&) {
    }
    try {
        (void)ginn::read_idx_labels(path.string());
    } catch (const ginn::Error&) {
    }
    return 0;
}
