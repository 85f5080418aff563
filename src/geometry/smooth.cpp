// Approximate geometry for smooth activations: label marching squares on a grid, crossings refined by bracketed
// root finding (Illinois) on each function's value. Not exact and marked so (Geometry::exact = false); no region
// counts. The algorithm is in docs/geometry.md.
//
// A "label" is what changes across a boundary: a neuron's state (z > 0) or the predicted class. Each grid edge
// whose end labels differ holds one crossing, refined on the function's value (the neuron's pre-activation; for
// the class, the difference of the two end classes' logits) to the tolerance, evaluating the network only up to
// the function's layer. A cell with two crossings gets one segment, with four and two labels (a saddle) two
// segments paired by the centre's label, and with three or more labels (a junction of classes) a star of segments
// to the cell centre.
#include <array>
#include <cmath>
#include <bit>
#include <type_traits>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "geometry/internal.h"

namespace ginn::detail {

namespace {

/// act(Z) in place; tanh through Eigen's vectorised tanh (float) or as 1 - 2 / (exp(2z) + 1) (double, absolute
/// error ~1e-16).
template <typename Matrix>
void activate_in_place(Activation a, Matrix& Z) {
    using T = typename Matrix::Scalar;
    if (a == Activation::tanh && std::is_same_v<T, float>) Z = Z.array().tanh();
    else if (a == Activation::tanh) Z = T(1) - T(2) / ((T(2) * Z.array()).exp() + T(1));
    else if (a == Activation::relu) Z = Z.cwiseMax(T(0));
    else if (a != Activation::linear) Z = Z.unaryExpr([a](T z) { return static_cast<T>(activate(a, z)); });
}

/// Forward pass of points as columns (P is 2 by #points) through the first `depth` layers: Z[l] receives layer
/// l's pre-activation (n_out by #points); the buffers are reused between calls.
template <typename Matrix>
void forward_columns(const Network& net, const Matrix& P, int depth, std::vector<Matrix>& Z, Matrix& A) {
    using T = typename Matrix::Scalar;
    Z.resize(net.layers.size());
    const Matrix* in = &P;
    for (int l = 0; l < depth; ++l) {
        const DenseLayer& L = net.layers[l];
        Z[l].noalias() = L.W.cast<T>() * *in;
        Z[l].colwise() += L.b.cast<T>();
        if (L.residual) Z[l] += *in;
        if (l + 1 < depth) {
            A = Z[l];
            activate_in_place(L.activation, A);
            in = &A;
        }
    }
}

/// Class of column i of the logits O (n_outputs by #points).
template <typename Matrix>
int class_of(Head head, const Matrix& O, Eigen::Index i) {
    if (head == Head::softmax2) return O(1, i) > O(0, i);
    if (head == Head::sigmoid) return O(0, i) > 0;
    if (head == Head::regression) return O(0, i) > 0.5;
    Eigen::Index k = 0;
    O.col(i).maxCoeff(&k);
    return static_cast<int>(k);
}

/// The value whose sign is the class change from ca to cb (> 0: cb's side), at column i of the logits O.
template <typename Matrix>
double class_value(Head head, const Matrix& O, Eigen::Index i, int ca, int cb) {
    if (head == Head::softmax2) return (O(1, i) - O(0, i)) * (cb == 1 ? 1 : -1);
    if (head == Head::sigmoid) return O(0, i) * (cb == 1 ? 1 : -1);
    if (head == Head::regression) return (O(0, i) - 0.5) * (cb == 1 ? 1 : -1);
    return O(cb, i) - O(ca, i);
}

/// Labels at the grid points: neuron states as bits (n_words 64-bit words per point) and the class per point.
struct GridLabels {
    int n_neurons = 0, n_words = 0;
    std::vector<uint64_t> bits;  // n_words per point
    std::vector<int> cls;        // per point
    int operator()(int f, int64_t p) const {
        if (f == n_neurons) return cls[p];
        return static_cast<int>(bits[p * n_words + f / 64] >> (f % 64) & 1);
    }
};

struct Crossing {
    int function;              // column of the labels: neuron index, or n_neurons for the class
    int layer, row;            // the function's layer (0-based, the output layer for the class) and row in it
    int64_t edge;              // grid edge id
    int ca, cb;                // labels at the edge's ends (classes, for the class function)
    double ax, ay, bx, by;     // the edge's ends
    double ta, tb, va, vb;     // bracket [ta, tb] along the edge and the values there (va <= 0 < vb in label sense)
    double w1 = 2, w2 = 2;     // bracket widths one and two steps ago (bisection safeguard)
    int kept = -1;             // end kept by the last step (0: a, 1: b), for the Illinois halving
};

/// The crossing on grid edge `edge` of a function whose crossings are `mine` on the sorted grid edges `edges`, or -1.
int find_crossing(const std::vector<int>& mine, const std::vector<int64_t>& edges, int64_t edge) {
    const auto it = std::lower_bound(edges.begin(), edges.end(), edge);
    return it != edges.end() && *it == edge ? mine[it - edges.begin()] : -1;
}

}  // namespace

Geometry smooth_geometry(const Network& net, const GeometryOptions& options) {
    const Box& d = net.domain;
    const int n = options.grid, n_neurons = net.n_neurons(), n_f = n_neurons + 1, np = n + 1;
    const int n_layers = static_cast<int>(net.layers.size());
    const double hx = d.width() / n, hy = d.height() / n;
    auto gx = [&](int i) { return i == n ? d.x1 : d.x0 + i * hx; };
    auto gy = [&](int j) { return j == n ? d.y1 : d.y0 + j * hy; };
    // The grid pass runs in float: a grid end whose float label differs from the double one has |z| within float
    // rounding of zero, so the crossing it makes (or misses) lies within about that of the zero set.
    // The grid buffers are this thread's, kept between calls: a run's snapshots reuse them without page faults.
    thread_local Eigen::MatrixXf P;  // grid points as columns, index j * np + i: (2, #grid points)
    thread_local std::vector<Eigen::MatrixXf> Zf;  // per layer: (n_out, #grid points)
    thread_local Eigen::MatrixXf Af;
    thread_local GridLabels L;
    P.resize(2, np * np);
    for (int j = 0; j < np; ++j)
        for (int i = 0; i < np; ++i) P.col(j * np + i) << float(gx(i)), float(gy(j));
    forward_columns(net, P, n_layers, Zf, Af);
    std::vector<int> layer_of(n_f), row_of(n_f);
    for (int l = 0, f = 0; l < n_layers; ++l)
        for (int r = 0; r < (l + 1 < n_layers ? net.layers[l].n_out() : 1); ++r, ++f) layer_of[f] = l, row_of[f] = r;
    L.n_neurons = n_neurons, L.n_words = (n_neurons + 63) / 64;
    L.cls.resize(size_t(np) * np);
    L.bits.assign(L.cls.size() * L.n_words, 0);
    for (size_t p = 0; p < L.cls.size(); ++p) {  // neuron f's state is bit f % 64 of word f / 64
        uint64_t* out = L.bits.data() + p * L.n_words;
        uint64_t word = 0;
        for (int l = 0, f = 0; l + 1 < n_layers; ++l) {
            const int rows = net.layers[l].n_out();
            const float* z = Zf[l].data() + p * rows;
            int r = 0;
#if defined(__SSE2__)
            for (; r + 4 <= rows && f % 64 <= 60; r += 4, f += 4) {  // four states per compare
                word |= uint64_t(_mm_movemask_ps(_mm_cmpgt_ps(_mm_loadu_ps(z + r), _mm_setzero_ps()))) << (f % 64);
                if (f % 64 == 60) out[f / 64] = word, word = 0;
            }
#endif
            for (; r < rows; ++r, ++f) {
                word |= uint64_t(z[r] > 0) << (f % 64);
                if (f % 64 == 63) out[f / 64] = word, word = 0;
            }
        }
        if (n_neurons % 64) out[n_neurons / 64] = word;
    }
    for (Eigen::Index p = 0; p < Zf.back().cols(); ++p) L.cls[p] = class_of(net.head, Zf.back(), p);

    // Grid edges: horizontal (i, j)-(i+1, j) has id 2 (j np + i), vertical (i, j)-(i, j+1) has id 2 (j np + i) + 1.
    // Each function's crossings are listed in increasing edge id.
    std::vector<Crossing> crossings;
    std::vector<std::vector<int>> crossings_of(n_f);
    std::vector<std::vector<int64_t>> edges_of(n_f);  // per function: its crossings' edge ids, increasing
    for (int j = 0; j < np; ++j)
        for (int i = 0; i < np; ++i)
            for (int dir = 0; dir < 2; ++dir) {
                const int i2 = i + (dir == 0), j2 = j + (dir == 1);
                if (i2 > n || j2 > n) continue;
                const int a = j * np + i, b = j2 * np + i2;
                auto add = [&](int f) {
                    const int ca = L(f, a), cb = L(f, b), l = layer_of[f], r = row_of[f];
                    const bool cls = f + 1 == n_f;
                    const double va = cls ? class_value(net.head, Zf[l], a, ca, cb) : Zf[l](r, a) * (cb ? 1 : -1);
                    const double vb = cls ? class_value(net.head, Zf[l], b, ca, cb) : Zf[l](r, b) * (cb ? 1 : -1);
                    crossings_of[f].push_back(static_cast<int>(crossings.size()));
                    edges_of[f].push_back(2 * int64_t(a) + dir);
                    crossings.push_back({f, l, r, 2 * int64_t(a) + dir, ca, cb, gx(i), gy(j), gx(i2), gy(j2), 0.0, 1.0,
                                         va, vb});
                };
                for (int w = 0; w < L.n_words; ++w)  // the neurons whose state differs: set bits of a XOR b
                    for (uint64_t x = L.bits[size_t(a) * L.n_words + w] ^ L.bits[size_t(b) * L.n_words + w]; x;
                         x &= x - 1)
                        add(64 * w + std::countr_zero(x));
                if (L.cls[a] != L.cls[b]) add(n_f - 1);
            }

    if (int64_t(np) * np * n_f > (int64_t{1} << 22)) {  // large grids (> 16 MB of states) give their memory back
        Zf = {};
        Af = {};
    }

    // Root finding on the value along each edge: regula falsi with the Illinois halving of a kept end's value,
    // and a bisection step whenever two steps did not halve the bracket (Dowell & Jarratt 1971). All open
    // crossings of one layer go through one batched forward pass up to that layer per step; a crossing closes once
    // its bracket is below tolerance x domain size.
    const double target = options.tolerance * std::max(d.width(), d.height());
    std::vector<std::vector<int>> open(n_layers);
    for (size_t c = 0; c < crossings.size(); ++c) open[crossings[c].layer].push_back(static_cast<int>(c));
    std::vector<Eigen::MatrixXd> Z;  // per layer: (n_out, #points)
    Eigen::MatrixXd M, A;
    std::vector<double> t_new;
    for (int l = 0; l < n_layers; ++l) {
        std::vector<int>& ids = open[l];
        for (int step = 0; step < 200 && !ids.empty(); ++step) {
            size_t kept_open = 0;
            for (int c : ids) {
                const Crossing& k = crossings[c];
                const double length = k.ax == k.bx ? hy : hx;
                if ((k.tb - k.ta) * length > target) ids[kept_open++] = c;
            }
            ids.resize(kept_open);
            if (ids.empty()) break;
            M.resize(2, static_cast<Eigen::Index>(ids.size()));
            t_new.resize(ids.size());
            for (size_t q = 0; q < ids.size(); ++q) {
                const Crossing& k = crossings[ids[q]];
                double t = k.ta - k.va * (k.tb - k.ta) / (k.vb - k.va);
                const bool bisect = k.tb - k.ta > 0.5 * k.w2 || !(t > k.ta && t < k.tb);
                if (bisect) t = 0.5 * (k.ta + k.tb);
                t_new[q] = t;
                M.col(static_cast<Eigen::Index>(q)) << k.ax + t * (k.bx - k.ax), k.ay + t * (k.by - k.ay);
            }
            forward_columns(net, M, l + 1, Z, A);
            for (size_t q = 0; q < ids.size(); ++q) {
                Crossing& k = crossings[ids[q]];
                const auto i = static_cast<Eigen::Index>(q);
                const bool cls = k.function + 1 == n_f;
                const int label = cls ? class_of(net.head, Z[l], i) : Z[l](k.row, i) > 0;
                const double v = cls ? class_value(net.head, Z[l], i, k.ca, k.cb) : Z[l](k.row, i) * (k.cb ? 1 : -1);
                k.w2 = k.w1;
                k.w1 = k.tb - k.ta;
                const bool on_a = cls ? label != k.cb && !(v > 0) : label == k.ca;
                if (on_a) {
                    k.ta = t_new[q], k.va = std::min(v, 0.0);
                    if (k.kept == 1) k.vb *= 0.5;
                    k.kept = 1;
                } else {
                    k.tb = t_new[q], k.vb = std::max(v, 0.0);
                    if (k.kept == 0) k.va *= 0.5;
                    k.kept = 0;
                }
            }
        }
    }
    auto crossing_point = [](const Crossing& k) {
        const double t = 0.5 * (k.ta + k.tb);
        return std::array<double, 2>{k.ax + t * (k.bx - k.ax), k.ay + t * (k.by - k.ay)};
    };

    // Label marching squares on the cells next to a crossing; saddle cells are resolved after one batched forward
    // pass at their centres. Keys: grid edge ids, then cell centres after every edge id.
    const int64_t centre_key0 = int64_t(2) * np * np;
    auto centre = [&](int64_t cell) {
        const int i = static_cast<int>(cell % n), j = static_cast<int>(cell / n);
        return std::array<double, 2>{0.5 * (gx(i) + gx(i + 1)), 0.5 * (gy(j) + gy(j + 1))};
    };
    struct Saddle {
        int function;
        int64_t cell, edges[4];
    };
    std::vector<std::vector<KeySegment>> segments(n_f);
    std::vector<Saddle> saddles;
    std::vector<int64_t> cells, edge_keys;
    for (int f = 0; f < n_f; ++f) {
        const std::vector<int>& mine = crossings_of[f];
        auto crossed = [&](int64_t e) { return find_crossing(mine, edges_of[f], e) >= 0; };
        cells.clear();
        for (int c : mine) {
            const int64_t p = crossings[c].edge / 2;
            const int i = static_cast<int>(p % np), j = static_cast<int>(p / np);
            const bool vertical = crossings[c].edge % 2;
            if (i < n && j < n) cells.push_back(int64_t(j) * n + i);
            if (!vertical && j > 0 && i < n) cells.push_back(int64_t(j - 1) * n + i);
            if (vertical && i > 0 && j < n) cells.push_back(int64_t(j) * n + i - 1);
        }
        std::sort(cells.begin(), cells.end());
        cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
        for (int64_t cell : cells) {
            const int i = static_cast<int>(cell % n), j = static_cast<int>(cell / n);
            const int p00 = j * np + i, p10 = p00 + 1, p01 = p00 + np;
            const int64_t cell_edges[4] = {2 * p00, 2 * p10 + 1, 2 * p01, 2 * p00 + 1};  // bottom right top left
            const int corner[4] = {p00, p10, p00 + np + 1, p01};
            edge_keys.clear();
            for (int64_t e : cell_edges)
                if (crossed(e)) edge_keys.push_back(e);
            if (edge_keys.size() < 2) continue;
            int n_labels = 0, seen[4];
            for (int c : corner) {
                bool is_new = true;
                for (int q = 0; q < n_labels; ++q) is_new &= seen[q] != L(f, c);
                if (is_new) seen[n_labels++] = L(f, c);
            }
            if (n_labels >= 3 || edge_keys.size() == 3) {
                for (int64_t e : edge_keys) segments[f].emplace_back(e, centre_key0 + cell);
            } else if (edge_keys.size() == 2) {
                segments[f].emplace_back(edge_keys[0], edge_keys[1]);
            } else {
                saddles.push_back({f, cell, {cell_edges[0], cell_edges[1], cell_edges[2], cell_edges[3]}});
            }
        }
    }
    // Saddles: the centre's label joins the two corners that share it.
    M.resize(2, static_cast<Eigen::Index>(saddles.size()));
    for (size_t s = 0; s < saddles.size(); ++s) {
        const auto c = centre(saddles[s].cell);
        M.col(static_cast<Eigen::Index>(s)) << c[0], c[1];
    }
    if (!saddles.empty()) forward_columns(net, M, n_layers, Z, A);
    for (size_t s = 0; s < saddles.size(); ++s) {
        const Saddle& q = saddles[s];
        const auto i = static_cast<Eigen::Index>(s);
        const int l = layer_of[q.function];
        const int label = q.function + 1 == n_f ? class_of(net.head, Z[l], i) : Z[l](row_of[q.function], i) > 0;
        const int64_t p00 = q.edges[0] / 2;
        if (label == L(q.function, p00)) {  // corners 00 and 11 connected: cut off corners 10 and 01
            segments[q.function].emplace_back(q.edges[0], q.edges[1]);
            segments[q.function].emplace_back(q.edges[2], q.edges[3]);
        } else {
            segments[q.function].emplace_back(q.edges[3], q.edges[0]);
            segments[q.function].emplace_back(q.edges[1], q.edges[2]);
        }
    }

    Geometry g;
    g.exact = false;
    g.domain = d;
    for (int f = 0; f < n_f; ++f) {
        const std::vector<int>& mine = crossings_of[f];
        auto point = [&](int64_t key) {
            if (key >= centre_key0) return centre(key - centre_key0);
            return crossing_point(crossings[find_crossing(mine, edges_of[f], key)]);
        };
        std::vector<Polyline> lines = chain_segments(segments[f], point);
        if (f + 1 == n_f) g.decision_boundary = std::move(lines);
        else g.neurons.push_back({layer_of[f] + 1, row_of[f] + 1, std::move(lines)});
    }
    g.counts.per_layer.assign(net.n_hidden_layers(), 0);
    return g;
}

}  // namespace ginn::detail
