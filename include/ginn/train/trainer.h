// The training engine: minibatch SGD-family training of a ModelSpec on a Dataset, single-threaded and as fast as the
// hardware allows. Not recording: the run (run.h) decides when to snapshot and what to write.
//
// Intended usage:
//   1. Trainer t(model, optim, train, data);            // parameters initialised from train.seed
//   2. for each snapshot iteration s: t.run_until(s, &stop); Metrics m = t.evaluate(); copy t.params();
//   3. to resume: t.load_state(bytes) with bytes from an earlier t.save_state(); the continuation is bit-identical.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ginn/data/dataset.h"
#include "ginn/model/model.h"
#include "ginn/train/optim.h"

namespace ginn {

enum class Sampling {
    replacement,  ///< each minibatch drawn uniformly with replacement from the training points (GINN)
    epochs,       ///< shuffled passes over the training points; `iterations` counts minibatches
};

struct TrainSpec {
    int64_t iterations = 1280000;  ///< number of parameter updates
    int batch = 128;               ///< minibatch size, 1..1,000,000
    Sampling sampling = Sampling::replacement;
    uint64_t seed = 1;             ///< initialisation, sampling and dropout
    void validate() const;
};

/// Loss and accuracy over the training points (the full pixel grid for an image target) and the test split.
struct Metrics {
    double loss = 0, accuracy = 0;
    double loss_test = -1, accuracy_test = -1;  ///< -1 when the dataset has no test split
};

/// Outcome of run_until.
struct StepResult {
    double mean_batch_loss = 0;   ///< mean minibatch loss over the steps just taken (NaN if none were taken)
    int64_t steps = 0;
    bool stopped = false;         ///< the stop flag was raised before the target iteration
    bool non_finite = false;      ///< a loss or parameter became non-finite; iteration() says where
};

class Trainer {
public:
    Trainer(const ModelSpec& model, const OptimSpec& optim, const TrainSpec& train, const Dataset& data);
    ~Trainer();
    Trainer(Trainer&&) noexcept;

    /// Replaces the current parameters (for --init-from); the size must equal n_params(model).
    void set_params(std::span<const float> params);
    /// All parameters including batch-norm running statistics, in the layout of model.h.
    std::span<const float> params() const;
    int64_t iteration() const;
    double lr() const;  ///< learning rate of the next update

    /// Trains until iteration() == target, or until *stop becomes true (checked every few hundred steps).
    StepResult run_until(int64_t target, const std::atomic<bool>* stop = nullptr);
    /// Evaluation-mode loss and accuracy on the whole training set and on the test split.
    Metrics evaluate() const;

    /// Everything needed to continue bit-identically: parameters, optimiser moments, iteration, RNG state.
    std::string save_state() const;
    /// Restores save_state() output; throws Error if it does not fit this trainer's specs.
    void load_state(const std::string& bytes, const std::string& where);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ginn
