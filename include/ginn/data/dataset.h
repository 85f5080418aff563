// Tasks: a domain box and labelled 2-D points. Image targets (a file or a built-in drawing such as `bottle`),
// point-cloud tasks (circle, xor, gauss, spiral), formula tasks sign(f) on [-2,2]^2, and CSV files.
// Not the training loop: how examples are drawn from a Dataset is the trainer's business.
//
// Coordinate convention (the one used everywhere in ginn): x grows to the right and y grows upwards.
// An image target of resolution R lives on the unit box [0,1]^2; the pixel in row r (counted from the top)
// and column c sits at x = (c + 0.5) / R, y = 1 - (r + 0.5) / R. Label 1 is white (bright), 0 is black.
//
// Intended usage:
//   1. fill a TaskSpec (or parse one from a config) and call make_dataset(spec);
//   2. train on dataset.X / dataset.label (rows with is_test set are held out);
//   3. for grid datasets, dataset.grid_w x dataset.grid_h gives the raster (row-major from the top row).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ginn/model/network.h"

namespace ginn {

/// How an image target is made grey and resized to resolution x resolution. `stb`: stb_image's grey conversion and
/// stb_image_resize's default filter (ginn's original behaviour); `bilinear`: Pillow's convert("L") (ITU-R 601-2
/// luma, integer rounding) and antialiased bilinear resize, bit for bit (GINN's own preprocessing).
enum class Resize { stb, bilinear };
const std::vector<std::string>& resize_names();
std::string_view resize_name(Resize r);
Resize resize_from_name(std::string_view name, const std::string& where = "resize");

/// What to learn. `target` is a built-in name (see task_names()) or a path to a PNG/JPEG/BMP image or a .csv.
struct TaskSpec {
    std::string target = "bottle";
    int resolution = 200;        ///< image targets: resized to resolution x resolution (1..4096)
    int n_points = 10000;        ///< point-cloud and formula tasks: number of points (1..10,000,000)
    double noise = 0.0;          ///< point-cloud tasks: TensorFlow Playground's noise level, 0..1 (see task_names())
    double test_fraction = 0.0;  ///< fraction of points held out as a test split, in [0, 0.9]
    double threshold = 0.5;      ///< image targets: grey level (0..1) at or above which a pixel is white
    Resize resize = Resize::stb; ///< image targets: the resize filter (bilinear + threshold 1 reproduces GINN)
    uint64_t seed = 1;           ///< seed for sampled tasks and for the test split
    int margin = 20;             ///< s1-s3: the rules' margin n in grey levels, 0..255 (the paper leaves n open)
    std::string answers = "majority"; ///< labels files (S4): several answers for a pair -> "majority" or "each" (annotate/labels.h)

