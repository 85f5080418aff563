// Exact geometry of a piecewise-linear network: a half-edge mesh of the domain box refined neuron by neuron.
// Not the smooth approximation (smooth.cpp) and not drawing. The algorithm is in docs/geometry.md.
//
// Legend: V vertices, H half-edges, F faces. Inside a face every earlier neuron has a fixed state, so the current
// layer's pre-activations are affine there: z = G x + h (per face, per neuron). Refining by neuron j classifies
// each vertex by the sign of z_j (evaluated with the map of a face it belongs to, cached per vertex), splits
// every edge whose ends have strictly opposite signs at the interpolated zero, then splits every face that has
// both signs along the chord between its two zero vertices (faces are convex, so there are exactly two).
#include <array>
#include <cmath>
#include <map>
#include <unordered_map>

#include "geometry/internal.h"
#include "ginn/core/error.h"

namespace ginn::detail {

namespace {

/// Sign tolerance: |z| <= sign_eps * (sum of |terms| of z) counts as zero, so the vertex lies on the boundary.
constexpr double sign_eps = 1e-10;
/// Two output maps are equal when they differ by at most this, relative to their size over the domain.
constexpr double map_eps = 1e-9;

struct HalfEdge {
    int origin;  // vertex the half-edge leaves
    int twin;    // opposite half-edge, -1 on the box boundary
    int next;    // next half-edge counter-clockwise around the face
    int face;
    int maker;   // global neuron index whose split created the edge, -1 for the box
};

/// Affine maps of one layer's pre-activations, one map per face: z_j = gx x + gy y + h, with the magnitudes of the
/// terms (|W| |P| and |W| |q| + |b|) that set the sign tolerance. Laid out as a column-major (n, 3 #maps) matrix
/// (columns 3m, 3m+1, 3m+2 are gx, gy, h of map m) so that one matrix product makes them all.
struct LayerMaps {
    int n = 0;                           // neurons in the layer (or outputs)
    std::vector<double> Z, Z_abs;        // (n, 3 #maps), column-major
    double gx(int m, int j) const { return Z[size_t(3 * m) * n + j]; }
    double gy(int m, int j) const { return Z[size_t(3 * m + 1) * n + j]; }
    double h(int m, int j) const { return Z[size_t(3 * m + 2) * n + j]; }
    double gx_abs(int m, int j) const { return Z_abs[size_t(3 * m) * n + j]; }
    double gy_abs(int m, int j) const { return Z_abs[size_t(3 * m + 1) * n + j]; }
    double h_abs(int m, int j) const { return Z_abs[size_t(3 * m + 2) * n + j]; }
};

/// One affine function on one face with the magnitudes of its terms: z = gx x + gy y + h.
struct Affine {
    double gx, gy, h, gx_abs, gy_abs, h_abs;
};

/// Every buffer of the arrangement, kept per thread and reused from call to call: a snapshot series allocates
/// (and page-faults) once instead of for every snapshot.
struct Workspace {
    std::vector<double> vx, vy;      // #V
    std::vector<uint8_t> v_on_box;   // #V
    std::vector<double> v_z;         // #V: cached value of the function being split by
    std::vector<int8_t> v_sign;      // #V: its sign with tolerance (-1, 0, +1)
    std::vector<int> v_stamp;        // #V: which function the cache holds
    std::vector<HalfEdge> H;         // #H
    std::vector<int> face_he;        // #F: one half-edge of the face
    std::vector<int> face_map;       // #F: which map of the current LayerMaps holds on the face
    std::vector<std::array<double, 4>> face_box;  // #F: bounding box x0, x1, y0, y1, to skip faces a line misses
    std::vector<uint8_t> bits;       // #F by n_neurons: activation pattern
    LayerMaps maps, spare, out;      // current layer's maps, the next layer's being built, the output maps
    std::vector<double> P, P_abs;    // (n_in, 3 #F): a layer's input maps
    std::vector<Affine> by_neuron;   // (n, #maps): the current layer's maps, contiguous per neuron for the scans
    std::vector<Affine> decision;    // #F: the two-class decision value per face
    std::vector<int> cyc;            // half-edges of the face being refined
};

double slope(Activation a, bool active) {
    if (active || a == Activation::linear) return 1.0;
    return a == Activation::leaky_relu ? leaky_relu_slope : 0.0;
}

class Arrangement {
public:
    Arrangement(const Network& net, Workspace& ws);
    void refine_layer(int l);  // hidden layer l (0-based): maps for the layer, then one split per neuron
    void compute_output_maps();
    Geometry result(const GeometryOptions& options);

private:
    // One linear function per face (row j of the face's map), evaluated lazily at vertices with a cache stamp.
    struct FaceFunction {
        const Affine* maps;  // indexed by face_map_[f]
    };
    int vertex_sign(int v, int f, const FaceFunction& fn, int stamp);
    int add_vertex(double x, double y, bool on_box);
    int split_edge(int e, int stamp);
    void split_by_neuron(int j, int g);
    void split_face(int f, const std::vector<int>& cyc, int g);
    void update_box(int f);
    void next_maps(const DenseLayer& L, int prev_layer, LayerMaps& out);
    std::vector<Polyline> two_class_boundary();
    std::vector<Polyline> argmax_boundary() const;
    void linear_regions(std::vector<int>& linear_id, int64_t& n_linear) const;

