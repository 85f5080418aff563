// `ginn sweep FILE -o DIR`: reads a sweep file, trains every missing run (one per core), writes the table, the grid
// figure and the viewer. Parse -> run_sweep -> report; the logic lives in the library (study.h).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#ifdef GINN_MPI
#include <mpi.h>
#endif

#include "commands.h"
#include "ginn/core/error.h"
#include "ginn/study/study.h"

namespace ginn::app {

namespace {

struct SweepFlags {
    std::vector<std::string> files;
    std::string out, shard;
    bool force = false, collect = false, quiet = false, neurons = false, surfaces = false, no_viewer = false;
    int panel_size = 220, threads = 0;
};

/// "i/n" -> (i - 1, n), 1 <= i <= n <= 100000.
std::pair<int, int> parse_shard(const std::string& text) {
    int i = 0, n = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%d/%d%c", &i, &n, &tail) != 2 || n < 1 || n > 100000 || i < 1 || i > n)
        throw Error("--shard", "'" + text + "' is not a shard", "i/n with 1 <= i <= n <= 100000", "e.g. --shard 1/4");
    return {i - 1, n};
}

/// One line for the whole sweep: runs done/total, iterations, ETA; redrawn on a terminal, every 5 s otherwise.
std::function<void(const SweepProgress&)> progress_line(bool quiet) {
    if (quiet) return {};
    const bool tty = ::isatty(STDERR_FILENO);
    auto last = std::make_shared<double>(-1e9);
    return [tty, last](const SweepProgress& p) {
        const bool end = p.runs_done == p.runs_total;
        if (p.seconds - *last < (tty ? 0.2 : 5.0) && !end) return;
        *last = p.seconds;
        const double frac = p.iterations_total > 0 ? double(p.iterations_done) / double(p.iterations_total) : 1;
        const double eta = frac > 0 ? p.seconds * (1 - frac) / frac : 0;
        std::fprintf(stderr, "%ssweep: %d/%d runs  %3.0f%%  %.0fs elapsed  ETA %dm%02ds%s", tty ? "\r" : "", p.runs_done,
                     p.runs_total, 100 * frac, p.seconds, int(eta) / 60, int(eta) % 60, tty ? "   " : "\n");
        if (tty && end) std::fputs("\n", stderr);
    };
}

/// The MPI ranks of this process when started by mpirun (built with MPI), else rank 0 of 1.
struct Ranks {
    int rank = 0, size = 1;
};

#ifdef GINN_MPI
/// MPI_Init when mpirun started us (OMPI_COMM_WORLD_SIZE or PMI_SIZE set), MPI_Finalize at the end.
class MpiSession {
public:
    MpiSession() {
        if (!std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMI_SIZE")) return;
        MPI_Init(nullptr, nullptr);
        active_ = true;
        MPI_Comm_rank(MPI_COMM_WORLD, &ranks.rank);
        MPI_Comm_size(MPI_COMM_WORLD, &ranks.size);
    }
    ~MpiSession() {
        if (active_) MPI_Finalize();
    }
    /// True on every rank when `ok` is true on rank 0.
    bool agree(bool ok) const {
        int v = ok;
        if (active_) MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
        return v != 0;
    }
    void barrier() const {
        if (active_) MPI_Barrier(MPI_COMM_WORLD);
    }
    Ranks ranks;

private:
    bool active_ = false;
};
#else
/// Without MPI: under mpirun every rank would train the whole sweep into the same directory, so refuse.
struct MpiSession {
    MpiSession() {
        const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
        const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
        if (!size || std::atoi(size) <= 1) return;
        ranks = {rank ? std::atoi(rank) : 0, std::atoi(size)};
        if (ranks.rank != 0) throw Exit{1};
        throw Error("mpirun", "this ginn was built without MPI", "a build with Open MPI (libopenmpi-dev found by CMake)",
                    "install libopenmpi-dev and rebuild, or use --shard i/n and --collect");
    }
    bool agree(bool ok) const { return ok; }
    void barrier() const {}
    Ranks ranks;
};
#endif

void print_result(const Sweep& sweep, const SweepResult& r) {
    std::cout << sweep.name << ": " << sweep.runs.size() << " runs: " << r.trained << " trained, " << r.resumed
              << " resumed, " << r.skipped << " already complete";
    if (r.diverged) std::cout << ", " << r.diverged << " diverged";
    if (r.interrupted) std::cout << ", " << r.interrupted << " interrupted";
    std::cout << "\n";
    for (const auto& path : r.written) std::cout << "wrote " << path << "\n";
}

/// Under mpirun: rank 0 prepares the directory, every rank trains its share (rank/size), rank 0 collects. Errors are
/// printed by rank 0 only; the other ranks exit 1 quietly.
void mpi_sweep(const MpiSession& mpi, const Sweep& sweep, SweepOptions o) {
    const Ranks r = mpi.ranks;
    bool ok = true;
    if (r.rank == 0) {
        try {
            prepare_sweep_directory(sweep, o.out);
        } catch (const Error&) {
            mpi.agree(false);
            throw;
        }
    }
    if (!mpi.agree(ok)) throw Exit{1};
    o.shard = r.rank, o.n_shards = r.size;
    if (r.rank != 0) o.on_progress = {};
    SweepResult mine = run_sweep(sweep, o);
    int interrupted = mine.interrupted;
#ifdef GINN_MPI
    MPI_Allreduce(MPI_IN_PLACE, &interrupted, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
#endif
    mpi.barrier();
    if (r.rank != 0) {
        if (interrupted) throw Exit{exit_interrupted};
        return;
    }
    if (interrupted) {
        std::cerr << "ginn: sweep interrupted; run the same command again to continue where it stopped\n";
        throw Exit{exit_interrupted};
    }
    o.shard = 0, o.n_shards = 1, o.collect = true;
    SweepResult all = run_sweep(sweep, o);
    all.trained = mine.trained, all.resumed = mine.resumed;  // rank 0's own share; the others trained the rest
    std::cout << "mpi: " << r.size << " ranks; rank 0 ";
    print_result(sweep, all);
}

}  // namespace

void add_sweep_command(CLI::App& app) {
    auto f = std::make_shared<SweepFlags>();
    CLI::App* cmd = app.add_subcommand(
        "sweep", "Train a whole study from a sweep file (a base config and the factors to vary; see docs/study.md and\n"
                 "examples/gupta/) and write metrics.csv/.md (with the exact error area against a formula's truth),\n"
                 "grid.png/.svg/.pdf and viewer.html. Runs already complete are skipped, so an interrupted sweep\n"
                 "resumes where it stopped.");
    cmd->add_option("FILE", f->files, "Sweep file (TOML); several files make one study: DIR/NAME per sweep, trained together")
        ->required();
    cmd->add_option("-o,--out", f->out, "Sweep directory (default: the sweep's name; with several files: study)");
    cmd->add_flag("--force", f->force, "Train a sweep of more runs than the limit (1000)");
    cmd->add_option("--shard", f->shard, "Train only share i of n (i/n, from 1), write no figures; then --collect");
    cmd->add_flag("--collect", f->collect, "Train nothing: write the table, figures and viewer from complete runs");
    cmd->add_option("--threads", f->threads, "Runs trained at once (default: every core)");
    cmd->add_flag("--neurons", f->neurons, "Grid figure: draw every neuron's boundary");
    cmd->add_flag("--surfaces", f->surfaces, "Grid figure: Gupta's 3-D surfaces of P(1) over a floor contour");
    cmd->add_option("--panel-size", f->panel_size, "Grid figure: pixels per panel (32..2048)")->capture_default_str();
    cmd->add_flag("--no-viewer", f->no_viewer, "Do not write viewer.html");
    cmd->add_flag("-q,--quiet", f->quiet, "No progress output");
    cmd->callback([f] {
        const MpiSession mpi;
        if (mpi.ranks.size > 1 && (f->collect || !f->shard.empty()))
            throw Error(f->shard.empty() ? "--collect" : "--shard", "is not for mpirun", "mpirun -np N ginn sweep FILE -o DIR",
                        "mpirun splits the runs across ranks itself");
        if (f->files.size() > 1 && (mpi.ranks.size > 1 || f->collect || !f->shard.empty()))
            throw Error(mpi.ranks.size > 1 ? "mpirun" : f->collect ? "--collect" : "--shard",
                        "works on one sweep file at a time", "one FILE", "run it once per sweep file");
        std::vector<Sweep> sweeps;
        try {
            for (const std::string& file : f->files) sweeps.push_back(sweep_from_toml_file(file, f->force));
        } catch (const Error&) {
            if (mpi.ranks.rank != 0) throw Exit{1};  // rank 0 says it once
            throw;
        }
        const Sweep& sweep = sweeps.front();
        SweepOptions o;
        o.out = !f->out.empty() ? f->out : sweeps.size() > 1 ? "study" : sweep.name;
        if (!f->shard.empty()) std::tie(o.shard, o.n_shards) = parse_shard(f->shard);
        if (f->collect && o.n_shards > 1) throw Error("--collect", "cannot be combined with --shard", "one of them", "");
        if (f->threads < 0) throw Error("--threads", std::to_string(f->threads) + " is negative", "0 (every core) or more", "");
        o.collect = f->collect;
        o.threads = f->threads;
        o.neurons = f->neurons;
        o.surfaces = f->surfaces;
        o.panel_size = f->panel_size;
        o.viewer = !f->no_viewer;
        install_signal_handlers();
        o.stop = &stop_flag();
        o.on_progress = progress_line(f->quiet);
        if (mpi.ranks.size > 1) return mpi_sweep(mpi, sweep, o);
        if (sweeps.size() > 1) {
            const SweepResult r = run_study(sweeps, o);
            std::cout << "study of " << sweeps.size() << " sweeps in " << o.out << ": ";
            Sweep all;
            all.name = "all";
            for (const Sweep& s : sweeps) all.runs.insert(all.runs.end(), s.runs.begin(), s.runs.end());
            print_result(all, r);
            if (r.interrupted) {
                std::cerr << "ginn: study interrupted; run the same command again to continue where it stopped\n";
                throw Exit{exit_interrupted};
            }
            return;
        }
        const SweepResult r = run_sweep(sweep, o);
        print_result(sweep, r);
        if (r.interrupted) {
            std::cerr << "ginn: sweep interrupted; run the same command again to continue where it stopped\n";
            throw Exit{exit_interrupted};
        }
        if (o.n_shards > 1)
            std::cout << "shard " << o.shard + 1 << "/" << o.n_shards << " done; when every shard is, run `ginn sweep "
                      << f->files.front() << " -o " << o.out << " --collect`\n";
    });
}

}  // namespace ginn::app
