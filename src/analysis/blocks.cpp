// Building blocks of the analysis: distances to polylines, target outlines and corners, mirror axes, raster
// components, margins and fragile integer points. Plain functions of data; not the detectors' bookkeeping.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numbers>
#include <unordered_map>
#include <unordered_set>

#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"
#include "analysis/internal.h"

namespace ginn {

namespace detail {

// ---------------------------------------------------------------------------------------------- segment index

double point_segment_distance(double px, double py, const Segment& s) {
    const double dx = s.bx - s.ax, dy = s.by - s.ay;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - s.ax) * dx + (py - s.ay) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double ex = px - (s.ax + t * dx), ey = py - (s.ay + t * dy);
    return std::sqrt(ex * ex + ey * ey);
}

std::vector<Segment> polyline_segments(const std::vector<Polyline>& polylines) {
    std::vector<Segment> segs;
    for (const Polyline& p : polylines) {
        if (p.rows() == 1) segs.push_back({p(0, 0), p(0, 1), p(0, 0), p(0, 1)});
        for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) segs.push_back({p(i, 0), p(i, 1), p(i + 1, 0), p(i + 1, 1)});
    }
    return segs;
}

SegmentIndex::SegmentIndex(std::vector<Segment> segments) : segs_(std::move(segments)) {
    if (segs_.empty()) return;
    x0_ = y0_ = std::numeric_limits<double>::infinity();
    double x1 = -x0_, y1 = -y0_;
    for (const Segment& s : segs_) {
        x0_ = std::min({x0_, s.ax, s.bx}), x1 = std::max({x1, s.ax, s.bx});
        y0_ = std::min({y0_, s.ay, s.by}), y1 = std::max({y1, s.ay, s.by});
    }
    // About one segment per cell, at most 128 x 128 cells.
    n_ = std::clamp(static_cast<int>(std::sqrt(static_cast<double>(segs_.size()))), 1, 128);
    cell_ = std::max({(x1 - x0_) / n_, (y1 - y0_) / n_, 1e-300});
    cells_.assign(static_cast<size_t>(n_) * n_, {});
    for (size_t i = 0; i < segs_.size(); ++i) {
        const Segment& s = segs_[i];
        const int c0 = cell_x(std::min(s.ax, s.bx)), c1 = cell_x(std::max(s.ax, s.bx));
        const int r0 = cell_y(std::min(s.ay, s.by)), r1 = cell_y(std::max(s.ay, s.by));
        for (int r = r0; r <= r1; ++r)
            for (int c = c0; c <= c1; ++c) cells_[static_cast<size_t>(r) * n_ + c].push_back(static_cast<int>(i));
    }
}

int SegmentIndex::cell_x(double x) const { return std::clamp(static_cast<int>((x - x0_) / cell_), 0, n_ - 1); }
int SegmentIndex::cell_y(double y) const { return std::clamp(static_cast<int>((y - y0_) / cell_), 0, n_ - 1); }

double SegmentIndex::distance(double px, double py, int* which) const {
    if (segs_.empty()) return std::numeric_limits<double>::infinity();
    if (segs_.size() <= 16) {
        double best = std::numeric_limits<double>::infinity();
        for (size_t i = 0; i < segs_.size(); ++i) {
            const double d = point_segment_distance(px, py, segs_[i]);
            if (d < best) best = d, which && (*which = static_cast<int>(i));
        }
        return best;
    }
    // Search rings of cells around the point's (clamped) cell until the ring is farther than the best found.
    const int cx = cell_x(px), cy = cell_y(py);
    // Distance from the point to the clamped cell's box (the point may lie outside the index's box).
    const double outside = std::hypot(std::max({x0_ + cx * cell_ - px, px - (x0_ + (cx + 1) * cell_), 0.0}),
                                      std::max({y0_ + cy * cell_ - py, py - (y0_ + (cy + 1) * cell_), 0.0}));
    double best = std::numeric_limits<double>::infinity();
    for (int ring = 0; ring < n_; ++ring) {
        if (ring > 0 && std::max(outside, (ring - 1) * cell_) > best) break;  // projection onto the box is non-expansive
        for (int r = cy - ring; r <= cy + ring; ++r) {
            if (r < 0 || r >= n_) continue;
            const bool edge_row = r == cy - ring || r == cy + ring;
            for (int c = cx - ring; c <= cx + ring; c += edge_row ? 1 : 2 * ring) {
                if (c >= 0 && c < n_)
                    for (int i : cells_[static_cast<size_t>(r) * n_ + c]) {
                        const double d = point_segment_distance(px, py, segs_[i]);
                        if (d < best) best = d, which && (*which = i);
                    }
                if (ring == 0) break;
            }
        }
    }
    return best;
}

