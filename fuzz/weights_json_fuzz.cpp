// libFuzzer harness: the weights JSON reader (model/network.h, `ginn geometry --weights FILE`).
// Only ginn::Error may escape the parser; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = ginn::fuzz::work_dir() / "weights.json";
    ginn::fuzz::write_file(path, data, size);
    try {
        const ginn::Network net = ginn::load_network_json(path.string());
        (void)ginn::probability(net, ginn::pixel_centres(net.domain, 4, 4));
    } catch (const ginn::Error&) {
    }
    return 0;
}
