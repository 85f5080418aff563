// Approximate geometry for smooth activations: label marching squares on a grid, crossings refined by bisection.
// Not exact and marked so (Geometry::exact = false); no region counts. The algorithm is in docs/geometry.md.
//
// A "label" is what changes across a boundary: a neuron's state (z > 0) or the predicted class. Each grid edge
// whose end labels differ holds one crossing, refined by bisection on the label to the tolerance. A cell with two
// crossings gets one segment, with four and two labels (a saddle) two segments paired by the centre's label, and
// with three or more labels (a junction of classes) a star of segments to the cell centre.
#include <cmath>

#include "geometry/internal.h"

namespace ginn::detail {

namespace {

/// Labels of every function at a batch of points: column j < n_neurons is neuron j's state, the last the class.
Eigen::MatrixXi labels_at(const Network& net, const Eigen::MatrixXd& X) {
    std::vector<Eigen::MatrixXd> pre;
    const Eigen::MatrixXd Z = forward(net, X, &pre);  // #points by n_outputs
    const int n_neurons = net.n_neurons();
    Eigen::MatrixXi L(X.rows(), n_neurons + 1);
    int col = 0;
    for (const auto& P : pre)
        for (Eigen::Index j = 0; j < P.cols(); ++j, ++col) L.col(col) = (P.col(j).array() > 0).cast<int>();
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        if (net.head == Head::softmax2) L(i, col) = Z(i, 1) > Z(i, 0);
        else if (net.head == Head::sigmoid) L(i, col) = Z(i, 0) > 0;
        else if (net.head == Head::regression) L(i, col) = Z(i, 0) > 0.5;
        else Z.row(i).maxCoeff(&L(i, col));
    }
    return L;
}

struct Crossing {
    int function;    // column of labels_at
    int64_t edge;    // grid edge id
    double ax, ay, bx, by;  // bracket: label at a is the label of the edge's first end
};

}  // namespace

