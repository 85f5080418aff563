// Error area against a formula's true boundary. For a piecewise-linear net every region P carries its affine decision
// value d; D_P = P clipped to d > 0 is where the net predicts class 1. With T = {f > 0} and |.| the area,
//   error = |D| + |T| - 2 |D n T|,   |D| = sum |D_P| (shoelace),   |T| in closed form,
// and |D_P n T| by clipping (straight truths) or by quadrature of slice lengths along x (curved truths).
#include "ginn/study/truth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "ginn/core/error.h"
#include "ginn/core/parallel.h"

namespace ginn {

namespace {

constexpr double pi = std::numbers::pi;
const Box formula_domain{-2, 2, -2, 2};

enum class Truth { diagonal, vee, ellipse, sine };

Truth truth_of(const std::string& target) {
    if (target == "y-x") return Truth::diagonal;
    if (target == "y-|x|") return Truth::vee;
    if (target == "1-x^2/4-y^2") return Truth::ellipse;
    if (target == "y-sin(pi*x)") return Truth::sine;
    throw Error(target, "is not a formula task", "y-x, y-|x|, 1-x^2/4-y^2 or y-sin(pi*x)",
                "the error against the truth needs a closed-form boundary");
}

/// f of a truth (the same formulas as the tasks in src/data/tasks.cpp, without the name lookup per point).
double truth_value(Truth t, double x, double y) {
    switch (t) {
        case Truth::diagonal: return y - x;
        case Truth::vee: return y - std::abs(x);
        case Truth::ellipse: return 1 - x * x / 4 - y * y;
        case Truth::sine: return y - std::sin(pi * x);
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------- polygons

using Poly = std::vector<std::array<double, 2>>;

double poly_area(const Poly& p) {  // shoelace; counter-clockwise positive
    double s = 0;
    for (size_t i = 0, n = p.size(); i < n; ++i) {
        const auto& a = p[i];
        const auto& b = p[(i + 1) % n];
        s += a[0] * b[1] - b[0] * a[1];
    }
    return std::abs(s) / 2;
}

/// Sutherland-Hodgman: the part of p where a x + b y + c > 0. Exact up to rounding; areas stay right for
/// non-convex p (the degenerate edges it may add have no area).
Poly clip(const Poly& p, double a, double b, double c) {
    Poly out;
    const size_t n = p.size();
    for (size_t i = 0; i < n; ++i) {
        const auto& u = p[i];
        const auto& v = p[(i + 1) % n];
        const double su = a * u[0] + b * u[1] + c, sv = a * v[0] + b * v[1] + c;
        if (su > 0) out.push_back(u);
        if ((su > 0) != (sv > 0)) {
            const double t = su / (su - sv);
            out.push_back({u[0] + t * (v[0] - u[0]), u[1] + t * (v[1] - u[1])});
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------- slice quadrature

/// Length of [lo, hi] inside T's vertical slice at x.
double slice_in_truth(Truth t, double x, double lo, double hi) {
    if (hi <= lo) return 0;
    if (t == Truth::ellipse) {
        const double r = 1 - x * x / 4;
        if (r <= 0) return 0;
        const double e = std::sqrt(r);
        return std::max(0.0, std::min(hi, e) - std::max(lo, -e));
    }
    const double s = std::sin(pi * x);  // sine: T_x = (sin(pi x), +inf)
    return std::max(0.0, hi - std::max(lo, s));
}

/// Gauss-Kronrod 7-15 nodes and weights (Kronrod 1965; the standard QUADPACK table).
constexpr std::array<double, 8> gk_x = {0.991455371120812639, 0.949107912342758525, 0.864864423359769073,
                                        0.741531185599394440, 0.586087235467691130, 0.405845151377397167,
                                        0.207784955007898468, 0.0};
constexpr std::array<double, 8> gk_w = {0.022935322010529225, 0.063092092629978553, 0.104790010322250184,
                                        0.140653259715525919, 0.169004726639267903, 0.190350578064785410,
                                        0.204432940075298892, 0.209482141084727828};
constexpr std::array<double, 4> g_w = {0.129484966168869693, 0.279705391489276668, 0.381830050505118945,
                                       0.417959183673469388};  // at gk_x[1], [3], [5], [7]

struct Quad {
    double value = 0, error = 0;
};

/// Adaptive bisection of G7K15 until each piece's |K15 - G7| is below its share of `tol` (proportional to width).
template <typename F>
Quad integrate(const F& f, double a, double b, double tol) {
    Quad total;
    struct Piece { double a, b; int depth; };
    std::vector<Piece> stack{{a, b, 0}};
    while (!stack.empty()) {
        const Piece p = stack.back();
        stack.pop_back();
        const double c = (p.a + p.b) / 2, h = (p.b - p.a) / 2;
        double k = gk_w[7] * f(c), g = g_w[3] * f(c);
        for (int i = 0; i < 7; ++i) {
            const double s = f(c - h * gk_x[i]) + f(c + h * gk_x[i]);
            k += gk_w[i] * s;
            if (i % 2 == 1) g += g_w[i / 2] * s;
        }
        const double err = std::abs((k - g) * h), share = tol * (p.b - p.a) / (b - a);
        if (err <= share || p.depth >= 50) {
            total.value += k * h;
            total.error += err;
        } else {
            stack.push_back({p.a, c, p.depth + 1});
            stack.push_back({c, p.b, p.depth + 1});
        }
    }
    return total;
}

/// |p n T| for a curved truth: between consecutive vertex abscissae the polygon's slice is a fixed set of intervals
/// between straight edges, so the integrand is the summed length of those intervals inside T's slice.
Quad area_in_curved_truth(const Poly& p, Truth t, double tol) {
    Quad total;
    std::vector<double> xs;
    for (const auto& v : p) xs.push_back(v[0]);
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    const double width = xs.empty() ? 0 : xs.back() - xs.front();
    struct Line { double m, q; };  // y = m x + q
    std::vector<Line> lines;
    for (size_t s = 0; s + 1 < xs.size(); ++s) {
        const double xa = xs[s], xb = xs[s + 1], xm = (xa + xb) / 2;
        lines.clear();
        for (size_t i = 0, n = p.size(); i < n; ++i) {
            const auto& u = p[i];
            const auto& v = p[(i + 1) % n];
            if (std::min(u[0], v[0]) > xm || std::max(u[0], v[0]) < xm || u[0] == v[0]) continue;
            const double m = (v[1] - u[1]) / (v[0] - u[0]);
            lines.push_back({m, u[1] - m * u[0]});
        }
        std::sort(lines.begin(), lines.end(),
                  [&](const Line& a, const Line& b) { return a.m * xm + a.q < b.m * xm + b.q; });
        const auto f = [&](double x) {
            double len = 0;
            for (size_t k = 0; k + 1 < lines.size(); k += 2)
                len += slice_in_truth(t, x, lines[k].m * x + lines[k].q, lines[k + 1].m * x + lines[k + 1].q);
            return len;
        };
        const Quad q = integrate(f, xa, xb, tol * (xb - xa) / width);
        total.value += q.value;
        total.error += q.error;
    }
    return total;
}

/// |p n T| for any truth: clipping for the straight ones, quadrature for the curved ones.
Quad area_in_truth(const Poly& p, Truth t, double tol) {
    if (p.size() < 3) return {};
    switch (t) {
        case Truth::diagonal: return {poly_area(clip(p, -1, 1, 0)), 0};                  // y - x > 0
        case Truth::vee: return {poly_area(clip(clip(p, -1, 1, 0), 1, 1, 0)), 0};      // y > x and y > -x
        default: return area_in_curved_truth(p, t, tol);
    }
}

/// The affine decision value on a region, d = a x + b y + c (class 1 where d > 0).
std::array<double, 3> decision_affine(Head head, const Region& r) {
    if (head == Head::sigmoid) return {r.A(0, 0), r.A(0, 1), r.c(0)};
    if (head == Head::regression) return {r.A(0, 0), r.A(0, 1), r.c(0) - 0.5};
    return {r.A(1, 0) - r.A(0, 0), r.A(1, 1) - r.A(0, 1), r.c(1) - r.c(0)};
}

ErrorArea exact_error(const Network& net, const Geometry& g, const std::string& target, double tol_abs) {
    const Truth t = truth_of(target);
    if (g.regions.empty())
        throw Error("geometry", "has no regions", "geometry computed with {.regions = true}", "");
    double area_d = 0, area_dt = 0, err_dt = 0, region_area = 0;
    for (const Region& r : g.regions) region_area += r.area;
    for (const Region& r : g.regions) {
        Poly p(r.polygon.rows());
        for (Eigen::Index i = 0; i < r.polygon.rows(); ++i) p[i] = {r.polygon(i, 0), r.polygon(i, 1)};
        const auto [a, b, c] = decision_affine(net.head, r);
        const Poly d = clip(p, a, b, c);
        if (d.size() < 3) continue;
        area_d += poly_area(d);
        const Quad q = area_in_truth(d, t, tol_abs * std::max(r.area, 1e-300) / region_area);
        area_dt += q.value;
        err_dt += q.error;
    }
    const double total = formula_domain.area();
    const bool curved = t == Truth::ellipse || t == Truth::sine;
    const double err = area_d + formula_positive_area(target) - 2 * area_dt;
    // Rounding in the clipped areas is ~1e-16 of the domain per region; report it for the straight truths.
    const double rounding = 1e-15 * static_cast<double>(g.regions.size());
    return {std::clamp(err / total, 0.0, 1.0), 2 * err_dt / total + rounding, true,
            curved ? "polygons + quadrature" : "polygons"};
}

/// Smooth networks: the predicted class at the centres of a grid x grid, and as bound the fraction of cells where the
/// net's or the truth's sign is not the same at all four corners (a boundary passes through them). Evaluated
/// adaptively (Warnock-style subdivision): a block of cells whose perimeter corners all have one net sign and one truth
/// sign is taken as uniform; other blocks split into four, down to single cells, which are judged at their centres.
/// This equals the full grid unless a boundary closes on itself inside one block without touching its perimeter (an
/// island narrower than the top block, `block` cells = 4/grid x block units).
class GridError {
public:
    GridError(const Network& net, Truth t, int grid) : net_(net), t_(t), n_(grid), corner_(size_t(n_ + 1) * (n_ + 1), 0) {}

    ErrorArea run() {
        int block = 16;
        while (block > 1 && n_ % block != 0) block /= 2;
        std::vector<Block> blocks;
        for (int j = 0; j < n_; j += block)
            for (int i = 0; i < n_; i += block) blocks.push_back({i, j, block});
        int64_t wrong = 0, mixed = 0;
        while (!blocks.empty()) {
            for (const Block& b : blocks) request_perimeter(b);
            evaluate_requests();
            std::vector<Block> next, cells;  // blocks to split, single mixed cells to judge at their centres
            for (const Block& b : blocks) {
                const int s = uniform_sign(b);
                if (s >= 0) wrong += int64_t{s == 1} * b.size * b.size;  // s = 1: net and truth disagree throughout
                else if (b.size == 1) cells.push_back(b);
                else
                    for (int q = 0; q < 4; ++q)
                        next.push_back({b.i + (q & 1) * b.size / 2, b.j + (q >> 1) * b.size / 2, b.size / 2});
            }
            mixed += static_cast<int64_t>(cells.size());
            wrong += wrong_centres(cells);
            blocks.swap(next);
        }
        const double total = static_cast<double>(n_) * n_;
        return {wrong / total, mixed / total, false, "grid " + std::to_string(n_) + "^2 (approximate)"};
    }

private:
    struct Block {
        int i, j, size;  // lower-left corner index and size, in cells
    };
    // corner_ bits: 1 known, 2 net positive, 4 truth positive
    static constexpr uint8_t known = 1, net_pos = 2, truth_pos = 4;

    double x_at(double i) const { return -2 + 4 * i / n_; }

    void request(int i, int j) {
        uint8_t& c = corner_[size_t(j) * (n_ + 1) + i];
        if (c & known) return;
        c = known;  // marked now, filled by evaluate_requests
        pending_.push_back({i, j});
    }
    void request_perimeter(const Block& b) {
        for (int k = 0; k <= b.size; ++k) {
            request(b.i + k, b.j), request(b.i + k, b.j + b.size);
            request(b.i, b.j + k), request(b.i + b.size, b.j + k);
        }
    }
    /// The net at every pending corner, in batches of 4096 points.
    void evaluate_requests() {
        constexpr size_t batch = 4096;
        for (size_t k0 = 0; k0 < pending_.size(); k0 += batch) {
            const size_t m = std::min(batch, pending_.size() - k0);
            Eigen::MatrixXd X(static_cast<Eigen::Index>(m), 2);  // m by 2
            for (size_t k = 0; k < m; ++k) X.row(Eigen::Index(k)) << x_at(pending_[k0 + k][0]), x_at(pending_[k0 + k][1]);
            const Eigen::VectorXd v = decision_value(net_, X);
            for (size_t k = 0; k < m; ++k) {
                const auto [i, j] = pending_[k0 + k];
                corner_[size_t(j) * (n_ + 1) + i] =
                    known | (v(Eigen::Index(k)) > 0 ? net_pos : 0) | (truth_value(t_, X(Eigen::Index(k), 0), X(Eigen::Index(k), 1)) > 0 ? truth_pos : 0);
            }
        }
        pending_.clear();
    }
    /// -1 if the net's or the truth's sign changes along the block's perimeter, else 1 if they disagree, 0 if they agree.
    int uniform_sign(const Block& b) const {
        const uint8_t first = corner_[size_t(b.j) * (n_ + 1) + b.i];
        auto same = [&](int i, int j) { return corner_[size_t(j) * (n_ + 1) + i] == first; };
        for (int k = 0; k <= b.size; ++k)
            if (!same(b.i + k, b.j) || !same(b.i + k, b.j + b.size) || !same(b.i, b.j + k) || !same(b.i + b.size, b.j + k))
                return -1;
        return bool(first & net_pos) != bool(first & truth_pos) ? 1 : 0;
    }
    /// Cells whose centre the net classifies differently from the truth.
    int64_t wrong_centres(const std::vector<Block>& cells) const {
        int64_t wrong = 0;
        constexpr size_t batch = 4096;
        for (size_t k0 = 0; k0 < cells.size(); k0 += batch) {
            const size_t m = std::min(batch, cells.size() - k0);
            Eigen::MatrixXd X(static_cast<Eigen::Index>(m), 2);  // m by 2
            for (size_t k = 0; k < m; ++k) X.row(Eigen::Index(k)) << x_at(cells[k0 + k].i + 0.5), x_at(cells[k0 + k].j + 0.5);
            const Eigen::VectorXd v = decision_value(net_, X);
            for (size_t k = 0; k < m; ++k)
                wrong += (v(Eigen::Index(k)) > 0) != (truth_value(t_, X(Eigen::Index(k), 0), X(Eigen::Index(k), 1)) > 0);
        }
        return wrong;
    }

    const Network& net_;
    Truth t_;
    int n_;
    std::vector<uint8_t> corner_;                 // (n + 1)^2 corners, row by row from the bottom
    std::vector<std::array<int, 2>> pending_;     // corners to evaluate
};

ErrorArea grid_error(const Network& net, const std::string& target, int grid) {
    return GridError(net, truth_of(target), grid).run();
}

void check_two_class(const Network& net) {
    if (net.layers.empty() || net.layers.front().n_in() != 2)
        throw Error("network", "does not have 2 inputs", "a network on the plane", "");
    const Box& d = net.domain;
    if (d.x0 != formula_domain.x0 || d.x1 != formula_domain.x1 || d.y0 != formula_domain.y0 || d.y1 != formula_domain.y1)
        throw Error("network", "domain is not [-2,2]^2", "a network of a formula task", "");
    const int n_out = net.n_outputs();
    if ((net.head == Head::softmax2 || net.head == Head::softmax) ? n_out != 2 : n_out != 1)
        throw Error("network", "has " + std::to_string(n_out) + " outputs", "a two-class network",
                    "formula tasks have two classes");
}

/// Bounds of ErrorAreaOptions: the grid's corner bytes ((grid + 1)^2) stay below 70 MB, and the quadrature's tolerance
/// stays above what double arithmetic can certify for an area of 16.
constexpr int max_error_grid = 8192;
constexpr double min_error_tolerance = 1e-14;

void check_options(const ErrorAreaOptions& o) {
    if (o.grid < 1 || o.grid > max_error_grid)
        throw Error("error area options", "grid of " + std::to_string(o.grid) + " cells per side is out of range",
                    "1.." + std::to_string(max_error_grid), "the default is 1024");
    if (!(o.tolerance >= min_error_tolerance && o.tolerance <= 1))
        throw Error("error area options", "tolerance " + number_text(o.tolerance) + " is out of range",
                    "1e-14..1 (a fraction of the domain's area)", "the default is 1e-10");
}

}  // namespace

bool is_formula_task(const std::string& target) {
    return target == "y-x" || target == "y-|x|" || target == "1-x^2/4-y^2" || target == "y-sin(pi*x)";
}

double formula_value(const std::string& target, double x, double y) {
    return truth_value(truth_of(target), x, y);
}

double formula_positive_area(const std::string& target) {
    switch (truth_of(target)) {
        case Truth::diagonal: return 8;        // half the square
        case Truth::vee: return 4;             // triangle (-2,2), (0,0), (2,2)
        case Truth::ellipse: return 2 * pi;    // semi-axes 2 and 1, inside the square
        case Truth::sine: return 8;            // integral of 2 - sin(pi x) over [-2, 2]
    }
    return 0;
}

std::vector<Polyline> formula_boundary(const std::string& target, int n) {
    const Truth t = truth_of(target);
    Polyline line;
    if (t == Truth::diagonal) {
        line.resize(2, 2);
        line << -2, -2, 2, 2;
    } else if (t == Truth::vee) {
        line.resize(3, 2);
        line << -2, 2, 0, 0, 2, 2;
    } else {
        line.resize(n + (t == Truth::ellipse), 2);
        for (int i = 0; i < n; ++i) {
            const double s = static_cast<double>(i) / (n - (t == Truth::sine));
            if (t == Truth::ellipse) line.row(i) << 2 * std::cos(2 * pi * s), std::sin(2 * pi * s);
            else line.row(i) << -2 + 4 * s, std::sin(pi * (-2 + 4 * s));
        }
        if (t == Truth::ellipse) line.row(n) = line.row(0);
    }
    return {line};
}

ErrorArea error_area(const Network& net, const Geometry& g, const std::string& target, const ErrorAreaOptions& o) {
    check_options(o);
    truth_of(target);
    check_two_class(net);
    if (!net.piecewise_linear() || !g.exact) return grid_error(net, target, o.grid);
    return exact_error(net, g, target, o.tolerance * formula_domain.area());
}

ErrorArea error_area(const Network& net, const std::string& target, const ErrorAreaOptions& o) {
    check_options(o);
    truth_of(target);
    check_two_class(net);
    if (!net.piecewise_linear()) return grid_error(net, target, o.grid);
    return error_area(net, compute_geometry(net, {.regions = true}), target, o);
}

}  // namespace ginn
