// Neuron roles over training: the target's outline cut at its corners into named edges, which edge or corner each
// neuron's boundary tracks at each snapshot and over training, and for a failed part the neurons that came nearest
// to it and where they went (GINN section 10). Not the per-snapshot pass (snapshot.cpp) nor the other detectors.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "analysis/internal.h"
#include "ginn/core/error.h"
#include "ginn/core/parallel.h"

namespace ginn::detail {

namespace {

/// Arc-length middle of a polyline.
Eigen::RowVector2d middle_of(const Polyline& p) {
    double total = 0;
    for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) total += (p.row(i + 1) - p.row(i)).norm();
    double run = 0;
    for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) {
        const double len = (p.row(i + 1) - p.row(i)).norm();
        if (run + len >= total / 2 && len > 0) return p.row(i) + (p.row(i + 1) - p.row(i)) * ((total / 2 - run) / len);
        run += len;
    }
    return p.row(0);
}

/// Rows a..b of p; with wrap, rows a..end and then 1..b of a closed loop (its last row repeats its first).
Polyline piece(const Polyline& p, Eigen::Index a, Eigen::Index b, bool wrap = false) {
    const Eigen::Index n = p.rows();
    if (!wrap) return p.middleRows(a, b - a + 1);
    Polyline out(n - a + b, 2);  // a .. n-1, then 1 .. b (row n-1 is row 0)
    out.topRows(n - a) = p.middleRows(a, n - a);
    if (b > 0) out.bottomRows(b) = p.middleRows(1, b);
    return out;
}

/// Squared Euclidean distance transform along one line of n values with spacing h (Felzenszwalb & Huttenlocher,
/// "Distance transforms of sampled functions", 2012: the lower envelope of parabolas).
void edt_1d(std::vector<double>& f, int n, double h) {
    std::vector<double> d(static_cast<size_t>(n)), z(static_cast<size_t>(n) + 1);
    std::vector<int> v(static_cast<size_t>(n));
    int k = -1;
    for (int q = 0; q < n; ++q) {
        if (!std::isfinite(f[q])) continue;
        double s = -std::numeric_limits<double>::infinity();
        while (k >= 0) {
            const double a = q * h, b = v[k] * h;
            s = ((f[q] + a * a) - (f[v[k]] + b * b)) / (2 * (a - b));
            if (s > z[k]) break;
            --k;
        }
        ++k;
        v[k] = q, z[k] = k == 0 ? -std::numeric_limits<double>::infinity() : s;
        z[k + 1] = std::numeric_limits<double>::infinity();
    }
    if (k < 0) return;  // no finite value on this line
    int j = 0;
    for (int q = 0; q < n; ++q) {
        while (z[j + 1] < q * h) ++j;
        const double t = (q - v[j]) * h;
        d[q] = t * t + f[v[j]];
    }
    f.assign(d.begin(), d.end());
}

/// Distance (domain units) from each grid pixel centre to the nearest pixel centre of `pixels` (0 on them; +inf
/// without pixels).
std::vector<double> distance_to_pixels(const std::vector<int>& pixels, int G, const Box& domain) {
    const double inf = std::numeric_limits<double>::infinity(), hx = domain.width() / G, hy = domain.height() / G;
    std::vector<double> d(static_cast<size_t>(G) * G, inf), line(static_cast<size_t>(G));
    for (int p : pixels) d[static_cast<size_t>(p)] = 0;
    for (int c = 0; c < G; ++c) {  // columns (y spacing), then rows (x spacing)
        for (int r = 0; r < G; ++r) line[r] = d[static_cast<size_t>(r) * G + c];
        edt_1d(line, G, hy);
        for (int r = 0; r < G; ++r) d[static_cast<size_t>(r) * G + c] = line[r];
    }
    for (int r = 0; r < G; ++r) {
        std::copy_n(d.begin() + static_cast<std::ptrdiff_t>(r) * G, G, line.begin());
        edt_1d(line, G, hx);
        for (int c = 0; c < G; ++c) d[static_cast<size_t>(r) * G + c] = std::sqrt(line[c]);
    }
    return d;
}

