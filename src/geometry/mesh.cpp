// Exact geometry of a piecewise-linear network: a half-edge mesh of the domain box refined neuron by neuron.
// Not the smooth approximation (smooth.cpp) and not drawing. The algorithm is in docs/geometry.md.
//
// Legend: V vertices, H half-edges, F faces. Inside a face every earlier neuron has a fixed state, so the current
// layer's pre-activations are affine there: z = G x + h (per face, per neuron). Every edge lies on a line and every
// vertex is the intersection of two lines, so the sign of z at a vertex is an exact predicate: a double filter with
// a certified error bound (exact.h) decides it, and GMP rationals where the bound cannot. Refining by neuron j splits
// every edge whose ends have strictly opposite signs, then every face that has both signs along the chord between
// its two zero vertices (faces are convex, so there are exactly two).
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "geometry/exact.h"
#include "geometry/internal.h"
#include "geometry/packed_matrix.h"
#include "ginn/core/error.h"

namespace ginn::detail {

namespace {

/// Vertex coordinates are certified to within this fraction of the domain's size, else rounded from rationals.
constexpr double coord_accuracy = 1e-9;
/// Largest magnitude of the terms of any pre-activation over the domain that exact geometry accepts: products of
/// three coefficients (the predicates' determinants) must stay finite in double.
constexpr double max_magnitude = 1e100;
/// Layers of at most this many neurons (the output layer) get their maps by direct sums instead of a matrix product.
constexpr int small_layer = 4;

/// An edge between two mesh vertices, by their ids.
using MeshSegment = std::pair<int, int>;

struct HalfEdge {
    int origin;  // vertex the half-edge leaves
    int twin;    // opposite half-edge, -1 on the box boundary
    int next;    // next half-edge counter-clockwise around the face
    int face;
    int line;    // the line the edge lies on (index into Workspace::lines)
};

/// Affine maps of one layer's pre-activations, one map per face: z_j = gx x + gy y + h, with a certified bound on
/// each coefficient's error (a running bound, next_maps). The maps are a column-major (n, 3 #maps)
/// matrix (columns 3m, 3m+1, 3m+2 are gx, gy, h of map m over the n neurons): one matrix product makes a block's
/// maps, and one map's coefficients over the neurons are contiguous for the filter (refine_face) and for the rank-1
/// corrections. The output maps of all faces are stored the same way, map after map, each block appending its own.
struct LayerMaps {
    int n = 0;                     // neurons in the layer (or outputs)
    int n_maps = 0;
    int layer = 0;                 // which layer of the network (n_hidden for the output layer)
    std::vector<double> Z, Z_err;  // (n, 3 #maps) column-major; |computed - exact| <= Z_err for each coefficient
    std::vector<int> map_face;     // #maps: the face whose bits of earlier layers fix map m (empty: face m itself)
    // Row bounds (dense_maps): Z_err of a dense map is a cheap bound on |W| Q (row sums and norms of |W| against
    // Q's largest entry and norm, O(n) per map instead of the O(n n_in) product), enough for the filter; the maps'
    // rank-1 chains carry it. The lines (tight_errs) take the product |W| Q of the dense map their chain starts
    // from, made from the Q kept here by the packed kernel (over Q's non-zero rows) when a line first asks for it:
    // every dense map's product would cost more than its lines where most have none (at 128 x 6). Empty Q: Z_err is
    // the tight bound.
    std::vector<double> Q;         // (n_in, 3 #dense maps) column-major: the dense maps' input errors
    std::vector<int> root;         // #maps: the dense map whose bound a map's rank-1 chain starts from
    mutable std::vector<double> WQ;       // (n, 3 #dense maps) column-major: |W| Q (unscaled sums), once made
    mutable std::vector<uint8_t> WQ_made;  // #dense maps: whether WQ holds the map's product
    const PackedMatrix* W_abs = nullptr;   // |W|, packed
    int n_in = 0;                  // the layer's inputs (K = n_in + 2 terms per coefficient)
    const Eigen::VectorXd* b = nullptr;        // (n) the layer's biases
    double gamma = 0;              // gamma_{n_in + 2} of the dense product
    /// Map m is map ref[m] (-1: none) plus W[:, i] v over its steps (the previous layer's neurons i in which the two
    /// faces' states differ, with v = s z_i, the slope change times the previous map's row, within e of the exact
    /// one): what next_maps uses to correct the next layer's group leaders across groups. -1 for dense maps and
    /// maps corrected across groups, whose difference from their reference is not along columns of W.
    struct Step {
        int i;
        std::array<double, 3> v, e;
    };
    std::vector<int> ref, step_at;  // #maps, #maps + 1: map m's steps are steps[step_at[m] .. step_at[m + 1])
    std::vector<Step> steps;
    size_t at(int m, int j, int c) const { return (size_t(m) * 3 + c) * n + j; }
    double z(int m, int j, int c) const { return Z[at(m, j, c)]; }
    double z_err(int m, int j, int c) const { return Z_err[at(m, j, c)]; }
    /// The tight bounds of the three coefficients of row j of map m (z_err when it is the tight one): for a dense
    /// map L, (|W| Q)_j + gamma |b_j|, as dense_maps would have computed it; for a map corrected from L by a rank-1
    /// chain, its bound minus the slack of L's (every step of the chain adds L's bound times a factor >= 1 and terms
    /// that do not depend on it), rounded upwards. (|W| Q)_j from WQ (any order of the sums: the factor covers it).
    std::array<double, 3> tight_errs(int m, int j) const {
        constexpr double u = unit_roundoff;
        if (Q.empty()) return {z_err(m, j, 0), z_err(m, j, 1), z_err(m, j, 2)};
        const int L = root[m];
        if (!WQ_made[size_t(L)]) {
            W_abs->times(&Q[size_t(L) * 3 * n_in], n_in, &WQ[size_t(L) * 3 * n], n, 3);
            WQ_made[size_t(L)] = 1;
        }
        std::array<double, 3> t = {WQ[at(L, j, 0)], WQ[at(L, j, 1)], WQ[at(L, j, 2)]};
        t[2] += gamma * std::abs((*b)(j));
        for (int c = 0; c < 3; ++c) {
            t[c] = std::min(t[c] * (1 + 4 * (n_in + 4) * u) + 2 * (n_in + 8) * DBL_TRUE_MIN, z_err(L, j, c));
            if (L == m) continue;
            const double slack = std::max(0.0, z_err(L, j, c) - t[c]) * (1 - 2 * u);
            t[c] = std::min(z_err(m, j, c), (z_err(m, j, c) - slack) * (1 + 4 * u));
        }
        return t;
    }
    /// Row j minus row `minus` (-1 none, -2 the constant 0.5) of map m as a certified line; `tight`: with the
    /// tight bounds (tight_errs) where Z_err holds row bounds, for the lines of the mesh (vertex placement).
    Line line(int m, int j, int minus = -1, bool tight = false) const {
        Line L;
        double* v[3] = {&L.a, &L.b, &L.c};
        double* e[3] = {&L.ea, &L.eb, &L.ec};
        tight = tight && !Q.empty();
        auto errs = [&](int row) {
            if (tight) return tight_errs(m, row);
            return std::array<double, 3>{z_err(m, row, 0), z_err(m, row, 1), z_err(m, row, 2)};
        };
        const std::array<double, 3> err_j = errs(j), err_minus = minus >= 0 ? errs(minus) : std::array<double, 3>{};
        for (int c = 0; c < 3; ++c) {
            *v[c] = z(m, j, c);
            *e[c] = err_j[c];
            if (minus >= 0) {  // both errors, and the subtraction's rounding
                *v[c] -= z(m, minus, c);
                *e[c] = (*e[c] + err_minus[c] + unit_roundoff * std::abs(*v[c])) * (1 + 2 * unit_roundoff);
            }
        }
        if (minus == -2) {
            L.c -= 0.5;
            L.ec += unit_roundoff * (std::abs(L.c) + 0.5);
        }
        L.src = {layer, map_face.empty() ? m : map_face[m], j, minus};
        return L;
    }
};

/// Every buffer of the arrangement, kept per thread and reused from call to call: a snapshot series allocates
/// (and page-faults) once instead of for every snapshot.
/// A mesh vertex: the intersection of two lines, with double coordinates and the sign cache of the function being
/// split by. One record (48 bytes), so that a sign decision reads one cache line.
struct Vertex {
    double x, y, err;            // coordinates and a certified bound on their error
    std::array<int, 2> lines;    // the two lines the vertex is the intersection of
    std::array<int, 2> fns;      // the function of each line (Workspace::line_fn), so fns[i] = g: exactly on g's zero set
    int stamp;                   // which function `sign` holds (-1 none)
    int8_t sign;                 // exact sign of that function here (-1, 0, +1)
    bool on_box;
};

/// A bounding box x0, x1, y0, y1 that contains nothing yet, and growing one by a vertex.
constexpr std::array<double, 4> empty_box = {INFINITY, -INFINITY, INFINITY, -INFINITY};
void extend_box(std::array<double, 4>& box, const Vertex& v) {
    box = {std::min(box[0], v.x), std::max(box[1], v.x), std::min(box[2], v.y), std::max(box[3], v.y)};
}

/// Up to this many corners of a face are kept (FaceCorners): 99.98 % of the faces whose walk splits nothing at
/// trained 128 x 3 and 256 x 3 have at most 8 (most 4 or 5), and 8 floats of each coordinate fill one cache line.
constexpr int max_corners = 8;

/// The corner test runs on a face's family when the face has at least this many candidates (refine_face): where few
/// lines cross a face, the faces are not thin strips between nearly parallel lines and it clears about a fifth of
/// the faces it is asked about (16 x 3), not worth making their records.
constexpr size_t corner_test_candidates = 8;

/// A face's corners, to decide a function's sign on the face without walking its boundary (corner_sign): vertices
/// of the face where its boundary turns (every corner of the convex polygon, perhaps a few more points of its
/// boundary), as float offsets from the centre of its bounding box; unused slots repeat a corner. NaN in dx[0]: no
/// record (more corners, or a box too large for float); infinity: not made yet (split_face makes the records of the
/// faces split while the corner test is on, corner_sign the others' when first asked). Vertices later inserted on the
/// face's edges by its neighbours' splits lie on those edges: the record spans the same polygon until the face itself
/// is split.
struct alignas(64) FaceCorners {
    std::array<float, max_corners> dx, dy;
};

/// The corners found on a boundary walk (split_one, update_box), double coordinates; n > max_corners: too many.
struct CornerList {
    int n = 0;
    std::array<double, max_corners> x, y;  // (not initialised: only the first n are read)
    void add(const Vertex& v) {
        if (n < max_corners) {
            x[size_t(n)] = v.x;
            y[size_t(n)] = v.y;
        }
        ++n;
    }
};

/// Writes the record of a face with these corners and bounding box x0, x1, y0, y1 to r.
void corner_record(const CornerList& c, const std::array<double, 4>& box, FaceCorners& r) {
    const double cx = 0.5 * (box[0] + box[1]), cy = 0.5 * (box[2] + box[3]);
    if (c.n == 0 || c.n > max_corners || !(box[1] - box[0] <= 1e30 && box[3] - box[2] <= 1e30)) {
        r.dx[0] = NAN;
        return;
    }
    for (int k = 0; k < max_corners; ++k) {
        const bool used = k < c.n;  // else the first corner again
        r.dx[size_t(k)] = static_cast<float>((used ? c.x[size_t(k)] : c.x[0]) - cx);
        r.dy[size_t(k)] = static_cast<float>((used ? c.y[size_t(k)] : c.y[0]) - cy);
    }
}

/// The smallest and largest computed value z_mid + a dx + b dy of a x + b y + c over a face's corners (record c;
/// corner_sign bounds their error). The eight corners at once (offsets below 1e30, coefficients below
/// max_magnitude: infinite or NaN only when z_mid is, and then so is the bound).
std::pair<double, double> corner_range(const FaceCorners& c, const Line& a, double z_mid) {
    using Floats = float __attribute__((vector_size(max_corners * sizeof(float))));
    using Doubles = double __attribute__((vector_size(max_corners * sizeof(double))));
    Floats dx, dy;
    std::memcpy(&dx, c.dx.data(), sizeof dx);
    std::memcpy(&dy, c.dy.data(), sizeof dy);
    const Doubles v = z_mid + a.a * __builtin_convertvector(dx, Doubles) + a.b * __builtin_convertvector(dy, Doubles);
    double lo = v[0], hi = v[0];
    for (int k = 1; k < max_corners; ++k) {
        lo = std::min(lo, v[k]);
        hi = std::max(hi, v[k]);
    }
    return {lo, hi};
}

// The smallest float >= w (w >= 0; FLT_MAX < w gives infinity).
float round_up_float(double w) {
    const float f = static_cast<float>(w);
    return static_cast<double>(f) < w ? std::nextafter(f, INFINITY) : f;
}

/// One rank-1 term of next_maps' corrections for one coefficient: W[:, i] (n), the value v added along it and its
/// error e.
struct RankOneTerm {
    const double* w = nullptr;
    double v = 0, e = 0;
};

/// One candidate's constants for the box and corner tests on every face of a family (Arrangement::family_bounds):
/// |a| + ea, |b| + eb, the box test's constant term, the corner test's.
struct FamilyBounds {
    double ax, ay, box, corner;
};

struct Workspace {
    std::vector<Vertex> V;           // #V
    std::vector<HalfEdge> H;         // #H
    std::vector<Line> lines;         // every line an edge lies on: the 4 sides of the box, then one per chord
    std::vector<int> line_fn;        // #lines: the function whose zero set the line is (global index g), -1 box sides
    std::vector<int> face_he;        // #F: one half-edge of the face
    std::vector<int> face_map;       // #F: which map of the current LayerMaps holds on the face
    std::vector<std::array<double, 4>> face_box;  // #F: bounding box x0, x1, y0, y1, to skip faces a line misses
    std::vector<FaceCorners> face_corners;        // #F: corners, to skip faces a line misses but not their box
    ActivationBits bits;             // #F rows: activation pattern, then the output ties' signs
    std::vector<int> done;           // #F: functions (hidden neurons, then ties, by global index) decided on the face
    std::vector<LayerMaps> level;    // per hidden layer: the maps of the block of faces being refined at that depth
    std::vector<std::vector<int>> level_faces;  // per hidden layer: that block's faces (grows as they split)
    LayerMaps out, out_block;        // output maps of every face; of one block before they are appended
    std::vector<double> P, P_err;    // (n_in, 3 #faces in a block), column-major: a layer's input maps, their errors
    Eigen::MatrixXd Wt;              // (n_in, n): the output layer's W transposed (small_maps)
    std::vector<float> Q_f, Z_err_f;  // dense_maps in float: Q, |W| Q
    std::vector<int> map_line;       // #maps: line index of the function being split by on each map, -1 not yet
    std::vector<int> face_pos, order, chain_terms, ref_pos;  // block scratch: places, rank-1 chains
    std::vector<int> ref_sorted, group_at;  // rank_one_faces: each face's reference, each map's first face (sorted)
    std::vector<std::pair<uint32_t, int>> keyed;  // group_by_map: each face's Z-order key, by map
    std::vector<int> map_at;         // group_by_map: where each map's faces start
    std::vector<uint8_t> across;     // #faces in a block, by place: corrected from a face of another map
    std::vector<double> X, Y;        // (n_in, #columns), (n, #columns): next_maps' columns across groups
    std::vector<std::array<double, 2>> X_bound;  // #columns: max and 2-norm of each X column, rounded upwards
    std::vector<int> differ, differ_at, differ_of;  // rank_one_faces: the previous-layer neurons in which each face
                                                    // and its reference differ, where they start, by place
    std::vector<std::pair<int, double>> terms;  // next_maps: their slope changes
    std::vector<double> slopes;      // n_in: one face's slopes of the previous layer
    std::vector<int> cyc, zero_edges;  // a face's half-edges (result); those of the face being split with both ends on the zero set
    std::vector<int> family;         // the face being refined by a layer and the faces split from it
    std::vector<int> candidates;     // the neurons whose lines may cross that face (refine_face)
    std::vector<Line> cand_line;     // refine_face: each candidate's line on the family's map
    std::vector<FamilyBounds> cand_bounds;  // and its constants for the tests (family_bounds)
    std::vector<std::vector<int>> cand_faces;  // and the faces of the family it may cross (test_parts)
    std::vector<uint64_t> undecided;  // per face of the family, a row of bits: the candidates it has left
    std::vector<uint8_t> cand, on;   // n rounded up to whole words: refine_face's filter's candidate flags and bits
    std::vector<std::vector<MeshSegment>> segments;  // per function: the edges where its bit changes
    std::vector<MeshSegment> segments_tie;            // the decision boundary's edges
    std::vector<int> key_of, key_vertex;          // polylines: vertex -> its key (-1 none), key -> vertex
    std::vector<std::pair<int, int>> key_segments;
    std::vector<int> parent, root_id, degree;      // linear_regions' union-find; result's vertex degrees
    std::vector<int> he_face;        // #H: each half-edge's face, compact, for result's passes over the edges
    std::vector<std::array<double, 2>> face_key;  // #F: each face's first output-map coefficient and its bound
    std::vector<int> merge, boundary;  // lower half-edges of the edges to merge (linear_regions), to draw
    std::vector<int> tie_faces, cls;   // decision_boundary: every face, then its predicted class
    KeyChains chains;
};

/// Makes v at least `size` long without shrinking it: a block's buffers are sized by the largest block so far, and
/// are neither zero-filled again nor reallocated from block to block.
template <typename T>
void grow(std::vector<T>& v, size_t size) {
    if (v.size() < size) v.resize(size);
}

/// refine_face's filter over n neurons (maps gx, gy, h and their certified errors, contiguous): with z the value at the
/// centre (cx, cy) of a box of half-sizes (hw, hh), bit[j] = z > 0, and cand[j] = 1 unless |z| exceeds room, the
/// largest change across the box plus the certified error of the evaluation (face_sign's box test, term for
/// term), i.e. unless the neuron certainly has one sign on the box (NaN and infinite values: candidates).
/// Branch-free, in one pass, so that it vectorises.
void filter_neurons(int n, const double* gx, const double* gy, const double* h, const double* gx_err,
                    const double* gy_err, const double* h_err, std::array<double, 4> centre_half,
                    uint8_t* __restrict bit, uint8_t* __restrict cand) {
    const auto [cx, cy, hw, hh] = centre_half;
    const double acx = std::abs(cx), acy = std::abs(cy);
    for (int j = 0; j < n; ++j) {
        const double ea = gx_err[j], eb = gy_err[j], ec = h_err[j];
        const double z = gx[j] * cx + gy[j] * cy + h[j];
        double room = (std::abs(gx[j]) + ea) * hw + (std::abs(gy[j]) + eb) * hh + ea * acx + eb * acy + ec +
                      4 * unit_roundoff * (std::abs(gx[j] * cx) + std::abs(gy[j] * cy) + std::abs(h[j]));
        room = room * (1 + 16 * unit_roundoff) + 16 * DBL_TRUE_MIN;
        bit[j] = z > 0;
        cand[j] = uint8_t(1 - (int(std::abs(z) - room > 0) & int(std::abs(z) < INFINITY)));
    }
}

/// K rank-1 terms of one coefficient in one pass over its n entries: t = s + sum_q w_q v_q, t_err = (s_err +
/// sum_q |w_q| e_q) scale + floor, where s = t_r and s_err = t_r_err + g |t_r| for the first pass of a face (`first`),
/// else t and t_err themselves (a face with more than K terms). The terms are added in order, as K passes would
/// add them, and |w_q| is taken on the fly (exact): the pass reads each W column once and the face's values and
/// bounds once, instead of once per term.
template <int K, bool first>
void rank_one_pass(int n, const double* __restrict t_r, const double* __restrict t_r_err, double g,
                   const RankOneTerm* terms, double scale, double floor, double* __restrict t,
                   double* __restrict t_err) {
    const double* __restrict w[K > 0 ? K : 1];
    double v[K > 0 ? K : 1], e[K > 0 ? K : 1];
    for (int q = 0; q < K; ++q) w[q] = terms[q].w, v[q] = terms[q].v, e[q] = terms[q].e;
    for (int j = 0; j < n; ++j) {
        double z = first ? t_r[j] : t[j];
        double z_err = first ? t_r_err[j] + g * std::abs(t_r[j]) : t_err[j];
        for (int q = 0; q < K; ++q) {
            z += w[q][j] * v[q];
            z_err += std::abs(w[q][j]) * e[q];
        }
        t[j] = z;
        t_err[j] = z_err * scale + floor;
    }
}

/// rank_one_pass for k <= 4 terms (k = 0 only for the first pass).
void rank_one_pass_of(int k, bool first, int n, const double* t_r, const double* t_r_err, double g,
                      const RankOneTerm* terms, double scale, double floor, double* t, double* t_err) {
    if (first) {
        switch (k) {
            case 0: rank_one_pass<0, true>(n, t_r, t_r_err, g, terms, scale, floor, t, t_err); break;
            case 1: rank_one_pass<1, true>(n, t_r, t_r_err, g, terms, scale, floor, t, t_err); break;
            case 2: rank_one_pass<2, true>(n, t_r, t_r_err, g, terms, scale, floor, t, t_err); break;
            case 3: rank_one_pass<3, true>(n, t_r, t_r_err, g, terms, scale, floor, t, t_err); break;
            default: rank_one_pass<4, true>(n, t_r, t_r_err, g, terms, scale, floor, t, t_err); break;
        }
        return;
    }
    switch (k) {
        case 1: rank_one_pass<1, false>(n, nullptr, nullptr, 0, terms, scale, floor, t, t_err); break;
        case 2: rank_one_pass<2, false>(n, nullptr, nullptr, 0, terms, scale, floor, t, t_err); break;
        case 3: rank_one_pass<3, false>(n, nullptr, nullptr, 0, terms, scale, floor, t, t_err); break;
        default: rank_one_pass<4, false>(n, nullptr, nullptr, 0, terms, scale, floor, t, t_err); break;
    }
}

/// next_maps' rank-1 terms (i, s) of one face of a layer of N <= small_layer neurons (the output layer) in one loop
/// over its three coefficients (3 N entries, contiguous: t_r, t_r_err of its reference, t, t_err its own; W
/// (N, n_in) column-major), in registers, instead of a pass per coefficient: the same sums in the same order as
/// rank_one_pass (so the same values and bounds), without its per-pass overhead on N entries.
template <int N>
void rank_one_small(const double* t_r, const double* t_r_err, double g, const std::vector<std::pair<int, double>>& terms,
                    const double* W, const LayerMaps& prev, int m_r, double scale, double floor, double* t,
                    double* t_err) {
    constexpr double u = unit_roundoff;
    double z[3 * N], z_err[3 * N];
    for (int j = 0; j < 3 * N; ++j) {
        z[j] = t_r[j];
        z_err[j] = t_r_err[j] + g * std::abs(t_r[j]);
    }
    for (const auto& [i, s] : terms) {
        const double* w = W + size_t(i) * N;
        for (int c = 0; c < 3; ++c) {
            const double v = s * prev.z(m_r, i, c), e = std::abs(s) * prev.z_err(m_r, i, c) + (u + g) * std::abs(v);
            for (int j = 0; j < N; ++j) {
                z[c * N + j] += w[j] * v;
                z_err[c * N + j] += std::abs(w[j]) * e;
            }
        }
    }
    for (int j = 0; j < 3 * N; ++j) {
        t[j] = z[j];
        t_err[j] = z_err[j] * scale + floor;
    }
}

/// One column term of next_maps' corrections across groups: y = W x (n, computed), the row bound of |W| |x| (x's
/// largest entry and 2-norm, against |W|'s row sums R and row norms N, times gamma_y), and the value a added along
/// y with its error e and a_mag = |a| + its error.
struct ColumnTerm {
    const double *y = nullptr, *R = nullptr, *N = nullptr;
    double x_max = 0, x_norm = 0, gamma_y = 0, floor_y = 0, a = 0, e = 0, a_mag = 0;
};

/// t += y a, t_err = (t_err + |y| e + eps a_mag) scale + floor over n entries, eps = gamma_y min(R x_max, N x_norm)
/// + floor_y: y's own error (|W y - W y_exact| <= gamma |W| |x|, Hoelder and Cauchy-Schwarz as row_bound_product).
void rank_one_add_column(int n, const ColumnTerm& term, double scale, double floor, double* __restrict t,
                         double* __restrict t_err) {
    const double* __restrict y = term.y;
    const double* __restrict R = term.R;
    const double* __restrict N = term.N;
    const double a = term.a, e = term.e, a_mag = term.a_mag, x_max = term.x_max, x_norm = term.x_norm;
    for (int j = 0; j < n; ++j) {
        const double eps = term.gamma_y * std::min(R[j] * x_max, N[j] * x_norm) + term.floor_y;
        t[j] += y[j] * a;
        t_err[j] = (t_err[j] + std::abs(y[j]) * e + eps * a_mag) * scale + floor;
    }
}

// An upper bound on ||q||_2 (n_in entries, largest magnitude q_max, finite), computed on q / q_max: the division's
// and the squares' rounding is within the factor `up` (1 + 4 (n_in + 4) u) applied, and squares that underflow are
// covered by n_in DBL_MIN; infinity when q_max is too small to divide by.
double norm_bound(const Eigen::Ref<const Eigen::VectorXd>& q, double q_max, double up) {
    if (!(q_max > 1e-280)) return INFINITY;
    const double ss = (q * (1 / q_max)).squaredNorm();  // in any order
    return std::sqrt(ss * up * up + double(q.size()) * DBL_MIN) * q_max * up;
}

/// One coefficient of a face's layer input, the previous layer's maps times the face's slopes (n_in): p = s z and
/// its error q = |s| (z_err + g |z|) (g: the next product's gamma and the slope's rounding).
void masked_input(int n_in, const double* __restrict slopes, const double* __restrict z,
                  const double* __restrict z_err, double g, double* __restrict p, double* __restrict q) {
    for (int i = 0; i < n_in; ++i) {
        p[i] = slopes[i] * z[i];
        q[i] = std::abs(slopes[i]) * (z_err[i] + g * std::abs(z[i]));
    }
}

/// masked_input with q in float, raised to at least FLT_MIN and rounded to nearest: at least (1 - 2^-24) q; exactly
/// 0 where the slope is (an inactive ReLU neuron: q is 0, and the packed product skips the row, as it skips p's).
void masked_input_float(int n_in, const double* __restrict slopes, const double* __restrict z,
                        const double* __restrict z_err, double g, double* __restrict p, float* __restrict q) {
    using Floats = float __attribute__((vector_size(simd_doubles * sizeof(float))));
    using Bits = int64_t __attribute__((vector_size(sizeof(SimdDouble))));
    const SimdDouble floor = SimdDouble{} + double(FLT_MIN);
    int i = 0;
    for (; i + simd_doubles <= n_in; i += simd_doubles) {  // the same values as the loop below, by vectors
        const SimdDouble s_i = load_simd(slopes + i), z_i = load_simd(z + i), p_i = s_i * z_i;
        std::memcpy(p + i, &p_i, sizeof p_i);
        const SimdDouble q_d = abs_simd(s_i) * (load_simd(z_err + i) + g * abs_simd(z_i));
        const Bits above = q_d > floor, active = s_i != SimdDouble{};  // lanes all ones or all zeros
        const Bits raised = ((Bits)q_d & above) | ((Bits)floor & ~above);
        const Floats q_f = __builtin_convertvector((SimdDouble)(raised & active), Floats);
        std::memcpy(q + i, &q_f, sizeof q_f);
    }
    for (; i < n_in; ++i) {
        p[i] = slopes[i] * z[i];
        const float q_i =
            static_cast<float>(std::max(std::abs(slopes[i]) * (z_err[i] + g * std::abs(z[i])), double(FLT_MIN)));
        q[i] = slopes[i] == 0 ? 0.0f : q_i;
    }
}

/// Refuses networks whose pre-activation terms could overflow the filters: the magnitude of every term, bounded
/// layer by layer over the box (|W| m + |b|), must stay below max_magnitude.
void check_scale(const Network& net) {
    const Box& d = net.domain;
    double m = std::max({std::abs(d.x0), std::abs(d.x1), std::abs(d.y0), std::abs(d.y1)});
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const DenseLayer& L = net.layers[l];
        const double next = (L.W.cwiseAbs().rowwise().sum().array() * m + L.b.cwiseAbs().array()).maxCoeff() +
                            (L.residual ? m : 0.0);
        if (!(next <= max_magnitude)) {
            char reach[32];
            std::snprintf(reach, sizeof reach, "%.3g", next);
            throw Error("compute_geometry", "layer " + std::to_string(l + 1) + "'s pre-activation terms reach " +
                        reach + " over the domain", "at most 1e100 for exact geometry",
                        "the weights (or the domain) are absurdly large; rescale them");
        }
        m = next * std::max(1.0, L.negative_slope.size() ? L.negative_slope.cwiseAbs().maxCoeff() : 0.0);  // |act(z)|
    }
}

class Arrangement {
public:
    Arrangement(const Network& net, Workspace& ws);
    /// Refines `faces` (the faces at the start of hidden layer l, 0-based) by layer l's neurons, then recursively
    /// by the deeper layers, in blocks of faces: only one block's maps per layer exist at a time. The deepest
    /// blocks append their faces' output maps.
    void refine(int l, const std::vector<int>& faces);
    Geometry result(const GeometryOptions& options);

private:
    // One affine function per face map: row `row` (minus row `minus`) of the maps, evaluated at vertices with a
    // cache stamp.
    struct FaceFunction {
        const LayerMaps* maps;
        int row, minus;
        Line line(int m) const { return maps->line(m, row, minus); }
    };
    int vertex_sign(int v, const Line& z, int g);
    int sign_of(int v, const Line& z, int g) { return V_[v].stamp == g ? V_[v].sign : vertex_sign(v, z, g); }
    int add_vertex(int line1, int line2, bool on_box);
    int line_on(int f, const FaceFunction& fn, int g);
    int split_edge(int e, int f, const FaceFunction& fn, int g);
    void split_by(const FaceFunction& fn, int g, uint8_t zero_bit, std::vector<int>& faces);
    /// Decides function g on face f (split_by): at once when the box test clears the face (most faces, inline), else
    /// by split_one's walk.
    void decide(int f, const FaceFunction& fn, const Line& a, int g, uint8_t zero_bit, std::vector<int>& faces) {
        done_[f] = g + 1;
        if (const int s = face_sign(f, a)) set_state(f, g, s > 0);  // the zero line misses the face
        else split_one(f, fn, a, g, zero_bit, faces);
    }
    void split_one(int f, const FaceFunction& fn, const Line& a, int g, uint8_t zero_bit, std::vector<int>& faces);
    void refine_face(int f, const LayerMaps& maps, int l, std::vector<int>& faces);
    /// What split_one's boundary walk found: the zero vertices (u: before the negative run, w: before the positive
    /// run) by their half-edges and the half-edges ending there, and the bounding boxes of the two sides.
    struct Cut {
        int n_zero = 0, eu = -1, pu = -1, ew = -1, pw = -1;
        std::array<double, 4> box_pos = empty_box, box_neg = empty_box;
        CornerList corners_pos, corners_neg;  // when the corner test is on
    };
    void split_face(int f, int g, int line, const Cut& cut);
    inline int face_sign(int f, const Line& a);
    int corner_sign(int f, const Line& a, double z_mid);
    /// Upper bounds on every stored box (face_box_) of a family's faces, whatever the splits (family_extent): the
    /// largest |x|, |y|, width and height.
    struct FamilyExtent {
        double mx = 0, my = 0, w = 0, h = 0;
    };
    FamilyExtent family_extent(const std::array<double, 4>& box) const;
    static FamilyBounds family_bounds(const Line& a, const FamilyExtent& e);
    /// A face's box as the tests read it: centre and half-sizes (widened by coord_err_).
    struct FaceFrame {
        double cx, cy, hw, hh;
    };
    inline int family_sign(int f, const FaceFrame& b, const Line& a, const FamilyBounds& t);
    void test_parts(int f, int n0, int x, int y, size_t k, int g0);
    /// Face f's bit of function g: a hidden neuron's state, or an output tie's value (1, 0, 2 equal on the face).
    uint8_t state(int f, int g) const { return g < n_neurons_ ? uint8_t(bits_.on(f, g)) : bits_.ties(f)[g - n_neurons_]; }
    void set_state(int f, int g, uint8_t v) {
        if (g < n_neurons_) bits_.set(f, g, v != 0);
        else bits_.ties(f)[g - n_neurons_] = v;
    }
    void update_box(int f);
    void update_corners(int f);
    void next_maps(const DenseLayer& L, int prev_layer, std::vector<int>& faces, LayerMaps& out);
    void dense_maps(const DenseLayer& L, int prev_layer, const std::vector<int>& faces, int n_dense, double gamma,
                    bool row_bounds, LayerMaps& out);
    void small_maps(const DenseLayer& L, int prev_layer, const std::vector<int>& faces, int n_dense, double gamma,
                    LayerMaps& out);
    int rank_one_faces(int prev_layer, std::vector<int>& faces, bool across);
    void across_columns(const DenseLayer& L, int prev_layer, const std::vector<int>& faces, int n_dense);
    bool row_bounds_at(int layer) const;
    const double* face_slopes(int layer, int f);
    const PackedMatrix& packed(int layer, bool abs);
    void row_bound_product(int layer, const Eigen::Map<Eigen::MatrixXd>& Q, Eigen::Map<Eigen::MatrixXd>& Z_err) const;
    void group_by_map(std::vector<int>& faces);
    void append_output_maps(std::vector<int>& faces);
    std::vector<Polyline> decision_boundary();
    void scan_edges();
    int64_t linear_regions(std::vector<int>* linear_id);
    std::vector<Polyline> polylines(const std::vector<MeshSegment>& segments);