    /// Throws Error naming the field for a value out of range (make_dataset and RunConfig::validate call it).
    void validate() const;
};

/// Built-in task names: "bottle", "circle", "xor", "gauss", "spiral", "y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)".
/// Domains: bottle [0,1]^2; circle, xor, gauss, spiral [-6,6]^2 (TensorFlow Playground: points within radius 5, noise
/// as Playground defines it: circle and xor label each point by the point displaced by U(-5,5) * noise per coordinate;
/// gauss has variance 0.5 + 7 * noise; spiral points are displaced by U(-1,1) * noise); formulas [-2,2]^2, label 1
/// where f(x, y) > 0.
/// CSV files: the points' bounding box padded by 5% per side; n_classes = max(2, largest label + 1).
/// Fishbein & Debata's "s1", "s2", "s3": grey-level pairs (x1, x2) in {0..255}^2 on the domain [-0.5, 255.5]^2 (each
/// integer pair the centre of its unit cell), all 65536 pairs as a 256 x 256 grid when n_points >= 65536, otherwise
/// n_points distinct pairs drawn with `seed`; classes 0 white, 1 black, 2 grey (pixel_pair_class).
const std::vector<std::string>& task_names();

/// The kind of task `target` names ("image", "point cloud", "formula", "pixel pairs", "labels", "CSV") and the
/// TaskSpec fields that kind reads besides test_fraction and seed (e.g. an image reads resolution, threshold and
/// resize; a formula reads n_points). Lets a front end refuse a setting that would do nothing. Reads at most the
/// first line of a CSV file (a labels export starts with "# ginn-labels").
struct TaskKind {
    const char* name;
    std::vector<std::string> fields;
};
TaskKind task_kind(const std::string& target);

/// Classes of the pixel-pair tasks, on the screen's grey scale (0 black, 255 white).
inline constexpr int pixel_white = 0, pixel_black = 1, pixel_grey = 2;
/// {"white", "black", "grey"}, by class index.
const std::vector<std::string>& pixel_pair_class_names();
/// The class the rule "s1" or "s2" ("s3" is "s1" before its label noise) gives the pair (x1, x2) with margin n:
///   s1: white if x1 + x2 > 255 + n, black if x1 + x2 < 255 - n, grey otherwise;
///   s2: white if x1 > x2 and x1 + x2 > 255 + n, black if x1 < x2 and x1 + x2 < 255 - n, grey otherwise.
/// (The paper's printed rules with white and black swapped, so that a pair called white looks white; see
/// docs/fishbein.md.) Example: `pixel_pair_class("s1", 255, 255, 20) == pixel_white`.
int pixel_pair_class(std::string_view rule, int x1, int x2, int margin);

/// A labelled point set on a domain box.
struct Dataset {
    std::string name;             ///< target name or file path
    Box domain;                   ///< the box the points live in (and that figures show)
    Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor> X;  // #points by 2, domain coordinates
    std::vector<int32_t> label;   ///< class per point, 0..n_classes-1
    std::vector<uint8_t> is_test; ///< 1 for held-out points (empty means no test split)
    int n_classes = 2;
    int grid_w = 0, grid_h = 0;   ///< > 0 when the points are the pixel centres of a raster, row-major from the top
    std::vector<std::string> class_names;  ///< optional, one per class (s1-s3: "white", "black", "grey"); empty: none

    int64_t size() const { return X.rows(); }
    /// The name of class k: class_names[k] when the task names its classes, otherwise "class k".
    std::string class_name(int k) const;
    bool is_grid() const { return grid_w > 0; }
    int64_t n_test() const;
};

/// Domain coordinates of the pixel centres of a w x h raster on `box`, row-major from the top row (the convention
/// above), #pixels by 2. p0, p1 select pixels [p0, p1) of that order (default: all), to evaluate large rasters in chunks.
/// Example: `forward(net, pixel_centres(net.domain, 200, 200))` evaluates the network on GINN's grid.
Eigen::MatrixXd pixel_centres(const Box& box, int w, int h, int64_t p0 = 0, int64_t p1 = -1);

/// Builds the dataset a spec describes. Throws Error (file, what, expected, hint) for a missing or corrupt image,
/// an unknown task name, a malformed CSV, or an out-of-range parameter.
Dataset make_dataset(const TaskSpec& spec);

/// A raster of labels (for the figures' and viewer's "target" background): grid datasets return their own labels;
/// others are rasterised at w x h by nearest labelled point. Row-major from the top row.
std::vector<int32_t> target_raster(const Dataset& data, int w, int h);

/// Class names are short printable ASCII (1..max_class_name bytes, no control characters or quotes).
inline constexpr size_t max_class_name = 64;
/// Throws Error naming `where` unless `names` is empty or holds n_classes valid names.
void check_class_names(const std::vector<std::string>& names, int n_classes, const std::string& where);

/// Binary form used inside a run directory (dataset.bin): magic "GINNDATA", version (1; 2 when the dataset names its
/// classes, which then follow the arrays), then the arrays.
std::string dataset_to_bytes(const Dataset& data);
Dataset dataset_from_bytes(const std::string& bytes, const std::string& where);

}  // namespace ginn
