// The progress bar of `ginn train`: a redrawn bar with rate and ETA on a terminal, one line every few seconds
// otherwise (logs, CI), nothing with --quiet.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <numeric>

#include "commands.h"

namespace ginn::app {

namespace {
double now_seconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}
std::string human_duration(double s) {
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
    else if (s < 3.6e8) std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, int(s) % 3600 / 60);
    else std::snprintf(buf, sizeof buf, "%.3gh", s / 3600);  // beyond int seconds: a huge --iterations
    return buf;
}
}  // namespace

ProgressPrinter::ProgressPrinter(bool quiet, int n_runs)
    : quiet_(quiet), tty_(::isatty(STDERR_FILENO)), n_runs_(n_runs), done_(n_runs, 0), total_(n_runs, 1) {}

void ProgressPrinter::update(int run, long long iteration, long long total, double seconds, double loss) {
    if (quiet_) return;
    done_[run] = iteration;
    total_[run] = total;
    const double t = now_seconds();
    if (t - last_print_ < (tty_ ? 0.2 : 5.0) && iteration < total) return;
    last_print_ = t;
    // Sums in double: several runs of up to INT64_MAX iterations each would overflow long long.
    const double done = std::accumulate(done_.begin(), done_.end(), 0.0);
    const double all = std::accumulate(total_.begin(), total_.end(), 0.0);
    const double frac = all > 0 ? done / all : 1.0;
    const double rate = seconds > 0 ? double(iteration) / seconds : 0;
    const double eta = rate > 0 ? (all - done) / (rate * n_runs_) : 0;
    char line[200];
    if (tty_) {
        char bar[31];
        const int filled = static_cast<int>(frac * 30);
        for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
        bar[30] = '\0';
        std::snprintf(line, sizeof line, "\r[%s] %3.0f%%  %.0f/%.0f it  %.0f it/s  ETA %s  loss %.4g ", bar, 100 * frac,
                      done, all, rate, human_duration(eta).c_str(), loss);
    } else {
        std::snprintf(line, sizeof line, "progress %.0f%%  %.0f/%.0f iterations  %.0f it/s  ETA %s  loss %.4g\n",
                      100 * frac, done, all, rate, human_duration(eta).c_str(), loss);
    }
    std::fputs(line, stderr);
}

void ProgressPrinter::update_count(const char* what, long long done, long long total) {
    if (quiet_ || !tty_) return;  // a short stage: a bar on a terminal only, no log lines
    const double t = now_seconds();
    if (t - last_print_ < 0.2 && done < total) return;
    last_print_ = t;
    const double frac = total > 0 ? double(done) / double(total) : 1.0;
    char bar[31];
    for (int i = 0; i < 30; ++i) bar[i] = i < static_cast<int>(frac * 30) ? '#' : '.';
    bar[30] = '\0';
    std::fprintf(stderr, "\r[%s] %3.0f%%  %s %lld/%lld ", bar, 100 * frac, what, done, total);
}

void ProgressPrinter::finish() {
    if (!quiet_ && tty_) std::fputs("\n", stderr);
}

}  // namespace ginn::app
