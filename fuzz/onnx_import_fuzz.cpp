// libFuzzer harness: the ONNX importer (model/onnx_import.h, `ginn geometry --model FILE.onnx`).
// Only ginn::Error may escape the importer; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"
#include "ginn/model/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const ginn::Network net = ginn::network_from_onnx(
            std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.onnx", {});
        (void)ginn::probability(net, ginn::pixel_centres(net.domain, 4, 4));
    } catch (const ginn::Error&) {
    }
    return 0;
}
