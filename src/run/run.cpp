// Reading a run directory (Run::open) and the pieces of the format shared with the recorder (recorder.cpp).
// See docs/run-format.md for the format itself.
#include "ginn/run/run.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/model/model.h"
#include "run/format.h"

namespace ginn {

namespace fs = std::filesystem;

std::string_view run_status_name(RunStatus s) {
    switch (s) {
        case RunStatus::running: return "running";
        case RunStatus::complete: return "complete";
        case RunStatus::interrupted: return "interrupted";
        case RunStatus::diverged: return "diverged";
    }
    return "running";
}

namespace detail {

RunStatus run_status_from_name(const std::string& name, const std::string& where) {
    for (RunStatus s : {RunStatus::running, RunStatus::complete, RunStatus::interrupted, RunStatus::diverged})
        if (run_status_name(s) == name) return s;
    throw Error(where, "unknown status '" + name + "'", "running, complete, interrupted or diverged");
}

namespace {
nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
double number_or(const nlohmann::json& j, const char* key, double fallback) {
    return j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : fallback;
}
}  // namespace

nlohmann::json snapshot_to_json(const SnapshotInfo& s) {
    nlohmann::json j = {{"iteration", s.iteration},
                        {"lr", s.lr},
                        {"loss_batch", number_or_null(s.loss_batch)},
                        {"loss", number_or_null(s.loss)},
                        {"accuracy", number_or_null(s.accuracy)}};
    if (s.loss_test >= 0) {
        j["loss_test"] = number_or_null(s.loss_test);
        j["accuracy_test"] = number_or_null(s.accuracy_test);
    }
    return j;
}

SnapshotInfo snapshot_from_json(const nlohmann::json& j) {
    SnapshotInfo s;
    s.iteration = j.at("iteration").get<int64_t>();
    s.lr = number_or(j, "lr", 0);
    s.loss_batch = number_or(j, "loss_batch", NAN);
    s.loss = number_or(j, "loss", NAN);
    s.accuracy = number_or(j, "accuracy", NAN);
    s.loss_test = number_or(j, "loss_test", -1);
    s.accuracy_test = number_or(j, "accuracy_test", -1);
    return s;
}

std::string params_header(int64_t n_params) {
    std::string h(params_header_size, '\0');
    std::memcpy(h.data(), params_magic, 8);
    const uint32_t version = params_version, dtype = params_dtype_f32;
    const uint64_t n = static_cast<uint64_t>(n_params);
    std::memcpy(h.data() + 8, &version, 4);
    std::memcpy(h.data() + 12, &dtype, 4);
    std::memcpy(h.data() + 16, &n, 8);
    return h;
}

std::string params_record(int64_t iteration, std::span<const float> params) {
    std::string r(8 + 4 * params.size() + 8, '\0');
    const uint64_t it = static_cast<uint64_t>(iteration);
    std::memcpy(r.data(), &it, 8);
    std::memcpy(r.data() + 8, params.data(), 4 * params.size());
    const uint64_t sum = checksum64(std::string_view(r).substr(0, r.size() - 8));
    std::memcpy(r.data() + r.size() - 8, &sum, 8);
    return r;
}

size_t params_record_size(uint32_t version, int64_t n_params) {
    return 8 + 4 * static_cast<size_t>(n_params) + (version >= 2 ? 8 : 0);
}

nlohmann::json manifest_json(const RunConfig& config, const Dataset& data, const std::vector<int64_t>& schedule,
                             const std::vector<SnapshotInfo>& snapshots) {
    nlohmann::json snaps = nlohmann::json::array();
    for (const auto& s : snapshots) snaps.push_back(detail::snapshot_to_json(s));
    return {
        {"format", "ginn-run"},
        {"format_version", run_format_version},
        {"ginn_version", GINN_VERSION},
        {"config", config_to_json(config)},
        {"domain", box_to_json(data.domain)},
        {"task",
         {{"name", data.name},
          {"n_points", data.size()},
          {"n_test", data.n_test()},
          {"n_classes", data.n_classes},
          {"class_names", data.class_names},
          {"grid_w", data.grid_w},
          {"grid_h", data.grid_h},
          {"coordinates", "x to the right, y upwards; image pixel (row r, col c) of R at ((c+0.5)/R, 1-(r+0.5)/R)"}}},
        {"architecture",
         {{"inputs", 2},
          {"widths", config.model.widths},
          {"outputs", config.model.n_outputs()},
          {"n_params", n_params(config.model)},
          {"n_trainable", n_trainable(config.model)},
          {"layout", "per layer: W (n_out x n_in, row-major), b; with batch norm also gamma, beta, running_mean, running_var"}}},
        {"schedule", {{"spec", config.snapshots}, {"iterations", schedule}}},
        {"snapshots", snaps}};
}

bool is_state_file_name(const std::string& name) { return name == "state.a.bin" || name == "state.b.bin"; }

}  // namespace detail

namespace {

[[noreturn]] void damaged(const std::string& where, const std::string& what, const std::string& expected) {
    throw Error(where, what, expected, "the run directory is damaged; re-run training");
}

/// Reads the manifest's fields into `run`'s members (everything but the parameters), range-checking each.
void read_manifest(const nlohmann::json& m, const std::string& path, RunConfig& config, RunStatus& status,
                   std::vector<SnapshotInfo>& snapshots, int64_t& n_params_out, Box& domain) {
    try {
        if (!m.is_object() || m.at("format") != "ginn-run")
            damaged(path, "format is " + (m.is_object() ? m.at("format").dump() : m.dump().substr(0, 40)), "\"ginn-run\"");
        const auto& jv = m.at("format_version");
        if (!jv.is_number_integer() || jv.get<int64_t>() < 1)
            damaged(path, "format_version " + jv.dump(), "an integer 1.." + std::to_string(run_format_version));
        if (jv.get<int64_t>() > run_format_version)
            throw Error(path, "format_version " + jv.dump() + " is newer than this ginn",
                        "format_version " + std::to_string(run_format_version), "upgrade ginn");
        config = config_from_json(m.at("config"), path + ": config");
        status = detail::run_status_from_name(m.at("status").get<std::string>(), path);
        const auto& js = m.at("snapshots");
        if (!js.is_array()) damaged(path, "snapshots is not a list", "a list of snapshot records");
        int64_t previous = -1;
        for (const auto& j : js) {
            if (!j.is_object() || !j.at("iteration").is_number_integer())
                damaged(path, "snapshot record " + j.dump().substr(0, 60), "an object with an integer iteration");
            SnapshotInfo s = detail::snapshot_from_json(j);
            if (s.iteration <= previous || s.iteration > config.train.iterations)
                damaged(path, "snapshot iteration " + std::to_string(s.iteration),
                        "increasing iterations in 0.." + std::to_string(config.train.iterations));
            previous = s.iteration;
            snapshots.push_back(s);
        }
        n_params_out = m.at("architecture").at("n_params").get<int64_t>();
        domain = box_from_json(m.at("domain"));
        // Fields only `ginn info` shows: checked here so that a wrong type is this error, not a library message later.
        if (m.contains("task"))
            for (const char* key : {"n_points", "n_test", "n_classes", "grid_w", "grid_h"})
                if (m.at("task").contains(key) && !m.at("task").at(key).is_number_integer())
                    damaged(path, std::string("task.") + key + " is " + m.at("task").at(key).dump(), "an integer");
        if (m.contains("message") && !m.at("message").is_string()) damaged(path, "message is not a string", "a string");
        for (const char* key : {"seconds", "train_seconds"})
            if (m.contains(key) && !(m.at(key).is_number() && m.at(key).get<double>() >= 0))
                damaged(path, std::string(key) + " is " + m.at(key).dump(), "a number of seconds >= 0");
        const std::string state = m.value("state_file", std::string());
        if (!state.empty() && !detail::is_state_file_name(state))
            damaged(path, "state_file is '" + state + "'", "state.a.bin or state.b.bin, inside the run directory");
    } catch (const nlohmann::json::exception& e) {
        damaged(path, "malformed manifest: " + json_error_text(e), "the fields of docs/run-format.md");
    }
    try {
        config.validate();
    } catch (const Error& e) {
        damaged(path, std::string("config: ") + e.what(), "a valid config");
    }
    check_domain(domain, path);
}

}  // namespace

Run Run::open(const std::string& dir) {
    std::error_code ec;  // error codes, not exceptions: a permission problem becomes this function's Error
    if (!fs::is_directory(dir, ec))
        throw Error(dir, "not a run directory" + (ec ? ": " + ec.message() : std::string()),
                    "a directory written by `ginn train`", "check the path");
    const std::string manifest_path = (fs::path(dir) / "manifest.json").string();
    if (!fs::exists(manifest_path, ec))
        throw Error(manifest_path, "missing", "a run directory with manifest.json",
                    fs::exists(fs::path(dir) / ".ginn-run", ec) ? "training was killed before its first save; train it again"
                                                                 : "is this a ginn run directory?");
    Run run;
    run.dir_ = dir;
    run.manifest_ = parse_json(read_file(manifest_path, detail::max_manifest_bytes), manifest_path);
    read_manifest(run.manifest_, manifest_path, run.config_, run.status_, run.snapshots_, run.n_params_, run.domain_);
    if (run.n_params_ != n_params(run.config_.model))
        throw Error(manifest_path, "architecture.n_params is " + std::to_string(run.n_params_),
                    std::to_string(n_params(run.config_.model)) + " for the recorded model");

    // params.bin: header, then one record per snapshot; trailing bytes beyond the manifest's count are ignored.
    const std::string params_path = (fs::path(dir) / "params.bin").string();
    const std::string bytes = read_file(params_path);
    if (bytes.size() < detail::params_header_size || std::memcmp(bytes.data(), detail::params_magic, 8) != 0)
        throw Error(params_path, "not a ginn parameter file", "magic GINNPARM", "the run directory is damaged");
    uint32_t version = 0, dtype = 0;
    uint64_t n = 0;
    std::memcpy(&version, bytes.data() + 8, 4);
    std::memcpy(&dtype, bytes.data() + 12, 4);
    std::memcpy(&n, bytes.data() + 16, 8);
    if (version < 1 || version > detail::params_version || dtype != detail::params_dtype_f32 ||
        n != static_cast<uint64_t>(run.n_params_))
        throw Error(params_path, "header says version " + std::to_string(version) + ", dtype " + std::to_string(dtype) +
                    ", " + std::to_string(n) + " params", "version 1 or 2, dtype 1 (f32), " + std::to_string(run.n_params_) + " params");
    const size_t record = detail::params_record_size(version, run.n_params_);
    const size_t needed = detail::params_header_size + record * run.snapshots_.size();
    if (bytes.size() < needed)
        throw Error(params_path, "truncated: " + std::to_string(bytes.size()) + " bytes",
                    "at least " + std::to_string(needed) + " for " + std::to_string(run.snapshots_.size()) + " snapshots",
                    "the run directory is damaged; re-run training");
    run.params_.resize(run.snapshots_.size() * run.n_params_);
    for (size_t k = 0; k < run.snapshots_.size(); ++k) {
        const char* p = bytes.data() + detail::params_header_size + k * record;
        uint64_t it = 0;
        std::memcpy(&it, p, 8);
        if (static_cast<int64_t>(it) != run.snapshots_[k].iteration)
            throw Error(params_path, "record " + std::to_string(k) + " is iteration " + std::to_string(it),
                        "iteration " + std::to_string(run.snapshots_[k].iteration) + " as in the manifest",
                        "the run directory is damaged");
        if (version >= 2) {
            uint64_t stored = 0;
            std::memcpy(&stored, p + record - 8, 8);
            if (stored != checksum64(std::string_view(p, record - 8)))
                throw Error(params_path, "snapshot record " + std::to_string(k) + " (iteration " + std::to_string(it) +
                            ") fails its checksum", "the parameters as ginn wrote them", "the run directory is damaged");
        }
        std::memcpy(run.params_.data() + k * run.n_params_, p + 8, 4 * run.n_params_);
    }
    return run;
}

Run Run::in_memory(const RunConfig& config, std::vector<SnapshotInfo> snapshots,
                   const std::vector<std::vector<float>>& params, Dataset dataset, std::string name) {
    GINN_ASSERT(snapshots.size() == params.size());
    Run run;
    run.dir_ = std::move(name);
    run.config_ = config;
    run.status_ = RunStatus::complete;
    run.snapshots_ = std::move(snapshots);
    run.n_params_ = n_params(config.model);
    for (const auto& p : params) {
        GINN_ASSERT(static_cast<int64_t>(p.size()) == run.n_params_);
        run.params_.insert(run.params_.end(), p.begin(), p.end());
    }
    run.manifest_ = {{"format", "ginn-run"}, {"format_version", run_format_version}, {"config", config_to_json(config)},
                     {"status", "complete"}, {"seconds", 0.0}};
    run.domain_ = dataset.domain;
    run.manifest_["domain"] = box_to_json(run.domain_);
    run.dataset_ = std::make_shared<Dataset>(std::move(dataset));
    return run;
}

double Run::seconds() const { return manifest_.value("seconds", 0.0); }

const SnapshotInfo& Run::snapshot(int k) const {
    if (k < 0 || k >= n_snapshots())
        throw Error(dir_, "snapshot " + std::to_string(k) + " does not exist",
                    "0.." + std::to_string(n_snapshots() - 1), "see `ginn info " + dir_ + "`");
    return snapshots_[k];
}

int Run::snapshot_at_iteration(int64_t iteration) const {
    for (int k = 0; k < n_snapshots(); ++k)
        if (snapshots_[k].iteration == iteration) return k;
    int64_t below = -1, above = -1;
    for (const auto& s : snapshots_) {
        if (s.iteration < iteration) below = s.iteration;
        if (s.iteration > iteration && above < 0) above = s.iteration;
    }
    std::string hint = "nearest recorded:";
    if (below >= 0) hint += " " + std::to_string(below);
    if (above >= 0) hint += " " + std::to_string(above);
    throw Error(dir_, "iteration " + std::to_string(iteration) + " was not recorded", "a recorded iteration", hint);
}

int Run::resolve_snapshot(int k, int64_t iteration) const {
    if (n_snapshots() == 0) throw Error(dir_, "run has no snapshots", "at least one recorded snapshot");
    if (iteration >= 0) return snapshot_at_iteration(iteration);
    const int index = k < 0 ? n_snapshots() + k : k;
    snapshot(index);  // range check with a clear error
    return index;
}

std::span<const float> Run::params(int k) const {
    snapshot(k);
    return {params_.data() + static_cast<size_t>(k) * n_params_, static_cast<size_t>(n_params_)};
}

Network Run::network(int k) const {
    Network net = to_network(config_.model, params(k), domain());
    for (const auto& L : net.layers)
        if (!L.W.allFinite() || !L.b.allFinite())
            throw Error(dir_ + ": snapshot " + std::to_string(k) + " (iteration " +
                            std::to_string(snapshots_[k].iteration) + ")",
                        "parameters are not finite", "finite weights", "pick an earlier snapshot");
    return net;
}

const Dataset& Run::dataset() const {
    if (!dataset_) {
        const std::string path = (fs::path(dir_) / "dataset.bin").string();
        dataset_ = std::make_shared<Dataset>(dataset_from_bytes(read_file(path), path));
    }
    return *dataset_;
}

std::string run_summary(const Run& run) {
    const RunConfig& c = run.config();
    const auto& m = run.manifest();
    std::ostringstream out;
    auto widths = [&] {
        std::string s = "2";
        for (int w : c.model.widths) s += "-" + std::to_string(w);
        return s + "-" + std::to_string(c.model.n_outputs());
    };
    out << "run          " << run.dir() << " (" << run_status_name(run.status()) << ")\n";
    const Box d = run.domain();
    out << "task         " << c.task.target;
    if (m.contains("task")) {
        const auto& t = m.at("task");
        out << ", " << t.value("n_points", 0) << " points";
        if (t.value("n_test", 0) > 0) out << " (" << t.value("n_test", 0) << " held out)";
        if (t.value("grid_w", 0) > 0) out << ", " << t.value("grid_w", 0) << "x" << t.value("grid_h", 0) << " pixel grid";
        out << ", " << t.value("n_classes", 2) << " classes";
    }
    out << "\ndomain       x in [" << d.x0 << ", " << d.x1 << "], y in [" << d.y0 << ", " << d.y1
        << "]; x to the right, y upwards";
    if (m.contains("task") && m.at("task").value("grid_w", 0) > 0)  // image tasks only
        out << "; image pixel (row r, col c) of R at ((c+0.5)/R, 1-(r+0.5)/R)";
    out << "\n";
    out << "model        " << widths() << " " << activation_name(c.model.activation) << ", head "
        << head_name(c.model.head) << ", init " << init_name(c.model.init);
    if (c.model.batch_norm) out << ", batch norm";
    if (c.model.residual) out << ", residual";
    if (c.model.dropout > 0) out << ", dropout " << c.model.dropout;
    out << ", " << n_trainable(c.model) << " trainable parameters\n";
    out << "optimiser    " << optimizer_name(c.optim.kind) << " lr " << c.optim.lr << ", "
        << lr_schedule_name(c.optim.schedule) << " schedule";
    if (c.optim.weight_decay > 0) out << ", weight decay " << c.optim.weight_decay;
    out << "\ntraining     " << c.train.iterations << " iterations, batch " << c.train.batch << ", sampling "
        << (c.train.sampling == Sampling::epochs ? "epochs" : "with replacement") << ", seed " << c.train.seed << "\n";
    out << "snapshots    " << run.n_snapshots() << " recorded (schedule " << c.snapshots << ")";
    if (run.n_snapshots() > 0)
        out << ", iterations " << run.snapshots().front().iteration << ".." << run.snapshots().back().iteration;
    out << "\n";
    if (run.n_snapshots() > 0) {
        const auto& s = run.snapshots().back();
        char line[256];
        std::snprintf(line, sizeof line, "final        iteration %lld: loss %.4g, accuracy %.4f",
                      static_cast<long long>(s.iteration), s.loss, s.accuracy);
        out << line;
        if (s.loss_test >= 0) {
            std::snprintf(line, sizeof line, "; test loss %.4g, test accuracy %.4f", s.loss_test, s.accuracy_test);
            out << line;
        }
        out << "\n";
    }
    char line[128];
    std::snprintf(line, sizeof line, "time         %.2f s\n", run.seconds());
    out << line;
    if (m.contains("message") && !m.at("message").get<std::string>().empty())
        out << "note         " << m.at("message").get<std::string>() << "\n";
    return out.str();
}

}  // namespace ginn