    const Network& net_;
    int n_neurons_ = 0;
    std::vector<int> layer_offset_;  // global index of each hidden layer's first neuron
    double scale_x_ = 1, scale_y_ = 1;  // max |coordinate| over the domain, for map comparisons
    Workspace& ws_;
    std::vector<double>&vx_, &vy_, &v_z_;
    std::vector<uint8_t>&v_on_box_, &bits_;
    std::vector<int8_t>& v_sign_;
    std::vector<int>&v_stamp_, &face_he_, &face_map_, &cyc_;
    std::vector<HalfEdge>& H_;
    std::vector<std::array<double, 4>>& face_box_;
    LayerMaps &maps_, &out_;         // current hidden layer's pre-activation maps; output maps (logits) per face
    int maps_layer_ = -1;            // which layer maps_ belongs to
    std::vector<int64_t> per_layer_;
    std::vector<std::vector<Polyline>> neuron_lines_;
};

Arrangement::Arrangement(const Network& net, Workspace& ws)
    : net_(net), ws_(ws), vx_(ws.vx), vy_(ws.vy), v_z_(ws.v_z), v_on_box_(ws.v_on_box), bits_(ws.bits),
      v_sign_(ws.v_sign), v_stamp_(ws.v_stamp), face_he_(ws.face_he), face_map_(ws.face_map), cyc_(ws.cyc), H_(ws.H),
      face_box_(ws.face_box), maps_(ws.maps), out_(ws.out) {
    for (auto* v : {&vx_, &vy_, &v_z_}) v->clear();
    for (auto* v : {&v_on_box_, &bits_}) v->clear();
    for (auto* v : {&v_stamp_, &face_he_, &face_map_}) v->clear();
    v_sign_.clear();
    H_.clear();
    face_box_.clear();
    const Box& d = net.domain;
    for (int l = 0; l < net.n_hidden_layers(); ++l) {
        layer_offset_.push_back(n_neurons_);
        n_neurons_ += net.layers[l].n_out();
    }
    scale_x_ = std::max(std::abs(d.x0), std::abs(d.x1));
    scale_y_ = std::max(std::abs(d.y0), std::abs(d.y1));
    // The box, counter-clockwise: one face, four half-edges without twins.
    const double corners[4][2] = {{d.x0, d.y0}, {d.x1, d.y0}, {d.x1, d.y1}, {d.x0, d.y1}};
    for (const auto& c : corners) add_vertex(c[0], c[1], /*on_box=*/true);
    for (int i = 0; i < 4; ++i) H_.push_back({i, -1, (i + 1) % 4, 0, -1});
    face_he_.push_back(0);
    face_map_.push_back(0);
    bits_.assign(n_neurons_, 0);
    neuron_lines_.resize(n_neurons_);
}

int Arrangement::add_vertex(double x, double y, bool on_box) {
    vx_.push_back(x);
    vy_.push_back(y);
    v_on_box_.push_back(on_box);
    v_z_.push_back(0.0);
    v_sign_.push_back(0);
    v_stamp_.push_back(-1);
    return static_cast<int>(vx_.size()) - 1;
}

void Arrangement::update_box(int f) {
    std::array<double, 4> box = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    int e = face_he_[f];
    do {
        const int v = H_[e].origin;
        box = {std::min(box[0], vx_[v]), std::max(box[1], vx_[v]), std::min(box[2], vy_[v]), std::max(box[3], vy_[v])};
        e = H_[e].next;
    } while (e != face_he_[f]);
    face_box_[f] = box;
}

int Arrangement::vertex_sign(int v, int f, const FaceFunction& fn, int stamp) {
    if (v_stamp_[v] == stamp) return v_sign_[v];
    const Affine& a = fn.maps[face_map_[f]];
    const double x = vx_[v], y = vy_[v];
    const double z = a.gx * x + a.gy * y + a.h;
    const double tol = sign_eps * (a.gx_abs * std::abs(x) + a.gy_abs * std::abs(y) + a.h_abs);
    v_stamp_[v] = stamp;
    v_z_[v] = std::abs(z) <= tol ? 0.0 : z;  // snap: a vertex within tolerance lies on the boundary
    v_sign_[v] = static_cast<int8_t>((v_z_[v] > 0) - (v_z_[v] < 0));
    return v_sign_[v];
}

// Splits half-edge e (a -> b, and its twin) at the zero of the cached linear values of a and b.
// The new vertex is exactly on the boundary (value 0); returns the new half-edge m -> b.
int Arrangement::split_edge(int e, int stamp) {
    const int a = H_[e].origin, b = H_[H_[e].next].origin, t = H_[e].twin;
    const double s = v_z_[a] / (v_z_[a] - v_z_[b]);  // in (0, 1): the values have opposite signs
    const double x = vx_[a] + s * (vx_[b] - vx_[a]), y = vy_[a] + s * (vy_[b] - vy_[a]);
    GINN_ASSERT(!(x == vx_[a] && y == vy_[a]) && !(x == vx_[b] && y == vy_[b]));
    const int m = add_vertex(x, y, /*on_box=*/t < 0);
    v_stamp_[m] = stamp;
    const int e2 = static_cast<int>(H_.size());
    H_.push_back({m, t, H_[e].next, H_[e].face, H_[e].maker});
    H_[e].next = e2;
    if (t >= 0) {  // twin b -> a becomes b -> m, plus m -> a
        const int t2 = static_cast<int>(H_.size());
        H_.push_back({m, e, H_[t].next, H_[t].face, H_[t].maker});
        H_[t].next = t2;
        H_[t].twin = e2;
        H_[e].twin = t2;
    }
    return e2;
}

// The face's cycle is cyc_ with both signs present and every sign change passing through a zero vertex. Cuts it
// along the chord from u (the zero before the negative run) to w (the zero before the positive run); the part
// with the positive run keeps index f and gets bit g = 1, the new face gets bit g = 0.
void Arrangement::split_face(int f, const std::vector<int>& cyc, int g) {
    const int k = static_cast<int>(cyc.size());
    auto sign_at = [&](int i) { return v_sign_[H_[cyc[((i % k) + k) % k]].origin]; };
    int p = 0;
    while (sign_at(p) <= 0) ++p;
    int iu = p;
    while (sign_at(iu) >= 0) ++iu;
    --iu;  // the zero just before the negative run
    int iw = iu + 1;
    while (sign_at(iw) <= 0) ++iw;
    --iw;  // the zero just before the positive run
    iu %= k;
    iw %= k;
    GINN_ASSERT(sign_at(iu) == 0 && sign_at(iw) == 0 && iu != iw);
    const int eu = cyc[iu], ew = cyc[iw], pu = cyc[(iu + k - 1) % k], pw = cyc[(iw + k - 1) % k];
    const int u = H_[eu].origin, w = H_[ew].origin;
    const int c1 = static_cast<int>(H_.size()), c2 = c1 + 1, nf = static_cast<int>(face_he_.size());
    H_.push_back({u, c2, ew, f, g});   // u -> w, closes the positive side (w ... u)
    H_.push_back({w, c1, eu, nf, g});  // w -> u, closes the negative side (u ... w)
    H_[pu].next = c1;
    H_[pw].next = c2;
    for (int e = eu; e != c2; e = H_[e].next) H_[e].face = nf;
    face_he_[f] = c1;
    face_he_.push_back(c2);
    face_map_.push_back(face_map_[f]);
    bits_.insert(bits_.end(), bits_.begin() + size_t(f) * n_neurons_, bits_.begin() + size_t(f + 1) * n_neurons_);
    bits_[size_t(f) * n_neurons_ + g] = 1;
    bits_[size_t(nf) * n_neurons_ + g] = 0;
    face_box_.emplace_back();
    update_box(f);
    update_box(nf);
}

void Arrangement::split_by_neuron(int j, int g) {
    const size_t n_maps = maps_.Z.size() / (3 * size_t(maps_.n));
    const FaceFunction fn{&ws_.by_neuron[j * n_maps]};
    std::vector<KeySegment> segments;
    std::vector<int> zero_edges;  // interior edges with both ends on the zero set: boundary if the bits differ
    const int n_faces = static_cast<int>(face_he_.size());
    for (int f = 0; f < n_faces; ++f) {
        // Skip faces the zero line misses: the affine z over the face's bounding box stays beyond the tolerance.
        const Affine& a = fn.maps[face_map_[f]];
        const auto& box = face_box_[f];
        const double cx = 0.5 * (box[0] + box[1]), cy = 0.5 * (box[2] + box[3]);
        const double z_mid = a.gx * cx + a.gy * cy + a.h;
        const double spread = 0.5 * (std::abs(a.gx) * (box[1] - box[0]) + std::abs(a.gy) * (box[3] - box[2]));
        const double tol = 2 * sign_eps * (a.gx_abs * std::max(std::abs(box[0]), std::abs(box[1])) +
                                           a.gy_abs * std::max(std::abs(box[2]), std::abs(box[3])) + a.h_abs);
        if (std::abs(z_mid) - spread > tol) {
            bits_[size_t(f) * n_neurons_ + g] = z_mid > 0;
            continue;
        }
        cyc_.clear();
        bool pos = false, neg = false;
        const int first = face_he_[f];
        int e = first;
        do {
            const int a = H_[e].origin;
            int next = H_[e].next;
            const int sa = vertex_sign(a, f, fn, g), sb = vertex_sign(H_[next].origin, f, fn, g);
            if (sa * sb < 0) next = split_edge(e, g);
            else if (sa == 0 && sb == 0 && H_[e].twin > e) zero_edges.push_back(e);
            cyc_.push_back(e);
            pos |= sa > 0;
            neg |= sa < 0;
            e = next;
        } while (e != first);
        if (pos && neg) {
            split_face(f, cyc_, g);
            const int c1 = face_he_[f];
            segments.emplace_back(H_[c1].origin, H_[H_[c1].twin].origin);
        } else {
            bits_[size_t(f) * n_neurons_ + g] = pos;
        }
    }
    for (int e : zero_edges) {
        const int t = H_[e].twin;
        if (bits_[size_t(H_[e].face) * n_neurons_ + g] != bits_[size_t(H_[t].face) * n_neurons_ + g])
            segments.emplace_back(H_[e].origin, H_[t].origin);
    }
    neuron_lines_[g] = chain_segments(segments, [&](int64_t v) { return std::array<double, 2>{vx_[v], vy_[v]}; });
}

// Maps of layer L's pre-activations for every face, from the previous hidden layer's maps and each face's bits
// (prev_layer < 0: the input itself). The previous layer's output on a face is a = D (G x + h), D = diag(slopes),
// so the new maps are W [D G | D h] + [0 | b] (+ [D G | D h] when residual): one matrix product for all faces.
void Arrangement::next_maps(const DenseLayer& L, int prev_layer, LayerMaps& out) {
    const int n_faces = static_cast<int>(face_he_.size()), n_in = L.n_in(), n = L.n_out();
    ws_.P.resize(size_t(n_in) * 3 * n_faces);
    ws_.P_abs.resize(ws_.P.size());
    Eigen::Map<Eigen::MatrixXd> P(ws_.P.data(), n_in, 3 * n_faces), P_abs(ws_.P_abs.data(), n_in, 3 * n_faces);
    if (prev_layer < 0) {
        P << 1, 0, 0, 0, 1, 0;
        P_abs = P;
    } else {
        const Activation act = net_.layers[prev_layer].activation;
        double s[1024];
        std::vector<double> s_big(n_in > 1024 ? n_in : 0);
        double* slopes = n_in > 1024 ? s_big.data() : s;
        for (int f = 0; f < n_faces; ++f) {
            const int m = face_map_[f];
            const uint8_t* bits = &bits_[size_t(f) * n_neurons_ + layer_offset_[prev_layer]];
            for (int i = 0; i < n_in; ++i) slopes[i] = slope(act, bits[i]);
            for (int c = 0; c < 3; ++c) {
                const size_t from = size_t(3 * m + c) * n_in;
                for (int i = 0; i < n_in; ++i) {
                    P(i, 3 * f + c) = slopes[i] * maps_.Z[from + i];
                    P_abs(i, 3 * f + c) = slopes[i] * maps_.Z_abs[from + i];
                }
            }
        }
    }
    out.n = n;
    out.Z.resize(size_t(n) * 3 * n_faces);
    out.Z_abs.resize(out.Z.size());
    Eigen::Map<Eigen::MatrixXd> Z(out.Z.data(), n, 3 * n_faces), Z_abs(out.Z_abs.data(), n, 3 * n_faces);
    Z.noalias() = L.W * P;
    Z_abs.noalias() = L.W.cwiseAbs() * P_abs;
    for (int f = 0; f < n_faces; ++f) {
        Z.col(3 * f + 2) += L.b;
        Z_abs.col(3 * f + 2) += L.b.cwiseAbs();
    }
    if (L.residual) {  // z = W a + b + a
        Z += P;
        Z_abs += P_abs;
    }
}

void Arrangement::refine_layer(int l) {
    next_maps(net_.layers[l], l - 1, ws_.spare);
    std::swap(ws_.maps.n, ws_.spare.n);
    ws_.maps.Z.swap(ws_.spare.Z);
    ws_.maps.Z_abs.swap(ws_.spare.Z_abs);
    maps_layer_ = l;
    face_box_.resize(face_he_.size());
    for (int f = 0; f < static_cast<int>(face_map_.size()); ++f) {
        face_map_[f] = f;
        update_box(f);
    }
    const int n = maps_.n, n_maps = static_cast<int>(face_map_.size());
    ws_.by_neuron.resize(size_t(n) * n_maps);
    for (int m = 0; m < n_maps; ++m)
        for (int j = 0; j < n; ++j)
            ws_.by_neuron[size_t(j) * n_maps + m] = {maps_.gx(m, j),     maps_.gy(m, j),     maps_.h(m, j),
                                                     maps_.gx_abs(m, j), maps_.gy_abs(m, j), maps_.h_abs(m, j)};
    for (int j = 0; j < n; ++j) split_by_neuron(j, layer_offset_[l] + j);
    per_layer_.push_back(static_cast<int64_t>(face_he_.size()));
}

void Arrangement::compute_output_maps() {
    next_maps(net_.layers.back(), maps_layer_, out_);
    for (int f = 0; f < static_cast<int>(face_map_.size()); ++f) face_map_[f] = f;
}

// Two classes: the zero set of the decision value, a linear function per face. Crossings are not inserted into
// the mesh: an edge crossing is named V + (the edge's smaller half-edge id) so that both faces agree on it.
std::vector<Polyline> Arrangement::two_class_boundary() {
    const int n_faces = static_cast<int>(face_he_.size()), n_v = static_cast<int>(vx_.size());
    // Decision value per face: softmax2 z1 - z0, sigmoid z, regression z - 0.5.
    const bool diff = net_.head == Head::softmax2;
    const double shift = net_.head == Head::regression ? 0.5 : 0.0;
    ws_.decision.resize(n_faces);
    for (int f = 0; f < n_faces; ++f) {
        Affine& a = ws_.decision[f];
        if (diff)
            a = {out_.gx(f, 1) - out_.gx(f, 0),         out_.gy(f, 1) - out_.gy(f, 0),
                 out_.h(f, 1) - out_.h(f, 0),           out_.gx_abs(f, 1) + out_.gx_abs(f, 0),
                 out_.gy_abs(f, 1) + out_.gy_abs(f, 0), out_.h_abs(f, 1) + out_.h_abs(f, 0)};
        else
            a = {out_.gx(f, 0), out_.gy(f, 0), out_.h(f, 0) - shift, out_.gx_abs(f, 0), out_.gy_abs(f, 0),
                 out_.h_abs(f, 0) + shift};
    }
    const FaceFunction fn{ws_.decision.data()};
    const int stamp = n_neurons_;
    std::vector<KeySegment> segments;
    std::vector<int8_t> face_class(n_faces);  // +1, -1, 0 (all zero) or 2 (both signs)
    std::vector<int> zero_edges;
    struct Node {
        int64_t key;
        int sign;
    };
    std::vector<Node> nodes;
    for (int f = 0; f < n_faces; ++f) {
        nodes.clear();
        bool pos = false, neg = false;
        const int first = face_he_[f];
        int e = first;
        do {
            const int next = H_[e].next, a = H_[e].origin;
            const int sa = vertex_sign(a, f, fn, stamp), sb = vertex_sign(H_[next].origin, f, fn, stamp);
            nodes.push_back({a, sa});
            const int t = H_[e].twin;
            if (sa * sb < 0) nodes.push_back({n_v + int64_t(t >= 0 ? std::min(e, t) : e), 0});
            else if (sa == 0 && sb == 0 && t > e) zero_edges.push_back(e);
            pos |= sa > 0;
            neg |= sa < 0;
            e = next;
        } while (e != first);
        face_class[f] = static_cast<int8_t>(pos && neg ? 2 : pos ? 1 : neg ? -1 : 0);
        if (!(pos && neg)) continue;
        const int k = static_cast<int>(nodes.size());
        auto sign_at = [&](int i) { return nodes[i % k].sign; };
        int p = 0;
        while (sign_at(p) <= 0) ++p;
        int iu = p;
        while (sign_at(iu) >= 0) ++iu;
        int iw = iu;
        while (sign_at(iw) <= 0) ++iw;
        segments.emplace_back(nodes[(iu - 1) % k].key, nodes[(iw - 1) % k].key);
    }
    for (int e : zero_edges) {
        const int a = face_class[H_[e].face], b = face_class[H_[H_[e].twin].face];
        if (a != 2 && b != 2 && (a > 0) != (b > 0)) segments.emplace_back(H_[e].origin, H_[H_[e].twin].origin);
    }
    return chain_segments(segments, [&](int64_t key) {
        if (key < n_v) return std::array<double, 2>{vx_[key], vy_[key]};
        const int e = static_cast<int>(key - n_v), a = H_[e].origin, b = H_[H_[e].next].origin;
        const double s = v_z_[a] / (v_z_[a] - v_z_[b]);
        return std::array<double, 2>{vx_[a] + s * (vx_[b] - vx_[a]), vy_[a] + s * (vy_[b] - vy_[a])};
    });
}

// k classes: inside each face the logits are affine, so the argmax cell of class c is the face clipped by the
// half-planes z_c >= z_d (Sutherland-Hodgman, one clip per other class). Cell edges made by the clip against d
// lie on the tie z_c = z_d at the top: boundary. A tie along a face's own edge (degenerate) is found by matching
// the pieces of face edges from both sides: different classes across a piece make it boundary. Endpoints are
// matched across faces by coordinates rounded to 1e-9 of the domain size.
std::vector<Polyline> Arrangement::argmax_boundary() const {
    const int n_faces = static_cast<int>(face_he_.size()), k = out_.n;
    const Box& d = net_.domain;
    const double quantum = 1e-9 * std::max(d.width(), d.height());
    std::unordered_map<int64_t, std::array<double, 2>> points;
    auto key_of = [&](double x, double y) {
        const int64_t ix = std::llround((x - d.x0) / quantum), iy = std::llround((y - d.y0) / quantum);
        const int64_t key = (ix << 32) ^ (iy & 0xffffffff);
        points.emplace(key, std::array<double, 2>{x, y});
        return key;
    };
    struct Corner {
        double x, y;
        int label;  // the edge from this corner to the next: -1 on the face boundary, else the class clipped against
    };
    std::vector<Corner> face, cell, clipped;
    std::vector<KeySegment> segments;
    std::map<std::pair<int64_t, int64_t>, int> edge_class;  // piece of a face edge -> class of the cell seen first
    for (int f = 0; f < n_faces; ++f) {
        face.clear();
        int e = face_he_[f];
        do {
            face.push_back({vx_[H_[e].origin], vy_[H_[e].origin], -1});
            e = H_[e].next;
        } while (e != face_he_[f]);
        for (int c = 0; c < k; ++c) {
            cell = face;
            for (int dd = 0; dd < k && cell.size() >= 3; ++dd) {
                if (dd == c) continue;
                const double gx = out_.gx(f, c) - out_.gx(f, dd), gy = out_.gy(f, c) - out_.gy(f, dd);
                const double h = out_.h(f, c) - out_.h(f, dd);
                const double gxa = out_.gx_abs(f, c) + out_.gx_abs(f, dd), gya = out_.gy_abs(f, c) + out_.gy_abs(f, dd);
                const double ha = out_.h_abs(f, c) + out_.h_abs(f, dd);
                auto value = [&](const Corner& p) {
                    const double z = gx * p.x + gy * p.y + h;
                    return std::abs(z) <= sign_eps * (gxa * std::abs(p.x) + gya * std::abs(p.y) + ha) ? 0.0 : z;
                };
                clipped.clear();
                const size_t m = cell.size();
                for (size_t i = 0; i < m; ++i) {
                    const Corner& p = cell[i];
                    const Corner& q = cell[(i + 1) % m];
                    const double zp = value(p), zq = value(q);
                    if (zp >= 0) clipped.push_back({p.x, p.y, zp == 0 && zq < 0 ? dd : p.label});  // a zero corner may start the cut
                    if (zp * zq < 0) {
                        const double s = zp / (zp - zq);
                        clipped.push_back({p.x + s * (q.x - p.x), p.y + s * (q.y - p.y), zp > 0 ? dd : p.label});
                    }
                }
                cell.swap(clipped);
            }
            if (cell.size() < 3) continue;
            for (size_t i = 0; i < cell.size(); ++i) {
                const Corner& p = cell[i];
                const Corner& q = cell[(i + 1) % cell.size()];
                if (p.x == q.x && p.y == q.y) continue;
                const int64_t kp = key_of(p.x, p.y), kq = key_of(q.x, q.y);
                if (p.label > c) {
                    segments.emplace_back(kp, kq);
                } else if (p.label < 0) {  // on the face's edge: a boundary when the face across has another class
                    const auto [it, is_new] = edge_class.emplace(std::minmax(kp, kq), c);
                    if (!is_new && it->second != c && it->second >= 0) {
                        segments.emplace_back(kp, kq);
                        it->second = -1;  // emitted once
                    }
                }
            }
        }
    }
    return chain_segments(segments, [&](int64_t key) { return points.at(key); });
}

// Union-find over interior edges whose two faces have equal output maps (relative tolerance over the domain).
void Arrangement::linear_regions(std::vector<int>& linear_id, int64_t& n_linear) const {
    const int n_faces = static_cast<int>(face_he_.size()), k = out_.n;
    std::vector<int> parent(n_faces);
    for (int f = 0; f < n_faces; ++f) parent[f] = f;
    auto find = [&](int f) {
        while (parent[f] != f) f = parent[f] = parent[parent[f]];
        return f;
    };
    auto same_map = [&](int f1, int f2) {
        for (int r = 0; r < k; ++r) {
            const double diff = std::abs(out_.gx(f1, r) - out_.gx(f2, r)) * scale_x_ +
                                std::abs(out_.gy(f1, r) - out_.gy(f2, r)) * scale_y_ + std::abs(out_.h(f1, r) - out_.h(f2, r));
            const double size = (out_.gx_abs(f1, r) + out_.gx_abs(f2, r)) * scale_x_ +
                                (out_.gy_abs(f1, r) + out_.gy_abs(f2, r)) * scale_y_ + out_.h_abs(f1, r) + out_.h_abs(f2, r);
            if (diff > map_eps * size) return false;
        }
        return true;
    };
    for (int e = 0; e < static_cast<int>(H_.size()); ++e) {
        const int t = H_[e].twin;
        if (t < e) continue;
        const int a = find(H_[e].face), b = find(H_[t].face);
        if (a != b && same_map(H_[e].face, H_[t].face)) parent[a] = b;
    }
    linear_id.assign(n_faces, -1);
    n_linear = 0;
    std::vector<int> root_id(n_faces, -1);
    for (int f = 0; f < n_faces; ++f) {
        int& id = root_id[find(f)];
        if (id < 0) id = static_cast<int>(n_linear++);
        linear_id[f] = id;
    }
}

Geometry Arrangement::result(const GeometryOptions& options) {
    Geometry g;
    g.exact = true;
    g.domain = net_.domain;
    for (int l = 0; l < net_.n_hidden_layers(); ++l)
        for (int j = 0; j < net_.layers[l].n_out(); ++j)
            g.neurons.push_back({l + 1, j + 1, std::move(neuron_lines_[layer_offset_[l] + j])});
    g.decision_boundary = net_.head == Head::softmax ? argmax_boundary() : two_class_boundary();
    const int n_faces = static_cast<int>(face_he_.size());
    std::vector<int> linear_id;
    g.counts.activation = n_faces;
    linear_regions(linear_id, g.counts.linear);
    g.counts.per_layer = per_layer_;
    // Vertices where boundaries meet or bend: interior vertices with three or more edges.
    std::vector<int> degree(vx_.size(), 0);
    for (const auto& he : H_) ++degree[he.origin];
    std::vector<int> meet;
    for (size_t v = 0; v < vx_.size(); ++v)
        if (!v_on_box_[v] && degree[v] >= 3) meet.push_back(static_cast<int>(v));
    g.vertices.resize(static_cast<Eigen::Index>(meet.size()), 2);
    for (size_t i = 0; i < meet.size(); ++i) g.vertices.row(static_cast<Eigen::Index>(i)) << vx_[meet[i]], vy_[meet[i]];
    if (!options.regions) return g;
    const int k = out_.n;
    g.regions.resize(n_faces);
    for (int f = 0; f < n_faces; ++f) {
        Region& r = g.regions[f];
        std::vector<int> cycle;
        int e = face_he_[f];
        do {
            cycle.push_back(H_[e].origin);
            e = H_[e].next;
        } while (e != face_he_[f]);
        r.polygon.resize(static_cast<Eigen::Index>(cycle.size()), 2);
        double area2 = 0;  // shoelace
        for (size_t i = 0; i < cycle.size(); ++i) {
            const int a = cycle[i], b = cycle[(i + 1) % cycle.size()];
            r.polygon.row(static_cast<Eigen::Index>(i)) << vx_[a], vy_[a];
            area2 += vx_[a] * vy_[b] - vx_[b] * vy_[a];
        }
        r.area = 0.5 * area2;
        r.pattern.assign(bits_.begin() + size_t(f) * n_neurons_, bits_.begin() + size_t(f + 1) * n_neurons_);
        r.A.resize(k, 2);
        r.c.resize(k);
        for (int i = 0; i < k; ++i) {
            r.A(i, 0) = out_.gx(f, i);
            r.A(i, 1) = out_.gy(f, i);
            r.c(i) = out_.h(f, i);
        }
        r.linear_id = linear_id[f];
    }
    return g;
}

}  // namespace

Geometry exact_geometry(const Network& net, const GeometryOptions& options) {
    thread_local Workspace ws;
    Arrangement mesh(net, ws);
    for (int l = 0; l < net.n_hidden_layers(); ++l) mesh.refine_layer(l);
    mesh.compute_output_maps();
    return mesh.result(options);
}

}  // namespace ginn::detail