/// "edge 3 (around 0.31, 0.62)": an edge's arc-length middle or a corner's position.
std::string feature_label(const std::vector<TargetFeature>& features, int f) {
    if (f < 0) return "no edge";
    const TargetFeature& t = features[static_cast<size_t>(f)];
    return t.name + (t.corner ? " (at " : " (around ") + fmt(t.x, 2) + ", " + fmt(t.y, 2) + ")";
}

}  // namespace

std::vector<TargetFeature> target_features(const std::vector<Polyline>& outline, const std::vector<Corner>& corners,
                                           double merge) {
    // Each corner cuts the outline at its nearest outline vertex (when within `merge`).
    std::vector<std::vector<std::pair<Eigen::Index, int>>> cuts(outline.size());  // per polyline: (row, corner)
    for (size_t c = 0; c < corners.size(); ++c) {
        double best = merge;
        int bp = -1;
        Eigen::Index br = 0;
        for (size_t p = 0; p < outline.size(); ++p)
            for (Eigen::Index i = 0; i < outline[p].rows(); ++i) {
                const double d = std::hypot(outline[p](i, 0) - corners[c].x, outline[p](i, 1) - corners[c].y);
                if (d <= best) best = d, bp = static_cast<int>(p), br = i;
            }
        if (bp >= 0) cuts[static_cast<size_t>(bp)].push_back({br, static_cast<int>(c)});
    }
    std::vector<TargetFeature> edges;
    auto add_edge = [&](Polyline pts, int ca, int cb) {
        if (pts.rows() < 2) return;
        TargetFeature e;
        e.points = std::move(pts);
        const Eigen::RowVector2d m = middle_of(e.points);
        e.x = m.x(), e.y = m.y();
        e.corner_a = ca, e.corner_b = cb;
        edges.push_back(std::move(e));
    };
    for (size_t p = 0; p < outline.size(); ++p) {
        const Polyline& P = outline[p];
        const Eigen::Index n = P.rows();
        if (n < 2) continue;
        const bool closed = n > 2 && (P.row(0) - P.row(n - 1)).norm() < 1e-12;
        auto cut = cuts[p];
        if (closed)
            for (auto& c : cut)
                if (c.first == n - 1) c.first = 0;  // the loop's repeated first row
        std::sort(cut.begin(), cut.end());
        cut.erase(std::unique(cut.begin(), cut.end(), [](auto& x, auto& y) { return x.first == y.first; }), cut.end());
        if (closed) {
            if (cut.empty()) {  // a loop without corners (a circle): four arcs of equal length
                std::vector<double> run(static_cast<size_t>(n), 0.0);
                for (Eigen::Index i = 1; i < n; ++i) run[i] = run[i - 1] + (P.row(i) - P.row(i - 1)).norm();
                Eigen::Index from = 0;
                for (int q = 1; q <= 4; ++q) {
                    Eigen::Index to = from;
                    while (to < n - 1 && (q == 4 || run[to] < q * run[n - 1] / 4)) ++to;
                    add_edge(piece(P, from, to), -1, -1);
                    from = to;
                }
            }
            for (size_t i = 0; i < cut.size(); ++i) {  // from each cut to the next, around the loop
                const auto& a = cut[i];
                const auto& b = cut[(i + 1) % cut.size()];
                const Eigen::Index end = b.first == 0 ? n - 1 : b.first;
                add_edge(piece(P, a.first, end > a.first ? end : b.first, /*wrap=*/end <= a.first), a.second, b.second);
            }
        } else {
            Eigen::Index from = 0;
            int ca = -1;
            for (const auto& c : cut) {
                if (c.first == 0 || c.first == n - 1) continue;
                add_edge(piece(P, from, c.first), ca, c.second);
                from = c.first, ca = c.second;
            }
            add_edge(piece(P, from, n - 1), ca, -1);
        }
    }
    // Named edges, then corners; edges' end corners become feature indices.
    const int n_edges = static_cast<int>(edges.size());
    std::vector<TargetFeature> out;
    for (int e = 0; e < n_edges; ++e) {
        TargetFeature f = std::move(edges[static_cast<size_t>(e)]);
        f.name = "edge " + std::to_string(e + 1);
        if (f.corner_a >= 0) f.corner_a += n_edges;
        if (f.corner_b >= 0) f.corner_b += n_edges;
        out.push_back(std::move(f));
    }
    for (size_t c = 0; c < corners.size(); ++c) {
        TargetFeature f;
        f.name = "corner " + std::to_string(c + 1);
        f.corner = true;
        f.x = corners[c].x, f.y = corners[c].y;
        out.push_back(std::move(f));
    }
    return out;
}