Geometry smooth_geometry(const Network& net, const GeometryOptions& options) {
    const Box& d = net.domain;
    const int n = options.grid, n_f = net.n_neurons() + 1, np = n + 1;
    const double hx = d.width() / n, hy = d.height() / n;
    auto gx = [&](int i) { return i == n ? d.x1 : d.x0 + i * hx; };
    auto gy = [&](int j) { return j == n ? d.y1 : d.y0 + j * hy; };
    Eigen::MatrixXd X(np * np, 2);  // grid points, index j * np + i
    for (int j = 0; j < np; ++j)
        for (int i = 0; i < np; ++i) X.row(j * np + i) << gx(i), gy(j);
    const Eigen::MatrixXi L = labels_at(net, X);  // #grid points by n_f

    // Grid edges: horizontal (i, j)-(i+1, j) has id 2 (j np + i), vertical (i, j)-(i, j+1) has id 2 (j np + i) + 1.
    std::vector<Crossing> crossings;
    std::vector<std::vector<int>> crossing_of(n_f);  // per function: edge id -> crossing index (dense)
    for (int f = 0; f < n_f; ++f) crossing_of[f].assign(size_t(2) * np * np, -1);
    for (int j = 0; j < np; ++j)
        for (int i = 0; i < np; ++i)
            for (int dir = 0; dir < 2; ++dir) {
                const int i2 = i + (dir == 0), j2 = j + (dir == 1);
                if (i2 > n || j2 > n) continue;
                const int a = j * np + i, b = j2 * np + i2;
                for (int f = 0; f < n_f; ++f)
                    if (L(a, f) != L(b, f)) {
                        crossing_of[f][2 * a + dir] = static_cast<int>(crossings.size());
                        crossings.push_back({f, 2 * a + dir, gx(i), gy(j), gx(i2), gy(j2)});
                    }
            }
    // Bisection, all crossings in one batch per step, until the bracket is below tolerance x domain size.
    const double target = options.tolerance * std::max(d.width(), d.height());
    const int steps = static_cast<int>(std::ceil(std::log2(std::max(hx, hy) / target))) + 1;
    Eigen::MatrixXd M(static_cast<Eigen::Index>(crossings.size()), 2);
    for (int s = 0; s < steps && !crossings.empty(); ++s) {
        for (size_t c = 0; c < crossings.size(); ++c)
            M.row(static_cast<Eigen::Index>(c)) << 0.5 * (crossings[c].ax + crossings[c].bx),
                0.5 * (crossings[c].ay + crossings[c].by);
        const Eigen::MatrixXi Lm = labels_at(net, M);
        for (size_t c = 0; c < crossings.size(); ++c) {
            Crossing& k = crossings[c];
            const int first = L(static_cast<Eigen::Index>(k.edge / 2), k.function);
            const double mx = M(static_cast<Eigen::Index>(c), 0), my = M(static_cast<Eigen::Index>(c), 1);
            if (Lm(static_cast<Eigen::Index>(c), k.function) == first) k.ax = mx, k.ay = my;
            else k.bx = mx, k.by = my;
        }
    }
    // Cell centres (for saddles and junctions): labels once, keys after every edge key.
    Eigen::MatrixXd C(n * n, 2);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) C.row(j * n + i) << 0.5 * (gx(i) + gx(i + 1)), 0.5 * (gy(j) + gy(j + 1));
    const Eigen::MatrixXi Lc = labels_at(net, C);
    const int64_t centre_key0 = int64_t(2) * np * np;

    Geometry g;
    g.exact = false;
    g.domain = d;
    std::vector<KeySegment> segments;
    std::vector<int64_t> edge_keys;
    for (int f = 0; f < n_f; ++f) {
        segments.clear();
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                const int p00 = j * np + i, p10 = p00 + 1, p01 = p00 + np;
                const int64_t cell_edges[4] = {2 * p00, 2 * p10 + 1, 2 * p01, 2 * p00 + 1};  // bottom right top left
                const int corner[4] = {p00, p10, p00 + np + 1, p01};
                edge_keys.clear();
                for (int64_t e : cell_edges)
                    if (crossing_of[f][e] >= 0) edge_keys.push_back(e);
                if (edge_keys.size() < 2) continue;
                int n_labels = 0, seen[4];
                for (int c : corner) {
                    bool is_new = true;
                    for (int q = 0; q < n_labels; ++q) is_new &= seen[q] != L(c, f);
                    if (is_new) seen[n_labels++] = L(c, f);
                }
                const int64_t centre = centre_key0 + j * n + i;
                if (n_labels >= 3 || edge_keys.size() == 3) {
                    for (int64_t e : edge_keys) segments.emplace_back(e, centre);
                } else if (edge_keys.size() == 2) {
                    segments.emplace_back(edge_keys[0], edge_keys[1]);
                } else {  // saddle: the centre's label joins the two corners that share it
                    const bool join_00 = Lc(j * n + i, f) == L(p00, f);
                    if (join_00) {  // corners 00 and 11 connected: cut off corners 10 and 01
                        segments.emplace_back(cell_edges[0], cell_edges[1]);
                        segments.emplace_back(cell_edges[2], cell_edges[3]);
                    } else {
                        segments.emplace_back(cell_edges[3], cell_edges[0]);
                        segments.emplace_back(cell_edges[1], cell_edges[2]);
                    }
                }
            }
        auto point = [&](int64_t key) {
            if (key >= centre_key0) return std::array<double, 2>{C(key - centre_key0, 0), C(key - centre_key0, 1)};
            const Crossing& k = crossings[crossing_of[f][key]];
            return std::array<double, 2>{0.5 * (k.ax + k.bx), 0.5 * (k.ay + k.by)};
        };
        std::vector<Polyline> lines = chain_segments(segments, point);
        if (f + 1 == n_f) {
            g.decision_boundary = std::move(lines);
        } else {
            int layer = 0, index = f;
            while (index >= net.layers[layer].n_out()) index -= net.layers[layer++].n_out();
            g.neurons.push_back({layer + 1, index + 1, std::move(lines)});
        }
    }
    g.counts.per_layer.assign(net.n_hidden_layers(), 0);
    return g;
}

}  // namespace ginn::detail