// ---------------------------------------------------------------------------------------------- sampling

/// Up to n points spread evenly by arc length over all polylines (every polyline gets its end points).
std::vector<Eigen::Vector2d> sample_polylines(const std::vector<Polyline>& polylines, int n) {
    double total = 0;
    for (const Polyline& p : polylines)
        for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) total += (p.row(i + 1) - p.row(i)).norm();
    std::vector<Eigen::Vector2d> out;
    const double step = total > 0 ? total / n : 1.0;
    for (const Polyline& p : polylines) {
        if (p.rows() == 0) continue;
        out.emplace_back(p(0, 0), p(0, 1));
        double carry = 0;  // arc length since the last sample
        for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) {
            const Eigen::Vector2d a = p.row(i).transpose(), b = p.row(i + 1).transpose();
            const double len = (b - a).norm();
            double t = step - carry;
            for (; t < len; t += step) out.push_back(a + (b - a) * (t / len));
            carry = len - (t - step);
        }
        out.emplace_back(p(p.rows() - 1, 0), p(p.rows() - 1, 1));
    }
    return out;
}

double mean_distance(const std::vector<Eigen::Vector2d>& points, const SegmentIndex& index) {
    if (points.empty()) return 0;
    double sum = 0;
    for (const auto& p : points) sum += index.distance(p.x(), p.y());
    return sum / static_cast<double>(points.size());
}

double domain_scale(const Box& d) { return std::max(d.width(), d.height()); }

// ---------------------------------------------------------------------------------------------- outlines

/// Marching squares at the pixel centres of the indicator (raster == value); chains of edge-midpoint keys.
std::vector<Polyline> outline_of(const std::vector<int32_t>& raster, int w, int h, const Box& domain, int value) {
    auto in = [&](int r, int c) { return raster[static_cast<size_t>(r) * w + c] == value; };
    auto hkey = [&](int r, int c) { return (static_cast<int64_t>(r) * w + c) * 2; };      // (r,c)-(r,c+1)
    auto vkey = [&](int r, int c) { return (static_cast<int64_t>(r) * w + c) * 2 + 1; };  // (r,c)-(r+1,c)
    // Cell edges: 0 top, 1 right, 2 bottom, 3 left. Corner bits: TL 1, TR 2, BR 4, BL 8. Saddles cut off the
    // inside corners (cases 5 and 10).
    static const int table[16][4] = {{-1, -1, -1, -1}, {3, 0, -1, -1}, {0, 1, -1, -1}, {3, 1, -1, -1},
                                     {1, 2, -1, -1},   {3, 0, 1, 2},   {0, 2, -1, -1}, {3, 2, -1, -1},
                                     {2, 3, -1, -1},   {0, 2, -1, -1}, {0, 1, 2, 3},   {1, 2, -1, -1},
                                     {3, 1, -1, -1},   {0, 1, -1, -1}, {3, 0, -1, -1}, {-1, -1, -1, -1}};
    std::vector<std::pair<int64_t, int64_t>> segs;
    for (int r = 0; r + 1 < h; ++r)
        for (int c = 0; c + 1 < w; ++c) {
            const int mask = (in(r, c) ? 1 : 0) | (in(r, c + 1) ? 2 : 0) | (in(r + 1, c + 1) ? 4 : 0) |
                             (in(r + 1, c) ? 8 : 0);
            const int64_t keys[4] = {hkey(r, c), vkey(r, c + 1), hkey(r + 1, c), vkey(r, c)};
            for (int s = 0; s < 4 && table[mask][s] >= 0; s += 2)
                segs.emplace_back(keys[table[mask][s]], keys[table[mask][s + 1]]);
        }
    std::unordered_map<int64_t, std::vector<int>> at;  // key -> segments touching it (at most 2)
    for (size_t i = 0; i < segs.size(); ++i) {
        at[segs[i].first].push_back(static_cast<int>(i));
        at[segs[i].second].push_back(static_cast<int>(i));
    }
    auto point_of = [&](int64_t key) {
        const int64_t cell = key / 2;
        const int r = static_cast<int>(cell / w), c = static_cast<int>(cell % w);
        const double cx = (key % 2 == 0) ? c + 1.0 : c + 0.5, ry = (key % 2 == 0) ? r + 0.5 : r + 1.0;
        return Eigen::RowVector2d(domain.x0 + cx / w * domain.width(), domain.y1 - ry / h * domain.height());
    };
    std::vector<uint8_t> used(segs.size(), 0);
    std::vector<Polyline> out;
    for (size_t s0 = 0; s0 < segs.size(); ++s0) {
        if (used[s0]) continue;
        used[s0] = 1;
        std::deque<int64_t> chain = {segs[s0].first, segs[s0].second};
        for (int dir = 0; dir < 2; ++dir) {  // extend at the back, then at the front
            while (true) {
                const int64_t end = dir == 0 ? chain.back() : chain.front();
                int next = -1;
                for (int i : at[end])
                    if (!used[i]) next = i;
                if (next < 0) break;
                used[next] = 1;
                const int64_t other = segs[next].first == end ? segs[next].second : segs[next].first;
                if (dir == 0) chain.push_back(other);
                else chain.push_front(other);
            }
        }
        Polyline p(static_cast<Eigen::Index>(chain.size()), 2);
        for (size_t i = 0; i < chain.size(); ++i) p.row(static_cast<Eigen::Index>(i)) = point_of(chain[i]);
        out.push_back(std::move(p));
    }
    return out;
}

