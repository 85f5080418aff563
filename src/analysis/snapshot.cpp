// The per-snapshot pass of the analysis: geometry, a grid forward pass and every per-snapshot measure (states,
// corner distances, copies, symmetry, part accuracy, region density); and the task context it needs (make_context).
// Not the timelines and events built from these (analysis.cpp) nor the building blocks (blocks.cpp).
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <tuple>

#include "analysis/internal.h"

namespace ginn::detail {

namespace {

/// Mirror distance of a boundary set (NaN without boundaries: nothing to be symmetric).
double mirror_distance(const std::vector<Polyline>& polys, double axis_x) {
    if (polys.empty()) return std::numeric_limits<double>::quiet_NaN();
    return polyline_set_distance(polys, mirror_polylines(polys, axis_x));
}

/// Other-label pixels within `radius` steps (8-neighbourhood) of the part: breadth-first from its pixels.
std::vector<int> part_ring(const std::vector<int>& pixels, const std::vector<int32_t>& raster, int G, int radius) {
    std::vector<int> depth(raster.size(), -1), frontier = pixels, ring;
    for (int i : pixels) depth[i] = 0;
    const int32_t label = raster[pixels[0]];
    for (int step = 1; step <= radius && !frontier.empty(); ++step) {
        std::vector<int> next;
        for (int i : frontier)
            for (int dr = -1; dr <= 1; ++dr)
                for (int dc = -1; dc <= 1; ++dc) {
                    const int r = i / G + dr, c = i % G + dc;
                    if (r < 0 || r >= G || c < 0 || c >= G || depth[r * G + c] >= 0) continue;
                    depth[r * G + c] = step;
                    next.push_back(r * G + c);
                    if (raster[r * G + c] != label) ring.push_back(r * G + c);
                }
        frontier = std::move(next);
    }
    return ring;
}

std::vector<Polyline> layer_polylines(const Geometry& g, int start, int end) {
    std::vector<Polyline> out;
    for (int n = start; n < end; ++n)
        out.insert(out.end(), g.neurons[n].polylines.begin(), g.neurons[n].polylines.end());
    return out;
}

/// Density (regions per unit area) of regions whose centroid lies within `band` of the decision boundary, and of the rest.
std::pair<double, double> region_density(const Geometry& g, double band) {
    Eigen::MatrixXd C(static_cast<Eigen::Index>(g.regions.size()), 2);  // #regions by 2 centroids
    std::vector<double> area(g.regions.size());
    for (size_t i = 0; i < g.regions.size(); ++i) {
        const Polyline& p = g.regions[i].polygon;
        double a2 = 0, cx = 0, cy = 0;  // shoelace: twice the signed area and the centroid sums
        for (Eigen::Index j = 0; j < p.rows(); ++j) {
            const Eigen::Index k = (j + 1) % p.rows();
            const double cross = p(j, 0) * p(k, 1) - p(k, 0) * p(j, 1);
            a2 += cross, cx += (p(j, 0) + p(k, 0)) * cross, cy += (p(j, 1) + p(k, 1)) * cross;
        }
        area[i] = std::abs(a2) / 2;
        if (std::abs(a2) > 0) C.row(static_cast<Eigen::Index>(i)) << cx / (3 * a2), cy / (3 * a2);
        else if (p.rows() > 0) C.row(static_cast<Eigen::Index>(i)) = p.colwise().mean();
        else C.row(static_cast<Eigen::Index>(i)) << 0, 0;
    }
    const Eigen::VectorXd d = distance_to_polylines(C, g.decision_boundary);
    double n_near = 0, a_near = 0, n_far = 0, a_far = 0;
    for (size_t i = 0; i < g.regions.size(); ++i) {
        if (d(static_cast<Eigen::Index>(i)) <= band) n_near += 1, a_near += area[i];
        else n_far += 1, a_far += area[i];
    }
    return {a_near > 0 ? n_near / a_near : 0.0, a_far > 0 ? n_far / a_far : 0.0};
}

/// Per-thread buffers for the grid forward pass (reused across snapshots: no large allocation per snapshot).
struct GridBuffers {
    std::vector<Eigen::MatrixXf> pre;  // per hidden layer, #G^2 by n_out: pre-activations (only their signs are read)
    Eigen::MatrixXf Z;                 // #G^2 by n_outputs
    Eigen::MatrixXf act, next;         // #block by layer width: a block's activations in and out of a layer
    Eigen::VectorXf err;               // #block: bound on the 2-norm of each row's float error in act
    Eigen::VectorXf spread;            // #block: err + gamma * |act row|_2, what the next layer's weights amplify
    Eigen::VectorXf norm2;             // #block: |act row|_2^2
    Eigen::VectorXf out_spread;        // #G^2: the output layer's spread
    std::vector<uint8_t> unsure;       // #G^2: 1 where a sign or the class may differ from exact arithmetic
};

/// The largest slope |d act / dz| of a hidden layer's activation, with its parameters: 1.2 covers every fixed one
/// (GELU's is 1.13, swish's 1.10); PReLU / leaky slopes and ELU's alpha can be larger.
double largest_slope(const DenseLayer& L) {
    double s = 1.2;
    if (L.activation == Activation::leaky_relu)
        for (Eigen::Index i = 0; i < L.negative_slope.size(); ++i) s = std::max(s, std::abs(L.negative_slope(i)));
    if (L.activation == Activation::elu) s = std::max(s, std::abs(L.alpha));
    return s;
}

/// One layer in float with what its rounding-error bound needs.
struct FloatLayer {
    Eigen::MatrixXf Wt;        // (n_in, n_out)
    Eigen::RowVectorXf bias;   // (n_out)
    Eigen::VectorXf w_norm;    // (n_out): |W_j|_2 (+1 with a residual: z += a adds a's error)
    Eigen::VectorXf b_err;     // (n_out): gamma |b_j|
    float gamma = 0, w_all = 0, b_all = 0;  // dot-product bound; |w_norm|_2; |b_err|_2
    float max_slope = 1;                    // the layer's activation's largest slope
};

/// The class the outputs z (one row) predict: the argmax; one output: z > 0 (sigmoid) or z > 0.5 (regression).
template <class Row>
uint8_t predicted_class(const Row& z, Head head) {
    if (z.size() == 1) return (head == Head::regression ? z(0) - 0.5 : z(0)) > 0 ? 1 : 0;
    Eigen::Index c = 0;
    z.maxCoeff(&c);
    return static_cast<uint8_t>(c);
}

/// The double-precision forward pass of the rows `rows` of X: overwrites their pre-activations in b.pre with the
/// exact signs (+1, 0, -1) and their classes in cls.
void grid_forward_double(const Network& net, const Eigen::MatrixXd& X, const std::vector<int>& rows, GridBuffers& b,
                         std::vector<uint8_t>& cls) {
    Eigen::MatrixXd A(static_cast<Eigen::Index>(rows.size()), 2);  // #rows by layer width
    for (size_t i = 0; i < rows.size(); ++i) A.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
    const size_t n_hidden = static_cast<size_t>(net.n_hidden_layers());
    for (size_t l = 0; l <= n_hidden; ++l) {
        const DenseLayer& L = net.layers[l];
        Eigen::MatrixXd Zl = A * L.W.transpose();  // #rows by n_out
        Zl.rowwise() += L.b.transpose();
        if (L.residual) Zl += A;
        if (l == n_hidden) {
            for (size_t i = 0; i < rows.size(); ++i) cls[rows[i]] = predicted_class(Zl.row(static_cast<Eigen::Index>(i)), net.head);
            break;
        }
        for (size_t i = 0; i < rows.size(); ++i)
            for (Eigen::Index j = 0; j < Zl.cols(); ++j) {
                const double z = Zl(static_cast<Eigen::Index>(i), j);
                b.pre[l](rows[i], j) = z > 0 ? 1.0f : (z < 0 ? -1.0f : 0.0f);
            }
        A = L.activate_all(Zl);  // with per-neuron parameters (PReLU slopes, ELU alpha)
    }
}

/// The grid's pre-activation signs (b.pre) and predicted classes, as a double-precision forward() would give them,
/// at float speed. A single-precision pass carries, per grid point, a bound on its rounding error: the dot-product
/// bound |fl(w.a) - w.a| <= gamma_n |w|.|a| (Higham, Accuracy and Stability of Numerical Algorithms, 3.1) with
/// Cauchy-Schwarz, |w|.(e + gamma |a|) <= |w|_2 |e + gamma |a||_2, so entry (i, j) of a layer is off by at most
/// |W_j|_2 * spread_i + gamma |b_j|, carried to the next layer through the activation's largest slope (largest_slope). The
/// points where some sign or the class lies within its bound are recomputed in double.
void grid_forward(const Network& net, const Eigen::MatrixXd& X, GridBuffers& b, std::vector<uint8_t>& cls) {
    constexpr float u = 0x1p-24f;        // unit roundoff of float
    constexpr Eigen::Index block = 1024;  // rows per block: a block's activations stay in the core's cache
    const Eigen::Index N = X.rows();
    const size_t n_hidden = static_cast<size_t>(net.n_hidden_layers());
    std::vector<FloatLayer> layers;
    for (const DenseLayer& L : net.layers) {
        FloatLayer f;
        f.Wt = L.W.transpose().cast<float>();
        f.bias = L.b.transpose().cast<float>();
        f.gamma = 2.0f * static_cast<float>(L.n_in() + 4) * u;  // twice the bound: float weights, bias, residual
        f.w_norm = (L.W.rowwise().norm().array() + (L.residual ? 1.0 : 0.0)).cast<float>();
        f.b_err = f.gamma * L.b.cwiseAbs().cast<float>();
        f.w_all = f.w_norm.norm(), f.b_all = f.b_err.norm();
        f.max_slope = static_cast<float>(largest_slope(L));
        layers.push_back(std::move(f));
    }
    b.pre.resize(n_hidden);
    for (size_t l = 0; l < n_hidden; ++l) b.pre[l].resize(N, net.layers[l].n_out());
    b.Z.resize(N, net.n_outputs());
    b.out_spread.resize(N);
    b.unsure.assign(static_cast<size_t>(N), 0);
    for (Eigen::Index start = 0; start < N; start += block) {
        const Eigen::Index B = std::min(block, N - start);
        b.act = X.middleRows(start, B).cast<float>();
        b.norm2 = b.act.rowwise().squaredNorm();
        b.err = u * b.norm2.cwiseSqrt();
        uint8_t* f = b.unsure.data() + start;
        for (size_t l = 0; l <= n_hidden; ++l) {
            const DenseLayer& L = net.layers[l];
            const FloatLayer& F = layers[l];
            b.spread = (b.err.array() + F.gamma * b.norm2.array().sqrt()).matrix();
            auto Zl = (l < n_hidden ? b.pre[l] : b.Z).middleRows(start, B);  // #B by n_out
            Zl.noalias() = b.act * F.Wt;
            Zl.rowwise() += F.bias;
            if (L.residual) Zl += b.act;
            if (l == n_hidden) {
                b.out_spread.segment(start, B) = b.spread;
                break;
            }
            // One sweep per neuron (a contiguous column): flag signs within their bound, activate, sum the squares.
            b.next.resize(B, L.n_out());
            b.norm2.setZero(B);
            const bool relu = L.activation == Activation::relu;
            for (Eigen::Index j = 0; j < Zl.cols(); ++j) {
                const float* z = &Zl.coeffRef(0, j);
                const float* e = b.spread.data();
                const float wj = F.w_norm(j), bj = F.b_err(j);
                float* a = b.next.col(j).data();
                float* n2 = b.norm2.data();
                for (Eigen::Index i = 0; i < B; ++i) f[i] |= static_cast<uint8_t>(std::abs(z[i]) <= wj * e[i] + bj);
                if (relu) {
                    for (Eigen::Index i = 0; i < B; ++i) a[i] = std::max(z[i], 0.0f);
                } else {
                    const int neuron = static_cast<int>(j);
                    for (Eigen::Index i = 0; i < B; ++i) a[i] = static_cast<float>(L.activate(neuron, double(z[i])));
                }
                for (Eigen::Index i = 0; i < B; ++i) n2[i] += a[i] * a[i];
            }
            // the 2-norm of row i's error: at most max_slope * |(w_norm_j * spread_i + b_err_j)_j|_2 + 2u |next_i|_2
            b.err = (F.max_slope * (F.w_all * b.spread.array() + F.b_all) + 2 * u * b.norm2.array().sqrt()).matrix();
            std::swap(b.act, b.next);
        }
    }
    cls.resize(static_cast<size_t>(N));
    const Eigen::MatrixXf& Z = b.Z;  // #G^2 by n_outputs
    const FloatLayer& out = layers.back();
    std::vector<int> redo;
    for (Eigen::Index i = 0; i < N; ++i) {
        cls[i] = predicted_class(Z.row(i), net.head);
        const auto bound = [&](Eigen::Index c) { return out.w_norm(c) * b.out_spread(i) + out.b_err(c); };
        bool sure = true;
        if (Z.cols() == 1) {  // one output: its distance to the threshold
            sure = std::abs(Z(i, 0) - (net.head == Head::regression ? 0.5f : 0.0f)) > 2 * bound(0);
        } else {  // several: the winner's lead over each other output beats both their bounds
            for (Eigen::Index c = 0; c < Z.cols() && sure; ++c)
                sure = c == cls[i] || Z(i, cls[i]) - Z(i, c) > 2 * (bound(cls[i]) + bound(c));
        }
        if (b.unsure[i] || !sure) redo.push_back(static_cast<int>(i));
    }
    if (!redo.empty()) grid_forward_double(net, X, redo, b, cls);
}

}  // namespace

SnapshotWork analyse_snapshot(const Network& net, const Context& ctx, bool with_regions) {
    const AnalysisOptions& o = *ctx.options;
    SnapshotWork w;
    GeometryOptions gopt;
    gopt.regions = with_regions && net.piecewise_linear();
    w.g = compute_geometry(net, gopt);
    w.states = neuron_states(net, w.g, o.dead.min_length * ctx.scale);

    // Grid forward pass: predicted classes and each neuron's on/off bits.
    thread_local GridBuffers buffers;
    grid_forward(net, ctx.X, buffers, w.cls);
    const std::vector<Eigen::MatrixXf>& pre = buffers.pre;  // signs as in double precision
    const Eigen::Index N = ctx.X.rows();

    // Critical points.
    w.corner_dist = corner_distances(ctx.corners, w.g.vertices);
    for (const auto& shifted : ctx.null_corners) w.null_dist.push_back(corner_distances(shifted, w.g.vertices));

    // Copycats: on/off agreement over the grid, confirmed by the boundaries' distance.
    const size_t n_words = (static_cast<size_t>(N) + 63) / 64;
    w.active.assign(w.states.size(), 0.0);
    w.on_outline.assign(w.states.size(), 0.0);
    w.feature.assign(w.states.size(), -1);
    for (size_t i = 0; i < w.states.size(); ++i) {  // roles: how much of each boundary lies on the outline, and where
        const auto& polys = w.g.neurons[i].polylines;
        std::tie(w.on_outline[i], w.feature[i]) = tracked_feature(sample_polylines(polys, 64), polyline_set_length(polys), ctx);
    }
    for (size_t l = 0; l < pre.size(); ++l) {
        const int n_l = static_cast<int>(pre[l].cols()), base = ctx.layer_start[l];
        std::vector<std::vector<uint64_t>> bits(static_cast<size_t>(n_l), std::vector<uint64_t>(n_words, 0));
        for (int i = 0; i < n_l; ++i) {
            const float* z = pre[l].col(i).data();
            for (size_t k = 0; k < n_words; ++k) {  // branch-free packing of 64 signs per word
                const size_t p0 = k * 64, m = std::min<size_t>(64, static_cast<size_t>(N) - p0);
                uint64_t word = 0;
                for (size_t j = 0; j < m; ++j) word |= static_cast<uint64_t>(z[p0 + j] > 0) << j;
                bits[i][k] = word;
            }
            int64_t on = 0;
            for (uint64_t word : bits[i]) on += std::popcount(word);
            w.active[base + i] = static_cast<double>(on) / static_cast<double>(N);
        }
        // A neuron takes part only with a boundary of some length: two short slivers across a corner of the domain
        // agree almost everywhere and lie close together, yet say nothing about shared roles.
        std::vector<uint8_t> long_enough(static_cast<size_t>(n_l));
        for (int i = 0; i < n_l; ++i)
            long_enough[i] = w.states[base + i] == NeuronState::boundary &&
                             polyline_set_length(w.g.neurons[base + i].polylines) >= o.copycat.min_length * ctx.scale;
        for (int i = 0; i < n_l; ++i) {
            if (!long_enough[i]) continue;
            for (int j = i + 1; j < n_l; ++j) {
                if (!long_enough[j]) continue;
                int64_t differ = 0;
                for (size_t k = 0; k < n_words; ++k) differ += std::popcount(bits[i][k] ^ bits[j][k]);
                const double d = static_cast<double>(differ) / static_cast<double>(N);
                const double dis = std::min(d, 1 - d);
                if (dis > o.copycat.max_disagreement) continue;
                const double dist = polyline_set_distance(w.g.neurons[base + i].polylines, w.g.neurons[base + j].polylines);
                if (dist <= o.copycat.max_distance * ctx.scale) w.copies.push_back({base + i, base + j, d > 0.5, dis, dist});
            }
        }
    }

    // Symmetry of the prediction (grid columns mirrored about the target's axis) and of each layer's boundaries.
    int64_t agree = 0, total = 0;
    const int G = ctx.G;
    for (int r = 0; r < G; ++r)
        for (int c = 0; c < G; ++c) {
            const int m = ctx.axis_k - 1 - c;
            if (m < 0 || m >= G) continue;
            agree += w.cls[static_cast<size_t>(r) * G + c] == w.cls[static_cast<size_t>(r) * G + m];
            ++total;
        }
    w.sym_prediction = total > 0 ? static_cast<double>(agree) / static_cast<double>(total) : 0.0;
    for (size_t l = 0; l + 1 < ctx.layer_start.size(); ++l) {
        const auto polys = layer_polylines(w.g, ctx.layer_start[l], ctx.layer_start[l + 1]);
        w.sym_boundary.push_back(mirror_distance(polys, ctx.axis_x));
    }
    w.sym_boundary.push_back(mirror_distance(w.g.decision_boundary, ctx.axis_x));

    // Failure: accuracy over the grid and over each target part.
    int64_t right = 0;
    for (size_t i = 0; i < w.cls.size(); ++i) right += w.cls[i] == ctx.raster[i];
    w.accuracy = static_cast<double>(right) / static_cast<double>(w.cls.size());
    for (const Part& p : ctx.parts) {
        int64_t ok = 0;
        for (int i : p.pixels) ok += w.cls[i] == ctx.raster[i];
        w.part_accuracy.push_back(static_cast<double>(ok) / static_cast<double>(p.pixels.size()));
        int64_t ok_ring = 0;
        for (int i : p.ring) ok_ring += w.cls[i] == ctx.raster[i];
        const double ring = p.ring.empty() ? w.part_accuracy.back() : static_cast<double>(ok_ring) / static_cast<double>(p.ring.size());
        w.part_score.push_back(0.5 * (w.part_accuracy.back() + ring));
    }

    // Region density near and far from the decision boundary.
    if (gopt.regions) {
        w.has_density = true;
        std::tie(w.density_near, w.density_far) = region_density(w.g, o.regions.band * ctx.scale);
        w.g.regions.clear();
        w.g.regions.shrink_to_fit();
    }
    return w;
}

Context make_context(const Network& net0, const Dataset& data, const AnalysisOptions& options) {
    Context ctx;
    ctx.options = &options;
    ctx.domain = net0.domain;
    ctx.scale = domain_scale(ctx.domain);
    int G = options.grid;
    if (G <= 0) G = data.is_grid() && data.grid_w == data.grid_h && data.grid_w <= 256 ? data.grid_w : 128;
    ctx.G = std::clamp(G, 8, 2048);
    ctx.X = pixel_centres(ctx.domain, ctx.G, ctx.G);  // the analysis grid, as target_raster
    ctx.raster = target_raster(data, ctx.G, ctx.G);
    ctx.class_names = data.class_names;
    // Point and CSV tasks: the raster is a nearest-neighbour fill of the points, whose class edges zigzag by about
    // the points' mean spacing and step along the grid; neither is a corner of the data's class regions, so the
    // outline is simplified by at least the mean spacing and 1.5 grid cells there.
    CriticalOptions critical = options.critical;
    if (!data.is_grid() && data.size() > 0) {
        const double spacing = std::sqrt(ctx.domain.width() * ctx.domain.height() / static_cast<double>(data.size()));
        critical.simplify = std::max({critical.simplify, 1.5 / ctx.G, spacing / ctx.scale});
        critical.min_arm = std::max(critical.min_arm, 2 * spacing / ctx.scale);
    }
    ctx.corners = target_corners(ctx.raster, ctx.G, ctx.G, ctx.domain, critical);
    ctx.features = target_features(target_outline(ctx.raster, ctx.G, ctx.G, ctx.domain), ctx.corners, critical.merge * ctx.scale);
    std::vector<Segment> segments;
    for (size_t e = 0; e < ctx.features.size() && !ctx.features[e].corner; ++e) {
        const auto s = polyline_segments({ctx.features[e].points});
        segments.insert(segments.end(), s.begin(), s.end());
        ctx.segment_edge.insert(ctx.segment_edge.end(), s.size(), static_cast<int>(e));
        ctx.edge_length.push_back(polyline_set_length({ctx.features[e].points}));
    }
    ctx.outline = std::make_shared<const SegmentIndex>(std::move(segments));
    const double shift = options.critical.null_shift * ctx.scale;
    for (const auto& [dx, dy] : {std::pair{shift, 0.0}, {-shift, 0.0}, {0.0, shift}, {0.0, -shift}}) {
        std::vector<Corner> moved;
        for (Corner c : ctx.corners) {
            c.x += dx, c.y += dy;
            if (c.x >= ctx.domain.x0 && c.x <= ctx.domain.x1 && c.y >= ctx.domain.y0 && c.y <= ctx.domain.y1) moved.push_back(c);
        }
        ctx.null_corners.push_back(std::move(moved));
    }
    std::tie(ctx.axis_x, ctx.axis_score) = mirror_axis(ctx.raster, ctx.G, ctx.G, ctx.domain, options.symmetry);
    ctx.axis_k = static_cast<int>(std::lround(2 * (ctx.axis_x - ctx.domain.x0) / ctx.domain.width() * ctx.G));
    int n_comp = 0;
    const std::vector<int> comp = label_components(ctx.raster, ctx.G, ctx.G, &n_comp);
    std::vector<Part> parts(static_cast<size_t>(n_comp));
    for (size_t i = 0; i < comp.size(); ++i) parts[comp[i]].pixels.push_back(static_cast<int>(i));
    const double min_pixels = options.failure.min_component_fraction * static_cast<double>(comp.size());
    ctx.has_parts = net0.head != Head::regression;  // a regression target has no classes, so no parts
    for (Part& p : parts) {
        if (!ctx.has_parts || static_cast<double>(p.pixels.size()) < min_pixels) continue;
        TargetPart& t = p.info;
        t.label = ctx.raster[p.pixels[0]];
        t.n_pixels = static_cast<int>(p.pixels.size());
        t.x0 = t.y0 = std::numeric_limits<double>::infinity();
        t.x1 = t.y1 = -t.x0;
        for (int i : p.pixels) {
            const double x = ctx.X(i, 0), y = ctx.X(i, 1);
            t.cx += x / t.n_pixels, t.cy += y / t.n_pixels;
            t.x0 = std::min(t.x0, x), t.x1 = std::max(t.x1, x), t.y0 = std::min(t.y0, y), t.y1 = std::max(t.y1, y);
        }
        const int ring = std::max(1, static_cast<int>(std::lround(options.failure.ring * ctx.G)));
        p.ring = part_ring(p.pixels, ctx.raster, ctx.G, ring);
        ctx.parts.push_back(std::move(p));
    }
    std::sort(ctx.parts.begin(), ctx.parts.end(),
              [](const Part& a, const Part& b) { return a.pixels.size() > b.pixels.size(); });
    int start = 0;
    for (int l = 0; l < net0.n_hidden_layers(); ++l) ctx.layer_start.push_back(start), start += net0.layers[l].n_out();
    ctx.layer_start.push_back(start);
    return ctx;
}

}  // namespace ginn::detail