std::pair<double, int> tracked_feature(const std::vector<Eigen::Vector2d>& samples, double boundary_length,
                                       const Context& ctx) {
    if (samples.empty() || !ctx.outline) return {0.0, -1};
    const AnalysisOptions& o = *ctx.options;
    std::map<int, int> per_edge;  // edge -> samples within radius of it
    int near = 0;
    for (const auto& p : samples) {
        int seg = -1;
        if (ctx.outline->distance(p.x(), p.y(), &seg) > o.critical.radius * ctx.scale || seg < 0) continue;
        ++near;
        ++per_edge[ctx.segment_edge[static_cast<size_t>(seg)]];
    }
    const double share = static_cast<double>(near) / static_cast<double>(samples.size());
    // Tracks edge e when the boundary lying along e is at least min_share of the shorter of the two (most of the
    // boundary lies on the edge, or most of the edge is covered by the boundary); the edge with most samples wins.
    const double per_sample = boundary_length / static_cast<double>(samples.size());
    int best = -1, best_count = 0;
    for (const auto& [e, count] : per_edge) {
        const double shorter = std::min(boundary_length, ctx.edge_length[static_cast<size_t>(e)]);
        if (count * per_sample >= o.roles.min_share * shorter && count > best_count) best = e, best_count = count;
    }
    if (best < 0) return {share, -1};
    // The corner between the best edge and a neighbour along which the boundary also runs.
    const TargetFeature& b = ctx.features[static_cast<size_t>(best)];
    int corner = -1, corner_count = 0;
    for (const auto& [e, count] : per_edge) {
        if (e == best || count < o.roles.corner_share * best_count || count <= corner_count) continue;
        const TargetFeature& f = ctx.features[static_cast<size_t>(e)];
        for (int c : {f.corner_a, f.corner_b})
            if (c >= 0 && (c == b.corner_a || c == b.corner_b)) corner = c, corner_count = count;
    }
    return {share, corner >= 0 ? corner : best};
}

// ---------------------------------------------------------------------------------------------- roles over training

namespace {

/// Runs of one feature; a run counts when it lasts min_stay iterations (until the next run starts) or reaches the
/// end; a shorter run belongs to the role before it (or, at the start, to the one after it).
std::vector<RoleSpan> role_spans(const std::vector<int>& feature, const std::vector<int64_t>& iterations, double min_stay) {
    std::vector<RoleSpan> spans;
    const int n = static_cast<int>(feature.size());
    int pending = -1;
    for (int k = 0; k < n;) {
        int e = k;
        while (e < n && feature[e] == feature[k]) ++e;
        const bool counts = e == n || static_cast<double>(iterations[e] - iterations[k]) >= min_stay;
        if (!counts && !spans.empty()) spans.back().last = e - 1;
        else if (!counts && pending < 0) pending = k;
        else if (counts && !spans.empty() && spans.back().feature == feature[k]) spans.back().last = e - 1;
        else if (counts) spans.push_back({feature[k], pending >= 0 ? pending : k, e - 1}), pending = -1;
        k = e;
    }
    return spans;
}

/// The role events of a neuron's spans: (snapshot, kind, text without the iteration). A role from the start is none.
std::vector<std::tuple<int, std::string, std::string>> role_story(const NeuronRole& role,
                                                                   const std::vector<TargetFeature>& features) {
    std::vector<std::tuple<int, std::string, std::string>> out;
    const std::string who = neuron_label(role.id);
    for (size_t s = 0; s < role.spans.size(); ++s) {
        const RoleSpan& sp = role.spans[s];
        const int prev = s > 0 ? role.spans[s - 1].feature : -1;
        if (sp.feature >= 0 && prev < 0 && s == 0 && sp.first == 0) continue;
        if (sp.feature >= 0 && prev < 0)
            out.emplace_back(sp.first, "role_taken", who + " takes a role: it tracks " + feature_label(features, sp.feature));
        else if (sp.feature >= 0)
            out.emplace_back(sp.first, "role_changed", who + " changes role: from " + feature_label(features, prev) + " to " +
                                                           feature_label(features, sp.feature));
        else if (prev >= 0)
            out.emplace_back(sp.first, "role_lost", who + " stops tracking " + feature_label(features, prev));
    }
    return out;
}

}  // namespace

