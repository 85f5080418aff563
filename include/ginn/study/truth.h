// How right a network is against a formula task's true boundary: the area of the domain where the predicted class
// differs from sign(f), from the exact region polygons of a piecewise-linear network. Not sampling: straight truths
// (y-x, y-|x|) by polygon clipping, curved ones (ellipse, sine) by adaptive Gauss-Kronrod quadrature of the two sets'
// vertical slices. Smooth activations have no exact regions: a labelled grid approximation with a bound instead.
//
// Intended usage:
//   1. if (is_formula_task(run.config().task.target))
//   2.     ErrorArea e = error_area(run.network(run.n_snapshots() - 1), run.config().task.target);
//   3. print e.fraction (of the domain's area), e.bound, e.exact.
#pragma once

#include <string>
#include <vector>

#include "ginn/geometry/geometry.h"
#include "ginn/model/network.h"

namespace ginn {

/// True for Gupta's formula tasks: "y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)" (task_names(), dataset.h).
bool is_formula_task(const std::string& target);
/// f(x, y) of a formula task (label 1 where f > 0). Throws Error for another name.
double formula_value(const std::string& target, double x, double y);
/// Area of {f > 0} inside [-2,2]^2, in closed form: 8, 4, 2 pi, 8.
double formula_positive_area(const std::string& target);
/// The true boundary f = 0 inside [-2,2]^2 as polylines for drawing (the curved ones sampled at `n` points).
std::vector<Polyline> formula_boundary(const std::string& target, int n = 512);

struct ErrorArea {
    double fraction = 0;   ///< area where the predicted class differs from sign(f), as a fraction of the domain
    double bound = 0;      ///< bound on |fraction - true value|: quadrature error estimate, or the grid's boundary cells
    bool exact = true;     ///< exact region polygons (piecewise-linear nets); false: grid approximation
    std::string method;    ///< "polygons", "polygons + quadrature" or "grid 1024^2 (approximate)"
};

struct ErrorAreaOptions {
    double tolerance = 1e-10;  ///< quadrature: target absolute error, as a fraction of the domain's area
    int grid = 1024;           ///< smooth networks: cells per side of the approximation
};

/// The error area of a two-class network (inputs in [-2,2]^2) against formula task `target`.
/// Throws Error for a task that is not a formula, or a network with more than two classes.
/// Example: `double e = error_area(run.network(-1), "y-sin(pi*x)").fraction;`
ErrorArea error_area(const Network& net, const std::string& target, const ErrorAreaOptions& options = {});
/// The same from geometry computed with {.regions = true} (saves recomputing it for exact networks).
ErrorArea error_area(const Network& net, const Geometry& g, const std::string& target,
                     const ErrorAreaOptions& options = {});

}  // namespace ginn
