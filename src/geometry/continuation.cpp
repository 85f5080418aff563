// Numerical continuation of smooth decision boundaries (continuation.h): seeds where the predicted class changes
// along a lattice's edges, then predictor (a step along the tangent) and corrector (Newton's method on the score
// difference, minimum-norm steps) until each curve leaves the domain, meets a third class or closes.
// Not the exact ReLU geometry (exact.cpp, mesh.cpp) nor the marching-squares approximation (smooth.cpp).
#include "ginn/geometry/continuation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numbers>

#include "ginn/core/error.h"

namespace ginn {

namespace {

using Vec2 = Eigen::Vector2d;

struct Tracer {
    const Network& net;
    const TraceOptions& o;
    Box d;
    double h0 = 0;  // the predictor's full step
    int64_t n_points = 0;
    TracedBoundaries out{};

    bool inside(const Vec2& p) const { return p.x() >= d.x0 && p.x() <= d.x1 && p.y() >= d.y0 && p.y() <= d.y1; }

    /// z_a - z_b and its gradient at p.
    double diff(const Vec2& p, int a, int b, Vec2* g = nullptr, Eigen::VectorXd* s_out = nullptr) const {
        Eigen::MatrixXd J;
        const Eigen::VectorXd s = class_scores(net, p, &J);
        if (g) *g = (J.row(a) - J.row(b)).transpose();
        if (s_out) *s_out = s;
        return s(a) - s(b);
    }

    /// The strongest class other than a and b, and whether it beats them at p.
    int rival(const Eigen::VectorXd& s, int a, int b, bool* beats) const {
        int best = -1;
        for (int c = 0; c < s.size(); ++c)
            if (c != a && c != b && (best < 0 || s(c) > s(best))) best = c;
        *beats = best >= 0 && s(best) > std::max(s(a), s(b));
        return best;
    }

    /// Newton's method from p onto z_a = z_b (minimum-norm steps p -= f g / |g|^2); true when |f| <= tolerance.
    bool correct(Vec2& p, int a, int b) const {
        for (int it = 0; it < 40; ++it) {
            Vec2 g;
            const double f = diff(p, a, b, &g);
            if (!std::isfinite(f)) return false;
            if (std::abs(f) <= o.tolerance) return true;
            const double gg = g.squaredNorm();
            if (!(gg > 1e-300)) return false;
            p -= f / gg * g;
        }
        return false;
    }

    /// Newton's method on (z_a - z_b, z_a - z_c) = 0 from p: the triple point, if it converges.
    bool correct_triple(Vec2& p, int a, int b, int c) const {
        for (int it = 0; it < 40; ++it) {
            Vec2 gb, gc;
            const double fb = diff(p, a, b, &gb), fc = diff(p, a, c, &gc);
            if (!std::isfinite(fb) || !std::isfinite(fc)) return false;
            if (std::abs(fb) <= o.tolerance && std::abs(fc) <= o.tolerance) return true;
            Eigen::Matrix2d A;
            A.row(0) = gb.transpose();
            A.row(1) = gc.transpose();
            if (!(std::abs(A.determinant()) > 1e-300)) return false;
            p -= A.partialPivLu().solve(Vec2{fb, fc});
        }
        return false;
    }

    /// Where the segment p (inside) -> q (outside) crosses the domain's edge, corrected along that edge.
    bool edge_point(const Vec2& p, const Vec2& q, int a, int b, Vec2& e) const {
        double t = 1;
        int axis = 0;
        for (int k = 0; k < 2; ++k) {
            const double lo = k == 0 ? d.x0 : d.y0, hi = k == 0 ? d.x1 : d.y1;
            if (q(k) < lo) { const double s = (lo - p(k)) / (q(k) - p(k)); if (s < t) t = s, axis = k; }
            if (q(k) > hi) { const double s = (hi - p(k)) / (q(k) - p(k)); if (s < t) t = s, axis = k; }
        }
        e = p + t * (q - p);
        const int free = 1 - axis;  // move along the edge only
        for (int it = 0; it < 40; ++it) {
            Vec2 g;
            const double f = diff(e, a, b, &g);
            if (std::abs(f) <= o.tolerance) return inside(e);
            if (!(std::abs(g(free)) > 1e-300)) return false;
            e(free) -= f / g(free);
        }
        return false;
    }

    Vec2 tangent(const Vec2& p, int a, int b, const Vec2& along) const {
        Vec2 g;
        diff(p, a, b, &g);
        Vec2 t{-g.y(), g.x()};
        const double n = t.norm();
        if (!(n > 0)) return along;
        t /= n;
        return t.dot(along) < 0 ? Vec2(-t) : t;
    }

    void add_triple(const Vec2& p, int a, int b, int c) {
        int k[3] = {a, b, c};
        std::sort(k, k + 3);
        for (const TriplePoint& t : out.triple_points)
            if (t.a == k[0] && t.b == k[1] && t.c == k[2] && std::hypot(t.x - p.x(), t.y - p.y()) < 1e-6 * h0 / o.step) return;
        out.triple_points.push_back({p.x(), p.y(), k[0], k[1], k[2]});
    }

