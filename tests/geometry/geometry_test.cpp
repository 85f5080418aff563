// Tests for geometry.h against independent references: forward passes, brute-force line arrangements, closed forms,
// Euler's formula. Not a benchmark (bench/geometry_bench.cpp) and not tests of drawing.
#include "ginn/geometry/geometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "ginn/core/error.h"

namespace ginn {
namespace {

// ---- helpers (geometry-specific; shared ones live in tests/test_util.h)

DenseLayer dense(Eigen::MatrixXd W, Eigen::VectorXd b, Activation a = Activation::relu) {
    DenseLayer L;
    L.W = std::move(W);
    L.b = std::move(b);
    L.activation = a;
    return L;
}

/// A network with Gaussian weights (std scale / sqrt(fan_in)) and biases (std scale * bias_ratio).
Network random_net(const std::vector<int>& widths, uint32_t seed, double scale = 1.0,
                   Activation act = Activation::relu, Head head = Head::softmax2, Box domain = {-1, 1, -1, 1}) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    Network net;
    net.domain = domain;
    net.head = head;
    for (size_t l = 1; l < widths.size(); ++l) {
        Eigen::MatrixXd W(widths[l], widths[l - 1]);
        Eigen::VectorXd b(widths[l]);
        for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = normal(rng) * scale / std::sqrt(double(widths[l - 1]));
        for (Eigen::Index i = 0; i < b.size(); ++i) b(i) = normal(rng) * scale * 0.5;
        net.layers.push_back(dense(W, b, l + 1 == widths.size() ? Activation::linear : act));
    }
    return net;
}

/// An upper bound on the magnitude of every term summed into each pre-activation: the network with |W|, |b| on |x|.
/// Tolerances for "z is zero here" scale with it, so they hold at weight scales 1e-6 and 1e6 alike.
std::vector<Eigen::MatrixXd> magnitudes(const Network& net, const Eigen::MatrixXd& X) {
    Network abs_net = net;
    for (auto& L : abs_net.layers) {
        L.W = L.W.cwiseAbs();
        L.b = L.b.cwiseAbs();
        if (L.residual) L.W += Eigen::MatrixXd::Identity(L.n_out(), L.n_in());
        L.residual = false;
        L.activation = Activation::linear;
    }
    std::vector<Eigen::MatrixXd> pre;
    const Eigen::MatrixXd out = forward(abs_net, X.cwiseAbs(), &pre);
    pre.push_back(out);
    return pre;
}

double polygon_area(const Polyline& P) {
    double a2 = 0;
    for (Eigen::Index i = 0; i < P.rows(); ++i) {
        const Eigen::Index k = (i + 1) % P.rows();
        a2 += P(i, 0) * P(k, 1) - P(k, 0) * P(i, 1);
    }
    return 0.5 * a2;
}

Eigen::MatrixXd centroids(const Geometry& g) {  // vertex average: inside a convex polygon
    Eigen::MatrixXd C(g.regions.size(), 2);
    for (size_t f = 0; f < g.regions.size(); ++f) C.row(f) = g.regions[f].polygon.colwise().mean();
    return C;
}

double segment_distance(const Eigen::RowVector2d& p, const Eigen::RowVector2d& a, const Eigen::RowVector2d& b) {
    const Eigen::RowVector2d ab = b - a;
    const double len2 = ab.squaredNorm();
    const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
    return (p - (a + t * ab)).norm();
}

double distance_to_lines(const Eigen::RowVector2d& p, const std::vector<Polyline>& lines) {
    double best = INFINITY;
    for (const auto& P : lines)
        for (Eigen::Index i = 0; i + 1 < P.rows(); ++i) best = std::min(best, segment_distance(p, P.row(i), P.row(i + 1)));
    return best;
}

using Point = std::pair<double, double>;

struct Graph {  // the planar graph of the region polygons, vertices matched by exact coordinates
    std::map<Point, int> vertex;
    std::map<std::pair<int, int>, std::vector<int>> edge_faces;  // undirected edge -> faces using it
};

Graph region_graph(const Geometry& g) {
    Graph G;
    for (size_t f = 0; f < g.regions.size(); ++f) {
        const Polyline& P = g.regions[f].polygon;
        std::vector<int> ids;
        for (Eigen::Index i = 0; i < P.rows(); ++i)
            ids.push_back(G.vertex.emplace(Point{P(i, 0), P(i, 1)}, int(G.vertex.size())).first->second);
        for (size_t i = 0; i < ids.size(); ++i) {
            const int a = ids[i], b = ids[(i + 1) % ids.size()];
            G.edge_faces[{std::min(a, b), std::max(a, b)}].push_back(int(f));
        }
    }
    return G;
}

struct Expect {
    bool generic = true;  // no coincident boundaries: adjacent faces differ in exactly one bit, patterns unique
};

/// Every invariant of an exact geometry, each checked against an independent reference.
void expect_invariants(const Network& net, const Geometry& g, Expect expect = {}) {
    ASSERT_TRUE(g.exact);
    ASSERT_EQ(int64_t(g.regions.size()), g.counts.activation);
    ASSERT_FALSE(g.counts.per_layer.empty());
    EXPECT_EQ(g.counts.per_layer.back(), g.counts.activation);
    EXPECT_LE(g.counts.linear, g.counts.activation);
    const int n_neurons = net.n_neurons();
    const double size = std::max(net.domain.width(), net.domain.height());

    // Areas: every face positive (slivers kept) and CCW, summing to the domain.
    double total = 0;
    for (const auto& r : g.regions) {
        EXPECT_GT(polygon_area(r.polygon), 0.0);
        EXPECT_NEAR(r.area, polygon_area(r.polygon), 1e-12 * net.domain.area());
        total += polygon_area(r.polygon);
    }
    EXPECT_NEAR(total, net.domain.area(), 1e-9 * net.domain.area());

    // Euler for the subdivision of the box, outer face not counted: V - E + F = 1.
    const Graph G = region_graph(g);
    EXPECT_EQ(int64_t(G.vertex.size()) - int64_t(G.edge_faces.size()) + int64_t(g.regions.size()), 1);
    for (const auto& [edge, faces] : G.edge_faces) EXPECT_LE(faces.size(), 2u);

    // Each face's pattern and output map equal a forward pass at an interior point.
    const Eigen::MatrixXd C = centroids(g);
    std::vector<Eigen::MatrixXd> pre;
    const Eigen::MatrixXd Z = forward(net, C, &pre);
    const auto mag = magnitudes(net, C);
    std::set<std::vector<uint8_t>> patterns;
    for (size_t f = 0; f < g.regions.size(); ++f) {
        const Region& r = g.regions[f];
        ASSERT_EQ(int(r.pattern.size()), n_neurons);
        int bit = 0;
        for (size_t l = 0; l < pre.size(); ++l)
            for (Eigen::Index j = 0; j < pre[l].cols(); ++j, ++bit) {
                const double z = pre[l](f, j);
                if (std::abs(z) > 1e-9 * mag[l](f, j)) {
                    EXPECT_EQ(r.pattern[bit], z > 0) << "face " << f << " layer " << l + 1 << " neuron " << j + 1;
                }
            }
        const Eigen::VectorXd logits = r.A * C.row(f).transpose() + r.c;
        for (Eigen::Index k = 0; k < logits.size(); ++k)
            EXPECT_NEAR(logits(k), Z(f, k), 1e-9 * mag.back()(f, k) + 1e-300) << "face " << f << " output " << k;
        if (expect.generic) {
            EXPECT_TRUE(patterns.insert(r.pattern).second) << "pattern repeated, face " << f;
        }
    }

    // Faces across an edge differ in exactly one bit, and that neuron is zero on the edge.
    if (expect.generic) {
        std::vector<Point> coords(G.vertex.size());
        for (const auto& [p, id] : G.vertex) coords[id] = p;
        Eigen::MatrixXd M(0, 2);
        std::vector<int> which;
        for (const auto& [edge, faces] : G.edge_faces) {
            if (faces.size() != 2) continue;
            const auto& p = g.regions[faces[0]].pattern;
            const auto& q = g.regions[faces[1]].pattern;
            int n_diff = 0, bit = -1;
            for (int i = 0; i < n_neurons; ++i)
                if (p[i] != q[i]) ++n_diff, bit = i;
            EXPECT_EQ(n_diff, 1) << "faces " << faces[0] << " and " << faces[1];
            if (n_diff != 1) continue;
            M.conservativeResize(M.rows() + 1, 2);
            M.row(M.rows() - 1) << 0.5 * (coords[edge.first].first + coords[edge.second].first),
                0.5 * (coords[edge.first].second + coords[edge.second].second);
            which.push_back(bit);
        }
        std::vector<Eigen::MatrixXd> pm;
        forward(net, M, &pm);
        const auto mm = magnitudes(net, M);
        for (Eigen::Index i = 0; i < M.rows(); ++i) {
            int l = 0, j = which[i];
            while (j >= pm[l].cols()) j -= int(pm[l++].cols());
            EXPECT_LE(std::abs(pm[l](i, j)), 1e-8 * mm[l](i, j)) << "edge midpoint " << M.row(i);
        }
    }

    // Every point of a neuron's boundary has pre-activation ~0; every sign change on a dense grid is within a cell.
    ASSERT_EQ(int(g.neurons.size()), n_neurons);
    const int n_grid = 48;
    Eigen::MatrixXd X((n_grid + 1) * (n_grid + 1), 2);
    for (int j = 0; j <= n_grid; ++j)
        for (int i = 0; i <= n_grid; ++i)
            X.row(j * (n_grid + 1) + i) << net.domain.x0 + net.domain.width() * i / n_grid,
                net.domain.y0 + net.domain.height() * j / n_grid;
    std::vector<Eigen::MatrixXd> px;
    forward(net, X, &px);
    const auto mx = magnitudes(net, X);
    const double cell = std::hypot(net.domain.width(), net.domain.height()) / n_grid;
    int bit = 0;
    for (size_t l = 0; l < px.size(); ++l)
        for (Eigen::Index j = 0; j < px[l].cols(); ++j, ++bit) {
            const NeuronBoundary& nb = g.neurons[bit];
            EXPECT_EQ(nb.layer, int(l) + 1);
            EXPECT_EQ(nb.index, int(j) + 1);
            for (const auto& P : nb.polylines) {
                ASSERT_GE(P.rows(), 2);
                std::vector<Eigen::MatrixXd> pp;
                forward(net, P, &pp);
                const auto mp = magnitudes(net, P);
                for (Eigen::Index i = 0; i < P.rows(); ++i)
                    EXPECT_LE(std::abs(pp[l](i, j)), 1e-8 * mp[l](i, j)) << "neuron L" << l + 1 << ":" << j + 1;
            }
            for (int y = 0; y <= n_grid; ++y)
                for (int x = 0; x <= n_grid; ++x)
                    for (int dir = 0; dir < 2; ++dir) {
                        const int x2 = x + (dir == 0), y2 = y + (dir == 1);
                        if (x2 > n_grid || y2 > n_grid) continue;
                        const int a = y * (n_grid + 1) + x, b = y2 * (n_grid + 1) + x2;
                        const double za = px[l](a, j), zb = px[l](b, j);
                        if ((za > 0) == (zb > 0) || std::abs(za) <= 1e-9 * mx[l](a, j) ||
                            std::abs(zb) <= 1e-9 * mx[l](b, j))
                            continue;
                        EXPECT_LE(distance_to_lines(X.row(a), nb.polylines), cell)
                            << "sign change of L" << l + 1 << ":" << j + 1 << " at " << X.row(a) << " far from boundary";
                    }
        }

    // The two-class decision boundary: value ~0 on it, and it passes near every sign change on the grid.
    if (net.head != Head::softmax) {
        const Eigen::VectorXd dx = decision_value(net, X);
        const Eigen::MatrixXd& out_mag = mx.back();
        for (const auto& P : g.decision_boundary) {
            const Eigen::VectorXd dp = decision_value(net, P);
            const auto mp = magnitudes(net, P);
            for (Eigen::Index i = 0; i < P.rows(); ++i) EXPECT_LE(std::abs(dp(i)), 1e-8 * (mp.back().row(i).sum() + 1));
        }
        for (int a = 0; a + 1 < X.rows(); ++a) {
            if ((a + 1) % (n_grid + 1) == 0) continue;
            if ((dx(a) > 0) != (dx(a + 1) > 0) && std::abs(dx(a)) > 1e-9 * (out_mag.row(a).sum() + 1)) {
                EXPECT_LE(distance_to_lines(X.row(a), g.decision_boundary), cell) << "decision sign change at " << X.row(a);
            }
        }
    }
    (void)size;
}

Geometry with_regions(const Network& net) { return compute_geometry(net, {.regions = true}); }

// ---- invariants on random networks of several shapes and scales

TEST(geometry_test, one_neuron_splits_square) {
    Network net;
    net.domain = {0, 1, 0, 1};
    net.layers.push_back(dense(Eigen::RowVector2d(1, 0), Eigen::VectorXd::Constant(1, -0.25)));
    net.layers.push_back(dense(Eigen::MatrixXd::Constant(2, 1, 1.0), Eigen::VectorXd::Zero(2), Activation::linear));
    net.layers.back().W(0, 0) = -1;
    const Geometry g = with_regions(net);
    EXPECT_EQ(g.counts.activation, 2);
    EXPECT_EQ(g.counts.linear, 2);
    ASSERT_EQ(g.neurons.size(), 1u);
    ASSERT_EQ(g.neurons[0].polylines.size(), 1u);
    const Polyline& P = g.neurons[0].polylines[0];
    ASSERT_EQ(P.rows(), 2);
    EXPECT_DOUBLE_EQ(P(0, 0), 0.25);
    EXPECT_DOUBLE_EQ(P(1, 0), 0.25);
    EXPECT_DOUBLE_EQ(std::min(P(0, 1), P(1, 1)), 0.0);
    EXPECT_DOUBLE_EQ(std::max(P(0, 1), P(1, 1)), 1.0);
    // Decision z1 - z0 = 2 relu(x - 0.25) is zero on the whole strip x <= 0.25: its boundary is the edge x = 0.25.
    ASSERT_EQ(g.decision_boundary.size(), 1u);
    EXPECT_DOUBLE_EQ(g.decision_boundary[0](0, 0), 0.25);
    expect_invariants(net, g);
}

TEST(geometry_test, random_networks_satisfy_invariants) {
    const std::vector<std::vector<int>> shapes = {{2, 5, 2}, {2, 8, 8, 2}, {2, 16, 16, 16, 2}, {2, 6, 6, 6, 6, 1}};
    uint32_t seed = 1;
    for (const auto& shape : shapes)
        for (Activation act : {Activation::relu, Activation::leaky_relu})
            for (int rep = 0; rep < 3; ++rep) {
                const Head head = shape.back() == 1 ? Head::sigmoid : Head::softmax2;
                const Network net = random_net(shape, seed++, 1.0, act, head);
                SCOPED_TRACE("seed " + std::to_string(seed - 1) + " depth " + std::to_string(shape.size()));
                expect_invariants(net, with_regions(net));
            }
}

TEST(geometry_test, weight_scales_1e_minus_6_and_1e6) {
    for (double scale : {1e-6, 1e6})
        for (uint32_t seed : {11u, 12u}) {
            // Weights times s and depth-l biases times s^l scale depth-l pre-activations by s^l (relu is
            // positively homogeneous): the partition is the unit network's.
            const Network unit = random_net({2, 8, 8, 2}, seed, 1.0);
            Network net = unit;
            double s_l = 1;
            for (auto& L : net.layers) {
                s_l *= scale;
                L.W *= scale;
                L.b *= s_l;
            }
            SCOPED_TRACE("scale " + std::to_string(scale));
            const Geometry g = with_regions(net);
            expect_invariants(net, g);
            EXPECT_EQ(g.counts.activation, compute_geometry(unit).counts.activation);
        }
}

TEST(geometry_test, offset_domain_and_residual_and_regression) {
    Network net = random_net({2, 6, 6, 6, 1}, 21, 1.0, Activation::relu, Head::regression, {3, 5, -2, -1});
    net.layers[1].residual = true;
    net.layers[2].residual = true;
    // Centre the first layer on the domain so its lines cross it.
    net.layers[0].b = -(net.layers[0].W * Eigen::Vector2d(4, -1.5)) + net.layers[0].b * 0.5;
    net.layers[3].b(0) = 0.5;
    expect_invariants(net, with_regions(net));
}

TEST(geometry_test, linear_hidden_layers_have_one_linear_region) {
    Network net = random_net({2, 5, 5, 2}, 31, 1.0, Activation::linear);
    const Geometry g = with_regions(net);
    expect_invariants(net, g);
    EXPECT_GT(g.counts.activation, 1);
    EXPECT_EQ(g.counts.linear, 1);
}

TEST(geometry_test, linear_regions_merge_only_equal_maps) {
    // relu(x) + relu(-x) on the output = |x| in both logits minus each other: two neurons, output ignores neuron 2.
    Network net;
    net.domain = {-1, 1, -1, 1};
    net.layers.push_back(dense(Eigen::MatrixXd{{1, 0}, {0, 1}}, Eigen::VectorXd::Zero(2)));
    net.layers.push_back(dense(Eigen::MatrixXd{{0, 0}, {1, 0}}, Eigen::VectorXd::Zero(2), Activation::linear));
    const Geometry g = with_regions(net);
    expect_invariants(net, g);
    EXPECT_EQ(g.counts.activation, 4);
    EXPECT_EQ(g.counts.linear, 2);  // neuron 2 does not reach the output: its edge merges
    std::set<int> ids;
    for (const auto& r : g.regions) ids.insert(r.linear_id);
    EXPECT_EQ(ids.size(), 2u);
}

// ---- closed forms

struct Line {
    double a, b, c;  // a x + b y + c = 0
};

/// 1 + L + I by brute force: L lines meeting the open box, I pairwise intersections strictly inside it.
int64_t brute_force_line_regions(const std::vector<Line>& lines, const Box& d) {
    int64_t n_lines = 0, n_points = 0;
    for (const auto& l : lines) {
        int pos = 0, neg = 0;
        for (double x : {d.x0, d.x1})
            for (double y : {d.y0, d.y1}) (l.a * x + l.b * y + l.c > 0 ? pos : neg)++;
        n_lines += pos > 0 && neg > 0;
    }
    for (size_t i = 0; i < lines.size(); ++i)
        for (size_t j = i + 1; j < lines.size(); ++j) {
            const double det = lines[i].a * lines[j].b - lines[j].a * lines[i].b;
            const double x = (lines[i].b * lines[j].c - lines[j].b * lines[i].c) / det;
            const double y = (lines[j].a * lines[i].c - lines[i].a * lines[j].c) / det;
            n_points += x > d.x0 && x < d.x1 && y > d.y0 && y < d.y1;
        }
    return 1 + n_lines + n_points;
}

TEST(geometry_test, one_layer_regions_are_one_plus_lines_plus_intersections) {
    for (uint32_t seed = 100; seed < 130; ++seed) {
        const int n = 3 + seed % 12;
        const Network net = random_net({2, n, 2}, seed);
        std::vector<Line> lines;
        for (int i = 0; i < n; ++i) lines.push_back({net.layers[0].W(i, 0), net.layers[0].W(i, 1), net.layers[0].b(i)});
        const Geometry g = compute_geometry(net);
        EXPECT_EQ(g.counts.activation, brute_force_line_regions(lines, net.domain)) << "seed " << seed;
        EXPECT_EQ(g.counts.per_layer, std::vector<int64_t>{g.counts.activation});
    }
}

TEST(geometry_test, zero_biases_through_centre_give_2n_regions) {
    for (int n : {1, 2, 5, 16, 40}) {
        Network net = random_net({2, n, 2}, 200 + n, 1.0, Activation::relu, Head::softmax2, {-1, 1, -1, 1});
        net.layers[0].b.setZero();
        const Geometry g = with_regions(net);
        EXPECT_EQ(g.counts.activation, 2 * n) << n << " lines";
        expect_invariants(net, g);
        // Off-centre box: lines through the box centre (2, 3) with b = -W c (W rounded to multiples of 2^-20, so
        // that b is exact and the lines exactly concurrent).
        Network off = net;
        off.domain = {1, 3, 2, 4};
        off.layers[0].W = (off.layers[0].W * 1048576.0).array().round() / 1048576.0;
        off.layers[0].b = -(off.layers[0].W * Eigen::Vector2d(2, 3));
        EXPECT_EQ(compute_geometry(off).counts.activation, 2 * n) << n << " lines, off-centre";
    }
}

TEST(geometry_test, gaussian_mean_count_on_disk_matches_closed_form) {
    // Box [-R, R]^2 holds the disk of radius R; a face meets the open disk iff its polygon comes within R of the
    // origin. Faces are convex, so each meets the disk in one piece: the count is the disk's region count.
    const double R = 1.0, s = 0.7;
    const int n = 6, draws = 400;
    std::mt19937 rng(7);
    std::normal_distribution<double> normal(0.0, 1.0);
    double sum = 0, sum2 = 0;
    for (int t = 0; t < draws; ++t) {
        Network net;
        net.domain = {-R, R, -R, R};
        Eigen::MatrixXd W(n, 2);
        Eigen::VectorXd b(n);
        for (int i = 0; i < n; ++i) W(i, 0) = normal(rng), W(i, 1) = normal(rng), b(i) = s * normal(rng);
        net.layers = {dense(W, b), dense(Eigen::MatrixXd::Ones(2, n), Eigen::VectorXd::Zero(2), Activation::linear)};
        const Geometry g = with_regions(net);
        int in_disk = 0;
        for (const auto& r : g.regions) {
            double dmin = INFINITY;
            bool inside = true;  // origin inside the convex polygon
            const Polyline& P = r.polygon;
            for (Eigen::Index i = 0; i < P.rows(); ++i) {
                const Eigen::RowVector2d a = P.row(i), c = P.row((i + 1) % P.rows());
                dmin = std::min(dmin, segment_distance(Eigen::RowVector2d(0, 0), a, c));
                inside &= (c - a)(0) * (-a(1)) - (c - a)(1) * (-a(0)) >= 0;
            }
            in_disk += inside || dmin < R;
        }
        sum += in_disk;
        sum2 += double(in_disk) * in_disk;
    }
    const double mean = sum / draws, sd = std::sqrt(sum2 / draws - mean * mean);
    const double q = R / std::sqrt(R * R + s * s);
    const double expected = 1 + n * q + n * (n - 1) / 2.0 * (1 - s / std::sqrt(R * R + s * s));
    EXPECT_NEAR(mean, expected, 4 * sd / std::sqrt(double(draws))) << "mean " << mean << " expected " << expected;
}

// ---- degenerate fixtures

Network lines_net(const std::vector<Line>& lines, Box domain = {0, 1, 0, 1}) {
    Network net;
    net.domain = domain;
    const int n = int(lines.size());
    Eigen::MatrixXd W(n, 2);
    Eigen::VectorXd b(n);
    for (int i = 0; i < n; ++i) W(i, 0) = lines[i].a, W(i, 1) = lines[i].b, b(i) = lines[i].c;
    Eigen::MatrixXd W_out = Eigen::MatrixXd::Zero(2, n);
    for (int i = 0; i < n; ++i) W_out(1, i) = (i % 2 ? -1.0 : 1.0) * (i + 1);
    net.layers = {dense(W, b), dense(W_out, Eigen::Vector2d(0.1, 0), Activation::linear)};
    return net;
}

TEST(geometry_test, boundary_through_domain_corners) {
    // x - y = 0 runs corner to corner; x + y = 0 only touches the corner (0, 0): no region, no boundary inside.
    const Network net = lines_net({{1, -1, 0}, {1, 1, 0}});
    const Geometry g = with_regions(net);
    EXPECT_EQ(g.counts.activation, 2);
    ASSERT_EQ(g.neurons[0].polylines.size(), 1u);
    EXPECT_EQ(g.neurons[0].polylines[0].rows(), 2);
    EXPECT_TRUE(g.neurons[1].polylines.empty());
    expect_invariants(net, g);
}

TEST(geometry_test, three_lines_through_one_vertex) {
    // Concurrent at (0.375, 0.25) (exact in binary): 6 regions, one meeting vertex.
    const Network net = lines_net({{1, 0, -0.375}, {0, 1, -0.25}, {1, 1, -0.625}});
    const Geometry g = with_regions(net);
    EXPECT_EQ(g.counts.activation, 6);
    ASSERT_EQ(g.vertices.rows(), 1);
    EXPECT_EQ(g.vertices(0, 0), 0.375);
    EXPECT_EQ(g.vertices(0, 1), 0.25);
    expect_invariants(net, g);
    // 0.4 + 0.3 != 0.7 in double: the same lines through (0.4, 0.3) are not concurrent, and exact geometry says so.
    EXPECT_EQ(compute_geometry(lines_net({{1, 0, -0.4}, {0, 1, -0.3}, {1, 1, -0.7}})).counts.activation, 7);
}

TEST(geometry_test, identical_and_proportional_neurons) {
    // Neuron 2 = 3 x neuron 1, neuron 3 = -neuron 1: one line, two faces; the bits across it differ in all three.
    const Network net = lines_net({{1, 2, -1}, {3, 6, -3}, {-1, -2, 1}});
    const Geometry g = with_regions(net);
    EXPECT_EQ(g.counts.activation, 2);
    for (const auto& nb : g.neurons) {
        ASSERT_EQ(nb.polylines.size(), 1u);
        EXPECT_EQ(nb.polylines[0].rows(), 2);
    }
    std::set<std::vector<uint8_t>> patterns;
    for (const auto& r : g.regions) patterns.insert(r.pattern);
    EXPECT_EQ(patterns, (std::set<std::vector<uint8_t>>{{1, 1, 0}, {0, 0, 1}}));
    expect_invariants(net, g, {.generic = false});
}

TEST(geometry_test, dead_neuron_has_no_boundary) {
    const Network net = lines_net({{1, 0, -0.5}, {1, 1, -5}});  // neuron 2 < 0 on the whole box
    const Geometry g = with_regions(net);
    EXPECT_EQ(g.counts.activation, 2);
    EXPECT_TRUE(g.neurons[1].polylines.empty());
    for (const auto& r : g.regions) EXPECT_EQ(r.pattern[1], 0);
    expect_invariants(net, g);
}

TEST(geometry_test, constant_zero_preactivation_where_all_inputs_are_dead) {
    // Layer 2: z = relu(x - 0.5) + relu(y - 0.5) is identically 0 on the quadrant x, y < 0.5. Convention: a neuron's
    // boundary is the boundary of the set where it is active, so here the L around the dead quadrant, bent once.
    Network net;
    net.domain = {0, 1, 0, 1};
    net.layers = {dense(Eigen::MatrixXd{{1, 0}, {0, 1}}, Eigen::Vector2d(-0.5, -0.5)),
                  dense(Eigen::RowVector2d(1, 1), Eigen::VectorXd::Zero(1)),
                  dense(Eigen::MatrixXd{{0}, {1}}, Eigen::Vector2d(0.1, 0), Activation::linear)};
    const Geometry g = with_regions(net);
    EXPECT_EQ(g.counts.activation, 4);
    EXPECT_EQ(g.counts.per_layer, (std::vector<int64_t>{4, 4}));
    ASSERT_EQ(g.neurons[2].polylines.size(), 1u);
    const Polyline& P = g.neurons[2].polylines[0];
    ASSERT_EQ(P.rows(), 3);
    EXPECT_DOUBLE_EQ(P(1, 0), 0.5);
    EXPECT_DOUBLE_EQ(P(1, 1), 0.5);
    for (const auto& r : g.regions)
        EXPECT_EQ(r.pattern[2], r.polygon.colwise().mean()(0) > 0.5 || r.polygon.colwise().mean()(1) > 0.5);
    expect_invariants(net, g, {.generic = false});
}

TEST(geometry_test, nearly_parallel_lines_keep_slivers) {
    for (double angle : {1e-3, 1e-6, 1e-9}) {
        // Two lines through (0.5, 0.5) at angle `angle`: four regions, two of them slivers of area ~ angle / 4.
        const Network net = lines_net({{1, 0, -0.5}, {std::cos(angle), std::sin(angle), -0.5 * (std::cos(angle) + std::sin(angle))}});
        const Geometry g = with_regions(net);
        EXPECT_EQ(g.counts.activation, 4) << "angle " << angle;
        double smallest = INFINITY;
        for (const auto& r : g.regions) smallest = std::min(smallest, r.area);
        EXPECT_NEAR(smallest, angle / 8, angle * 0.01);
        expect_invariants(net, g);
    }
}

TEST(geometry_test, three_class_tie_meets_at_one_point) {
    // Logits cos/sin at 120 degrees around the centre of [-1, 1]^2: three rays from (0, 0), one per class pair.
    Network net;
    net.head = Head::softmax;
    net.domain = {-1, 1, -1, 1};
    Eigen::MatrixXd W_out(3, 2);
    for (int c = 0; c < 3; ++c) W_out(c, 0) = std::cos(2 * M_PI * c / 3), W_out(c, 1) = std::sin(2 * M_PI * c / 3);
    net.layers = {dense(Eigen::MatrixXd::Identity(2, 2), Eigen::VectorXd::Zero(2), Activation::linear),
                  dense(W_out, Eigen::VectorXd::Zero(3), Activation::linear)};
    const Geometry g = with_regions(net);
    ASSERT_EQ(g.decision_boundary.size(), 3u);
    for (const auto& P : g.decision_boundary) {
        const Eigen::MatrixXd Z = forward(net, P);
        for (Eigen::Index i = 0; i < P.rows(); ++i) {  // top two logits tie at every point of the boundary
            std::vector<double> z(Z.row(i).begin(), Z.row(i).end());
            std::sort(z.rbegin(), z.rend());
            EXPECT_NEAR(z[0], z[1], 1e-12);
        }
        const bool starts_at_centre = P.row(0).norm() < 1e-12 || P.row(P.rows() - 1).norm() < 1e-12;
        EXPECT_TRUE(starts_at_centre);
    }
}

TEST(geometry_test, argmax_boundary_is_not_every_pairwise_tie) {
    // Four classes on random relu nets: every boundary point is a tie of the top two logits (not of a lower pair),
    // and every change of the predicted class on a grid lies within one cell of the boundary.
    int n_tested = 0;
    for (uint32_t seed = 41; seed < 61 && n_tested < 4; ++seed) {
        Network net = random_net({2, 10, 10, 4}, seed, 2.0, Activation::relu, Head::softmax);
        net.layers.back().b.setZero();
        const Geometry g = with_regions(net);
        expect_invariants(net, g);
        const int n = 60;
        Eigen::MatrixXd X((n + 1) * (n + 1), 2);
        for (int j = 0; j <= n; ++j)
            for (int i = 0; i <= n; ++i) X.row(j * (n + 1) + i) << -1 + 2.0 * i / n, -1 + 2.0 * j / n;
        const Eigen::VectorXi cls = predicted_class(net, X);
        if (cls.maxCoeff() == cls.minCoeff()) continue;  // one class on the whole box: nothing to compare
        ++n_tested;
        for (int a = 0; a + 1 < X.rows(); ++a)
            if ((a + 1) % (n + 1) != 0 && cls(a) != cls(a + 1)) {
                EXPECT_LE(distance_to_lines(X.row(a), g.decision_boundary), 2.0 * std::sqrt(2.0) / n) << X.row(a);
            }
        for (const auto& P : g.decision_boundary) {
            const Eigen::MatrixXd Z = forward(net, P);
            const auto mag = magnitudes(net, P);
            for (Eigen::Index i = 0; i < P.rows(); ++i) {
                std::vector<double> z(Z.row(i).begin(), Z.row(i).end());
                std::sort(z.rbegin(), z.rend());
                EXPECT_NEAR(z[0], z[1], 1e-8 * mag.back().row(i).sum());
            }
        }
    }
    EXPECT_EQ(n_tested, 4);
}

// ---- smooth activations

TEST(geometry_test, smooth_boundaries_are_approximate_zero_sets) {
    for (Activation act : {Activation::tanh, Activation::sigmoid, Activation::elu, Activation::swish, Activation::gelu}) {
        Network net = random_net({2, 6, 6, 2}, 51, 1.5, act);
        const Geometry g = compute_geometry(net, {.grid = 64});
        SCOPED_TRACE(std::string(activation_name(act)));
        EXPECT_FALSE(g.exact);
        EXPECT_EQ(g.counts.activation, 0);
        EXPECT_TRUE(g.regions.empty());
        ASSERT_EQ(int(g.neurons.size()), 12);
        int n_points = 0;
        for (size_t k = 0; k < g.neurons.size(); ++k) {
            const int l = g.neurons[k].layer - 1, j = g.neurons[k].index - 1;
            for (const auto& P : g.neurons[k].polylines) {
                std::vector<Eigen::MatrixXd> pre;
                forward(net, P, &pre);
                // Within 1e-6 of the domain size (2) of the zero set: |z| <= |grad z| * 2e-6 (gradients are O(10)).
                for (Eigen::Index i = 0; i < P.rows(); ++i, ++n_points)
                    EXPECT_LE(std::abs(pre[l](i, j)), 1e-4) << "L" << l + 1 << ":" << j + 1;
            }
        }
        EXPECT_GT(n_points, 0);
        for (const auto& P : g.decision_boundary) {
            const Eigen::VectorXd d = decision_value(net, P);
            for (Eigen::Index i = 0; i < P.rows(); ++i) EXPECT_LE(std::abs(d(i)), 1e-4);
        }
    }
}

// ---- JSON

TEST(geometry_test, json_has_documented_shape) {
    const Network net = lines_net({{1, 0, -0.4}, {0, 1, -0.3}});
    const Geometry g = with_regions(net);
    const nlohmann::json j = geometry_to_json(g, /*with_regions=*/true);
    EXPECT_EQ(j.at("exact"), true);
    EXPECT_EQ(j.at("domain").at("x"), nlohmann::json({0.0, 1.0}));
    ASSERT_EQ(j.at("neurons").size(), 2u);
    EXPECT_EQ(j.at("neurons")[1].at("layer"), 1);
    EXPECT_EQ(j.at("neurons")[1].at("index"), 2);
    EXPECT_EQ(j.at("neurons")[0].at("polylines")[0].size(), 2u);
    EXPECT_EQ(j.at("neurons")[0].at("polylines")[0][0].size(), 2u);
    EXPECT_EQ(j.at("regions").at("activation"), 4);
    EXPECT_EQ(j.at("regions").at("per_layer"), nlohmann::json({4}));
    ASSERT_EQ(j.at("regions").at("list").size(), 4u);
    EXPECT_EQ(j.at("regions").at("list")[0].at("pattern").size(), 2u);
    EXPECT_TRUE(j.at("decision_boundary").is_array());
    EXPECT_FALSE(geometry_to_json(g, /*with_regions=*/false).at("regions").contains("list"));
}

TEST(geometry_test, rejects_networks_without_two_inputs) {
    Network net = random_net({3, 4, 2}, 61);
    EXPECT_THROW(compute_geometry(net), Error);
}

}  // namespace
}  // namespace ginn