void find_roles(RunAnalysis& r, const std::vector<SnapshotWork>& work, const std::vector<Network>& nets,
                const Context& ctx, const AnalysisOptions& o) {
    const int n = static_cast<int>(work.size());
    r.features = ctx.features;
    r.domain = ctx.domain;
    const double span = static_cast<double>(r.iterations.back() - r.iterations.front());
    std::vector<std::vector<int>> features;  // per neuron, per snapshot
    for (size_t i = 0; i < r.neuron_ids.size(); ++i) {
        features.emplace_back();
        for (const auto& w : work) features.back().push_back(w.feature[i]);
    }
    r.sweeps.push_back(named_sweep("roles", "roles.min_stay (named role changes)",
                                   {o.roles.min_stay / 2, o.roles.min_stay, std::min(1.0, 2 * o.roles.min_stay)}, [&](double v) {
                                       std::vector<std::string> out;
                                       for (size_t i = 0; i < features.size(); ++i) {
                                           NeuronRole role;
                                           role.id = r.neuron_ids[i];
                                           role.spans = role_spans(features[i], r.iterations, v * span);
                                           for (const auto& event : role_story(role, r.features)) out.push_back(std::get<2>(event));
                                       }
                                       return out;
                                   }));
    for (size_t i = 0; i < r.neuron_ids.size(); ++i) {
        NeuronRole role;
        role.id = r.neuron_ids[i];
        const int l = role.id.layer, j = role.id.index - 1;  // its outgoing weights: column j of layer l (0-based)
        for (int k = 0; k < n; ++k) {
            role.on_outline.push_back(work[k].on_outline[i]);
            role.contribution.push_back(nets[k].layers[l].W.col(j).norm() * work[k].active[i]);
            role.feature.push_back(work[k].feature[i]);
        }
        int since = -1;
        for (int k = n - 1; k >= 0 && role.on_outline[k] >= 0.5; --k) since = k;
        role.tracks_since = since;
        role.spans = role_spans(role.feature, r.iterations, o.roles.min_stay * span);
        role.boundary_end = work.back().g.neurons[i].polylines;
        for (const auto& [k, kind, text] : role_story(role, r.features))
            add_event(r, k, kind, {role.id}, text + " (iteration " + std::to_string(r.iterations[k]) + ")");
        r.roles.push_back(std::move(role));
    }
}

namespace {

/// A neuron's state at the end, for a failed part's nearest neurons: dead, always on, or the feature it tracks.
std::string where_it_went(const RunAnalysis& r, size_t i) {
    if (i < r.dead.neurons.size() && r.dead.neurons[i].final_state != NeuronState::boundary)
        return r.dead.neurons[i].final_state == NeuronState::dead ? (r.dead.can_die ? "dead" : "negative everywhere") : "always on";
    if (i < r.roles.size() && !r.roles[i].feature.empty() && r.roles[i].feature.back() >= 0)
        return "tracks " + feature_label(r.features, r.roles[i].feature.back());
    return "tracks no edge of the target";
}

}  // namespace

// ---------------------------------------------------------------------------------------------- failed parts

