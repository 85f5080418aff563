// The annotation database (SQLite, Debian's libsqlite3): schema, format version, serving pairs and storing answers,
// each answer in its own transaction. Prepared statements only; no SQL text is ever built from input.
// Not the HTTP layer (server.cpp) nor the CSV export (labels.cpp).
#include <sqlite3.h>

#include <chrono>
#include <ctime>

#include "ginn/annotate/labels.h"
#include "ginn/core/error.h"

namespace ginn {

namespace {

constexpr const char* format_name = "ginn-labels";
constexpr int format_version = 1;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS served(
  id INTEGER PRIMARY KEY,
  annotator TEXT NOT NULL,
  x1 INTEGER NOT NULL CHECK (x1 BETWEEN 0 AND 255),
  x2 INTEGER NOT NULL CHECK (x2 BETWEEN 0 AND 255),
  served_at TEXT NOT NULL,
  answered INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS served_pending ON served(annotator, answered);
CREATE TABLE IF NOT EXISTS answers(
  served_id INTEGER PRIMARY KEY REFERENCES served(id),
  annotator TEXT NOT NULL,
  x1 INTEGER NOT NULL CHECK (x1 BETWEEN 0 AND 255),
  x2 INTEGER NOT NULL CHECK (x2 BETWEEN 0 AND 255),
  label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 2),
  answered_at TEXT NOT NULL);
)sql";

/// UTC now as ISO 8601 with milliseconds: 2026-11-27T20:01:36.123Z.
std::string now_utc() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const int ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return text;
}

/// One prepared statement, reset after each use.
class Statement {
public:
    Statement(sqlite3* db, const char* sql, const std::string& where) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
            throw Error(where, std::string("is not a usable label database: ") + sqlite3_errmsg(db),
                        "a database written by ginn annotate", "check the path");
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& bind(int i, int64_t v) { return check(sqlite3_bind_int64(stmt_, i, v)); }
    Statement& bind(int i, const std::string& v) { return check(sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT)); }
    /// Steps once: true while a row is available.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) {
            const std::string message = sqlite3_errmsg(db_);
            sqlite3_reset(stmt_);
            throw Error("label database", "SQLite: " + message, "", "check free space and permissions");
        }
        return false;
    }
    int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    std::string text(int col) const {
        const auto* p = sqlite3_column_text(stmt_, col);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    void reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

private:
    Statement& check(int rc) {
        if (rc != SQLITE_OK) throw Error("label database", std::string("SQLite: ") + sqlite3_errmsg(db_), "", "");
        return *this;
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const char* sql, const std::string& where) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string text = message ? message : sqlite3_errmsg(db);
        sqlite3_free(message);
        throw Error(where, "SQLite: " + text, "a database written by ginn annotate", "check the path, free space and permissions");
    }
}

}  // namespace

struct LabelStore::Impl {
    std::string path;
    sqlite3* db = nullptr;
    Design design = Design::uniform;
    uint64_t seed = 1;
    mutable std::mutex mutex;
    std::unique_ptr<Statement> pending, last_id, insert_served, find_served, insert_answer, mark_answered, count_one,
        count_all, all_answers;

    ~Impl() {
        pending.reset(), last_id.reset(), insert_served.reset(), find_served.reset(), insert_answer.reset();
        mark_answered.reset(), count_one.reset(), count_all.reset(), all_answers.reset();
        sqlite3_close(db);
    }

    std::string meta(const std::string& key) {
        Statement s(db, "SELECT value FROM meta WHERE key = ?1", path);
        s.bind(1, key);
        return s.step() ? s.text(0) : "";
    }
    void set_meta(const std::string& key, const std::string& value) {
        Statement s(db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)", path);
        s.bind(1, key).bind(2, value);
        s.step();
    }
};