/// Douglas-Peucker (Douglas & Peucker 1973): indices of the kept points of p[i0..i1].
void douglas_peucker(const Polyline& p, Eigen::Index i0, Eigen::Index i1, double tol, std::vector<Eigen::Index>& keep) {
    if (i1 <= i0 + 1) return;
    const Segment s{p(i0, 0), p(i0, 1), p(i1, 0), p(i1, 1)};
    double worst = -1;
    Eigen::Index at = i0;
    for (Eigen::Index i = i0 + 1; i < i1; ++i) {
        const double d = point_segment_distance(p(i, 0), p(i, 1), s);
        if (d > worst) worst = d, at = i;
    }
    if (worst <= tol) return;
    douglas_peucker(p, i0, at, tol, keep);
    keep.push_back(at);
    douglas_peucker(p, at, i1, tol, keep);
}

}  // namespace detail

using namespace detail;

std::vector<Polyline> target_outline(const std::vector<int32_t>& raster, int w, int h, const Box& domain) {
    GINN_ASSERT(raster.size() == static_cast<size_t>(w) * h);
    int32_t max_label = 0;
    for (int32_t v : raster) max_label = std::max(max_label, v);
    std::vector<Polyline> out;
    for (int value = 1; value <= max_label; ++value) {  // binary targets: the outline of label 1
        auto part = outline_of(raster, w, h, domain, value);
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

std::vector<Corner> target_corners(const std::vector<int32_t>& raster, int w, int h, const Box& domain,
                                   const CriticalOptions& options) {
    const double s = domain_scale(domain);
    std::vector<Corner> found;
    for (const Polyline& p : target_outline(raster, w, h, domain)) {
        const Eigen::Index n = p.rows();
        if (n < 3) continue;
        const bool closed = (p.row(0) - p.row(n - 1)).norm() < 1e-12;
        std::vector<Eigen::Index> keep;
        if (closed) {  // split the loop at its first point and the point farthest from it
            Eigen::Index far = 0;
            (p.rowwise() - p.row(0)).rowwise().squaredNorm().maxCoeff(&far);
            keep.push_back(0);
            douglas_peucker(p, 0, far, options.simplify * s, keep);
            keep.push_back(far);
            douglas_peucker(p, far, n - 1, options.simplify * s, keep);
        } else {
            keep.push_back(0);
            douglas_peucker(p, 0, n - 1, options.simplify * s, keep);
            keep.push_back(n - 1);
        }
        const size_t m = keep.size();  // closed: keep.back() is far (n - 1 is the repeat of 0)
        for (size_t i = 0; i < m; ++i) {
            if (!closed && (i == 0 || i + 1 == m)) continue;  // open chains end on the raster's edge
            const Eigen::RowVector2d prev = p.row(keep[(i + m - 1) % m]), cur = p.row(keep[i]),
                                     next = p.row(keep[(i + 1) % m]);
            const Eigen::RowVector2d u = cur - prev, v = next - cur;
            if (u.norm() == 0 || v.norm() == 0 || std::min(u.norm(), v.norm()) < options.min_arm * s) continue;
            const double turn = std::atan2(std::abs(u.x() * v.y() - u.y() * v.x()), u.dot(v)) * 180 / std::numbers::pi;
            if (turn >= options.min_turn_degrees) found.push_back({cur.x(), cur.y(), turn});
        }
    }
    // Merge nearby corners (rounded corners give several): greedy, sharpest first, weighted by turn.
    std::sort(found.begin(), found.end(), [](const Corner& a, const Corner& b) { return a.turn_degrees > b.turn_degrees; });
    std::vector<Corner> merged;
    std::vector<double> weight;
    for (const Corner& c : found) {
        bool joined = false;
        for (size_t j = 0; j < merged.size() && !joined; ++j) {
            if (std::hypot(c.x - merged[j].x, c.y - merged[j].y) > options.merge * s) continue;
            const double wsum = weight[j] + c.turn_degrees;
            merged[j].x = (merged[j].x * weight[j] + c.x * c.turn_degrees) / wsum;
            merged[j].y = (merged[j].y * weight[j] + c.y * c.turn_degrees) / wsum;
            merged[j].turn_degrees = std::max(merged[j].turn_degrees, c.turn_degrees);
            weight[j] = wsum;
            joined = true;
        }
        if (!joined) merged.push_back(c), weight.push_back(c.turn_degrees);
    }
    std::sort(merged.begin(), merged.end(), [](const Corner& a, const Corner& b) {
        return a.y != b.y ? a.y > b.y : a.x < b.x;  // top to bottom, left to right
    });
    return merged;
}

std::vector<double> corner_distances(const std::vector<Corner>& corners,
                                     const Eigen::Matrix<double, Eigen::Dynamic, 2>& vertices) {
    std::vector<double> out(corners.size(), std::numeric_limits<double>::infinity());
    for (size_t i = 0; i < corners.size(); ++i) {
        double best = std::numeric_limits<double>::infinity();  // squared distance
        for (Eigen::Index v = 0; v < vertices.rows(); ++v) {
            const double dx = vertices(v, 0) - corners[i].x, dy = vertices(v, 1) - corners[i].y;
            best = std::min(best, dx * dx + dy * dy);
        }
        out[i] = std::sqrt(best);
    }
    return out;
}

double polyline_set_length(const std::vector<Polyline>& polylines) {
    double length = 0;
    for (const auto& P : polylines)
        for (Eigen::Index i = 0; i + 1 < P.rows(); ++i) length += (P.row(i + 1) - P.row(i)).norm();
    return length;
}

double polyline_set_distance(const std::vector<Polyline>& a, const std::vector<Polyline>& b) {
    const auto sa = polyline_segments(a), sb = polyline_segments(b);
    if (sa.empty() && sb.empty()) return 0;
    if (sa.empty() || sb.empty()) return std::numeric_limits<double>::infinity();
    constexpr int n_samples = 64;
    const SegmentIndex ia(sa), ib(sb);
    return 0.5 * (mean_distance(sample_polylines(a, n_samples), ib) + mean_distance(sample_polylines(b, n_samples), ia));
}

Eigen::VectorXd distance_to_polylines(const Eigen::MatrixXd& points, const std::vector<Polyline>& polylines) {
    const SegmentIndex index(polyline_segments(polylines));
    Eigen::VectorXd d(points.rows());
    for (Eigen::Index i = 0; i < points.rows(); ++i) d(i) = index.distance(points(i, 0), points(i, 1));
    return d;
}

std::pair<double, double> mirror_axis(const std::vector<int32_t>& raster, int w, int h, const Box& domain,
                                      const SymmetryOptions& options) {
    GINN_ASSERT(raster.size() == static_cast<size_t>(w) * h);
    // Axis at k/2 pixel widths from the left edge: column c mirrors to column k - 1 - c.
    int best_k = w;
    double best = -1;
    for (int k = 1; k < 2 * w; ++k) {
        const int c_lo = std::max(0, k - w), c_hi = std::min(w - 1, k - 1);  // columns whose mirror is inside
        if (c_hi - c_lo + 1 < options.min_overlap * w) continue;
        int64_t agree = 0, total = 0;
        for (int r = 0; r < h; ++r) {
            const int32_t* row = raster.data() + static_cast<size_t>(r) * w;
            for (int c = c_lo; c <= c_hi; ++c) agree += row[c] == row[k - 1 - c];
            total += c_hi - c_lo + 1;
        }
        const double score = static_cast<double>(agree) / static_cast<double>(total);
        if (score > best + 1e-12 || (std::abs(score - best) <= 1e-12 && std::abs(k - w) < std::abs(best_k - w)))
            best = score, best_k = k;
    }
    return {domain.x0 + 0.5 * best_k / w * domain.width(), std::max(best, 0.0)};
}

std::vector<Polyline> mirror_polylines(const std::vector<Polyline>& polylines, double axis_x) {
    std::vector<Polyline> out = polylines;
    for (Polyline& p : out) p.col(0) = (2 * axis_x - p.col(0).array()).matrix();
    return out;
}

std::vector<int> label_components(const std::vector<int32_t>& raster, int w, int h, int* n_components) {
    std::vector<int> id(raster.size(), -1);
    int n = 0;
    std::vector<int> stack;
    for (size_t start = 0; start < raster.size(); ++start) {
        if (id[start] >= 0) continue;
        id[start] = n;
        stack.assign(1, static_cast<int>(start));
        while (!stack.empty()) {
            const int p = stack.back();
            stack.pop_back();
            const int r = p / w, c = p % w;
            const int nb[4][2] = {{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}};
            for (const auto& q : nb) {
                if (q[0] < 0 || q[0] >= h || q[1] < 0 || q[1] >= w) continue;
                const int qi = q[0] * w + q[1];
                if (id[qi] < 0 && raster[qi] == raster[p]) id[qi] = n, stack.push_back(qi);
            }
        }
        ++n;
    }
    if (n_components) *n_components = n;
    return id;
}

Eigen::VectorXd signed_margins(const Network& net, const Geometry& g, const Eigen::MatrixXd& points,
                               const std::vector<int32_t>& labels) {
    GINN_ASSERT(static_cast<Eigen::Index>(labels.size()) == points.rows());
    Eigen::VectorXd d = distance_to_polylines(points, g.decision_boundary);
    const Eigen::VectorXi cls = predicted_class(net, points);
    for (Eigen::Index i = 0; i < points.rows(); ++i)
        if (cls(i) != labels[static_cast<size_t>(i)]) d(i) = -d(i);
    return d;
}

FragileReport fragile_points(const Network& net, const Geometry& g, bool brute_force, int max_listed) {
    const Box& d = net.domain;
    const int64_t ix0 = static_cast<int64_t>(std::ceil(d.x0)), ix1 = static_cast<int64_t>(std::floor(d.x1));
    const int64_t iy0 = static_cast<int64_t>(std::ceil(d.y0)), iy1 = static_cast<int64_t>(std::floor(d.y1));
    FragileReport rep;
    rep.checked = true;
    rep.brute_force = brute_force;
    if (ix1 < ix0 || iy1 < iy0) return rep;
    const int64_t nx = ix1 - ix0 + 1, ny = iy1 - iy0 + 1;
    auto key = [&](int64_t x, int64_t y) { return (y - iy0) * nx + (x - ix0); };

    // Candidates: every integer point, or those within 1.5 of a decision-boundary segment.
    std::vector<int64_t> cand;
    if (brute_force) {
        cand.resize(static_cast<size_t>(nx * ny));
        for (int64_t i = 0; i < nx * ny; ++i) cand[static_cast<size_t>(i)] = i;
    } else {
        std::unordered_set<int64_t> set;
        for (const Segment& s : polyline_segments(g.decision_boundary)) {
            const int64_t x0 = std::max(ix0, static_cast<int64_t>(std::floor(std::min(s.ax, s.bx) - 1.5)));
            const int64_t x1 = std::min(ix1, static_cast<int64_t>(std::ceil(std::max(s.ax, s.bx) + 1.5)));
            const int64_t y0 = std::max(iy0, static_cast<int64_t>(std::floor(std::min(s.ay, s.by) - 1.5)));
            const int64_t y1 = std::min(iy1, static_cast<int64_t>(std::ceil(std::max(s.ay, s.by) + 1.5)));
            for (int64_t y = y0; y <= y1; ++y)
                for (int64_t x = x0; x <= x1; ++x)
                    if (point_segment_distance(static_cast<double>(x), static_cast<double>(y), s) <= 1.5)
                        set.insert(key(x, y));
        }
        cand.assign(set.begin(), set.end());
        std::sort(cand.begin(), cand.end());
    }
    rep.n_candidates = static_cast<int64_t>(cand.size());

    // Classify each candidate and its four neighbours (deduplicated), in chunks.
    std::unordered_map<int64_t, int> cls;
    std::vector<int64_t> todo;
    if (brute_force) todo = cand;
    else {
        std::unordered_set<int64_t> need;
        for (int64_t k : cand) {
            const int64_t x = k % nx, y = k / nx;
            need.insert(k);
            if (x > 0) need.insert(k - 1);
            if (x + 1 < nx) need.insert(k + 1);
            if (y > 0) need.insert(k - nx);
            if (y + 1 < ny) need.insert(k + nx);
        }
        todo.assign(need.begin(), need.end());
    }
    std::vector<int> dense;  // brute force: class by key
    if (brute_force) dense.resize(todo.size());
    constexpr size_t chunk = 1 << 16;
    for (size_t at = 0; at < todo.size(); at += chunk) {
        const size_t m = std::min(chunk, todo.size() - at);
        Eigen::MatrixXd X(static_cast<Eigen::Index>(m), 2);
        for (size_t i = 0; i < m; ++i) {
            const int64_t k = todo[at + i];
            X(static_cast<Eigen::Index>(i), 0) = static_cast<double>(ix0 + k % nx);
            X(static_cast<Eigen::Index>(i), 1) = static_cast<double>(iy0 + k / nx);
        }
        const Eigen::VectorXi c = predicted_class(net, X);
        for (size_t i = 0; i < m; ++i) {
            if (brute_force) dense[at + i] = c(static_cast<Eigen::Index>(i));
            else cls[todo[at + i]] = c(static_cast<Eigen::Index>(i));
        }
    }
    auto class_of = [&](int64_t k) { return brute_force ? dense[static_cast<size_t>(k)] : cls.at(k); };

    const int n_classes = std::max(2, net.n_outputs());
    rep.pair_steps.assign(static_cast<size_t>(n_classes), std::vector<int64_t>(static_cast<size_t>(n_classes), 0));
    for (int64_t k : cand) {
        const int64_t x = k % nx, y = k / nx;
        const int here = class_of(k);
        // each unit step once, from its lower end (both ends of a flipping step are candidates: the boundary is
        // within 1 of each)
        for (const auto& [ok, nk] : {std::pair{x + 1 < nx, k + 1}, std::pair{y + 1 < ny, k + nx}})
            if (ok && class_of(nk) != here)
                ++rep.pair_steps[static_cast<size_t>(std::min(here, class_of(nk)))][static_cast<size_t>(std::max(here, class_of(nk)))];
        bool fragile = false;
        const struct { bool ok; int64_t nk; int axis, delta; } nbs[4] = {
            {x > 0, k - 1, 0, -1}, {x + 1 < nx, k + 1, 0, 1}, {y > 0, k - nx, 1, -1}, {y + 1 < ny, k + nx, 1, 1}};
        for (const auto& nb : nbs) {
            if (!nb.ok || class_of(nb.nk) == here) continue;
            fragile = true;
            if (static_cast<int>(rep.points.size()) < max_listed)
                rep.points.push_back({static_cast<int>(ix0 + x), static_cast<int>(iy0 + y), nb.axis, nb.delta});
        }
        rep.n_fragile += fragile;
    }
    return rep;
}

}  // namespace ginn