    const Network& net_;
    std::vector<Eigen::MatrixXd> W_abs_;  // per layer: |W|
    std::vector<Eigen::MatrixXd> W_abs_t_;  // per layer: |W| transposed (small_maps)
    std::vector<PackedMatrixF> W_abs_up_;  // per layer: |W| rounded up to float (dense_maps), packed
    std::vector<PackedMatrix> W_packed_, W_abs_packed_;  // per layer: W and |W| packed for the maps' products
    std::vector<Eigen::VectorXd> W_row_sum_, W_row_norm_;  // per layer (n): upper bounds on |W| 1 and ||W_j||_2
    std::vector<Eigen::VectorXd> below_;  // per layer (n): each neuron's slope below zero (slope_below)
    std::vector<int> layer_offset_;  // global index of each hidden layer's first neuron
    int n_neurons_ = 0;
    int stride_ = 0;                 // functions per face: n_neurons_ hidden neurons, then the output tie functions
    double coord_tol_ = 0;           // coord_accuracy times the domain's size
    double coord_err_ = 0;           // the largest certified coordinate error of any vertex
    bool corner_test_ = false;       // family_sign tries the corners too (refine_face, a face with many candidates)
    Workspace& ws_;
    std::vector<Vertex>& V_;
    ActivationBits& bits_;
    std::vector<int>&face_he_, &face_map_, &done_, &cyc_;
    std::vector<HalfEdge>& H_;
    std::vector<Line>& lines_;
    std::vector<std::array<double, 4>>& face_box_;
    std::vector<FaceCorners>& face_corners_;
    LayerMaps& out_;                 // output maps (logits) per face
    ExactLines exact_;
    std::vector<int64_t> per_layer_;
    std::vector<std::vector<MeshSegment>>& segments_;  // per function: where its bit changes (chords, zero edges)
    int64_t n_decisions_ = 0;
};

int n_tie_functions(const Network& net) {
    const int k = net.n_outputs();
    return net.head == Head::softmax ? k * (k - 1) / 2 : 1;
}

std::vector<int> layer_offsets(const Network& net) {
    std::vector<int> offset = {0};
    for (int l = 0; l + 1 < net.n_hidden_layers(); ++l) offset.push_back(offset.back() + net.layers[l].n_out());
    return offset;
}

Arrangement::Arrangement(const Network& net, Workspace& ws)
    : net_(net), layer_offset_(layer_offsets(net)), n_neurons_(net.n_neurons()),
      stride_(n_neurons_ + n_tie_functions(net)), ws_(ws), V_(ws.V),
      bits_(ws.bits), face_he_(ws.face_he), face_map_(ws.face_map),
      done_(ws.done), cyc_(ws.cyc), H_(ws.H), lines_(ws.lines), face_box_(ws.face_box),
      face_corners_(ws.face_corners), out_(ws.out),
      exact_(net, ws.bits, layer_offset_), segments_(ws.segments) {
    for (const DenseLayer& L : net.layers) {
        W_abs_.push_back(L.W.cwiseAbs());
        W_abs_t_.push_back(W_abs_.back().transpose());
        W_abs_up_.emplace_back();  // when first needed
        W_packed_.emplace_back();
        W_abs_packed_.emplace_back();
        below_.emplace_back(L.n_out());
        for (int i = 0; i < L.n_out(); ++i) below_.back()(i) = L.slope_below(i);
        // Sums of non-negative terms and a square root, each within 2 (n_in + 2) u of the exact value; + n_in
        // DBL_MIN for squares that underflow.
        const double up = 1 + 4 * (L.n_in() + 2) * unit_roundoff;
        W_row_sum_.push_back(W_abs_.back().rowwise().sum() * up);
        W_row_norm_.push_back(((W_abs_.back().rowwise().squaredNorm() * up).array() + L.n_in() * DBL_MIN).sqrt() * up);
    }
    for (auto* v : {&face_he_, &face_map_, &done_, &ws.line_fn}) v->clear();
    V_.clear();
    H_.clear();
    lines_.clear();
    face_box_.clear();
    face_corners_.clear();
    const Box& d = net.domain;
    coord_tol_ = coord_accuracy * std::max({std::abs(d.x0), std::abs(d.x1), std::abs(d.y0), std::abs(d.y1),
                                            d.width(), d.height()});
    // The box, counter-clockwise: sides 0 bottom, 1 right, 2 top, 3 left (exact lines); corner i joins sides
    // i - 1 and i; one face, four half-edges without twins.
    const double at[4] = {d.y0, d.x1, d.y1, d.x0};
    for (int s = 0; s < 4; ++s) {
        Line L;
        (s % 2 == 0 ? L.b : L.a) = 1;
        L.c = -at[s];
        L.src = {-1, s, 0, -1};
        lines_.push_back(L);
        ws.line_fn.push_back(-1);
    }
    for (int i = 0; i < 4; ++i) add_vertex((i + 3) % 4, i, /*on_box=*/true);
    for (int i = 0; i < 4; ++i) H_.push_back({i, -1, (i + 1) % 4, 0, i});
    face_he_.push_back(0);
    face_map_.push_back(0);
    done_.push_back(0);
    face_box_.emplace_back();
    face_corners_.emplace_back();
    update_box(0);
    bits_.reset(n_neurons_, stride_ - n_neurons_);
    segments_.resize(std::max(segments_.size(), size_t(stride_)));  // clear, not shrink: the buffers keep their capacity
    for (auto& s : segments_) s.clear();
    ws.key_of.clear();
    per_layer_.assign(net.n_hidden_layers(), 0);
    ws_.level.resize(net.n_hidden_layers());
    ws_.level_faces.resize(net.n_hidden_layers());
    // out_.Z and Z_err keep their size from call to call (append_output_maps).
    out_.map_face.clear();
    out_.n_maps = 0;
    out_.layer = net.n_hidden_layers();
    out_.n = net.n_outputs();
}

// A vertex at the intersection of two lines: coordinates by Cramer's rule in double when their certified error
// is below coord_tol_, else from the two lines refined in double-double (their bounds tighten from the maps'
// running ones to about u of each coefficient; kept in lines_ for the line's later vertices), else rounded from
// the exact rational point.
int Arrangement::add_vertex(int line1, int line2, bool on_box) {
    double x = 0, y = 0, err = 0;
    auto certified = [&] { return filtered_point(lines_[line1], lines_[line2], x, y, err) && err <= coord_tol_; };
    bool ok = certified();
    const Line &l1 = lines_[line1], &l2 = lines_[line2];
    if (!ok && l1.a * l2.b - l2.a * l1.b != 0 && !(l1.refined && l2.refined)) {  // (D = 0: most likely parallel)
        lines_[line1] = exact_.refined(lines_[line1]);
        lines_[line2] = exact_.refined(lines_[line2]);
        ok = certified();
    }
    if (!ok) {
        const auto p = exact_.point(lines_[line1].src, lines_[line2].src);
        x = p[0];
        y = p[1];
        err = 2 * unit_roundoff * (std::abs(x) + std::abs(y)) + DBL_TRUE_MIN;
    }
    coord_err_ = std::max(coord_err_, err);
    // + 0.0: no -0 in the output
    V_.push_back({x + 0.0, y + 0.0, err, {line1, line2}, {ws_.line_fn[line1], ws_.line_fn[line2]}, -1, 0, on_box});
    return static_cast<int>(V_.size()) - 1;
}

void Arrangement::update_box(int f) {
    std::array<double, 4> box = empty_box;
    int e = face_he_[f];
    do {
        extend_box(box, V_[H_[e].origin]);
        e = H_[e].next;
    } while (e != face_he_[f]);
    face_box_[f] = box;
    face_corners_[f].dx[0] = INFINITY;  // made when first needed (corner_sign)
}

// Face f's corner record (its box set): a vertex is a corner unless the edges before and after it lie on the same
// line. Starts at face_he_[f], whose edge before is the last one.
void Arrangement::update_corners(int f) {
    CornerList corners;
    const int first = face_he_[f];
    int e = first, line = H_[first].line;
    do {
        const HalfEdge& h = H_[e];
        if (h.line != line) corners.add(V_[h.origin]);
        line = h.line;
        e = h.next;
    } while (e != first);
    if (line != H_[first].line) corners.add(V_[H_[first].origin]);
    corner_record(corners, face_box_[f], face_corners_[f]);
}

// +1 or -1 when a x + b y + c certainly has that sign (non-zero) on the whole face, else 0. First the box: its value
// at the centre of the face's bounding box (widened by the largest vertex error) exceeds the largest change across
// the box plus the certified error of the evaluation. (On a family, refine_face's family_sign also tries the corners.)
inline int Arrangement::face_sign(int f, const Line& a) {
    const auto& box = face_box_[f];
    const double cx = 0.5 * (box[0] + box[1]), cy = 0.5 * (box[2] + box[3]);
    const double hw = 0.5 * (box[1] - box[0]) + coord_err_, hh = 0.5 * (box[3] - box[2]) + coord_err_;
    const double z_mid = a.a * cx + a.b * cy + a.c;
    double room = (std::abs(a.a) + a.ea) * hw + (std::abs(a.b) + a.eb) * hh + a.ea * std::abs(cx) +
                  a.eb * std::abs(cy) + a.ec + 4 * unit_roundoff * (std::abs(a.a * cx) + std::abs(a.b * cy) + std::abs(a.c));
    room = room * (1 + 16 * unit_roundoff) + 16 * DBL_TRUE_MIN;
    if (!std::isfinite(z_mid) || !std::isfinite(room)) return 0;
    return std::abs(z_mid) > room ? (z_mid > 0 ? 1 : -1) : 0;
}

// Bounds on the stored boxes of every face of face f's family (box: f's), whatever its splits: a vertex made in
// the family is within its error err of an exact point of f, which lies within e0 = coord_err_ of f's box (f's
// vertices' errors); err <= coord_tol_ (add_vertex's certified points) or err = 2 u (|x| + |y|) + DBL_TRUE_MIN (a
// rounded exact point, |x| + |y| <= mx0 + my0 + 2 e0 + 2 err), so err <= E below, and every coordinate of such a
// vertex is within e0 + err <= 2 E of f's box.
Arrangement::FamilyExtent Arrangement::family_extent(const std::array<double, 4>& box) const {
    constexpr double u = unit_roundoff;
    const double mx0 = std::max(std::abs(box[0]), std::abs(box[1])), my0 = std::max(std::abs(box[2]), std::abs(box[3]));
    const double e0 = std::max(coord_tol_, coord_err_);
    const double E = (e0 + 4 * u * (mx0 + my0 + 4 * e0) + DBL_TRUE_MIN) * (1 + 8 * u);
    const double up = 1 + 8 * u;  // covers the rounding of the sums below
    return {(mx0 + 2 * E) * up, (my0 + 2 * E) * up, (box[1] - box[0] + 4 * E) * up, (box[3] - box[2] + 4 * E) * up};
}

// The box test, then the corner test, of face_sign and corner_sign for one candidate (a) on every face of a family
// (extent e), their face-independent terms bounded once: |cx| <= mx (the centre of a stored box lies between its
// ends, and rounding is monotone), |cy| <= my, the box's width w <= e.w, h <= e.h. Every term of those bounds is
// non-negative and grows with these, so the bounds are at least theirs. corner_sign's terms in its corners' error
// ex = coord_err_ + ex' (ex' = 2^-23 w + FLT_TRUE_MIN) are (2 ea + |a| (1 + 4 u)) coord_err_ <= 2 (|a| + ea)
// coord_err_ (likewise in y), added per face (family_sign: coord_err_ grows as the family splits); the others
// are in `corner`. Rounding: each sum has at most 16 rounded non-negative terms, covered (with the per-face sums)
// by the factor 1 + 32 u; the factor 4 u covers z_mid's own rounding as in face_sign.
FamilyBounds Arrangement::family_bounds(const Line& a, const FamilyExtent& e) {
    constexpr double u = unit_roundoff;
    const double aa = std::abs(a.a), ab = std::abs(a.b);
    // z_mid's certified error (face_sign) over the family.
    const double z_err = a.ea * e.mx + a.eb * e.my + a.ec + 4 * u * (aa * e.mx + ab * e.my + std::abs(a.c));
    const double ex = 0x1p-23 * e.w + FLT_TRUE_MIN, ey = 0x1p-23 * e.h + FLT_TRUE_MIN;
    const double corner = z_err + a.ea * (e.w + 2 * ex) + a.eb * (e.h + 2 * ey) + aa * ex + ab * ey +
                          4 * u * (aa * (e.w + ex) + ab * (e.h + ey));
    return {aa + a.ea, ab + a.eb, z_err, corner};
}

// +1 or -1 when a x + b y + c certainly has that sign on the whole face f of a family (its box b), else 0: the box
// test, then the corner test (refine_face's families with corner_test_ on), with the candidate's constants t
// (family_bounds).
inline int Arrangement::family_sign(int f, const FaceFrame& b, const Line& a, const FamilyBounds& t) {
    constexpr double u = unit_roundoff;
    const double z_mid = a.a * b.cx + a.b * b.cy + a.c, az = std::abs(z_mid);
    const double room = (t.ax * b.hw + t.ay * b.hh + t.box) * (1 + 32 * u) + 16 * DBL_TRUE_MIN;
    if (az > room && az < INFINITY) return z_mid > 0 ? 1 : -1;  // (NaN or infinite constants: never)
    const FaceCorners& c = face_corners_[f];
    if (c.dx[0] == INFINITY) update_corners(f);
    if (std::isnan(c.dx[0])) return 0;  // no record
    const auto [lo, hi] = corner_range(c, a, z_mid);
    const double bound = (t.corner + 2 * (t.ax + t.ay) * coord_err_ + 4 * u * az) * (1 + 32 * u) + 16 * DBL_TRUE_MIN;
    return lo > bound ? 1 : hi < -bound ? -1 : 0;
}

// After candidate k split face x of the family into x and y (refine_face): both are tested (box, then corners)
// against the candidates after k that x had left (its row of ws_.undecided), since they shrank; a candidate cleared
// on a part gets its bit there, the others stay in the part's row, and y joins their lists of faces (ws_.cand_faces).
// y's row of activation bits is x's copy, with the bits of the candidates x had cleared. g0: the layer's first
// function; n0: the index of the first face split from the family's first face f (row 0).
void Arrangement::test_parts(int f, int n0, int x, int y, size_t k, int g0) {
    const size_t words = (ws_.candidates.size() + 63) / 64;
    ws_.undecided.resize(ws_.undecided.size() + words);  // y's row (faces from n0 on are split in order)
    auto row = [&](int face) { return &ws_.undecided[size_t(face == f ? 0 : face - n0 + 1) * words]; };
    uint64_t *rx = row(x), *ry = row(y);
    auto frame = [&](int face) {
        const auto& box = face_box_[face];
        return FaceFrame{0.5 * (box[0] + box[1]), 0.5 * (box[2] + box[3]), 0.5 * (box[1] - box[0]) + coord_err_,
                         0.5 * (box[3] - box[2]) + coord_err_};
    };
    const FaceFrame bx = frame(x), by = frame(y);
    const int* cand = ws_.candidates.data();
    for (size_t w = 0; w < words; ++w) {
        uint64_t left = w < k / 64 ? 0 : rx[w];
        if (w == k / 64) left &= ~((2ull << (k % 64)) - 1);  // after k (k % 64 = 63: none in this word)
        ry[w] = 0;
        for (; left != 0; left &= left - 1) {
            const uint64_t bit = left & -left;
            const size_t c = w * 64 + size_t(std::countr_zero(left));
            const Line& a = ws_.cand_line[c];
            const FamilyBounds& t = ws_.cand_bounds[c];
            if (const int s = family_sign(x, bx, a, t)) {
                bits_.set(x, g0 + cand[c], s > 0);  // the zero line misses the face
                rx[w] &= ~bit;
            }
            if (const int s = family_sign(y, by, a, t)) {
                bits_.set(y, g0 + cand[c], s > 0);
            } else {
                ry[w] |= bit;
                ws_.cand_faces[c].push_back(y);
            }
        }
    }
}

// The corner test: +1 or -1 when a x + b y + c certainly has that sign at every corner of face f (its record), else
// 0. A linear function's extremes over a convex polygon are at its corners, so then it has that sign on the whole
// face: exact. z_mid: the function at the centre (cx, cy) of the face's box, computed as face_sign does. Bound: a
// corner p* (exact) is within E = coord_err_ + 2^-23 w + FLT_TRUE_MIN of (cx + dx, cy + dy) in x (w the box's
// width; the vertex's error, the offset's rounding in double and then float, |x - cx| <= w), likewise in y; the
// exact z(p*) = z(c) + a*(p*x - cx) + b*(p*y - cy), so |z(p*) - computed| <= (z_mid's error: ea |cx| + eb |cy| + ec
// and its rounding) + ea (w + 2 Ex) + eb (h + 2 Ey) + |a| Ex + |b| Ey + (the rounding of z_mid + a dx + b dy).
int Arrangement::corner_sign(int f, const Line& a, double z_mid) {
    const FaceCorners& c = face_corners_[f];
    if (c.dx[0] == INFINITY) update_corners(f);
    if (std::isnan(c.dx[0])) return 0;  // no record
    const auto [lo, hi] = corner_range(c, a, z_mid);
    if (!(lo > 0) && !(hi < 0)) return 0;  // both signs, or a zero: the bound (> 0) cannot decide
    constexpr double u = unit_roundoff;
    const auto& box = face_box_[f];
    const double cx = 0.5 * (box[0] + box[1]), cy = 0.5 * (box[2] + box[3]);
    const double w = box[1] - box[0], h = box[3] - box[2];
    const double ex = coord_err_ + 0x1p-23 * w + FLT_TRUE_MIN, ey = coord_err_ + 0x1p-23 * h + FLT_TRUE_MIN;
    const double aa = std::abs(a.a), ab = std::abs(a.b);
    double bound = a.ea * std::abs(cx) + a.eb * std::abs(cy) + a.ec +
                   4 * u * (std::abs(a.a * cx) + std::abs(a.b * cy) + std::abs(a.c)) + a.ea * (w + 2 * ex) +
                   a.eb * (h + 2 * ey) + aa * ex + ab * ey + 4 * u * (std::abs(z_mid) + aa * (w + ex) + ab * (h + ey));
    bound = bound * (1 + 16 * u) + 16 * DBL_TRUE_MIN;
    if (!std::isfinite(bound)) return 0;  // (also when z_mid is not finite)
    return lo > bound ? 1 : hi < -bound ? -1 : 0;
}

// Sign of function g at vertex v; z: g on the face that asks (its map's line). Cached per vertex (stamp g): the
// cache is read inline (sign_of), this decides and fills it.
int Arrangement::vertex_sign(int v, const Line& z, int g) {
    Vertex& p = V_[v];
    ++n_decisions_;
    p.stamp = g;
    // A vertex made by splitting for this very function lies on its zero set (on the line of some face's map, and
    // the function is continuous): exactly zero, whichever face asks (the cache may have been overwritten since).
    if (p.fns[0] == g || p.fns[1] == g) return p.sign = 0;
    int s = filtered_sign(z, p.x, p.y, p.err);
    if (s == 2) s = exact_.refined_sign(z, p.x, p.y, p.err);
    if (s == 2) s = exact_.sign_at(lines_[p.lines[0]].src, lines_[p.lines[1]].src, z.src);
    p.sign = static_cast<int8_t>(s);
    return s;
}

// The line of function g on face f's map, added to lines_ the first time a face of that map needs it.
int Arrangement::line_on(int f, const FaceFunction& fn, int g) {
    int& id = ws_.map_line[face_map_[f]];
    if (id < 0) {
        id = static_cast<int>(lines_.size());
        lines_.push_back(fn.maps->line(face_map_[f], fn.row, fn.minus, /*tight=*/true));
        ws_.line_fn.push_back(g);
    }
    return id;
}

// Splits half-edge e (a -> b, and its twin) where the line of function g crosses it (a and b have strictly opposite
// signs). The new vertex is exactly on the zero set (sign 0); returns the new half-edge m -> b.
int Arrangement::split_edge(int e, int f, const FaceFunction& fn, int g) {
    const int t = H_[e].twin;
    const int m = add_vertex(H_[e].line, line_on(f, fn, g), /*on_box=*/t < 0);
    V_[m].stamp = g;
    const int e2 = static_cast<int>(H_.size());
    H_.push_back({m, t, H_[e].next, H_[e].face, H_[e].line});
    H_[e].next = e2;
    if (t >= 0) {  // twin b -> a becomes b -> m, plus m -> a
        const int t2 = static_cast<int>(H_.size());
        H_.push_back({m, e, H_[t].next, H_[t].face, H_[t].line});
        H_[t].next = t2;
        H_[t].twin = e2;
        H_[e].twin = t2;
    }
    return e2;
}

// Cuts face f, whose boundary walk found both signs of function g (so exactly two zero vertices: the face is convex),
// along the chord from u (the zero before the negative run) to w (the zero before the positive run); the part with
// the positive run keeps index f and gets bit g = 1, the new face gets bit g = 0.
void Arrangement::split_face(int f, int g, int line, const Cut& cut) {
    GINN_ASSERT(cut.n_zero == 2 && cut.eu >= 0 && cut.ew >= 0);
    const int u = H_[cut.eu].origin, w = H_[cut.ew].origin;
    const int c1 = static_cast<int>(H_.size()), c2 = c1 + 1, nf = static_cast<int>(face_he_.size());
    H_.push_back({u, c2, cut.ew, f, line});   // u -> w, closes the positive side (w ... u)
    H_.push_back({w, c1, cut.eu, nf, line});  // w -> u, closes the negative side (u ... w)
    H_[cut.pu].next = c1;
    H_[cut.pw].next = c2;
    for (int e = cut.eu; e != c2; e = H_[e].next) H_[e].face = nf;
    face_he_[f] = c1;
    face_he_.push_back(c2);
    face_map_.push_back(face_map_[f]);
    done_.push_back(done_[f]);
    bits_.append_copy(f);
    set_state(f, g, 1);
    set_state(nf, g, 0);
    face_box_[f] = cut.box_pos;
    face_box_.push_back(cut.box_neg);
    face_corners_.emplace_back();
    if (corner_test_) {
        corner_record(cut.corners_pos, cut.box_pos, face_corners_[f]);
        corner_record(cut.corners_neg, cut.box_neg, face_corners_.back());
    } else {  // made when first needed (corner_sign)
        face_corners_[f].dx[0] = INFINITY;
        face_corners_.back().dx[0] = INFINITY;
    }
}

// Refines `faces` by one function (a hidden neuron, or an output tie): bit g of each face becomes 1 where the
// function is positive, 0 where negative, zero_bit where it is identically zero on the face; the faces split off
// are appended to `faces` (split_one).
void Arrangement::split_by(const FaceFunction& fn, int g, uint8_t zero_bit, std::vector<int>& faces) {
    ws_.map_line.assign(fn.maps->n_maps, -1);
    const size_t n_faces = faces.size();
    for (size_t k = 0; k < n_faces; ++k) decide(faces[k], fn, fn.line(face_map_[faces[k]]), g, zero_bit, faces);
}

// Decides function g on face f by walking its boundary, for a face that the skip test did not clear (decide), splitting
// it in two when the function takes both signs there (the new face is appended to `faces`). Appends to segments_[g] the set where the bit changes: the new chord, and the existing edges
// on the zero set whose two faces' bits differ (each emitted by the second of its two faces to decide g, so once,
// whichever block either face belongs to). a: the function on f's map (fn.line(face_map_[f])).
void Arrangement::split_one(int f, const FaceFunction& fn, const Line& a, int g, uint8_t zero_bit,
                            std::vector<int>& faces) {
    std::vector<MeshSegment>& segments = segments_[g];
    // Walk the boundary once: each vertex's sign is decided once (the last edge's end is the first vertex), and an
    // edge split in two continues from its new middle vertex, whose sign is 0. The walk also finds where a chord
    // would go (the zero vertices, the half-edges ending there) and the two sides' bounding boxes, and when the corner
    // test is on, their corners (a vertex whose edges before and after lie on different lines, or a zero vertex; the
    // first one's edge before is the last walked).
    ws_.zero_edges.clear();
    Cut cut;
    bool pos = false, neg = false;
    const int first = face_he_[f];
    const int s_first = sign_of(H_[first].origin, a, g);
    int e = first, sa = s_first, prev = -1, prev_line = -1;
    do {
        int next = H_[e].next;
        int sb = next == first ? s_first : sign_of(H_[next].origin, a, g);
        if (sa * sb < 0) {
            next = split_edge(e, f, fn, g);
            sb = 0;
        } else if (sa == 0 && sb == 0 && H_[e].twin >= 0) {
            ws_.zero_edges.push_back(e);
        }
        const Vertex& p = V_[H_[e].origin];
        if (sa >= 0) extend_box(cut.box_pos, p);
        if (sa <= 0) extend_box(cut.box_neg, p);
        if (corner_test_) {
            const int line = H_[e].line;
            if (prev >= 0 && (line != prev_line || sa == 0)) {
                if (sa >= 0) cut.corners_pos.add(p);
                if (sa <= 0) cut.corners_neg.add(p);
            }
            prev_line = line;
        }
        if (sa == 0) {
            ++cut.n_zero;
            (sb < 0 ? cut.eu : cut.ew) = e;  // (sb = 0 only on a face that is not cut)
            (sb < 0 ? cut.pu : cut.pw) = prev;
        }
        pos |= sa > 0;
        neg |= sa < 0;
        prev = e;
        e = next;
        sa = sb;
    } while (e != first);
    if (cut.eu == first) cut.pu = prev;  // the half-edge before the first is the last one walked
    if (cut.ew == first) cut.pw = prev;
    if (corner_test_ && (prev_line != H_[first].line || s_first == 0)) {
        if (s_first >= 0) cut.corners_pos.add(V_[H_[first].origin]);
        if (s_first <= 0) cut.corners_neg.add(V_[H_[first].origin]);
    }
    if (pos && neg) {
        split_face(f, g, line_on(f, fn, g), cut);
        const int c1 = face_he_[f];
        segments.emplace_back(H_[c1].origin, H_[H_[c1].twin].origin);
        faces.push_back(static_cast<int>(face_he_.size()) - 1);
    } else {
        set_state(f, g, pos ? 1 : neg ? 0 : zero_bit);
    }
    for (int z : ws_.zero_edges) {
        const int t = H_[z].twin;
        if (done_[H_[t].face] > g && state(H_[z].face, g) != state(H_[t].face, g)) segments.emplace_back(H_[z].origin, H_[t].origin);
    }
}

// Refines face f (map face_map_[f] of `maps`, hidden layer l) by every neuron of the layer, appending the faces split
// off to `faces`. First one pass over the n neurons' contiguous maps: a neuron whose value at the centre of the
// face's bounding box exceeds its largest change across the box plus the certified error (face_sign's box test,
// term for term) has one sign on the whole face and gets its bit at once. Only the other
// neurons, the candidates (those whose lines may cross the face: a few, whatever the width), run the exact
// machinery, in order, on the face and the faces split from it. A neuron whose zero set touches a face is a candidate
// of that face, so a face that skips neuron j has no edge on j's zero set and the bookkeeping of split_one (done_,
// the zero edges' segments) stays exact.
void Arrangement::refine_face(int f, const LayerMaps& maps, int l, std::vector<int>& faces) {
    const int n = maps.n, m = face_map_[f];
    const double *gx = &maps.Z[maps.at(m, 0, 0)], *gy = gx + n, *h = gy + n;
    const double *gx_err = &maps.Z_err[maps.at(m, 0, 0)], *gy_err = gx_err + n, *h_err = gy_err + n;
    const auto& box = face_box_[f];
    const double cx = 0.5 * (box[0] + box[1]), cy = 0.5 * (box[2] + box[3]);
    const double hw = 0.5 * (box[1] - box[0]) + coord_err_, hh = 0.5 * (box[3] - box[2]) + coord_err_;
    ws_.cand.resize(size_t(n + 7) / 8 * 8);
    ws_.on.resize(ws_.cand.size());
    filter_neurons(n, gx, gy, h, gx_err, gy_err, h_err, {cx, cy, hw, hh}, ws_.on.data(), ws_.cand.data());
    bits_.set_states(f, layer_offset_[l], n, ws_.on.data());
    std::fill(ws_.cand.begin() + n, ws_.cand.end(), 0);  // padded with zeros to whole words
    // The candidates, eight flags at a time (most neurons are not candidates).
    std::vector<int>& candidates = ws_.candidates;
    candidates.clear();
    for (int j = 0; j < n; j += 8) {
        uint64_t word = 0;
        std::memcpy(&word, &ws_.cand[size_t(j)], 8);
        for (; word != 0; word &= word - 1) candidates.push_back(j + std::countr_zero(word) / 8);
    }
    // Then, for a face with many candidates, the corner test on f drops those whose lines miss the face (but not its
    // box): their bits are set on f, which the faces split from it copy.
    corner_test_ = candidates.size() >= corner_test_candidates;
    // The kept candidates' lines stay in ws_.cand_line for the family's loop below.
    if (corner_test_) {
        ws_.cand_line.resize(candidates.size());
        size_t n_kept = 0;
        for (const int j : candidates) {
            const Line a = maps.line(m, j);
            if (const int s = corner_sign(f, a, a.a * cx + a.b * cy + a.c)) {
                set_state(f, layer_offset_[l] + j, s > 0);
            } else {
                ws_.cand_line[n_kept] = a;
                candidates[n_kept++] = j;
            }
        }
        candidates.resize(n_kept);
    }
    // Then each candidate on f and the faces split from it so far (its family; all have map m), in order. Each
    // candidate keeps the list of the family's faces it may cross (ws_.cand_faces, in the family's order), and each
    // face the candidates it has left (a row of bits in ws_.undecided): f all of them; when a walk splits a face,
    // both parts are tested against the candidates after it that the face had left (test_parts). A line that
    // certainly misses a face misses its parts (subsets), whose activation bits the split copies, so no part tests it
    // again. The walks, hence the splits, are those of deciding every face in order (the skip tests never clear a
    // face that a walk would split or that touches the zero set), so the mesh is the same, in the same order.
    // done_ is set by the walks only: split_one reads it only across edges on the zero set, whose faces no test
    // clears, so a face's count still says whether it has decided a function whose zero set it touches.
    std::vector<int>& family = ws_.family;  // f and the faces split from it
    family.assign(1, f);
    if (!corner_test_) {  // few candidates (small families): each on every face of the family, by decide
        for (const int j : candidates) {
            ws_.map_line[m] = -1;
            const FaceFunction fn = {&maps, j, -1};
            const Line a = fn.line(m);
            const int g = layer_offset_[l] + j;
            const size_t n_family = family.size();
            if (n_family == 1) {  // f as the skip tests above left it undecided
                done_[f] = g + 1;
                split_one(f, fn, a, g, 0, family);
                continue;
            }
            for (size_t q = 0; q < n_family; ++q) decide(family[q], fn, a, g, 0, family);
        }
        faces.insert(faces.end(), family.begin() + 1, family.end());
        return;
    }
    const size_t n_cand = candidates.size(), words = (n_cand + 63) / 64;
    const FamilyExtent extent = family_extent(box);
    ws_.cand_line.resize(n_cand);  // (the kept candidates' lines, from the corner test above)
    ws_.cand_bounds.resize(n_cand);
    if (ws_.cand_faces.size() < n_cand) ws_.cand_faces.resize(n_cand);
    for (size_t k = 0; k < n_cand; ++k) {
        ws_.cand_bounds[k] = family_bounds(ws_.cand_line[k], extent);
        ws_.cand_faces[k].assign(1, f);
    }
    ws_.undecided.assign(words, ~0ull);  // f's row
    if (n_cand % 64 != 0) ws_.undecided[words - 1] = (1ull << (n_cand % 64)) - 1;
    const int g0 = layer_offset_[l], n0 = static_cast<int>(face_he_.size());
    for (size_t k = 0; k < n_cand; ++k) {
        ws_.map_line[m] = -1;
        const FaceFunction fn = {&maps, candidates[k], -1};
        const int g = g0 + candidates[k];
        const std::vector<int>& listed = ws_.cand_faces[k];  // (only later candidates' lists grow below)
        for (size_t i = 0, n_listed = listed.size(); i < n_listed; ++i) {
            const int x = listed[i];
            const size_t at = size_t(x == f ? 0 : x - n0 + 1) * words + k / 64;
            if (!((ws_.undecided[at] >> (k % 64)) & 1)) continue;  // cleared since it was listed
            done_[x] = g + 1;
            const size_t before = family.size();
            split_one(x, fn, ws_.cand_line[k], g, 0, family);
            if (family.size() > before) test_parts(f, n0, x, family.back(), k, g0);
        }
    }
    corner_test_ = false;
    faces.insert(faces.end(), family.begin() + 1, family.end());
}

std::vector<Polyline> Arrangement::polylines(const std::vector<MeshSegment>& segments) {
    // Keys numbered by first appearance through a per-vertex table (no sort, no search); chains start in vertex order.
    std::vector<int>&key_of = ws_.key_of, &vertex = ws_.key_vertex;
    if (key_of.size() < V_.size()) key_of.resize(V_.size(), -1);
    vertex.clear();
    ws_.key_segments.clear();
    auto key = [&](int v) {
        int& k = key_of[v];
        if (k < 0) {
            k = static_cast<int>(vertex.size());
            vertex.push_back(v);
        }
        return k;
    };
    for (const auto& [a, b] : segments)
        if (a != b) ws_.key_segments.emplace_back(key(a), key(b));
    for (const int v : vertex) key_of[v] = -1;
    KeyChains& chains = ws_.chains;
    chains.build(static_cast<int>(vertex.size()), ws_.key_segments, vertex.data());
    std::vector<Polyline> out(chains.size());
    for (int c = 0; c < chains.size(); ++c) {
        const int* k = chains.keys().data() + chains.begin(c);
        Polyline& P = out[c];
        P.resize(chains.begin(c + 1) - chains.begin(c), 2);
        for (Eigen::Index i = 0; i < P.rows(); ++i) {
            const Vertex& v = V_[vertex[k[i]]];
            P(i, 0) = v.x;
            P(i, 1) = v.y;
        }
    }
    return out;
}

// Maps of layer L's pre-activations on `faces`, from the previous hidden layer's maps (ws_.level[prev_layer], map
// face_map_[f]) and each face's bits (prev_layer < 0: the input itself). The previous layer's output on a face is
// a = D (G x + h), D = diag(slopes), so the new maps are W [D G | D h] + [0 | b] (+ [D G | D h] when residual): one
// matrix product for the block.
// Error bound (running, Higham, ch. 3; Wilkinson's running error analysis): with P the computed input and P_err its
// certified error, |Z - Z_exact| <= P_err |W|^T + gamma_K (|P| |W|^T + |b|), K = n_in + 2 (a dot product, the bias,
// the residual), gamma_K = K u / (1 - K u): one product of |W| with Q = P_err + gamma_K |P|, whose rounding (sums of
// non-negative terms) is covered by a factor 1 + 4 (n_in + 4) u, plus an absolute term for underflow. The inputs
// carry the previous layer's errors times the slope (and the leaky slope's rounding). Unlike an a-priori bound
// (gamma times the product of the |W| matrices), each layer's rounding counts with the values it rounds, so deep
// maps' bounds stay near the first layer's rounding carried through |W|.
void Arrangement::next_maps(const DenseLayer& L, int prev_layer, std::vector<int>& faces, LayerMaps& out) {
    const int nb = static_cast<int>(faces.size()), n_in = L.n_in(), n = L.n_out();
    // Faces [0, n_dense) by one matrix product; the rest from their reference face by rank-1 corrections.
    const int n_dense =
        prev_layer >= 0 && !L.residual ? rank_one_faces(prev_layer, faces, /*across=*/n > small_layer) : nb;
    constexpr double u = unit_roundoff;
    const double gamma = (n_in + 2) * u / (1 - (n_in + 2) * u);
    out.n = n;
    out.n_maps = nb;
    out.map_face = faces;
    grow(out.Z, size_t(3) * nb * n);
    grow(out.Z_err, size_t(3) * nb * n);
    // Row bounds for the dense maps of the last hidden layer: its bounds feed only the filter, the lines (tight,
    // LayerMaps::tight_errs) and the output maps; a deeper hidden layer would carry their slack into its own.
    const bool row_bounds = prev_layer >= 0 && !L.residual && n > small_layer && row_bounds_at(prev_layer + 1);
    out.Q.clear();
    out.n_in = n_in;
    out.b = &L.b;
    out.gamma = gamma;
    if (prev_layer >= 0 && n <= small_layer && !L.residual) small_maps(L, prev_layer, faces, n_dense, gamma, out);
    else dense_maps(L, prev_layer, faces, n_dense, gamma, row_bounds, out);
    if (row_bounds) {
        out.root.resize(nb);
        for (int k = 0; k < nb; ++k) out.root[k] = k < n_dense ? k : out.root[ws_.ref_pos[k]];
    }
    out.ref.assign(nb, -1);
    out.step_at.assign(nb + 1, 0);
    out.steps.clear();
    if (n_dense == nb) return;
    // Face k differs from its reference r (the face before it, same map) only in the slopes of a few neurons i of
    // the previous layer: z_k = z_r + W[:, i] (s_k(i) - s_r(i)) M_i for each, added as T terms. Error: z_r's, each
    // term's input error through |W[:, i]| (and the leaky slope's rounding), and the sum's rounding, at most
    // gamma_{T+1} (|z_r| + sum |W[:, i]| |v|) (Higham, ch. 3); times 1 + 4 (T + 2) u for the bound's own rounding.
    // A group leader corrected across groups (rank_one_faces) has a reference r of map M_r, its own map being
    // M_m = M_r + W'[:, i'] v' over the previous layer's steps (LayerMaps::ref): it also adds y v' for each step,
    // y = W D_k W'[:, i'] from one matrix product over the block (across_columns), whose error gamma |W| |D_k W'[:, i']|
    // is bounded by row sums and norms; 4 u more per such term for the bound's rounding.
    // One pass per coefficient over its n values and bounds for up to four terms (rank_one_pass: the first also
    // copies z_r, the last also scales), contiguous and without aliasing, so that it vectorises; then one pass per
    // column term. The output layer's few entries: one loop per face (rank_one_small).
    across_columns(L, prev_layer, faces, n_dense);
    const LayerMaps& prev = ws_.level[prev_layer];
    const double* below = below_[prev_layer].data();  // the previous layer's slopes below zero
    std::vector<std::pair<int, double>>& terms = ws_.terms;  // (neuron i, slope change s)
    ColumnTerm column;
    column.R = W_row_sum_[prev_layer + 1].data();
    column.N = W_row_norm_[prev_layer + 1].data();
    column.gamma_y = gamma + u;  // and the leaky slopes' rounding in x
    column.floor_y = 2 * (n_in + 8) * DBL_TRUE_MIN;
    int col = 0;  // the next column of across_columns
    // Only a next layer wider than small_layer corrects its leaders across groups (rank_one_faces): the output
    // layer's maps and, before an output layer of at most small_layer classes, the last hidden layer's keep no steps.
    const bool keep_steps =
        prev_layer + 2 < int(net_.layers.size()) && net_.layers[prev_layer + 2].n_out() > small_layer;
    for (int k = n_dense; k < nb; ++k) {
        const int r = ws_.ref_pos[k];
        const bool across = ws_.across[k];
        const int fk = faces[k], fr = faces[r], g0 = layer_offset_[prev_layer];
        const int from = ws_.differ_at[ws_.differ_of[k]], to = ws_.differ_at[ws_.differ_of[k] + 1];
        terms.clear();
        for (int d = from; d < to; ++d) {
            const int i = ws_.differ[d];
            // Neuron i's slope on each face: 1 when active, else its slope below zero.
            for (const double s : {bits_.on(fk, g0 + i) ? 1.0 : below[i], -(bits_.on(fr, g0 + i) ? 1.0 : below[i])})
                if (s != 0) terms.emplace_back(i, s);
        }
        const int m_r = face_map_[faces[r]], m = face_map_[faces[k]];
        const int n_a = static_cast<int>(terms.size());
        const int step0 = across ? prev.step_at[m] : 0, n_b = across ? prev.step_at[m + 1] - step0 : 0;
        const int n_terms = n_a + n_b;
        const double g = (n_terms + 1) * u / (1 - (n_terms + 1) * u);
        const double scale = 1 + 4 * (n_terms + 2 + 4 * n_b) * u, floor = 2 * (n_terms + 1) * DBL_TRUE_MIN;
        out.step_at[k] = static_cast<int>(out.steps.size());
        if (!across && keep_steps) {  // the steps of this map for the next layer's leaders
            out.ref[k] = r;
            for (const auto& [i, s] : terms) {
                LayerMaps::Step step{i, {}, {}};
                for (int c = 0; c < 3; ++c) {
                    step.v[c] = s * prev.z(m_r, i, c);
                    step.e[c] = std::abs(s) * prev.z_err(m_r, i, c) + u * std::abs(step.v[c]);
                }
                out.steps.push_back(step);
            }
        }
        if (n <= small_layer) {  // the output layer (no columns): a few entries per coefficient, one loop per face
            const double *t_r = &out.Z[out.at(r, 0, 0)], *t_r_err = &out.Z_err[out.at(r, 0, 0)];
            double *t = &out.Z[out.at(k, 0, 0)], *t_err = &out.Z_err[out.at(k, 0, 0)];
            switch (n) {
                case 1: rank_one_small<1>(t_r, t_r_err, g, terms, L.W.data(), prev, m_r, scale, floor, t, t_err); break;
                case 2: rank_one_small<2>(t_r, t_r_err, g, terms, L.W.data(), prev, m_r, scale, floor, t, t_err); break;
                case 3: rank_one_small<3>(t_r, t_r_err, g, terms, L.W.data(), prev, m_r, scale, floor, t, t_err); break;
                default: rank_one_small<4>(t_r, t_r_err, g, terms, L.W.data(), prev, m_r, scale, floor, t, t_err); break;
            }
            continue;
        }
        for (int c = 0; c < 3; ++c) {
            double *t = &out.Z[out.at(k, 0, c)], *t_err = &out.Z_err[out.at(k, 0, c)];
            const double *t_r = &out.Z[out.at(r, 0, c)], *t_r_err = &out.Z_err[out.at(r, 0, c)];
            RankOneTerm chunk[4];  // up to four terms per pass (rank_one_pass)
            for (int q = 0; q == 0 || q < n_a; q += 4) {
                const int n_chunk = std::min(4, n_a - q);
                for (int p = 0; p < n_chunk; ++p) {
                    const auto [i, s] = terms[size_t(q + p)];
                    chunk[p] = {L.W.col(i).data(), s * prev.z(m_r, i, c), 0};
                    chunk[p].e = std::abs(s) * prev.z_err(m_r, i, c) + (u + g) * std::abs(chunk[p].v);
                }
                const bool last = q + 4 >= n_a && n_b == 0;
                rank_one_pass_of(n_chunk, q == 0, n, t_r, t_r_err, g, chunk, last ? scale : 1, last ? floor : 0, t,
                                 t_err);
            }
            for (int q = 0; q < n_b; ++q) {
                const bool last = q + 1 == n_b;
                const LayerMaps::Step& step = prev.steps[size_t(step0 + q)];
                const int y = col + q;
                column.y = &ws_.Y[size_t(y) * n];
                column.x_max = ws_.X_bound[y][0];
                column.x_norm = ws_.X_bound[y][1];
                column.a = step.v[c];
                column.e = step.e[c] + (u + g) * std::abs(step.v[c]);
                column.a_mag = std::abs(step.v[c]) + step.e[c];
                rank_one_add_column(n, column, last ? scale : 1, last ? floor : 0, t, t_err);
            }
        }
        col += n_b;
    }
    out.step_at[nb] = static_cast<int>(out.steps.size());
}

// The columns y = W D_k W'[:, i] of the block's faces corrected across groups (ws_.across, in place order; i over
// the steps of the face's map in the previous layer, W' that layer's weights, D_k the face's slopes there), by one
// matrix product W X into ws_.Y, with each X column's largest entry and an upper bound on its 2-norm (as
// row_bound_product) for their error bounds.
void Arrangement::across_columns(const DenseLayer& L, int prev_layer, const std::vector<int>& faces, int n_dense) {
    const int nb = static_cast<int>(faces.size()), n_in = L.n_in(), n = L.n_out();
    const LayerMaps& prev = ws_.level[prev_layer];
    const Eigen::MatrixXd& W_prev = net_.layers[prev_layer].W;  // (n_in, previous layer's inputs)
    int n_cols = 0;
    for (int k = n_dense; k < nb; ++k)
        if (ws_.across[k]) n_cols += prev.step_at[face_map_[faces[k]] + 1] - prev.step_at[face_map_[faces[k]]];
    if (n_cols == 0) return;
    grow(ws_.X, size_t(n_cols) * n_in);
    grow(ws_.Y, size_t(n_cols) * n);
    ws_.X_bound.resize(n_cols);
    const double up = 1 + 4 * (n_in + 4) * unit_roundoff;
    for (int k = n_dense, col = 0; k < nb; ++k) {
        if (!ws_.across[k]) continue;
        const int m = face_map_[faces[k]];
        const double* __restrict slopes = face_slopes(prev_layer, faces[k]);
        for (int st = prev.step_at[m]; st < prev.step_at[m + 1]; ++st, ++col) {
            double* __restrict x = &ws_.X[size_t(col) * n_in];
            const double* __restrict w = W_prev.col(prev.steps[size_t(st)].i).data();
            for (int i = 0; i < n_in; ++i) x[i] = slopes[i] * w[i];
            const Eigen::Map<const Eigen::VectorXd> xv(x, n_in);
            const double x_max = xv.cwiseAbs().maxCoeff();
            ws_.X_bound[size_t(col)] = {x_max, norm_bound(xv, x_max, up)};
        }
    }
    packed(prev_layer + 1, /*abs=*/false).times(ws_.X.data(), n_in, ws_.Y.data(), n, n_cols);
}

// Whether hidden layer `layer`'s dense maps get row bounds (LayerMaps::Q): the last hidden layer only, whose
// bounds reach no deeper hidden layer (a bound's slack would grow layer by layer: at 128 x 6, row bounds on every
// layer sent 7 times as many lines to the double-double refinement), and only from 64 inputs on (at 16 and 32 the
// |W| Q product costs less than the lines' tight bounds: 6 % and 2 % of the geometry, loaded machine).
bool Arrangement::row_bounds_at(int layer) const {
    return layer + 1 == net_.n_hidden_layers() && net_.layers[layer].n_in() >= 64;
}

// Z_err = a certified upper bound on |W| Q (layer's |W|, (n, n_in); Q (n_in, 3 #maps), non-negative) from row
// sums and row norms instead of the product: (|W| q)_j <= min(rowsum_j max(q), ||W_j||_2 ||q||_2) (Hoelder,
// Cauchy-Schwarz). ||q||_2 is computed on q / max(q): the division's and the squares' rounding is within the factor
// applied, and squares that underflow are covered by n_in DBL_MIN. O(n_in + n) per column instead of O(n n_in);
// the products' rounding is covered by dense_maps' final factor.
void Arrangement::row_bound_product(int layer, const Eigen::Map<Eigen::MatrixXd>& Q,
                                    Eigen::Map<Eigen::MatrixXd>& Z_err) const {
    const Eigen::VectorXd &R = W_row_sum_[layer], &N = W_row_norm_[layer];
    const int n_in = static_cast<int>(Q.rows()), n = static_cast<int>(Z_err.rows());
    const double up = 1 + 4 * (n_in + 4) * unit_roundoff;
    for (Eigen::Index col = 0; col < Q.cols(); ++col) {
        const double q_max = Q.col(col).maxCoeff();  // (Q >= 0 and finite: check_scale)
        const double q_norm = norm_bound(Q.col(col), q_max, up);
        double* __restrict z = Z_err.col(col).data();
        const double *__restrict r = R.data(), *__restrict norm = N.data();  // (not aliasing z: vectorises)
        for (int j = 0; j < n; ++j) z[j] = std::min(r[j] * q_max, norm[j] * q_norm);
    }
}

// The slopes of hidden layer `layer`'s neurons on face f (its bits), in ws_.slopes: 1 when active, else the slope
// below zero. A branch-free select, so that it vectorises.
const double* Arrangement::face_slopes(int layer, int f) {
    const int n = net_.layers[layer].n_out();
    ws_.on.resize(n);
    bits_.get_states(f, layer_offset_[layer], n, ws_.on.data());
    const uint8_t* on = ws_.on.data();
    const double* below = below_[layer].data();
    ws_.slopes.resize(n);
    double* __restrict s = ws_.slopes.data();
    for (int i = 0; i < n; ++i) s[i] = on[i] ? 1.0 : below[i];
    return s;
}

// Layer `layer`'s W (abs: |W|) packed for the maps' products, packed when first needed.
const PackedMatrix& Arrangement::packed(int layer, bool abs) {
    PackedMatrix& A = (abs ? W_abs_packed_ : W_packed_)[layer];
    if (A.empty()) A.pack(abs ? W_abs_[layer] : net_.layers[layer].W);
    return A;
}

// Maps of faces [0, n_dense) by one matrix product: P (n_in, 3 n_dense) holds each face's input maps, each neuron's
// map times its slope there (the identity for the first layer), and Z = W P + [0 0 b] (+ P when residual). Their
// errors (next_maps): Z_err = |W| Q + gamma |b| (+ Q), Q = P_err + gamma |P| carrying the previous layer's errors.
// |W| Q in float where it can be (below), at twice double's rate.
void Arrangement::dense_maps(const DenseLayer& L, int prev_layer, const std::vector<int>& faces, int n_dense,
                             double gamma, bool row_bounds, LayerMaps& out) {
    constexpr double u = unit_roundoff;
    const int n_in = L.n_in(), n = L.n_out(), cols = 3 * n_dense;
    const double up = 1 + 4 * (n_in + 4) * u, floor = 2 * (n_in + 8) * DBL_TRUE_MIN;  // the products' rounding
    Eigen::Map<Eigen::MatrixXd> Z(out.Z.data(), n, cols), Z_err(out.Z_err.data(), n, cols);
    grow(ws_.P, size_t(cols) * n_in);
    Eigen::Map<Eigen::MatrixXd> P(ws_.P.data(), n_in, cols);
    const LayerMaps* prev = prev_layer >= 0 ? &ws_.level[prev_layer] : nullptr;
    const double g = gamma + u;  // and the slope's rounding (leaky)
    auto fill = [&](auto* q_store, auto masked) {  // P and Q from the previous layer's maps
        for (int k = 0; k < n_dense; ++k) {
            const double* slopes = face_slopes(prev_layer, faces[k]);
            const size_t from = prev->at(face_map_[faces[k]], 0, 0), to = size_t(3) * k * n_in;
            for (size_t c = 0; c < 3 * size_t(n_in); c += n_in)
                masked(n_in, slopes, &prev->Z[from + c], &prev->Z_err[from + c], g, &ws_.P[to + c], &q_store[to + c]);
        }
    };
    // |W| Q in float: |W| rounded up (W_abs_up_), Q raised to FLT_MIN and rounded to nearest (masked_input_float),
    // so every factor is normal and at least (1 - u_f) times its value (u_f = 2^-24), or exactly 0 where Q is. The terms are non-negative,
    // so in any summation order, with or without FMA, the exact product of the float factors is at most
    // (1 + gamma_{n_in}) times the computed one plus n_in 2^-149 for products and sums below float's normal range
    // (Higham, ch. 3): a factor 1 + 4 (n_in + 6) u_f covers the roundings and the conversion back to double (the
    // bound is looser by about n_in u_f, 1e-5 at width 128), an absolute term the underflow. Not when Q is kept
    // for row bounds or added (residual); in double where |W| or Q is outside float's range (above 1e18), or every
    // Q below 1e-24 (the FLT_MIN floor would dominate). From 128 inputs on: at 16 and 64 the conversions cost what
    // the product saves (1-2 % slower, loaded machine).
    if (prev && n_in >= 128 && !row_bounds && !L.residual && W_row_sum_[prev_layer + 1].maxCoeff() < 1e18) {
        grow(ws_.Q_f, size_t(cols) * n_in);
        grow(ws_.Z_err_f, size_t(cols) * n);
        fill(ws_.Q_f.data(), masked_input_float);
        Eigen::Map<Eigen::MatrixXf> Q(ws_.Q_f.data(), n_in, cols), Z_err_f(ws_.Z_err_f.data(), n, cols);
        const float q_max = Q.maxCoeff();
        if (q_max < 1e18f && q_max > 1e-24f) {
            packed(prev_layer + 1, /*abs=*/false).times(P.data(), n_in, Z.data(), n, cols);
            PackedMatrixF& W_up = W_abs_up_[prev_layer + 1];
            if (W_up.empty()) W_up.pack(W_abs_[prev_layer + 1].unaryExpr([](double w) { return round_up_float(w); }));
            W_up.times(Q.data(), n_in, Z_err_f.data(), n, cols);
            const double up_f = (1 + 4 * (n_in + 6) * 0x1p-24) * up, floor_f = 2 * (n_in + 2) * 0x1p-149 * up + floor;
            const Eigen::VectorXd b_err = gamma * up * L.b.cwiseAbs();
            for (int col = 0; col < cols; ++col) {
                const float* __restrict zf = Z_err_f.col(col).data();
                double* __restrict z_err = Z_err.col(col).data();
                for (int j = 0; j < n; ++j) z_err[j] = double(zf[j]) * up_f + floor_f;
                if (col % 3 == 2) {
                    Z.col(col) += L.b;
                    Z_err.col(col) += b_err;
                }
            }
            return;
        }
    }
    std::vector<double>& q_store = row_bounds ? out.Q : ws_.P_err;  // kept with the maps for tight_errs
    if (row_bounds) q_store.resize(size_t(cols) * n_in);
    grow(q_store, size_t(cols) * n_in);
    Eigen::Map<Eigen::MatrixXd> Q(q_store.data(), n_in, cols);
    if (!prev) {  // the input (x, y) exactly
        P.setZero();
        for (int k = 0; k < n_dense; ++k) P(0, 3 * k) = P(1, 3 * k + 1) = 1;
        Q = gamma * P;
    } else {
        fill(q_store.data(), masked_input);
    }
    packed(prev_layer + 1, /*abs=*/false).times(P.data(), n_in, Z.data(), n, cols);
    if (row_bounds) {  // row bounds for the filter and the chains; the lines' products when they ask (tight_errs)
        grow(out.WQ, size_t(cols) * n);
        out.WQ_made.assign(size_t(n_dense), 0);
        out.W_abs = &packed(prev_layer + 1, /*abs=*/true);
        row_bound_product(prev_layer + 1, Q, Z_err);
    } else {
        packed(prev_layer + 1, /*abs=*/true).times(Q.data(), n_in, Z_err.data(), n, cols);
    }
    for (int k = 0; k < n_dense; ++k) {
        Z.col(3 * k + 2) += L.b;
        Z_err.col(3 * k + 2) += gamma * L.b.cwiseAbs();
    }
    if (L.residual) {  // z = W a + b + a
        Z += P;
        Z_err += Q;
    }
    Z_err.array() = Z_err.array() * up + floor;
}

/// The slopes of inputs i .. i + simd_doubles - 1 of a face (ReLU-like layer; Arrangement::face_slopes), from the
/// face's row of packed states (`row`, the layer's first state at bit g0): 1 where active, else the slope below zero.
inline SimdDouble slopes_simd(const uint8_t* row, int g0, int i, const double* below) {
    using Bits = uint64_t __attribute__((vector_size(simd_doubles * sizeof(double))));
    const int g = g0 + i, shift = g & 7;
    uint32_t w = row[g >> 3];
    if (shift + simd_doubles > 8) w |= uint32_t{row[(g >> 3) + 1]} << 8;  // a state of the run: inside the row
    Bits lane;
    for (int l = 0; l < simd_doubles; ++l) lane[l] = uint64_t(l);
    const Bits on = -(((Bits{} + (w >> shift)) >> lane) & 1);  // all ones where active
    const SimdDouble one = SimdDouble{} + 1.0;
    return (SimdDouble)(((Bits)one & on) | ((Bits)load_simd(below + i) & ~on));
}

/// small_maps' sums for one face and N outputs, the three coefficients in one pass over the n_in inputs (vectorised
/// across them; each slope made once, from the face's packed states), without storing the masked input: with
/// p = s z and q = |s| (z_err + g |z|) (masked_input) for coefficient c (z = z0 + c n_in, z_err = z_err0 + c n_in),
/// t[c n + j] = W[j, :] p and t_err[c n + j] = |W|[j, :] q. W and |W| transposed: (n_in, N), a row of W per column.
/// Each sum's lanes and their order are those of a pass per coefficient (the same rounding).
template <int N>
void output_sums(int n_in, int n, const uint8_t* row, int g0, const double* __restrict below,
                 const double* __restrict z0, const double* __restrict z_err0, double g, const double* __restrict Wt,
                 const double* __restrict Wt_abs, double* t, double* t_err) {
    SimdDouble acc[3][N] = {}, acc_err[3][N] = {};
    int i = 0;
    for (; i + simd_doubles <= n_in; i += simd_doubles) {
        const SimdDouble s_i = slopes_simd(row, g0, i, below), s_abs = abs_simd(s_i);
        SimdDouble w[N], w_abs[N];
        for (int j = 0; j < N; ++j) {
            w[j] = load_simd(Wt + size_t(j) * n_in + i);
            w_abs[j] = load_simd(Wt_abs + size_t(j) * n_in + i);
        }
        for (int c = 0; c < 3; ++c) {
            const SimdDouble z_i = load_simd(z0 + size_t(c) * n_in + i);
            const SimdDouble p = s_i * z_i, q = s_abs * (load_simd(z_err0 + size_t(c) * n_in + i) + g * abs_simd(z_i));
            for (int j = 0; j < N; ++j) {
                acc[c][j] += w[j] * p;
                acc_err[c][j] += w_abs[j] * q;
            }
        }
    }
    for (int c = 0; c < 3; ++c)
        for (int j = 0; j < N; ++j) {
            t[c * n + j] = sum_simd(acc[c][j]);
            t_err[c * n + j] = sum_simd(acc_err[c][j]);
        }
    for (; i < n_in; ++i) {
        const double s = (row[(g0 + i) >> 3] >> ((g0 + i) & 7)) & 1 ? 1.0 : below[i];
        for (int c = 0; c < 3; ++c) {
            const double zc = z0[size_t(c) * n_in + i];
            const double p = s * zc, q = std::abs(s) * (z_err0[size_t(c) * n_in + i] + g * std::abs(zc));
            for (int j = 0; j < N; ++j) {
                t[c * n + j] += Wt[size_t(j) * n_in + i] * p;
                t_err[c * n + j] += Wt_abs[size_t(j) * n_in + i] * q;
            }
        }
    }
}

// The same maps for a layer of at most small_layer neurons (the output layer), where building P and a product
// would cost more than the sums: one pass per face over its input maps, masked by its slopes (output_sums). The
// same terms as W P + b (in another order), so the same error bound.
void Arrangement::small_maps(const DenseLayer& L, int prev_layer, const std::vector<int>& faces, int n_dense,
                             double gamma, LayerMaps& out) {
    static_assert(small_layer == 4, "output_sums is instantiated for 1 to 4 outputs");
    constexpr double u = unit_roundoff;
    const int n_in = L.n_in(), n = L.n_out();
    const LayerMaps& prev = ws_.level[prev_layer];
    ws_.Wt = L.W.transpose();  // (n_in, n)
    const double* Wt = ws_.Wt.data();
    const double* Wt_abs = W_abs_t_[prev_layer + 1].data();
    const double g = gamma + u, scale = 1 + 4 * (n_in + 4) * u, floor = 2 * (n_in + 8) * DBL_TRUE_MIN;
    const int g0 = layer_offset_[prev_layer];
    const double* below = below_[prev_layer].data();
    for (int k = 0; k < n_dense; ++k) {
        const size_t from = prev.at(face_map_[faces[k]], 0, 0);
        const uint8_t* row = bits_.row_data(faces[k]);
        double *t = &out.Z[out.at(k, 0, 0)], *t_err = &out.Z_err[out.at(k, 0, 0)];
        const double *z = &prev.Z[from], *z_err = &prev.Z_err[from];
        switch (n) {
            case 1: output_sums<1>(n_in, n, row, g0, below, z, z_err, g, Wt, Wt_abs, t, t_err); break;
            case 2: output_sums<2>(n_in, n, row, g0, below, z, z_err, g, Wt, Wt_abs, t, t_err); break;
            case 3: output_sums<3>(n_in, n, row, g0, below, z, z_err, g, Wt, Wt_abs, t, t_err); break;
            default: output_sums<4>(n_in, n, row, g0, below, z, z_err, g, Wt, Wt_abs, t, t_err); break;
        }
        for (int c = 0; c < 3; ++c)
            for (int j = 0; j < n; ++j) {
                double *tc = t + c * n, *tc_err = t_err + c * n;
                if (c == 2) tc[j] += L.b(j);
                tc_err[j] = (tc_err[j] + (c == 2 ? gamma * std::abs(L.b(j)) : 0.0)) * scale + floor;
            }
    }
}

// Reorders `faces` (sorted by map and position: group_by_map) so that the faces whose maps need a product come
// first, and returns how many. Each other face is corrected from the face before it in the sorted order (same map,
// at most n_in / 8 neurons of the previous layer in another state, ws_.ref_pos: its new place), as long as the
// chain of corrections keeps the sum within 2 n_in + 2 terms (the error bound's budget); else it starts a new chain.
// `across`: a group's first face whose map M_m is another map M_r of the block plus at most two rank-1 steps
// (LayerMaps::ref) is corrected from the face of map r nearest in states (at most n_in / 8 apart), within the same
// budget, counting its steps twice: one matrix-vector product each instead of three columns (ws_.across).
int Arrangement::rank_one_faces(int prev_layer, std::vector<int>& faces, bool across) {
    const int nb = static_cast<int>(faces.size()), n_in = net_.layers[prev_layer].n_out();
    const int max_terms = 2 * n_in + 2, max_differ = n_in / 8;
    const LayerMaps& prev = ws_.level[prev_layer];
    // The neurons in which face k and its reference differ: differ[differ_at[k] ...), kept for next_maps.
    std::vector<int>&diff = ws_.differ, &diff_at = ws_.differ_at;
    diff.clear();
    diff_at.assign(nb + 1, 0);
    const int g0 = layer_offset_[prev_layer];
    auto n_differ = [&](int f, int r) {
        const size_t before = diff.size();
        bits_.differing(f, r, g0, n_in, diff);
        return static_cast<int>(diff.size() - before);
    };
    auto count_differ = [&](int f, int r) { return bits_.count_differing(f, r, g0, n_in); };
    std::vector<int>&terms = ws_.chain_terms, &pos = ws_.face_pos;  // per face in the sorted order; -1: dense
    std::vector<int>&ref = ws_.ref_sorted, &group_at = ws_.group_at;
    terms.assign(nb, -1);
    ref.assign(nb, -1);
    pos.resize(nb);
    if (across) group_at.assign(prev.n_maps, -1);
    auto chain = [&](int r) { return terms[r] < 0 ? n_in + 2 : terms[r]; };
    int n_dense = 0;
    for (int k = 0; k < nb; ++k) {
        diff_at[k] = static_cast<int>(diff.size());
        // The faces' bits are rows far apart in memory, each a cache miss when first read: fetch a few faces ahead.
        if (k + 4 < nb)
            for (size_t i = 0; i < bits_.row_bytes(); i += 64) __builtin_prefetch(bits_.row_data(faces[k + 4]) + i);
        const int m = face_map_[faces[k]];
        if (k > 0 && m == face_map_[faces[k - 1]]) {
            const int d = n_differ(faces[k], faces[k - 1]);
            if (d <= max_differ && chain(k - 1) + 2 * d <= max_terms) {
                terms[k] = chain(k - 1) + 2 * d;
                ref[k] = k - 1;
            }
        } else if (across) {
            group_at[m] = k;
            const int r = prev.ref[m], n_steps = r < 0 ? 0 : prev.step_at[m + 1] - prev.step_at[m];
            int best = -1, best_d = max_differ + 1;
            if (r >= 0 && n_steps <= 2 && group_at[r] >= 0)
                for (int q = group_at[r]; q < k && face_map_[faces[q]] == r && best_d > 0; ++q) {
                    const int d = count_differ(faces[k], faces[q]);
                    if (d < best_d) best_d = d, best = q;
                }
            if (best >= 0 && chain(best) + 2 * (best_d + n_steps) <= max_terms) {
                n_differ(faces[k], faces[best]);
                terms[k] = chain(best) + 2 * (best_d + n_steps);
                ref[k] = best;
            }
        }
        n_dense += terms[k] < 0;
    }
    diff_at[nb] = static_cast<int>(diff.size());
    std::vector<int>& order = ws_.order;
    order.resize(nb);
    ws_.ref_pos.assign(nb, -1);
    ws_.differ_of.assign(nb, -1);
    ws_.across.assign(nb, 0);
    for (int k = 0, next_dense = 0, next_rank_one = n_dense; k < nb; ++k) {
        pos[k] = terms[k] < 0 ? next_dense++ : next_rank_one++;
        order[pos[k]] = faces[k];
        if (terms[k] >= 0) {
            ws_.ref_pos[pos[k]] = pos[ref[k]];
            ws_.differ_of[pos[k]] = k;
            ws_.across[pos[k]] = face_map_[faces[ref[k]]] != face_map_[faces[k]];
        }
    }
    faces.swap(order);
    return n_dense;
}

// Sorts the block's faces by the map they descend from, then along a Z-order curve of their bounding boxes'
// centres (ties by face index), so that consecutive faces are near each other and differ in few neurons' states
// (rank-1 updates of the next layer's maps, rank_one_faces). By map with a counting sort (maps are a block's places,
// a few faces each but on the first layer), then each map's faces (by insertion when few).
void Arrangement::group_by_map(std::vector<int>& faces) {
    const Box& d = net_.domain;
    auto spread = [](uint32_t v) {  // the 16 bits of v at the even positions of 32
        v &= 0xffff;
        v = (v | (v << 8)) & 0x00ff00ff;
        v = (v | (v << 4)) & 0x0f0f0f0f;
        v = (v | (v << 2)) & 0x33333333;
        v = (v | (v << 1)) & 0x55555555;
        return v;
    };
    auto cell = [](double t) { return static_cast<uint32_t>(std::clamp(t, 0.0, 1.0) * 65535.0); };
    int n_maps = 0;
    for (const int f : faces) n_maps = std::max(n_maps, face_map_[f] + 1);
    std::vector<int>& at = ws_.map_at;  // #maps + 1: the start of each map's faces, then their end
    at.assign(n_maps + 1, 0);
    for (const int f : faces) ++at[face_map_[f] + 1];
    for (int m = 0; m < n_maps; ++m) at[m + 1] += at[m];
    std::vector<std::pair<uint32_t, int>>& keyed = ws_.keyed;
    keyed.resize(faces.size());
    for (const int f : faces) {
        const auto& box = face_box_[f];
        const uint32_t x = cell((0.5 * (box[0] + box[1]) - d.x0) / d.width());
        const uint32_t y = cell((0.5 * (box[2] + box[3]) - d.y0) / d.height());
        keyed[size_t(at[face_map_[f]]++)] = {spread(x) | (spread(y) << 1), f};
    }
    for (int m = 0, begin = 0; m < n_maps; begin = at[m++]) {
        if (at[m] - begin > 16) {  // the first layer's one map
            std::sort(keyed.begin() + begin, keyed.begin() + at[m]);
            continue;
        }
        for (int k = begin + 1; k < at[m]; ++k)
            for (size_t q = k; q > size_t(begin) && keyed[q] < keyed[q - 1]; --q) std::swap(keyed[q], keyed[q - 1]);
    }
    for (size_t k = 0; k < faces.size(); ++k) faces[k] = keyed[k].second;
}

void Arrangement::refine(int l, const std::vector<int>& faces) {
    // Blocks small enough that a block's maps stay in the core's L2 cache from next_maps, which writes them, to
    // refine_face's filter, which reads them (64 faces of a 128-wide layer: 384 KB of maps and bounds; with 256 the
    // filter read them from L3). Smaller blocks make more, smaller products (16 and 32 were slower at width 256).
    constexpr size_t block = 64;
    for (size_t b0 = 0; b0 < faces.size(); b0 += block) {
        std::vector<int>& mine = ws_.level_faces[l];
        mine.assign(faces.begin() + b0, faces.begin() + std::min(faces.size(), b0 + block));
        LayerMaps& maps = ws_.level[l];
        next_maps(net_.layers[l], l - 1, mine, maps);
        maps.layer = l;
        for (size_t k = 0; k < mine.size(); ++k) face_map_[mine[k]] = static_cast<int>(k);
        ws_.map_line.resize(maps.n_maps);
        const size_t n_start = mine.size();
        for (size_t k = 0; k < n_start; ++k) refine_face(mine[k], maps, l, mine);
        per_layer_[l] += static_cast<int64_t>(mine.size());
        group_by_map(mine);
        if (l + 1 < net_.n_hidden_layers()) refine(l + 1, mine);
        else append_output_maps(mine);
    }
}

// The logits' maps of the deepest block's faces, appended to out_ at each face's index (out_ grows, not zeroed
// again: every face's map is written here before it is read), and each face's first coefficient with its bound to
// ws_.face_key (scan_edges), while the block's maps are in the cache.
void Arrangement::append_output_maps(std::vector<int>& faces) {
    LayerMaps& block = ws_.out_block;
    next_maps(net_.layers.back(), net_.n_hidden_layers() - 1, faces, block);
    const int k = out_.n;
    out_.n_maps = static_cast<int>(face_he_.size());
    grow(out_.Z, size_t(3) * k * out_.n_maps);
    grow(out_.Z_err, size_t(3) * k * out_.n_maps);
    grow(ws_.face_key, size_t(out_.n_maps));
    for (int m = 0; m < block.n_maps; ++m) {
        const double *z = &block.Z[block.at(m, 0, 0)], *z_err = &block.Z_err[block.at(m, 0, 0)];
        double *to = &out_.Z[out_.at(faces[m], 0, 0)], *to_err = &out_.Z_err[out_.at(faces[m], 0, 0)];
        for (int q = 0; q < 3 * k; ++q) {  // a few numbers: a loop, not a call to memmove
            to[q] = z[q];
            to_err[q] = z_err[q];
        }
        ws_.face_key[size_t(faces[m])] = {z[0], z_err[0]};
    }
}

// The decision boundary: the mesh is refined further by the output ties (two classes: the decision value z1 - z0,
// z or z - 0.5; k classes: z_c - z_d for every pair c < d), after which every face has one predicted class: the
// lowest-index class whose logit is the largest (as argmax), class 1 of two where the decision value is > 0. The
// boundary is every edge between faces of different classes, so ties over a whole face are never drawn.
std::vector<Polyline> Arrangement::decision_boundary() {
    const int k = net_.n_outputs();
    std::vector<std::array<int, 2>> ties;  // (row, minus) of each tie function
    if (net_.head == Head::softmax) {
        for (int c = 0; c < k; ++c)
            for (int d = c + 1; d < k; ++d) ties.push_back({c, d});
    } else {
        ties.push_back(net_.head == Head::softmax2 ? std::array<int, 2>{1, 0}
                       : net_.head == Head::sigmoid ? std::array<int, 2>{0, -1}
                                                    : std::array<int, 2>{0, -2});
    }
    constexpr uint8_t zero = 2;  // tie bits: 1 row > minus, 0 row < minus, 2 equal on the whole face
    std::vector<int>& faces = ws_.tie_faces;
    const size_t n_before = face_he_.size(), h_before = H_.size();
    faces.resize(n_before);
    for (size_t f = 0; f < faces.size(); ++f) faces[f] = face_map_[f] = static_cast<int>(f);
    for (size_t t = 0; t < ties.size(); ++t)
        split_by({&out_, ties[t][0], ties[t][1]}, n_neurons_ + static_cast<int>(t), zero, faces);
    auto predicted = [&](int f) {
        const uint8_t* tie = bits_.ties(f);
        if (net_.head != Head::softmax) return int(tie[0] == 1);
        auto index = [&](int c, int d) { return c * (2 * k - c - 1) / 2 + (d - c - 1); };  // pair (c < d)
        for (int c = 0; c < k; ++c) {
            bool top = true;
            for (int d = 0; d < k && top; ++d)
                if (d != c) top = c < d ? tie[index(c, d)] != 0 : tie[index(d, c)] != 1;
            if (top) return c;
        }
        return 0;
    };
    std::vector<int>& boundary = ws_.boundary;
    boundary.clear();
    const int g = n_neurons_;
    if (ties.size() == 1 && segments_[g].size() == face_he_.size() - n_before) {
        // One tie function, and every edge where its bit changes is a chord of its own splits (split_one emitted one
        // segment per split and no existing edge): an edge between classes (whose faces differ in the tie's bit)
        // is one of those chords, and they are the half-edge pairs (c, c + 1) made since h_before on the tie's
        // lines (the edges split meanwhile have opposite signs at their ends, so do not lie on its zero set; the
        // chords have zeros at both, so are not split again). Found in increasing order of c, their lower
        // half-edge: the edges of the pass below, without reading every half-edge.
        for (int e = static_cast<int>(h_before); e < static_cast<int>(H_.size()); ++e) {
            const HalfEdge& h = H_[e];
            if (ws_.line_fn[h.line] == g && h.twin > e && predicted(h.face) != predicted(H_[h.twin].face))
                boundary.push_back(e);
        }
    } else {
        std::vector<int>& cls = ws_.cls;
        cls.resize(face_he_.size());
        for (size_t f = 0; f < cls.size(); ++f) cls[f] = predicted(static_cast<int>(f));
        // Each edge between classes, by its lower half-edge t, found at its upper one e (t's face is then in the
        // compact he_face: no second read of the half-edge far away), then in the order of t, as the edges are drawn.
        std::vector<int>& he_face = ws_.he_face;
        he_face.resize(H_.size());
        for (int e = 0; e < static_cast<int>(H_.size()); ++e) {
            const int t = H_[e].twin;
            he_face[e] = H_[e].face;
            if (t >= 0 && t < e && cls[he_face[t]] != cls[he_face[e]]) boundary.push_back(t);
        }
        std::sort(boundary.begin(), boundary.end());
    }
    std::vector<MeshSegment>& segments = ws_.segments_tie;
    segments.clear();
    for (const int t : boundary) segments.emplace_back(H_[t].origin, H_[H_[t].twin].origin);
    return polylines(segments);
}

// One pass over the half-edges: each vertex's degree (ws_.degree), and the interior edges whose two faces' output
// maps are not certainly different (ws_.merge, by their lower half-edge, in increasing order), found at their upper
// half-edge from the compact he_face. Certainly different: some coefficient differs by more than both error bounds,
// tested first on each face's first coefficient alone (face_key, one small record per face, written with the
// output maps: append_output_maps), then on all of them.
void Arrangement::scan_edges() {
    const int k = out_.n;
    const std::vector<std::array<double, 2>>& key = ws_.face_key;
    auto different = [](double z1, double z2, double e1, double e2) {
        const double diff = std::abs(z1 - z2);
        return diff > (e1 + e2) * (1 + 8 * unit_roundoff) + unit_roundoff * diff;
    };
    auto certainly_different = [&](int f1, int f2) {
        ++n_decisions_;
        if (different(key[f1][0], key[f2][0], key[f1][1], key[f2][1])) return true;
        const double *z1 = &out_.Z[out_.at(f1, 0, 0)], *z2 = &out_.Z[out_.at(f2, 0, 0)];
        const double *e1 = &out_.Z_err[out_.at(f1, 0, 0)], *e2 = &out_.Z_err[out_.at(f2, 0, 0)];
        for (int q = 1; q < 3 * k; ++q)
            if (different(z1[q], z2[q], e1[q], e2[q])) return true;
        return false;
    };
    std::vector<int>&degree = ws_.degree, &he_face = ws_.he_face, &merge = ws_.merge;
    degree.assign(V_.size(), 0);
    he_face.resize(H_.size());
    merge.clear();
    for (int e = 0; e < static_cast<int>(H_.size()); ++e) {
        const HalfEdge& he = H_[e];
        ++degree[he.origin];
        he_face[e] = he.face;
        if (he.twin >= 0 && he.twin < e && !certainly_different(he_face[he.twin], he.face)) merge.push_back(he.twin);
    }
    std::sort(merge.begin(), merge.end());
}

// Union-find over the interior edges whose two faces have exactly equal output maps: those that scan_edges could
// not tell apart, compared in rationals when the faces are not yet in one set. Returns the number of sets (their
// roots); linear_id (when asked for) numbers them in the order of their first face.
int64_t Arrangement::linear_regions(std::vector<int>* linear_id) {
    const int n_faces = static_cast<int>(face_he_.size());
    std::vector<int>& parent = ws_.parent;
    parent.resize(n_faces);
    for (int f = 0; f < n_faces; ++f) parent[f] = f;
    auto find = [&](int f) {
        while (parent[f] != f) f = parent[f] = parent[parent[f]];
        return f;
    };
    for (const int e : ws_.merge) {
        const int t = H_[e].twin;
        const int a = find(H_[e].face), b = find(H_[t].face);
        if (a != b && exact_.equal_output_maps(H_[e].face, H_[t].face)) parent[a] = b;
    }
    int64_t n_linear = 0;
    if (!linear_id) {
        for (int f = 0; f < n_faces; ++f) n_linear += parent[f] == f;
        return n_linear;
    }
    linear_id->resize(n_faces);
    std::vector<int>& root_id = ws_.root_id;
    root_id.assign(n_faces, -1);
    for (int f = 0; f < n_faces; ++f) {
        int& id = root_id[find(f)];
        if (id < 0) id = static_cast<int>(n_linear++);
        (*linear_id)[f] = id;
    }
    return n_linear;
}

Geometry Arrangement::result(const GeometryOptions& options) {
    Geometry g;
    g.exact = true;
    g.domain = net_.domain;
    const int n_faces = static_cast<int>(face_he_.size());
    std::vector<int> linear_id;
    g.counts.activation = n_faces;
    scan_edges();
    g.counts.linear = linear_regions(options.regions ? &linear_id : nullptr);
    g.counts.per_layer = per_layer_;
    // Vertices where boundaries meet or bend: interior vertices with three or more edges.
    const std::vector<int>& degree = ws_.degree;
    auto meets = [&](size_t v) { return !V_[v].on_box && degree[v] >= 3; };
    Eigen::Index n_meet = 0;
    for (size_t v = 0; v < V_.size(); ++v) n_meet += meets(v);
    g.vertices.resize(n_meet, 2);
    for (size_t v = 0, i = 0; v < V_.size(); ++v)
        if (meets(v)) {
            g.vertices(Eigen::Index(i), 0) = V_[v].x;
            g.vertices(Eigen::Index(i++), 1) = V_[v].y;
        }
    if (options.regions) {
        const int k = out_.n;
        g.regions.resize(n_faces);
        for (int f = 0; f < n_faces; ++f) {
            Region& r = g.regions[f];
            std::vector<int>& cycle = cyc_;
            cycle.clear();
            int e = face_he_[f];
            do {
                cycle.push_back(H_[e].origin);
                e = H_[e].next;
            } while (e != face_he_[f]);
            r.polygon.resize(static_cast<Eigen::Index>(cycle.size()), 2);
            double area2 = 0;  // shoelace
            for (size_t i = 0; i < cycle.size(); ++i) {
                const int a = cycle[i], b = cycle[(i + 1) % cycle.size()];
                r.polygon.row(static_cast<Eigen::Index>(i)) << V_[a].x, V_[a].y;
                area2 += V_[a].x * V_[b].y - V_[b].x * V_[a].y;
            }
            r.area = 0.5 * area2;
            r.pattern.resize(size_t(n_neurons_));
            bits_.get_states(f, 0, n_neurons_, r.pattern.data());
            r.A.resize(k, 2);
            r.c.resize(k);
            for (int i = 0; i < k; ++i) {
                r.A(i, 0) = out_.z(f, i, 0);
                r.A(i, 1) = out_.z(f, i, 1);
                r.c(i) = out_.z(f, i, 2);
            }
            r.linear_id = linear_id[f];
        }
    }
    g.neurons.reserve(n_neurons_);
    for (int l = 0; l < net_.n_hidden_layers(); ++l)
        for (int j = 0; j < net_.layers[l].n_out(); ++j)
            g.neurons.push_back({l + 1, j + 1, polylines(segments_[layer_offset_[l] + j])});
    g.decision_boundary = decision_boundary();  // last: it refines the mesh further
    g.n_decisions = n_decisions_;
    g.n_exact_decisions = exact_.n_exact;
    return g;
}

}  // namespace

Geometry exact_geometry(const Network& net, const GeometryOptions& options) {
    check_scale(net);
    thread_local Workspace ws;
    Arrangement mesh(net, ws);
    mesh.refine(0, {0});
    return mesh.result(options);
}

}  // namespace ginn::detail