void find_nearest_to_parts(RunAnalysis& r, const std::vector<SnapshotWork>& work, const Context& ctx,
                           const AnalysisOptions& o) {
    std::vector<size_t> failed;
    for (size_t p = 0; p < r.failure.parts.size(); ++p)
        if (!r.failure.parts[p].modelled_at_end) failed.push_back(p);
    if (failed.empty()) return;
    // Each failed part's distance field over the grid (*grid*): to the nearest centre of its border pixels (those
    // with a 4-neighbour of another label), inside and outside it: boundary to boundary.
    std::vector<std::vector<double>> fields;
    for (size_t p : failed) {
        std::vector<int> border;
        const int G = ctx.G;
        for (int px : ctx.parts[p].pixels) {
            const int row = px / G, col = px % G;
            const int32_t label = ctx.raster[static_cast<size_t>(px)];
            bool edge = false;
            for (const auto& [dr, dc] : {std::pair{-1, 0}, {1, 0}, {0, -1}, {0, 1}}) {
                const int r2 = row + dr, c2 = col + dc;
                edge = edge || (r2 >= 0 && r2 < G && c2 >= 0 && c2 < G && ctx.raster[static_cast<size_t>(r2) * G + c2] != label);
            }
            if (edge) border.push_back(px);
        }
        fields.push_back(distance_to_pixels(border, ctx.G, ctx.domain));
    }
    const Box& dom = ctx.domain;
    auto pixel_of = [&](const Eigen::Vector2d& s) {
        const int c = std::clamp(static_cast<int>((s.x() - dom.x0) / dom.width() * ctx.G), 0, ctx.G - 1);
        const int row = std::clamp(static_cast<int>((dom.y1 - s.y()) / dom.height() * ctx.G), 0, ctx.G - 1);
        return static_cast<size_t>(row) * ctx.G + c;
    };
    const int n = static_cast<int>(work.size());
    const size_t n_neurons = r.neuron_ids.size();
    // dist[part][snapshot][neuron]: mean distance of the nearest quarter of the boundary to the part.
    std::vector<std::vector<std::vector<double>>> dist(
        failed.size(), std::vector<std::vector<double>>(static_cast<size_t>(n),
                                                        std::vector<double>(n_neurons, std::numeric_limits<double>::infinity())));
    parallel_for(n, o.threads, [&](int k) {
        std::vector<double> d;
        std::vector<size_t> at;
        for (size_t i = 0; i < n_neurons; ++i) {
            at.clear();
            for (const auto& s : sample_polylines(work[k].g.neurons[i].polylines, 64)) at.push_back(pixel_of(s));
            if (at.empty()) continue;
            for (size_t q = 0; q < failed.size(); ++q) {
                d.clear();
                for (size_t px : at) d.push_back(fields[q][px]);
                const size_t m = std::max<size_t>(1, d.size() / 4);
                std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(m), d.end());
                double sum = 0;
                for (size_t t = 0; t < m; ++t) sum += d[t];
                dist[q][static_cast<size_t>(k)][i] = sum / static_cast<double>(m);
            }
        }
    });
    for (size_t q = 0; q < failed.size(); ++q) {
        TargetPart& t = r.failure.parts[failed[q]];
        // The three neurons that came nearest at any snapshot.
        std::vector<std::tuple<double, int, int>> best;  // (distance, neuron, snapshot)
        for (size_t i = 0; i < n_neurons; ++i) {
            int at = -1;
            for (int k = 0; k < n; ++k)
                if (std::isfinite(dist[q][k][i]) && (at < 0 || dist[q][k][i] < dist[q][at][i])) at = k;
            if (at >= 0) best.emplace_back(dist[q][at][i], static_cast<int>(i), at);
        }
        std::sort(best.begin(), best.end());
        for (size_t j = 0; j < best.size() && j < 3; ++j) {
            const auto [d, i, at] = best[j];
            t.nearest.push_back(r.neuron_ids[static_cast<size_t>(i)]);
            t.nearest_at.push_back(at);
            t.nearest_end.push_back(dist[q][static_cast<size_t>(n - 1)][static_cast<size_t>(i)]);
            t.nearest_start.push_back(dist[q][0][static_cast<size_t>(i)]);
            std::vector<double> series;
            for (int k = 0; k < n; ++k) series.push_back(dist[q][k][static_cast<size_t>(i)]);
            t.nearest_distance.push_back(std::move(series));
            t.nearest_went.push_back(where_it_went(r, static_cast<size_t>(i)));
            t.nearest_then_boundary.push_back(work[static_cast<size_t>(at)].g.neurons[static_cast<size_t>(i)].polylines);
            t.nearest_end_boundary.push_back(work.back().g.neurons[static_cast<size_t>(i)].polylines);
        }
    }
}

}  // namespace ginn::detail
