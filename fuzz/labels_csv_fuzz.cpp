// libFuzzer harness: the people's-labels CSV reader (annotate/labels.h, `ginn train --target s4.csv`), both ways of
// counting several answers for one pair. Only ginn::Error may escape; anything else, a crash or a sanitizer report
// is a finding.
#include "fuzz_util.h"
#include "ginn/annotate/labels.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = ginn::fuzz::work_dir() / "labels.csv";
    ginn::fuzz::write_file(path, data, size);
    for (const ginn::Answers answers : {ginn::Answers::majority, ginn::Answers::each}) {
        try {
            (void)ginn::labels_dataset(path.string(), answers);
        } catch (const ginn::Error&) {
        }
    }
    return 0;
}