    enum class End { edge, triple, closed, stuck };

    /// Follows the curve from `start` in direction `dir`; appends the points after start.
    End follow(const Vec2& start, Vec2 dir, int a, int b, std::vector<Vec2>& pts) {
        Vec2 p = start;
        double h = h0, travelled = 0;
        while (true) {
            if (n_points >= o.max_points) return End::stuck;
            const Vec2 q = p + h * dir;
            if (!inside(q)) {
                Vec2 e;
                if (edge_point(p, q, a, b, e) && (e - p).norm() <= 2 * h) {
                    pts.push_back(e), ++n_points;
                    return End::edge;
                }
                if (h < h0 * 1e-6) return End::edge;  // at the edge already
                h /= 2;
                continue;
            }
            Vec2 c = q;
            Eigen::VectorXd s;
            if (!correct(c, a, b) || (c - p).norm() > 2 * h || !inside(c)) {
                if (h < h0 * 1e-6) return End::stuck;
                h /= 2;
                continue;
            }
            diff(c, a, b, nullptr, &s);
            bool beaten = false;
            const int r = rival(s, a, b, &beaten);
            if (beaten) {  // a third class takes over between p and c: the triple point lies there
                Vec2 t = p;
                if (correct_triple(t, a, b, r) && inside(t) && (t - p).norm() <= 2 * h) {
                    add_triple(t, a, b, r);
                    pts.push_back(t), ++n_points;
                    return End::triple;
                }
                if (h < h0 * 1e-6) return End::stuck;
                h /= 2;
                continue;
            }
            travelled += (c - p).norm();
            dir = tangent(c, a, b, dir);
            p = c;
            pts.push_back(c), ++n_points;
            if (travelled > 3 * h0 && (c - start).norm() < 0.75 * h0) return End::closed;
            h = std::min(h0, 1.5 * h);
        }
    }

    double distance_to(const Vec2& p, const Polyline& line) const {
        double best = INFINITY;
        for (Eigen::Index i = 0; i + 1 < line.rows(); ++i) {
            const Vec2 u = line.row(i).transpose(), v = line.row(i + 1).transpose();
            const double len2 = (v - u).squaredNorm();
            const double t = len2 > 0 ? std::clamp((p - u).dot(v - u) / len2, 0.0, 1.0) : 0.0;
            best = std::min(best, (u + t * (v - u) - p).norm());
        }
        if (line.rows() == 1) best = (line.row(0).transpose() - p).norm();
        return best;
    }

    void trace_from(const Vec2& seed, int a, int b) {
        for (const TracedCurve& c : out.curves)
            if (c.a == a && c.b == b && distance_to(seed, c.points) < 0.5 * h0) return;  // already traced
        const Vec2 t = tangent(seed, a, b, Vec2{1, 0});
        std::vector<Vec2> forward, backward;
        const End e1 = follow(seed, t, a, b, forward);
        End e2 = End::closed;
        if (e1 != End::closed) e2 = follow(seed, -t, a, b, backward);
        TracedCurve curve{.a = a, .b = b};
        curve.closed = e1 == End::closed;
        curve.complete = e1 != End::stuck && e2 != End::stuck;
        curve.points.resize(static_cast<Eigen::Index>(backward.size() + 1 + forward.size()), 2);
        Eigen::Index row = 0;
        for (auto it = backward.rbegin(); it != backward.rend(); ++it) curve.points.row(row++) = it->transpose();
        curve.points.row(row++) = seed.transpose();
        for (const Vec2& p : forward) curve.points.row(row++) = p.transpose();
        if (curve.closed) {  // end where it began
            curve.points.conservativeResize(curve.points.rows() + 1, 2);
            curve.points.row(curve.points.rows() - 1) = seed.transpose();
        }
        ++n_points;
        out.curves.push_back(std::move(curve));
    }

    int top(const Vec2& p) const {
        const Eigen::VectorXd s = class_scores(net, p);
        Eigen::Index c = 0;
        s.maxCoeff(&c);  // ties: the lowest index, as predicted_class
        return static_cast<int>(c);
    }

    /// Bisection on the lattice edge p -> q (class ca at p, cb at q) for z_ca = z_cb, then Newton.
    void seed_edge(const Vec2& p, const Vec2& q, int ca, int cb) {
        const int a = std::min(ca, cb), b = std::max(ca, cb);
        double lo = 0, hi = 1;
        const double f_lo = diff(p, a, b);
        for (int it = 0; it < 60; ++it) {
            const double mid = 0.5 * (lo + hi);
            ((diff(p + mid * (q - p), a, b) > 0) == (f_lo > 0) ? lo : hi) = mid;
        }
        Vec2 s = p + 0.5 * (lo + hi) * (q - p);
        if (!correct(s, a, b) || !inside(s)) return;
        Eigen::VectorXd sc;
        diff(s, a, b, nullptr, &sc);
        bool beaten = false;
        rival(sc, a, b, &beaten);
        if (!beaten) trace_from(s, a, b);
    }

