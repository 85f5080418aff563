// Running a sweep: which runs to train, resume or skip, training them one per core with one progress for the whole
// sweep, then the outputs (metrics table, grid figure, viewer). Every run goes through train_run / resume_run.
#include "ginn/study/study.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/core/parallel.h"
#include "ginn/geometry/geometry.h"
#include "ginn/run/run.h"
#include "ginn/viewer/viewer.h"

namespace ginn {

namespace fs = std::filesystem;

namespace {

std::string run_dir(const std::string& out, const SweepRun& r) { return (fs::path(out) / "runs" / r.name).string(); }

/// Makes `out` a directory of this sweep: creates it and sweep.json, or checks an existing sweep.json is the same.
void prepare_directory(const Sweep& sweep, const std::string& out, bool collect) {
    if (out.empty()) throw Error("--out", "no sweep directory given", "a directory path", "pass -o DIR");
    const std::string path = (fs::path(out) / "sweep.json").string();
    const nlohmann::json mine = sweep.sweep_json();
    std::error_code ec;
    if (fs::exists(path, ec)) {
        nlohmann::json theirs;
        try {
            theirs = nlohmann::json::parse(read_file(path));
        } catch (const nlohmann::json::exception&) {
            throw Error(path, "is not valid JSON", "the sweep.json ginn sweep wrote", "remove the directory and run again");
        }
        if (const std::string key = sweep_difference(theirs, mine); !key.empty())
            throw Error(out, "was made from a different sweep file (they differ at " + key + ")",
                        "the sweep file that made it: " + sweep.path, "choose another -o to keep both");
        return;
    }
    if (collect)
        throw Error(out, "is not a sweep directory (no sweep.json)", "a directory that `ginn sweep` trained into",
                    "run `ginn sweep FILE -o DIR` (or its shards) first");
    if (fs::exists(out, ec) && (!fs::is_directory(out, ec) || !fs::is_empty(out, ec)))
        throw Error(out, "exists and is not a sweep directory", "a new or empty directory", "choose another -o");
    fs::create_directories(fs::path(out) / "runs", ec);
    if (ec) throw Error(out, "cannot create the sweep directory: " + ec.message(), "a writable location", "");
    write_file_atomic(path, mine.dump(1));
}

enum class Todo { train, resume, skip_complete, skip_diverged };

/// What to do with a run directory: nothing there (or a crash before its first manifest) -> train; an interrupted run
/// with saved state -> resume; complete or diverged -> keep.
Todo todo_of(const std::string& dir) {
    std::error_code ec;
    if (!fs::exists(fs::path(dir) / "manifest.json", ec)) {
        fs::remove_all(dir, ec);
        return Todo::train;
    }
    try {
        const Run run = Run::open(dir);
        if (run.status() == RunStatus::complete) return Todo::skip_complete;
        if (run.status() == RunStatus::diverged) return Todo::skip_diverged;
        if (!run.manifest().value("state_file", std::string()).empty() && run.n_snapshots() > 0) return Todo::resume;
    } catch (const Error&) {
        // A damaged run (killed while its files were written): train it again.
    }
    return Todo::train;
}

/// One run to train: where, and whether it starts afresh or resumes.
struct Job {
    const SweepRun* run;
    std::string dir;
    Todo todo;
};

/// Serialises per-run progress into one SweepProgress.
class ProgressMerger {
public:
    ProgressMerger(const std::vector<Job>& jobs, const SweepOptions& o) : o_(o), iteration_(jobs.size(), 0) {
        p_.runs_total = static_cast<int>(jobs.size());
        for (const Job& j : jobs) p_.iterations_total += j.run->config.train.iterations;
    }
    void update(int i, int64_t iteration, bool done) {
        std::lock_guard lock(mutex_);
        p_.iterations_done += iteration - iteration_[i];
        iteration_[i] = iteration;
        p_.runs_done += done;
        p_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
        if (o_.on_progress) o_.on_progress(p_);
    }

private:
    const SweepOptions& o_;
    std::mutex mutex_;
    SweepProgress p_;
    std::vector<int64_t> iteration_;
    std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

void check_options(const SweepOptions& o) {
    if (o.n_shards < 1 || o.shard < 0 || o.shard >= o.n_shards)
        throw Error("--shard", "shard " + std::to_string(o.shard + 1) + "/" + std::to_string(o.n_shards) + " does not exist",
                    "i/n with 1 <= i <= n", "e.g. --shard 2/4");
    if (o.panel_size < 32 || o.panel_size > 2048)
        throw Error("--panel-size", std::to_string(o.panel_size) + " is out of range", "32..2048", "");
}

/// Work of a run's training, in multiply-adds: updates x batch x parameters (for ordering, longest first).
double training_work(const RunConfig& c) {
    return double(c.train.iterations) * double(c.train.batch) * double(n_trainable(c.model));
}

/// Trains what this process's share of every sweep (sweeps[k] into outs[k]) needs, in one pool of threads, the
/// longest runs first so that no long run starts last; returns the counts.
SweepResult train_share(const std::vector<const Sweep*>& sweeps, const std::vector<std::string>& outs,
                        const SweepOptions& o) {
    SweepResult result;
    std::vector<Job> jobs;
    for (size_t k = 0; k < sweeps.size(); ++k)
        for (const auto& r : sweeps[k]->runs) {
            if (r.index % o.n_shards != o.shard) continue;
            const std::string dir = run_dir(outs[k], r);
            const Todo t = todo_of(dir);
            if (t == Todo::skip_complete) ++result.skipped;
            else if (t == Todo::skip_diverged) ++result.diverged;
            else jobs.push_back({&r, dir, t});
        }
    std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
        return training_work(a.run->config) > training_work(b.run->config);
    });
    ProgressMerger merger(jobs, o);
    std::vector<TrainResult> results(jobs.size());
    parallel_for(static_cast<int>(jobs.size()), o.threads, [&](int i) {
        TrainOptions t;
        t.out = jobs[i].dir;
        t.force = true;  // a damaged run of this sweep is replaced
        t.stop = o.stop;
        t.on_progress = [&, i](const Progress& p) { merger.update(i, p.iteration, false); };
        results[i] = jobs[i].todo == Todo::resume ? resume_run(t.out, t) : train_run(jobs[i].run->config, t);
        merger.update(i, results[i].iteration, true);
    });
    for (size_t i = 0; i < results.size(); ++i) {
        (jobs[i].todo == Todo::resume ? result.resumed : result.trained) += 1;
        result.interrupted += results[i].status == RunStatus::interrupted;
        result.diverged += results[i].status == RunStatus::diverged;
    }
    return result;
}

/// Run i's final snapshot: its metrics row and its panel (network, geometry) for the grid figure.
void final_snapshot(const Sweep& sweep, const std::string& out, size_t i, RunMetrics& m, PanelInput& panel,
                    int approx_grid = GeometryOptions{}.grid) {
    const SweepRun& r = sweep.runs[i];
    const Run run = Run::open(run_dir(out, r));
    const int k = run.n_snapshots() - 1;
    if (k < 0) throw Error(run.dir(), "has no snapshots", "a trained run", "run `ginn sweep` again");
    const SnapshotInfo& s = run.snapshot(k);
    const Network net = run.network(k);
    m.name = r.name;
    m.target = run.config().task.target;
    m.label = r.label;
    m.n_params = n_trainable(run.config().model);
    m.loss = s.loss, m.accuracy = s.accuracy, m.loss_test = s.loss_test, m.accuracy_test = s.accuracy_test;
    m.seconds = run.seconds();
    m.status = std::string(run_status_name(run.status()));
    m.has_error = is_formula_task(m.target) && net.n_outputs() <= 2;
    Geometry g = compute_geometry(net, {.regions = m.has_error && net.piecewise_linear(), .grid = approx_grid});
    if (g.exact) m.regions_activation = g.counts.activation, m.regions_linear = g.counts.linear;
    if (m.has_error) m.error = error_area(net, g, m.target);
    g.regions.clear();  // the figure needs boundaries only
    panel = {net, std::move(g), r.label};
}

std::string number(double v, const char* format = "%.4g") {
    if (!std::isfinite(v) || v < 0) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string count(int64_t v) { return v < 0 ? "" : std::to_string(v); }

void write_outputs(const Sweep& sweep, const SweepOptions& o, SweepResult& result) {
    // o.out is this sweep's directory
    std::vector<RunMetrics> metrics(sweep.runs.size());
    std::vector<PanelInput> panels(sweep.runs.size());
    parallel_for(static_cast<int>(sweep.runs.size()), o.threads,
                 [&](int i) { final_snapshot(sweep, o.out, i, metrics[i], panels[i], sweep_approx_grid(o.panel_size)); });
    auto write = [&](const std::string& name, const std::string& text) {
        const std::string path = (fs::path(o.out) / name).string();
        write_file_atomic(path, text);
        result.written.push_back(path);
    };
    write("metrics.csv", metrics_csv(metrics));
    write("metrics.md", metrics_markdown(metrics));
    const Figure grid = figure_sweep_grid(sweep, panels, metrics, o);
    for (const char* ext : {"png", "svg", "pdf"}) {
        const std::string path = (fs::path(o.out) / (std::string("grid.") + ext)).string();
        write_figure(grid, path);
        result.written.push_back(path);
    }
    if (o.viewer) {
        std::vector<Run> runs;
        for (const auto& r : sweep.runs) runs.push_back(Run::open(run_dir(o.out, r)));
        std::vector<const Run*> pointers;
        for (const auto& r : runs) pointers.push_back(&r);
        const std::string path = (fs::path(o.out) / "viewer.html").string();
        // approximate (smooth) boundaries on a 64-cell grid, as fine as the 64-pixel prediction images
        write_viewer(pointers, path, {.title = "ginn sweep: " + sweep.name, .image_size = 64, .threads = o.threads,
                                      .approx_grid = 64});
        result.written.push_back(path);
    }
}

}  // namespace

void prepare_sweep_directory(const Sweep& sweep, const std::string& out) { prepare_directory(sweep, out, false); }

SweepResult run_sweep(const Sweep& sweep, const SweepOptions& o) {
    check_options(o);
    prepare_directory(sweep, o.out, o.collect);
    SweepResult result;
    if (o.collect) {
        for (const auto& r : sweep.runs) {
            const Todo t = todo_of(run_dir(o.out, r));
            if (t == Todo::train || t == Todo::resume)
                throw Error(run_dir(o.out, r), "run '" + r.label + "' is not complete", "every run trained",
                            "run its shard again (or `ginn sweep FILE -o DIR` without --collect)");
            (t == Todo::skip_complete ? result.skipped : result.diverged) += 1;
        }
    } else {
        result = train_share({&sweep}, {o.out}, o);
    }
    if (o.n_shards > 1 || result.interrupted > 0) return result;
    write_outputs(sweep, o, result);
    return result;
}

SweepResult run_study(const std::vector<Sweep>& sweeps, const SweepOptions& o) {
    check_options(o);
    if (o.collect || o.n_shards > 1)
        throw Error(o.collect ? "--collect" : "--shard", "works on one sweep file at a time", "one FILE",
                    "run it once per sweep file");
    std::vector<const Sweep*> pointers;
    std::vector<std::string> outs;
    for (const Sweep& s : sweeps) {
        for (const Sweep* other : pointers)
            if (other->name == s.name)
                throw Error(s.path, "has the sweep name '" + s.name + "' of " + other->path,
                            "a different [sweep] name per file", "each sweep is written to DIR/NAME");
        pointers.push_back(&s);
        outs.push_back((fs::path(o.out) / s.name).string());
    }
    if (!o.out.empty()) {
        std::error_code ec;
        fs::create_directories(o.out, ec);
        if (ec) throw Error(o.out, "cannot create the study directory: " + ec.message(), "a writable location", "");
    }
    for (size_t k = 0; k < sweeps.size(); ++k) prepare_directory(sweeps[k], outs[k], false);
    SweepResult result = train_share(pointers, outs, o);
    if (result.interrupted > 0) return result;
    for (size_t k = 0; k < sweeps.size(); ++k) {
        SweepOptions mine = o;
        mine.out = outs[k];
        write_outputs(sweeps[k], mine, result);
    }
    return result;
}

std::vector<RunMetrics> sweep_metrics(const Sweep& sweep, const std::string& out, int threads) {
    std::vector<RunMetrics> metrics(sweep.runs.size());
    parallel_for(static_cast<int>(sweep.runs.size()), threads, [&](int i) {
        PanelInput unused;
        final_snapshot(sweep, out, i, metrics[i], unused);
    });
    return metrics;
}

std::string run_truth_summary(const Run& run) {
    const std::string& target = run.config().task.target;
    if (!is_formula_task(target) || run.n_snapshots() == 0) return "";
    const Network net = run.network(run.n_snapshots() - 1);
    if (net.n_outputs() > 2) return "";
    const ErrorArea e = error_area(net, target);
    char line[200];
    std::snprintf(line, sizeof line, "error against the truth sign(%s): %.6g of the domain (%s, bound %.2g)\n",
                  target.c_str(), e.fraction, e.exact ? ("exact, " + e.method).c_str() : e.method.c_str(), e.bound);
    return line;
}

std::string metrics_csv(const std::vector<RunMetrics>& rows) {
    std::string s = "run,target,variant,n_params,loss_train,accuracy_train,loss_test,accuracy_test,error_area,"
                    "error_bound,error_method,regions_activation,regions_linear,seconds,status\n";
    for (const auto& m : rows) {
        s += m.name + "," + csv_field(m.target) + "," + csv_field(m.label) + "," + std::to_string(m.n_params) + "," +
             number(m.loss, "%.6g") + "," + number(m.accuracy, "%.6g") + "," + number(m.loss_test, "%.6g") + "," +
             number(m.accuracy_test, "%.6g") + ",";
        if (m.has_error) s += number(m.error.fraction, "%.9g") + "," + number(m.error.bound, "%.3g") + "," + csv_field(m.error.method);
        else s += ",,";
        s += "," + count(m.regions_activation) + "," + count(m.regions_linear) + "," + number(m.seconds, "%.3f") + "," +
             m.status + "\n";
    }
    return s;
}

std::string metrics_markdown(const std::vector<RunMetrics>& rows) {
    std::string s = "| run | task | variant | params | train loss | train acc | test loss | test acc | error area | "
                    "regions (activation / linear) | time (s) |\n"
                    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    auto cell = [](const std::string& t) {
        std::string out;
        for (char c : t) out += c == '|' ? std::string("\\|") : std::string(1, c);
        return out;
    };
    for (const auto& m : rows) {
        std::string error;
        if (m.has_error)
            error = m.error.exact ? number(m.error.fraction)
                                  : "~" + number(m.error.fraction, "%.3g") + " +- " + number(m.error.bound, "%.2g") + " (approx.)";
        const std::string regions = m.regions_activation < 0 ? "n/a (smooth)" : count(m.regions_activation) + " / " + count(m.regions_linear);
        s += "| " + m.name + " | `" + cell(m.target) + "` | " + cell(m.label) + " | " + std::to_string(m.n_params) + " | " +
             number(m.loss) + " | " + number(m.accuracy) + " | " + number(m.loss_test) + " | " + number(m.accuracy_test) +
             " | " + error + " | " + regions + " | " + number(m.seconds, "%.2f") + (m.status == "complete" ? "" : " (" + m.status + ")") + " |\n";
    }
    s += "\nerror area: fraction of the domain where the predicted class differs from sign(f), from the exact region "
         "polygons (polygon clipping for straight truths, adaptive quadrature to 1e-10 of the domain for curved ones); "
         "~ marks smooth activations, approximated on a 1024^2 grid with the fraction of boundary cells as bound.\n";
    return s;
}

}  // namespace ginn
