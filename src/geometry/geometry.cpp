// Geometry entry point: picks the exact or the smooth engine, chains segments into polylines, writes the JSON.
// Not the algorithms themselves: mesh.cpp (exact arrangement) and smooth.cpp (marching squares).
#include "ginn/geometry/geometry.h"

#include <nlohmann/json.hpp>

#include "geometry/internal.h"
#include "ginn/core/error.h"
#include "ginn/core/parallel.h"

namespace ginn {

namespace detail {

void KeyChains::build(int n_keys, const std::vector<std::pair<int, int>>& segments, const int* rank) {
    start_.assign(n_keys + 1, 0);
    inc_.resize(2 * segments.size());
    for (const auto& [a, b] : segments) {
        ++start_[a + 1];
        ++start_[b + 1];
    }
    for (int k = 0; k < n_keys; ++k) start_[k + 1] += start_[k];
    fill_.assign(start_.begin(), start_.end() - 1);
    for (size_t s = 0; s < segments.size(); ++s) {
        inc_[fill_[segments[s].first]++] = static_cast<int>(s);
        inc_[fill_[segments[s].second]++] = static_cast<int>(s);
    }
    used_.assign(segments.size(), 0);
    auto degree = [&](int k) { return start_[k + 1] - start_[k]; };
    auto next_unused = [&](int k) {
        for (int i = start_[k]; i < start_[k + 1]; ++i)
            if (!used_[inc_[i]]) return inc_[i];
        return -1;
    };
    keys_.clear();
    begin_.assign(1, 0);
    auto walk = [&](int k, int s) {  // from key k along segment s while the chain continues through degree-2 keys
        keys_.push_back(k);
        while (s >= 0) {
            used_[s] = 1;
            k = segments[s].first == k ? segments[s].second : segments[s].first;
            keys_.push_back(k);
            s = degree(k) == 2 ? next_unused(k) : -1;
        }
        begin_.push_back(static_cast<int>(keys_.size()));
    };
    ends_.clear();  // open chains start and end at keys of degree 1 or >= 3
    for (int k = 0; k < n_keys; ++k)
        if (degree(k) != 2) ends_.push_back(k);
    if (rank) std::sort(ends_.begin(), ends_.end(), [&](int a, int b) { return rank[a] < rank[b]; });
    for (const int k : ends_)
        for (int s; (s = next_unused(k)) >= 0;) walk(k, s);
    for (size_t s = 0; s < segments.size(); ++s)  // what remains are closed loops; walk ends back at the start
        if (!used_[s]) walk(segments[s].first, static_cast<int>(s));
}

std::vector<std::vector<int>> chain_keys(int n_keys, const std::vector<std::pair<int, int>>& segments) {
    KeyChains chains;
    chains.build(n_keys, segments);
    std::vector<std::vector<int>> out(chains.size());
    for (int c = 0; c < chains.size(); ++c)
        out[c].assign(chains.keys().begin() + chains.begin(c), chains.keys().begin() + chains.begin(c + 1));
    return out;
}

}  // namespace detail

int max_smooth_grid_for(int n_neurons) {
    int grid = max_smooth_grid;
    while (grid > 2 && int64_t{grid + 1} * (grid + 1) * (int64_t{n_neurons} + 1) > max_smooth_grid_labels) --grid;
    return grid;
}

Geometry compute_geometry(const Network& net, const GeometryOptions& options) {
    net.validate("compute_geometry");
    if (net.layers.front().n_in() != 2)
        throw Error("compute_geometry", "network has " + std::to_string(net.layers.front().n_in()) + " inputs",
                    "2 inputs (x, y)", "geometry is drawn for 2-D tasks only");
    if (options.grid < 2 || options.grid > max_smooth_grid || !(options.tolerance > 0))
        throw Error("compute_geometry", "grid " + std::to_string(options.grid) + ", tolerance " +
                    number_text(options.tolerance), "grid in 2.." + std::to_string(max_smooth_grid) + " and tolerance > 0");
    const int64_t n_labels = int64_t{options.grid + 1} * (options.grid + 1) * (net.n_neurons() + 1);
    if (!net.piecewise_linear() && n_labels > max_smooth_grid_labels)
        throw Error("compute_geometry", "grid " + std::to_string(options.grid) + " for " +
                    std::to_string(net.n_neurons()) + " neurons needs " + std::to_string(n_labels) + " labels",
                    "(grid + 1)^2 x (neurons + 1) <= " + std::to_string(max_smooth_grid_labels) + ", here grid <= " +
                    std::to_string(max_smooth_grid_for(net.n_neurons())), "use a smaller --grid");
    return net.piecewise_linear() ? detail::exact_geometry(net, options) : detail::smooth_geometry(net, options);
}

namespace {

nlohmann::json polyline_json(const Polyline& P) {
    nlohmann::json pts = nlohmann::json::array();
    for (Eigen::Index i = 0; i < P.rows(); ++i) pts.push_back({P(i, 0), P(i, 1)});
    return pts;
}

nlohmann::json polylines_json(const std::vector<Polyline>& lines) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& P : lines) out.push_back(polyline_json(P));
    return out;
}

}  // namespace

nlohmann::json geometry_to_json(const Geometry& g, bool with_regions) {
    nlohmann::json neurons = nlohmann::json::array();
    for (const auto& n : g.neurons)
        neurons.push_back({{"layer", n.layer}, {"index", n.index}, {"polylines", polylines_json(n.polylines)}});
    nlohmann::json regions = {{"activation", g.counts.activation},
                              {"linear", g.counts.linear},
                              {"per_layer", g.counts.per_layer}};
    if (with_regions) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& r : g.regions)
            list.push_back({{"polygon", polyline_json(r.polygon)},
                            {"pattern", std::vector<int>(r.pattern.begin(), r.pattern.end())},
                            {"linear_id", r.linear_id}});
        regions["list"] = std::move(list);
    }
    return {{"format", "ginn-geometry"},
            {"format_version", 1},
            {"exact", g.exact},
            {"domain", box_to_json(g.domain)},
            {"neurons", std::move(neurons)},
            {"decision_boundary", polylines_json(g.decision_boundary)},
            {"regions", std::move(regions)}};
}

std::vector<Geometry> compute_geometries(const std::vector<Network>& nets, const GeometryOptions& options, int threads) {
    std::vector<Geometry> out(nets.size());
    parallel_for(static_cast<int>(nets.size()), threads, [&](int k) { out[k] = compute_geometry(nets[k], options); });
    return out;
}

}  // namespace ginn