    void run() {
        const int G = o.seed_grid;
        std::vector<int> cls(static_cast<size_t>(G + 1) * (G + 1));
        auto node = [&](int i, int j) { return Vec2{d.x0 + d.width() * j / G, d.y0 + d.height() * i / G}; };
        for (int i = 0; i <= G; ++i)
            for (int j = 0; j <= G; ++j) cls[static_cast<size_t>(i) * (G + 1) + j] = top(node(i, j));
        auto at = [&](int i, int j) { return cls[static_cast<size_t>(i) * (G + 1) + j]; };
        for (int i = 0; i <= G; ++i)
            for (int j = 0; j <= G; ++j) {
                if (j < G && at(i, j) != at(i, j + 1)) seed_edge(node(i, j), node(i, j + 1), at(i, j), at(i, j + 1));
                if (i < G && at(i, j) != at(i + 1, j)) seed_edge(node(i, j), node(i + 1, j), at(i, j), at(i + 1, j));
            }
        for (const TracedCurve& c : out.curves)
            for (Eigen::Index i = 0; i < c.points.rows(); ++i)
                out.max_residual = std::max(out.max_residual, std::abs(diff(c.points.row(i).transpose(), c.a, c.b)));
    }
};

void check_options(const TraceOptions& o) {
    auto bad = [](const char* what, double v, const char* range) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", v);
        throw Error("trace " + std::string(what), text, range, "see docs/geometry.md (traced boundaries)");
    };
    if (!(o.tolerance >= 1e-14 && o.tolerance <= 1e-2)) bad("tolerance", o.tolerance, "1e-14..1e-2");
    if (!(o.step >= 1e-5 && o.step <= 0.1)) bad("step", o.step, "1e-5..0.1 of the domain");
    if (o.seed_grid < 4 || o.seed_grid > 1024) bad("seed grid", o.seed_grid, "4..1024");
    if (o.max_points < 100 || o.max_points > 10'000'000) bad("max points", o.max_points, "100..10^7");
}

}  // namespace

Eigen::VectorXd class_scores(const Network& net, const Eigen::Vector2d& x, Eigen::MatrixXd* J) {
    Eigen::VectorXd a = x;                            // (n)
    Eigen::MatrixXd da = Eigen::MatrixXd::Identity(2, 2);  // (n, 2): d a / d x
    for (const DenseLayer& L : net.layers) {
        Eigen::VectorXd z = L.W * a + L.b;
        Eigen::MatrixXd dz = L.W * da;
        if (L.residual) z += a, dz += da;
        if (L.activation != Activation::linear)
            for (Eigen::Index i = 0; i < z.size(); ++i) {
                dz.row(i) *= L.derivative(int(i), z(i));
                z(i) = L.activate(int(i), z(i));
            }
        a = std::move(z);
        da = std::move(dz);
    }
    if (net.head == Head::sigmoid || net.head == Head::regression) {  // one output: scores (threshold, output)
        const double threshold = net.head == Head::sigmoid ? 0.0 : 0.5;
        Eigen::VectorXd s(2);
        s << threshold, a(0);
        if (J) {
            J->resize(2, 2);
            J->row(0).setZero();
            J->row(1) = da.row(0);
        }
        return s;
    }
    if (J) *J = da;
    return a;
}

TracedBoundaries trace_boundaries(const Network& net, const TraceOptions& options) {
    check_options(options);
    Tracer t{.net = net, .o = options, .d = net.domain};
    t.h0 = options.step * std::max(t.d.width(), t.d.height());
    t.out.tolerance = options.tolerance;
    t.run();
    return std::move(t.out);
}

nlohmann::json traced_to_json(const TracedBoundaries& t) {
    nlohmann::json curves = nlohmann::json::array(), triples = nlohmann::json::array();
    for (const TracedCurve& c : t.curves) {
        nlohmann::json pts = nlohmann::json::array();
        for (Eigen::Index i = 0; i < c.points.rows(); ++i) pts.push_back({c.points(i, 0), c.points(i, 1)});
        curves.push_back({{"classes", {c.a, c.b}}, {"closed", c.closed}, {"complete", c.complete}, {"points", pts}});
    }
    for (const TriplePoint& p : t.triple_points) triples.push_back({{"x", p.x}, {"y", p.y}, {"classes", {p.a, p.b, p.c}}});
    return {{"method", "continuation"}, {"exact", false}, {"approximate", "to tolerance"}, {"tolerance", t.tolerance},
            {"max_residual", t.max_residual}, {"curves", curves}, {"triple_points", triples}};
}

}  // namespace ginn
