// Figures of a recorded run: snapshot choice for strips, panels with exact geometry, and the demo's figure set.
#include "ginn/render/figures.h"

#include <filesystem>

#include "ginn/geometry/geometry.h"

namespace ginn {

std::vector<int> strip_snapshots(const Run& run, int n) {
    const int count = run.n_snapshots();
    n = std::clamp(n, 1, std::max(1, count));
    std::vector<int> ks;
    for (int i = 0; i < n; ++i) {
        const int k = n == 1 ? count - 1 : static_cast<int>(std::lround(double(i) * (count - 1) / (n - 1)));
        if (ks.empty() || ks.back() != k) ks.push_back(k);
    }
    return ks;
}

PanelInput run_panel(const Run& run, int k) {
    PanelInput p;
    p.net = run.network(k);
    p.geometry = compute_geometry(p.net);
    p.label = snapshot_label(run.snapshot(k).iteration, run.snapshot(k).loss);
    return p;
}

RenderOptions run_render_options(const Run& run, RenderOptions options) {
    if (options.background == Background::target) options.target = &run.dataset();
    return options;
}

std::vector<std::string> write_run_figures(const Run& run, const std::string& dir) {
    namespace fs = std::filesystem;
    const std::string final_path = (fs::path(dir) / "final.png").string();
    const std::string strip_path = (fs::path(dir) / "strip.pdf").string();
    const PanelInput last = run_panel(run, run.n_snapshots() - 1);
    render_snapshot(last.net, last.geometry, final_path, {.size = 800, .colour_bar = true, .axes = true}, last.label);
    std::vector<PanelInput> panels;
    for (int k : strip_snapshots(run, 6)) panels.push_back(run_panel(run, k));
    render_strip(panels, strip_path, {.size = 300}, /*n_columns=*/3);
    return {final_path, strip_path};
}

}  // namespace ginn
