// Figures of a recorded run: snapshot choice for strips, panels with exact geometry, and the demo's figure set.
#include "ginn/render/figures.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "ginn/core/error.h"

#include "ginn/geometry/geometry.h"

namespace ginn {

std::vector<int> strip_snapshots(const Run& run, int n) {
    const int count = run.n_snapshots();
    if (n < 1 || n > count)
        throw Error("--panels", std::to_string(n), "1.." + std::to_string(count) + " (the run has " +
                    std::to_string(count) + " snapshots)", "--iterations LIST picks the snapshots to show");
    std::vector<int> ks;
    for (int i = 0; i < n; ++i) {
        const int k = n == 1 ? count - 1 : static_cast<int>(std::lround(double(i) * (count - 1) / (n - 1)));
        if (ks.empty() || ks.back() != k) ks.push_back(k);
    }
    return ks;
}

std::vector<int> snapshots_near_iterations(const Run& run, std::string_view list, std::vector<std::string>* notes,
                                           const std::string& where) {
    const std::vector<SnapshotInfo>& snaps = run.snapshots();
    const int64_t last = snaps.back().iteration;
    std::vector<int> out;
    size_t start = 0;
    while (start <= list.size()) {
        const size_t end = std::min(list.find(',', start), list.size());
        const std::string_view item = list.substr(start, end - start);
        start = end + 1;
        int64_t it = -1;
        const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), it);
        if (item.empty() || ec != std::errc() || ptr != item.data() + item.size() || it < 0 || it > last)
            throw Error(where, "'" + std::string(item) + "' in '" + std::string(list) + "'",
                        "iterations 0.." + std::to_string(last) + " separated by commas", "ginn info RUN lists the run");
        if (out.size() >= 1000) throw Error(where, "more than 1000 iterations", "at most 1000 panels", "");
        // The first snapshot at or after `it`, then the nearer of it and its predecessor.
        const auto next = std::lower_bound(snaps.begin(), snaps.end(), it,
                                           [](const SnapshotInfo& s, int64_t v) { return s.iteration < v; });
        int k = static_cast<int>(next - snaps.begin());
        if (k > 0 && (k == run.n_snapshots() || it - snaps[k - 1].iteration <= snaps[k].iteration - it)) --k;
        if (notes && snaps[k].iteration != it)
            notes->push_back(where + " " + std::to_string(it) + ": nearest recorded snapshot is " +
                             snapshot_label(snaps[k].iteration, NAN));
        out.push_back(k);
    }
    return out;
}

PanelInput run_panel(const Run& run, int k) {
    PanelInput p;
    p.net = run.network(k);
    p.geometry = compute_geometry(p.net);
    p.label = snapshot_label(run.snapshot(k).iteration, run.snapshot(k).loss);
    return p;
}

RenderOptions run_render_options(const Run& run, RenderOptions options) {
    const Dataset& data = run.dataset();
    options.target = &data;
    if (run.config().model.head == Head::regression && !data.label.empty()) {
        const auto [lo, hi] = std::minmax_element(data.label.begin(), data.label.end());
        options.output = {double(*lo), double(*hi)};
        if (*lo == *hi) options.output = {*lo - 0.5, *hi + 0.5};
    }
    return options;
}

std::vector<std::string> write_run_figures(const Run& run, const std::string& dir) {
    namespace fs = std::filesystem;
    const std::string final_path = (fs::path(dir) / "final.png").string();
    const std::string strip_path = (fs::path(dir) / "strip.pdf").string();
    const PanelInput last = run_panel(run, run.n_snapshots() - 1);
    render_snapshot(last.net, last.geometry, final_path, run_render_options(run, {.size = 800, .colour_bar = true, .axes = true}),
                    last.label);
    std::vector<PanelInput> panels;
    for (int k : strip_snapshots(run, std::min(6, run.n_snapshots()))) panels.push_back(run_panel(run, k));
    render_strip(panels, strip_path, run_render_options(run, {.size = 300}), /*n_columns=*/3);
    return {final_path, strip_path};
}

}  // namespace ginn
