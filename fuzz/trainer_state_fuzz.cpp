// libFuzzer harness: the trainer state reader (state.a.bin / state.b.bin, train/trainer.h, `ginn train --resume`),
// loaded into the tiny run's trainer, which then trains a few steps from it.
// Only ginn::Error may escape; anything else, a crash or a sanitizer report is a finding.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ginn::RunConfig config = ginn::fuzz::tiny_config();
    static const ginn::Dataset dataset = ginn::make_dataset(config.task);
    ginn::Trainer trainer(config.model, config.optim, config.train, dataset);
    try {
        trainer.load_state(std::string(reinterpret_cast<const char*>(data), size), "state.a.bin");
    } catch (const ginn::Error&) {
        return 0;
    }
    if (trainer.iteration() < config.train.iterations) trainer.run_until(config.train.iterations);
    (void)trainer.evaluate();
    return 0;
}
