// Decision boundaries of smooth networks traced by numerical continuation: for each pair of classes (a, b), the curve
// where their scores are equal and on top, followed by predictor-corrector steps with every point corrected by
// Newton's method until |z_a - z_b| <= tolerance (1e-10 by default), and the triple points where three classes meet
// (Fishbein & Debata's "overlapping" boundaries). Approximate to that tolerance, not exact: the curves are polylines
// through points on the zero set, straight between them. Not the exact piecewise-linear geometry (geometry.h).
//
// Intended usage:
//   1. TracedBoundaries t = trace_boundaries(net);          // any head, any activation
//   2. t.curves[i].points (#points by 2, domain coordinates), t.triple_points, t.tolerance, t.max_residual;
//   3. traced_to_json(t) for `ginn geometry --trace`; render.h draws them with RenderOptions::traced.
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "ginn/geometry/geometry.h"
#include "ginn/model/network.h"

namespace ginn {

struct TraceOptions {
    double tolerance = 1e-10;  ///< Newton stops when |z_a - z_b| (the logit difference) is at most this, 1e-14..1e-2
    double step = 0.004;       ///< predictor step, a fraction of max(domain width, height), 1e-5..0.1
    int seed_grid = 96;        ///< starting points: class changes along the edges of a seed_grid^2 lattice, 4..1024
    int max_points = 200000;   ///< points over all curves, 100..10^7 (a curve stops there, marked incomplete)
};

/// One piece of the boundary between classes a < b, where they tie on top: a polyline whose every point has
/// |z_a - z_b| <= tolerance. It ends on the domain's edge, at a triple point, or closes on itself.
struct TracedCurve {
    int a = 0, b = 1;
    Polyline points{};     // #points by 2
    bool closed = false;
    bool complete = true;  ///< false when the point budget or a failed correction cut it short
};

/// Where three classes a < b < c tie on top: |z_a - z_b| and |z_a - z_c| <= tolerance.
struct TriplePoint {
    double x = 0, y = 0;
    int a = 0, b = 1, c = 2;
};

struct TracedBoundaries {
    double tolerance = 1e-10;
    double max_residual = 0;  ///< the largest |z_a - z_b| over every traced point (<= tolerance)
    std::vector<TracedCurve> curves;
    std::vector<TriplePoint> triple_points;
};

/// The class scores whose ties are the boundaries: the logits (softmax heads); (0, z) for a sigmoid head; (0.5, y)
/// for regression, so that argmax is the predicted class. With `J`, also their Jacobian, n_scores by 2.
Eigen::VectorXd class_scores(const Network& net, const Eigen::Vector2d& x, Eigen::MatrixXd* J = nullptr);

/// Traces every boundary piece in the domain. Throws Error for options out of range.
/// Example: `for (const TracedCurve& c : trace_boundaries(net).curves) draw(c.points);`
TracedBoundaries trace_boundaries(const Network& net, const TraceOptions& options = {});

/// {"method": "continuation", "exact": false, "approximate": "to tolerance", "tolerance": 1e-10, "max_residual",
///  "curves": [{"classes": [a, b], "closed", "complete", "points": [[x, y], ...]}], "triple_points": [{"x", "y",
///  "classes": [a, b, c]}]}.
nlohmann::json traced_to_json(const TracedBoundaries& t);

}  // namespace ginn
