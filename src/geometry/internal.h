// Internals shared by the geometry sources: the two engines (exact arrangement, smooth marching squares) and the
// polyline chaining both use. Not public API: include/ginn/geometry/geometry.h is the interface.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "ginn/geometry/geometry.h"

namespace ginn::detail {

/// A segment between two points named by integer keys (mesh vertex ids, edge-crossing ids, grid ids).
using KeySegment = std::pair<int64_t, int64_t>;

/// Chains segments that share keys into maximal polylines: open chains run between keys whose degree is not 2,
/// the rest are closed loops (first point repeated at the end). `point(key)` gives a key's coordinates.
template <typename PointOf>
std::vector<Polyline> chain_segments(const std::vector<KeySegment>& segments, PointOf point);

/// Exact partition for piecewise-linear networks (mesh.cpp).
Geometry exact_geometry(const Network& net, const GeometryOptions& options);
/// Marching squares + bisection for smooth activations (smooth.cpp).
Geometry smooth_geometry(const Network& net, const GeometryOptions& options);

/// Chains segments between compact keys 0..n_keys-1 (none from a key to itself) into maximal chains of keys, keeping
/// its buffers from call to call. Open chains run between keys whose degree is not 2 and start at those keys in
/// increasing rank (rank[k]; k itself without ranks), along each key's segments in their order; the rest are closed
/// loops (first key repeated at the end), started in segment order.
class KeyChains {
public:
    void build(int n_keys, const std::vector<std::pair<int, int>>& segments, const int* rank = nullptr);
    int size() const { return static_cast<int>(begin_.size()) - 1; }
    /// Chain c is keys()[begin(c) .. begin(c + 1)).
    int begin(int c) const { return begin_[c]; }
    const std::vector<int>& keys() const { return keys_; }

private:
    std::vector<int> keys_, begin_;
    std::vector<int> start_, inc_, fill_, ends_;  // CSR adjacency: key k's segments are inc_[start_[k] .. start_[k+1])
    std::vector<uint8_t> used_;
};

/// Compact-key form of chain_segments: keys already renumbered 0..n_keys-1; returns chains of keys.
std::vector<std::vector<int>> chain_keys(int n_keys, const std::vector<std::pair<int, int>>& segments);

template <typename PointOf>
std::vector<Polyline> chain_segments(const std::vector<KeySegment>& segments, PointOf point) {
    // Renumber keys densely by sorting, so chaining needs no hash map.
    std::vector<int64_t> keys;
    keys.reserve(2 * segments.size());
    for (const auto& [a, b] : segments) {
        keys.push_back(a);
        keys.push_back(b);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    auto id = [&](int64_t k) { return static_cast<int>(std::lower_bound(keys.begin(), keys.end(), k) - keys.begin()); };
    std::vector<std::pair<int, int>> compact;
    compact.reserve(segments.size());
    for (const auto& [a, b] : segments)
        if (a != b) compact.emplace_back(id(a), id(b));
    std::vector<Polyline> out;
    for (const auto& chain : chain_keys(static_cast<int>(keys.size()), compact)) {
        Polyline P(static_cast<Eigen::Index>(chain.size()), 2);
        for (size_t i = 0; i < chain.size(); ++i) {
            const auto p = point(keys[chain[i]]);
            P(static_cast<Eigen::Index>(i), 0) = p[0];
            P(static_cast<Eigen::Index>(i), 1) = p[1];
        }
        out.push_back(std::move(P));
    }
    return out;
}

}  // namespace ginn::detail
