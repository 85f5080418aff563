// Label names, the pair designs, the CSV export and reader, and the S4 dataset made from people's answers.
// Not SQLite (store.cpp) nor HTTP (server.cpp).
#include "ginn/annotate/labels.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

#include "ginn/core/detail/rng.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/data/dataset.h"

namespace ginn {

namespace {

constexpr const char* csv_magic = "# ginn-labels 1";
constexpr const char* csv_header = "x1,x2,label,annotator,time";
constexpr uint64_t max_labels_csv_bytes = uint64_t{1} << 30;
constexpr int64_t max_answers = 10'000'000;

/// A well-mixed 64-bit hash of a counter: one SplitMix64 step from it.
uint64_t mix(uint64_t z) { return detail::splitmix64(z); }

bool parse_level(std::string_view s, int& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size() && out >= 0 && out <= 255;
}

bool is_database_path(const std::string& path) {
    const std::string ext = lower_extension(path);
    return ext == ".sqlite" || ext == ".sqlite3" || ext == ".db";
}

std::vector<LabelAnswer> read_labels_csv(const std::string& path) {
    const std::string text = read_file(path, max_labels_csv_bytes);
    std::vector<LabelAnswer> out;
    TextLines lines(text);
    while (lines.next()) {
        const std::string_view line = lines.line();
        const int64_t line_no = lines.number();
        const std::string where = path + ":" + std::to_string(line_no);
        if (line_no == 1) {
            if (line != csv_magic)
                throw Error(where, "does not start with '" + std::string(csv_magic) + "'",
                            "a labels CSV written by `ginn annotate export` (docs/annotate.md)",
                            line.rfind("# ginn-labels", 0) == 0 ? "this file has another format version" : "check the file");
            continue;
        }
        if (line_no == 2) {
            if (line != csv_header)
                throw Error(where, "is not the header line", csv_header, "check the file");
            continue;
        }
        if (line.empty()) continue;
        std::vector<std::string_view> f;
        size_t s = 0;
        for (size_t comma; (comma = line.find(',', s)) != std::string_view::npos && f.size() < 8; s = comma + 1)
            f.push_back(line.substr(s, comma - s));
        f.push_back(line.substr(s));
        if (f.size() != 5)
            throw Error(where, "has " + std::to_string(f.size()) + " fields", "5: x1,x2,label,annotator,time",
                        "annotator names hold no commas");
        LabelAnswer a;
        if (!parse_level(f[0], a.x1) || !parse_level(f[1], a.x2))
            throw Error(where, "bad grey levels '" + std::string(f[0]) + "," + std::string(f[1]) + "'",
                        "two whole numbers 0..255", "check the file");
        a.label = label_from_name(f[2]);
        if (a.label < 0)
            throw Error(where, "bad label '" + std::string(f[2]) + "'", "white, black or grey", "check the file");
        a.annotator = std::string(f[3]);
        try {
            check_annotator(a.annotator);
        } catch (const Error& e) {
            throw Error(where + ": " + e.what());
        }
        a.time = std::string(f[4]);
        if (a.time.empty() || a.time.size() > 40)
            throw Error(where, "bad time '" + a.time.substr(0, 40) + "'", "an ISO 8601 time", "check the file");
        if (int64_t(out.size()) >= max_answers)
            throw Error(path, "has more than 10000000 answers", "at most 10000000", "split the file");
        out.push_back(std::move(a));
    }
    if (lines.number() < 2)
        throw Error(path, "has no header", std::string(csv_magic) + " and " + csv_header, "export it again");
    return out;
}

}  // namespace

int label_from_name(std::string_view name) {
    if (name == "white") return 0;
    if (name == "black") return 1;
    if (name == "grey") return 2;
    return -1;
}

const char* label_name(int label) {
    static const char* names[] = {"white", "black", "grey"};
    GINN_ASSERT(label >= 0 && label <= 2);
    return names[label];
}

Design design_from_name(std::string_view name) {
    for (Design d : {Design::uniform, Design::stratified, Design::lattice})
        if (name == design_name(d)) return d;
    throw Error("design", "is '" + std::string(name) + "'", "uniform, stratified or lattice",
                "see `ginn annotate serve --help`");
}

const char* design_name(Design design) {
    static const char* names[] = {"uniform", "stratified", "lattice"};
    return names[int(design)];
}

namespace {

/// The (k mod 256)-th entry of a seeded permutation of 0..255, a fresh permutation for each round r = k / 256
/// (Fisher-Yates driven by the hash).
int shuffled_index(uint64_t seed, int64_t k) {
    const uint64_t round = uint64_t(k) / 256;
    std::array<int, 256> order;
    std::iota(order.begin(), order.end(), 0);
    uint64_t state = mix(seed ^ mix(round ^ 0x5742A71F1EDull));
    for (int i = 255; i > 0; --i) {
        state = mix(state);
        std::swap(order[size_t(i)], order[size_t(state % uint64_t(i + 1))]);
    }
    return order[size_t(uint64_t(k) % 256)];
}

}  // namespace

std::pair<int, int> design_pair(Design design, uint64_t seed, int64_t k) {
    const uint64_t h = mix(seed ^ mix(uint64_t(k)));
    if (design == Design::uniform) return {int(h & 255), int(h >> 8 & 255)};
    const int cell = shuffled_index(seed, k);
    // Lattice: the 16 x 16 grey levels 0, 17, ..., 255 (edges included), each pair once per round.
    if (design == Design::lattice) return {cell % 16 * 17, cell / 16 * 17};
    // Stratified: each round visits the 256 cells of 16 x 16 grey levels once, the pair uniform within its cell.
    return {cell % 16 * 16 + int(h & 15), cell / 16 * 16 + int(h >> 4 & 15)};
}

void check_annotator(const std::string& name) {
    const bool ok = !name.empty() && name.size() <= 40 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == ' ' || c == '_' || c == '-' || c == '.';
    });
    if (!ok)
        throw Error("annotator", "name '" + name.substr(0, 40) + "' is not allowed",
                    "1..40 letters, digits, spaces, '_', '-' or '.'", "choose a simpler name");
}

