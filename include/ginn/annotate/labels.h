// People's labels of grey-level pairs (Fishbein & Debata's S4): the SQLite database `ginn annotate serve` fills, its
// CSV export, and the training dataset made from either. Not the HTTP server (server.h).
//
// Convention (shared with the s1-s3 tasks): x1, x2 are grey levels 0..255 on the screen's scale (0 black, 255
// white); classes 0 white, 1 black, 2 grey.
//
// Intended usage:
//   1. LabelStore store("labels.sqlite");  store.serve("ana") -> a pair; store.answer("ana", id, label);
//   2. export_labels_csv("labels.sqlite", "s4.csv");
//   3. Dataset d = labels_dataset("s4.csv", Answers::majority);   (make_dataset does this for --target)
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ginn/data/dataset.h"

struct sqlite3;

namespace ginn {

/// Label names by class index: "white", "black", "grey"; -1 for anything else.
int label_from_name(std::string_view name);
const char* label_name(int label);

/// How pairs are chosen: uniform over {0..255}^2; stratified (each round of 256 pairs puts one in every 16 x 16
/// cell of grey levels, cells in a seeded order, the pair uniform within its cell); or lattice (each round of 256
/// pairs serves every pair of the levels 0, 17, ..., 255 once, edges and corners such as (255, 255) included, in a
/// seeded order).
enum class Design { uniform, stratified, lattice };
/// "uniform", "stratified", "lattice" and back; design_from_name throws Error on any other name.
Design design_from_name(std::string_view name);
const char* design_name(Design design);
/// The k-th pair (k = 0, 1, ...) of a design with a seed: a pure function, so a restarted server continues it.
std::pair<int, int> design_pair(Design design, uint64_t seed, int64_t k);

/// Annotator names: 1..40 characters of letters, digits, space, '_', '-', '.'; throws Error otherwise.
void check_annotator(const std::string& name);

/// A pair shown to an annotator and not yet answered.
struct ServedPair {
    int64_t id = 0;
    int x1 = 0, x2 = 0;
};

/// One answer as stored and exported.
struct LabelAnswer {
    int x1 = 0, x2 = 0, label = 0;
    std::string annotator, time;  // time: UTC, ISO 8601 to the millisecond
};

/// The annotation database: SQLite in WAL mode (readers such as `ginn annotate export` work while it serves),
/// prepared statements only, each answer committed in its own transaction before the reply. Schema and format
/// version: docs/annotate.md. Thread-safe (one connection behind a mutex).
class LabelStore {
public:
    /// Opens or creates the database (read-only when !writable: then it must exist). A new one records the design
    /// and seed; an existing one must be ginn's ("ginn-labels", version 1) and keeps its own design and seed.
    LabelStore(const std::string& path, Design design = Design::uniform, uint64_t seed = 1, bool writable = true);
    ~LabelStore();
    LabelStore(const LabelStore&) = delete;
    LabelStore& operator=(const LabelStore&) = delete;

    /// The pair this annotator should answer next: their unanswered pair if any (after a restart too), else the
    /// design's next pair, recorded as served to them.
    ServedPair serve(const std::string& annotator);
    /// Stores an answer to pair `id`. Returns false (nothing written) unless `id` was served to `annotator` and is
    /// not yet answered; label must be 0..2.
    bool answer(const std::string& annotator, int64_t id, int label);
    /// Answers given by this annotator, and by everyone.
    int64_t n_answers(const std::string& annotator = "") const;
    std::vector<LabelAnswer> answers() const;
    Design design() const;
    uint64_t seed() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Writes every answer as CSV (docs/annotate.md: a `# ginn-labels 1` line, then x1,x2,label,annotator,time, one row
/// per answer in the order given), atomically. Returns the number of rows.
int64_t export_labels_csv(const std::string& db, const std::string& csv);

/// Whether a path is an annotation database (.sqlite, .sqlite3, .db) or a labels CSV (first line `# ginn-labels`).
bool is_labels_file(const std::string& path);
/// Reads answers from a database or its CSV export; every field range-checked (Error names file and line).
std::vector<LabelAnswer> read_labels(const std::string& path);

/// Several answers for one pair: `majority` makes one example with the most frequent label (a tie goes to the
/// lower class index: white, then black, then grey); `each` makes one example per answer.
enum class Answers { majority, each };
Answers answers_from_name(std::string_view name);
/// The S4 dataset: pairs on the domain [-0.5, 255.5]^2 (as s1-s3), 3 classes, in order of first answer.
Dataset labels_dataset(const std::string& path, Answers answers);

}  // namespace ginn