LabelStore::LabelStore(const std::string& path, Design design, uint64_t seed, bool writable) : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.path = path;
    const int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
                               : SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path.c_str(), &m.db, flags, nullptr) != SQLITE_OK)
        throw Error(path, std::string("cannot open the label database: ") + (m.db ? sqlite3_errmsg(m.db) : "out of memory"),
                    writable ? "a writable path" : "an existing database written by ginn annotate", "check the path");
    sqlite3_busy_timeout(m.db, 5000);
    sqlite3_extended_result_codes(m.db, 0);
    // Reject files that are not SQLite at all before touching them (sqlite opens lazily).
    exec(m.db, "SELECT count(*) FROM sqlite_master", path);
    if (writable) {
        // WAL: readers (export) work beside the server; NORMAL: a committed answer survives the process being killed
        // (not a power cut between checkpoints; docs/annotate.md).
        exec(m.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", path);
        exec(m.db, "BEGIN IMMEDIATE", path);
        try {
            exec(m.db, schema, path);
            if (m.meta("format").empty()) {
                Statement any(m.db, "SELECT count(*) FROM served", path);
                any.step();
                if (any.integer(0) != 0)
                    throw Error(path, "holds pairs but no format record", "a database written by ginn annotate", "use a new file");
                m.set_meta("format", format_name);
                m.set_meta("version", std::to_string(format_version));
                m.set_meta("design", design_name(design));
                m.set_meta("seed", std::to_string(seed));
            }
            exec(m.db, "COMMIT", path);
        } catch (...) {
            sqlite3_exec(m.db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
    std::string format, version;
    try {
        format = m.meta("format");
        version = m.meta("version");
    } catch (const Error&) {
    }
    if (format != format_name)
        throw Error(path, "is not a ginn label database", "a database written by `ginn annotate serve`", "check the path");
    if (version != std::to_string(format_version))
        throw Error(path, "has label format version '" + version + "'", "version 1", "use the ginn that wrote it");
    m.design = design_from_name(m.meta("design"));
    try {
        m.seed = std::stoull(m.meta("seed"));
    } catch (const std::exception&) {
        throw Error(path, "has a corrupt seed record", "a whole number", "use a new file");
    }
    if (writable) {
        m.pending = std::make_unique<Statement>(m.db, "SELECT id, x1, x2 FROM served WHERE annotator = ?1 AND answered = 0 ORDER BY id LIMIT 1", path);
        m.last_id = std::make_unique<Statement>(m.db, "SELECT COALESCE(MAX(id), 0) FROM served", path);
        m.insert_served = std::make_unique<Statement>(m.db, "INSERT INTO served(id, annotator, x1, x2, served_at) VALUES (?1, ?2, ?3, ?4, ?5)", path);
        m.find_served = std::make_unique<Statement>(m.db, "SELECT annotator, x1, x2, answered FROM served WHERE id = ?1", path);
        m.insert_answer = std::make_unique<Statement>(m.db, "INSERT INTO answers(served_id, annotator, x1, x2, label, answered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", path);
        m.mark_answered = std::make_unique<Statement>(m.db, "UPDATE served SET answered = 1 WHERE id = ?1", path);
    }
    m.count_one = std::make_unique<Statement>(m.db, "SELECT count(*) FROM answers WHERE annotator = ?1", path);
    m.count_all = std::make_unique<Statement>(m.db, "SELECT count(*) FROM answers", path);
    m.all_answers = std::make_unique<Statement>(m.db, "SELECT x1, x2, label, annotator, answered_at FROM answers ORDER BY served_id", path);
}

LabelStore::~LabelStore() = default;

Design LabelStore::design() const { return impl_->design; }
uint64_t LabelStore::seed() const { return impl_->seed; }

ServedPair LabelStore::serve(const std::string& annotator) {
    check_annotator(annotator);
    Impl& m = *impl_;
    std::lock_guard lock(m.mutex);
    GINN_ASSERT(m.pending);
    m.pending->bind(1, annotator);
    if (m.pending->step()) {
        const ServedPair p{m.pending->integer(0), int(m.pending->integer(1)), int(m.pending->integer(2))};
        m.pending->reset();
        return p;
    }
    m.pending->reset();
    exec(m.db, "BEGIN IMMEDIATE", m.path);
    try {
        m.last_id->step();
        const int64_t k = m.last_id->integer(0);
        m.last_id->reset();
        const auto [x1, x2] = design_pair(m.design, m.seed, k);
        m.insert_served->bind(1, k + 1).bind(2, annotator).bind(3, x1).bind(4, x2).bind(5, now_utc());
        m.insert_served->step();
        m.insert_served->reset();
        exec(m.db, "COMMIT", m.path);
        return {k + 1, x1, x2};
    } catch (...) {
        m.last_id->reset();
        m.insert_served->reset();
        sqlite3_exec(m.db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

bool LabelStore::answer(const std::string& annotator, int64_t id, int label) {
    if (label < 0 || label > 2) return false;
    Impl& m = *impl_;
    std::lock_guard lock(m.mutex);
    GINN_ASSERT(m.find_served);
    exec(m.db, "BEGIN IMMEDIATE", m.path);
    try {
        m.find_served->bind(1, id);
        const bool found = m.find_served->step();
        const bool ok = found && m.find_served->text(0) == annotator && m.find_served->integer(3) == 0;
        const int64_t x1 = found ? m.find_served->integer(1) : 0, x2 = found ? m.find_served->integer(2) : 0;
        m.find_served->reset();
        if (!ok) {
            exec(m.db, "ROLLBACK", m.path);
            return false;
        }
        m.insert_answer->bind(1, id).bind(2, annotator).bind(3, x1).bind(4, x2).bind(5, label).bind(6, now_utc());
        m.insert_answer->step();
        m.insert_answer->reset();
        m.mark_answered->bind(1, id);
        m.mark_answered->step();
        m.mark_answered->reset();
        exec(m.db, "COMMIT", m.path);
        return true;
    } catch (...) {
        m.find_served->reset();
        m.insert_answer->reset();
        m.mark_answered->reset();
        sqlite3_exec(m.db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

int64_t LabelStore::n_answers(const std::string& annotator) const {
    Impl& m = *impl_;
    std::lock_guard lock(m.mutex);
    Statement& s = annotator.empty() ? *m.count_all : *m.count_one;
    if (!annotator.empty()) s.bind(1, annotator);
    s.step();
    const int64_t n = s.integer(0);
    s.reset();
    return n;
}

std::vector<LabelAnswer> LabelStore::answers() const {
    Impl& m = *impl_;
    std::lock_guard lock(m.mutex);
    std::vector<LabelAnswer> out;
    exec(m.db, "BEGIN", m.path);  // one consistent snapshot while the server may be writing
    try {
        while (m.all_answers->step()) {
            LabelAnswer a;
            a.x1 = int(m.all_answers->integer(0));
            a.x2 = int(m.all_answers->integer(1));
            a.label = int(m.all_answers->integer(2));
            a.annotator = m.all_answers->text(3);
            a.time = m.all_answers->text(4);
            if (a.x1 < 0 || a.x1 > 255 || a.x2 < 0 || a.x2 > 255 || a.label < 0 || a.label > 2)
                throw Error(m.path, "holds an answer out of range", "grey levels 0..255 and labels 0..2", "the file was edited");
            check_annotator(a.annotator);
            out.push_back(std::move(a));
        }
        m.all_answers->reset();
        exec(m.db, "COMMIT", m.path);
    } catch (...) {
        m.all_answers->reset();
        sqlite3_exec(m.db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return out;
}

}  // namespace ginn