#ifdef __EMSCRIPTEN__
// The WebAssembly build (ginn play) has no SQLite: the page reads people's labels from their CSV export only.
[[noreturn]] void no_database(const std::string& db) {
    throw Error(db, "is a labels database", "the CSV export of the labels in this page",
                "ginn annotate export --db " + db + " -o labels.csv");
}
#endif

int64_t export_labels_csv(const std::string& db, const std::string& csv) {
#ifdef __EMSCRIPTEN__
    (void)csv;
    no_database(db);
#endif
    if (!std::filesystem::exists(db))
        throw Error(db, "does not exist", "a database written by `ginn annotate serve`", "check the path");
    const LabelStore store(db, Design::uniform, 1, /*writable=*/false);
    const std::vector<LabelAnswer> answers = store.answers();
    std::string text = std::string(csv_magic) + "\n" + csv_header + "\n";
    for (const LabelAnswer& a : answers)
        text += std::to_string(a.x1) + "," + std::to_string(a.x2) + "," + label_name(a.label) + "," + a.annotator + "," +
                a.time + "\n";
    write_file_atomic(csv, text);
    return int64_t(answers.size());
}

bool is_labels_file(const std::string& path) {
    if (is_database_path(path)) return true;
    if (lower_extension(path) != ".csv") return false;
    // Only the first line's start: the whole file is read once, by the reader (which also reports unreadable files).
    std::ifstream in(path, std::ios::binary);
    std::string head(13, '\0');
    return in.read(head.data(), std::streamsize(head.size())) && head == "# ginn-labels";
}

std::vector<LabelAnswer> read_labels(const std::string& path) {
    if (!is_database_path(path)) return read_labels_csv(path);
#ifdef __EMSCRIPTEN__
    no_database(path);
#endif
    if (!std::filesystem::is_regular_file(path))
        throw Error(path, "does not exist", "a database written by `ginn annotate serve`", "check the path");
    return LabelStore(path, Design::uniform, 1, /*writable=*/false).answers();
}

Answers answers_from_name(std::string_view name) {
    if (name == "majority") return Answers::majority;
    if (name == "each") return Answers::each;
    throw Error("answers", "is '" + std::string(name) + "'", "majority or each", "see `ginn train --help`");
}

Dataset labels_dataset(const std::string& path, Answers mode) {
    const std::vector<LabelAnswer> answers = read_labels(path);
    if (answers.empty())
        throw Error(path, "holds no answers", "at least one labelled pair", "label some pairs with `ginn annotate serve`");
    std::vector<std::array<int, 2>> pairs;
    std::vector<int32_t> labels;
    if (mode == Answers::each) {
        for (const LabelAnswer& a : answers) pairs.push_back({a.x1, a.x2}), labels.push_back(a.label);
    } else {
        std::map<std::array<int, 2>, size_t> index;  // pair -> its position, in order of first answer
        std::vector<std::array<int, 3>> votes;
        for (const LabelAnswer& a : answers) {
            const std::array<int, 2> p{a.x1, a.x2};
            const auto [it, added] = index.try_emplace(p, pairs.size());
            if (added) pairs.push_back(p), votes.push_back({0, 0, 0});
            ++votes[it->second][size_t(a.label)];
        }
        for (const auto& v : votes)  // max_element keeps the first maximum: ties go to white, then black, then grey
            labels.push_back(int32_t(std::max_element(v.begin(), v.end()) - v.begin()));
    }
    Dataset data;
    data.name = path;
    data.domain = Box{-0.5, 255.5, -0.5, 255.5};
    data.n_classes = 3;
    data.class_names = pixel_pair_class_names();  // white, black, grey: the pixel-pair tasks' classes
    data.X.resize(int64_t(pairs.size()), 2);
    for (size_t i = 0; i < pairs.size(); ++i) {
        data.X(int64_t(i), 0) = float(pairs[i][0]);
        data.X(int64_t(i), 1) = float(pairs[i][1]);
    }
    data.label = std::move(labels);
    return data;
}

}  // namespace ginn
