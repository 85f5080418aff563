// Shared internals of the analysis sources (analysis*.cpp): segment distances and the per-snapshot sampling grid.
// Not public API: include/ginn/analysis/analysis.h is the contract.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "ginn/analysis/analysis.h"

namespace ginn::detail {

struct Segment {
    double ax, ay, bx, by;
};
double point_segment_distance(double px, double py, const Segment& s);
std::vector<Segment> polyline_segments(const std::vector<Polyline>& polylines);

/// Nearest-segment queries through a uniform grid of buckets (ring search).
class SegmentIndex {
public:
    explicit SegmentIndex(std::vector<Segment> segments);
    /// Distance from (px, py) to the nearest segment; +inf without segments.
    double distance(double px, double py) const;

private:
    int cell_x(double x) const;
    int cell_y(double y) const;
    std::vector<Segment> segs_;
    double x0_ = 0, y0_ = 0, cell_ = 1;
    int n_ = 0;
    std::vector<std::vector<int>> cells_;  // n_ * n_ buckets of segment indices
};

std::vector<Eigen::Vector2d> sample_polylines(const std::vector<Polyline>& polylines, int n);
double mean_distance(const std::vector<Eigen::Vector2d>& points, const SegmentIndex& index);
/// max(width, height): the unit of the options' lengths.
double domain_scale(const Box& d);

}  // namespace ginn::detail
