// Tasks as data: the entry point make_dataset, image and CSV files, the test split, the target raster and the
// dataset's binary form. Not sampling or batching (trainer.h); the generated tasks are in tasks.cpp.
#include "ginn/data/dataset.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "data/internal.h"
#include "ginn/annotate/labels.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"

namespace ginn {

namespace {

using detail::Rng;
using detail::grid_dataset;
using detail::load_image;

constexpr int max_resolution = 4096;
constexpr int max_points = 10'000'000;
constexpr double max_test_fraction = 0.9;
constexpr double max_noise = 1.0;
constexpr uint64_t max_csv_bytes = 1ull << 30;
constexpr int max_csv_classes = 4096;  // the softmax head's limit (model.h max_width)
// Salt so that the test split's random stream differs from the stream that samples the points.
constexpr uint64_t split_salt = 0x7E57'5EED'0000'0001ull;

// ---------------------------------------------------------------------------------------------- validation

void check_spec(const TaskSpec& spec) {
    const std::string hint = "see `ginn train --help`";
    if (spec.resolution < 1 || spec.resolution > max_resolution)
        throw Error("resolution", "is " + std::to_string(spec.resolution), "an integer in 1..4096",
                    "200 reproduces GINN");
    if (spec.n_points < 1 || spec.n_points > max_points)
        throw Error("n_points", "is " + std::to_string(spec.n_points), "an integer in 1..10000000", hint);
    if (!(spec.noise >= 0 && spec.noise <= max_noise))
        throw Error("noise", "is " + std::to_string(spec.noise), "a number in [0, 1]",
                    "TensorFlow Playground's noise: 0 means none, its slider ends at 0.5");
    if (!(spec.test_fraction >= 0 && spec.test_fraction <= max_test_fraction))
        throw Error("test_fraction", "is " + std::to_string(spec.test_fraction), "a number in [0, 0.9]", hint);
    if (spec.margin < 0 || spec.margin > 255)
        throw Error("margin", "is " + std::to_string(spec.margin), "an integer in 0..255 (grey levels)",
                    "20 is the default; 255 makes every pair grey");
    if (!(spec.threshold >= 0 && spec.threshold <= 1))
        throw Error("threshold", "is " + std::to_string(spec.threshold), "a grey level in [0, 1]", "0.5 is typical");
    (void)answers_from_name(spec.answers);  // throws for anything but majority or each
}

std::string valid_task_list() {
    std::string list;
    for (const std::string& name : task_names()) list += (list.empty() ? "" : ", ") + name;
    return list;
}

// ---------------------------------------------------------------------------------------------- CSV files

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string_view::npos; start = comma + 1)
        fields.push_back(trim(line.substr(start, comma - start)));
    fields.push_back(trim(line.substr(start)));
    return fields;
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

/// A header line: three non-empty names, none a number, each with a letter and without '.' (so a mistyped number
/// such as `O.5` is not mistaken for a header and dropped).
bool is_header(const std::vector<std::string_view>& fields) {
    if (fields.size() != 3) return false;
    for (std::string_view f : fields) {
        double v = 0;
        const bool has_letter = std::any_of(f.begin(), f.end(), [](unsigned char c) { return std::isalpha(c); });
        if (f.empty() || parse_number(f, v) || !has_letter || f.find('.') != std::string_view::npos) return false;
    }
    return true;
}

Dataset load_csv(const std::string& path) {
    const std::string text = read_file(path, max_csv_bytes);
    std::vector<double> xs, ys;
    std::vector<int32_t> labels;
    bool first_line = true;
    TextLines lines(text);
    while (lines.next()) {
        const std::string_view line = lines.line();
        const int64_t line_no = lines.number();
        if (line.empty()) continue;
        const std::string where = path + ":" + std::to_string(line_no);
        const auto fields = split_fields(line);
        const bool header = first_line && is_header(fields);
        first_line = false;
        if (header) continue;  // such as `x,y,label`
        if (fields.size() != 3)
            throw Error(where, "has " + std::to_string(fields.size()) + " columns", "3 columns x,y,label",
                        "one point per line, e.g. 0.5,-1.25,1");
        double x = 0, y = 0;
        if (!parse_number(fields[0], x) || !parse_number(fields[1], y) || !(std::abs(x) <= max_abs_coordinate) ||
            !(std::abs(y) <= max_abs_coordinate))
            throw Error(where, "bad coordinate '" + std::string(fields[0]) + "," + std::string(fields[1]) + "'",
                        "two numbers within +-1e6", "use '.' as the decimal point; rescale large coordinates");
        int32_t label = 0;
        if (!parse_number(fields[2], label) || label < 0 || label >= max_csv_classes)
            throw Error(where, "bad label '" + std::string(fields[2]) + "'",
                        "an integer class 0.." + std::to_string(max_csv_classes - 1),
                        "labels are whole numbers, counted from 0");
        if (labels.size() >= static_cast<size_t>(max_points))
            throw Error(path, "has more than " + std::to_string(max_points) + " points", "at most 10000000",
                        "subsample the file");
        xs.push_back(x);
        ys.push_back(y);
        labels.push_back(label);
    }
    if (labels.empty())
        throw Error(path, "has no points", "lines x,y,label (an optional header first)", "check the file");

    Dataset data;
    data.name = path;
    data.X.resize(static_cast<int64_t>(labels.size()), 2);
    for (size_t i = 0; i < labels.size(); ++i) {
        data.X(static_cast<int64_t>(i), 0) = static_cast<float>(xs[i]);
        data.X(static_cast<int64_t>(i), 1) = static_cast<float>(ys[i]);
    }
    // Domain: the bounding box padded by 5% of its extent on each side (by 0.5 along an axis of zero extent).
    const auto [x_min, x_max] = std::minmax_element(xs.begin(), xs.end());
    const auto [y_min, y_max] = std::minmax_element(ys.begin(), ys.end());
    const double pad_x = *x_max > *x_min ? 0.05 * (*x_max - *x_min) : 0.5;
    const double pad_y = *y_max > *y_min ? 0.05 * (*y_max - *y_min) : 0.5;
    data.domain = Box{*x_min - pad_x, *x_max + pad_x, *y_min - pad_y, *y_max + pad_y};
    data.n_classes = std::max(2, *std::max_element(labels.begin(), labels.end()) + 1);
    data.label = std::move(labels);
    return data;
}

// ---------------------------------------------------------------------------------------------- test split

/// Marks round(fraction * n) points as test, chosen by a seeded partial Fisher-Yates shuffle.
void mark_test_split(Dataset& data, double fraction, uint64_t seed) {
    const int64_t n = data.size();
    const int64_t n_test = std::llround(fraction * static_cast<double>(n));
    if (n_test == 0) return;
    std::vector<int64_t> order(n);
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    Rng rng(seed ^ split_salt);
    data.is_test.assign(n, 0);
    for (int64_t i = 0; i < n_test; ++i) {
        const int64_t j = i + static_cast<int64_t>(rng.below(static_cast<uint64_t>(n - i)));
        std::swap(order[i], order[j]);
        data.is_test[order[i]] = 1;
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------- public API

const std::vector<std::string>& task_names() {
    static const std::vector<std::string> names = {"bottle", "circle", "xor", "gauss", "spiral",
                                                   "y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)",
                                                   "s1", "s2", "s3"};
    return names;
}

void TaskSpec::validate() const { check_spec(*this); }

int64_t Dataset::n_test() const { return std::count(is_test.begin(), is_test.end(), uint8_t{1}); }

std::string Dataset::class_name(int k) const {
    if (k >= 0 && static_cast<size_t>(k) < class_names.size()) return class_names[static_cast<size_t>(k)];
    return "class " + std::to_string(k);
}

void check_class_names(const std::vector<std::string>& names, int n_classes, const std::string& where) {
    if (names.empty()) return;
    if (names.size() != static_cast<size_t>(n_classes))
        throw Error(where, std::to_string(names.size()) + " class names for " + std::to_string(n_classes) + " classes",
                    "one name per class", "name every class or none");
    for (const std::string& name : names) {
        const bool printable = std::all_of(name.begin(), name.end(), [](unsigned char c) {
            return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        });
        if (name.empty() || name.size() > max_class_name || !printable)
            throw Error(where, "class name '" + name.substr(0, max_class_name) + "'",
                        "1..64 printable ASCII characters without quotes or backslashes", "e.g. white, black, grey");
    }
}

TaskKind task_kind(const std::string& target) {
    const std::string& t = target;
    if (t == "bottle") return {"image", {"resolution", "threshold"}};  // drawn at the resolution, no resize
    if (t == "circle" || t == "xor" || t == "gauss" || t == "spiral") return {"point cloud", {"n_points", "noise"}};
    if (t == "y-x" || t == "y-|x|" || t == "1-x^2/4-y^2" || t == "y-sin(pi*x)") return {"formula", {"n_points"}};
    if (detail::is_pixel_pair_task(t)) return {"pixel pairs", {"n_points", "margin"}};
    if (is_labels_file(t)) return {"labels", {"answers"}};
    if (lower_extension(t) == ".csv") return {"CSV", {}};
    return {"image", {"resolution", "threshold", "resize"}};
}

Dataset make_dataset(const TaskSpec& spec) {
    check_spec(spec);
    const std::string& t = spec.target;
    Dataset data;
    if (t == "bottle") {
        data = detail::make_bottle(spec.resolution, spec.threshold);
    } else if (t == "circle" || t == "xor" || t == "gauss" || t == "spiral") {
        data = detail::make_point_cloud(t, spec.n_points, spec.noise, spec.seed);
    } else if (t == "y-x" || t == "y-|x|" || t == "1-x^2/4-y^2" || t == "y-sin(pi*x)") {
        data = detail::make_formula(t, spec.n_points, spec.seed);
    } else if (detail::is_pixel_pair_task(t)) {
        data = detail::make_pixel_pairs(t, spec.n_points, spec.margin, spec.seed);
    } else {
        const std::string ext = lower_extension(t);
        const bool is_image = ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
        if (is_labels_file(t))  // people's labels (S4): the annotation database or its CSV export
            data = labels_dataset(t, answers_from_name(spec.answers));
        else if (ext == ".csv")
            data = load_csv(t);
        else if (is_image || std::filesystem::exists(t))
            data = load_image(t, spec.resolution, spec.threshold, spec.resize);
        else
            throw Error(t, "unknown task", "one of " + valid_task_list() + ", or a PNG/JPEG/BMP/CSV file",
                        "check the spelling or the path");
    }
    mark_test_split(data, spec.test_fraction, spec.seed);
    return data;
}

// ---------------------------------------------------------------------------------------------- target raster

namespace {

/// Nearest labelled point by a uniform bucket grid searched in growing rings (exact nearest, not approximate).
class NearestPoint {
public:
    explicit NearestPoint(const Dataset& data) : data_(data) {
        const int64_t n = data.size();
        n_side_ = std::clamp(static_cast<int>(std::sqrt(static_cast<double>(n) / 2)), 1, 1024);
        const Box& d = data.domain;
        cell_w_ = d.width() / n_side_;
        cell_h_ = d.height() / n_side_;
        buckets_.resize(static_cast<size_t>(n_side_) * n_side_);
        for (int64_t i = 0; i < n; ++i) buckets_[bucket_of(data.X(i, 0), data.X(i, 1))].push_back(i);
    }

    int64_t find(double x, double y) const {
        const int cx = cell(x, data_.domain.x0, cell_w_), cy = cell(y, data_.domain.y0, cell_h_);
        int64_t best = -1;
        double best_d2 = INFINITY;
        for (int ring = 0; ring <= n_side_; ++ring) {
            // Every point outside rings 0..ring-1 lies at least (ring - 1) cells away from (x, y).
            const double reach = (ring - 1) * std::min(cell_w_, cell_h_);
            if (best >= 0 && reach > 0 && reach * reach > best_d2) break;
            for (int j = cy - ring; j <= cy + ring; ++j)
                for (int i = cx - ring; i <= cx + ring; ++i) {
                    if (std::max(std::abs(i - cx), std::abs(j - cy)) != ring) continue;
                    if (i < 0 || j < 0 || i >= n_side_ || j >= n_side_) continue;
                    for (int64_t p : buckets_[static_cast<size_t>(j) * n_side_ + i]) {
                        const double d2 = std::pow(data_.X(p, 0) - x, 2) + std::pow(data_.X(p, 1) - y, 2);
                        if (d2 < best_d2 || best < 0) best_d2 = d2, best = p;  // best < 0: even if d2 overflows
                    }
                }
        }
        return best;
    }

private:
    int cell(double v, double v0, double size) const {
        // clamped as a double: a point far outside the domain (a crafted dataset.bin) overflows int; NaN gives 0
        const double c = std::floor((v - v0) / size);
        return c >= 0 ? (c < n_side_ ? static_cast<int>(c) : n_side_ - 1) : 0;
    }
    size_t bucket_of(double x, double y) const {
        return static_cast<size_t>(cell(y, data_.domain.y0, cell_h_)) * n_side_ +
               cell(x, data_.domain.x0, cell_w_);
    }
    const Dataset& data_;
    int n_side_ = 1;
    double cell_w_ = 1, cell_h_ = 1;
    std::vector<std::vector<int64_t>> buckets_;
};

}  // namespace

std::vector<int32_t> target_raster(const Dataset& data, int w, int h) {
    if (w < 1 || h < 1 || w > max_resolution || h > max_resolution)
        throw Error("target raster", std::to_string(w) + "x" + std::to_string(h), "sizes in 1..4096", "");
    if (data.size() == 0) throw Error(data.name, "dataset has no points", "at least one point", "");
    if (data.is_grid() && w == data.grid_w && h == data.grid_h) return data.label;
    std::vector<int32_t> raster(static_cast<size_t>(w) * h);
    if (data.is_grid()) {  // nearest-neighbour resampling of the grid itself
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c) {
                const int64_t sr = static_cast<int64_t>(r) * data.grid_h / h, sc = static_cast<int64_t>(c) * data.grid_w / w;
                raster[static_cast<size_t>(r) * w + c] = data.label[sr * data.grid_w + sc];
            }
        return raster;
    }
    const NearestPoint nearest(data);
    const Eigen::MatrixXd X = pixel_centres(data.domain, w, h);
    for (Eigen::Index p = 0; p < X.rows(); ++p) {
        const int64_t i = nearest.find(X(p, 0), X(p, 1));
        GINN_ASSERT(i >= 0 && i < data.size());
        raster[static_cast<size_t>(p)] = data.label[i];
    }
    return raster;
}

Eigen::MatrixXd pixel_centres(const Box& box, int w, int h, int64_t p0, int64_t p1) {
    if (p1 < 0) p1 = static_cast<int64_t>(w) * h;
    Eigen::MatrixXd X(p1 - p0, 2);  // #pixels by 2
    for (int64_t p = p0; p < p1; ++p) {
        const int64_t r = p / w, c = p % w;
        X(p - p0, 0) = box.x0 + (c + 0.5) / w * box.width();
        X(p - p0, 1) = box.y1 - (r + 0.5) / h * box.height();
    }
    return X;
}

// ---------------------------------------------------------------------------------------------- binary form

// Layout (little-endian): "GINNDATA", u32 version, u32 name length, name bytes, 4 x f64 domain (x0 x1 y0 y1),
// i32 n_classes, i32 grid_w, i32 grid_h, u64 n, n x 2 f32 points (row-major), n x i32 labels, u8 has_test,
// and when has_test, n x u8 is_test. Version 2 (written only when the dataset names its classes) then holds, per class,
// u32 name length and the name's bytes; version 1 files are still read (no names).
static_assert(std::endian::native == std::endian::little, "dataset.bin is written in the host's little-endian order");

namespace {

constexpr char data_magic[8] = {'G', 'I', 'N', 'N', 'D', 'A', 'T', 'A'};
constexpr uint32_t data_version = 1;        // without class names
constexpr uint32_t data_version_names = 2;  // with class names after the arrays

template <typename T>
void put(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

class Reader {
public:
    Reader(const std::string& bytes, const std::string& where) : bytes_(bytes), where_(where) {}
    void read(void* dst, size_t n) {
        if (n > bytes_.size() - pos_) corrupt("truncated: needs " + std::to_string(n) + " more bytes at offset " +
                                              std::to_string(pos_));
        std::memcpy(dst, bytes_.data() + pos_, n);
        pos_ += n;
    }
    template <typename T>
    T get() {
        T value;
        read(&value, sizeof(T));
        return value;
    }
    size_t remaining() const { return bytes_.size() - pos_; }
    [[noreturn]] void corrupt(const std::string& what) const {
        throw Error(where_, "corrupt dataset file: " + what, "a dataset.bin written by ginn",
                    "re-create the run or copy the file again");
    }

private:
    const std::string& bytes_;
    const std::string& where_;
    size_t pos_ = 0;
};

}  // namespace

std::string dataset_to_bytes(const Dataset& data) {
    GINN_ASSERT(data.label.size() == static_cast<size_t>(data.size()));
    GINN_ASSERT(data.is_test.empty() || data.is_test.size() == static_cast<size_t>(data.size()));
    std::string out(data_magic, sizeof(data_magic));
    put(out, data.class_names.empty() ? data_version : data_version_names);
    put(out, static_cast<uint32_t>(data.name.size()));
    out += data.name;
    for (double v : {data.domain.x0, data.domain.x1, data.domain.y0, data.domain.y1}) put(out, v);
    put(out, static_cast<int32_t>(data.n_classes));
    put(out, static_cast<int32_t>(data.grid_w));
    put(out, static_cast<int32_t>(data.grid_h));
    put(out, static_cast<uint64_t>(data.size()));
    out.append(reinterpret_cast<const char*>(data.X.data()), data.X.size() * sizeof(float));
    out.append(reinterpret_cast<const char*>(data.label.data()), data.label.size() * sizeof(int32_t));
    put(out, static_cast<uint8_t>(data.is_test.empty() ? 0 : 1));
    out.append(reinterpret_cast<const char*>(data.is_test.data()), data.is_test.size());
    for (const std::string& name : data.class_names) {
        put(out, static_cast<uint32_t>(name.size()));
        out += name;
    }
    return out;
}

Dataset dataset_from_bytes(const std::string& bytes, const std::string& where) {
    Reader in(bytes, where);
    char magic[8];
    in.read(magic, sizeof(magic));
    if (std::memcmp(magic, data_magic, sizeof(magic)) != 0) in.corrupt("bad magic number");
    const auto version = in.get<uint32_t>();
    if (version != data_version && version != data_version_names)
        throw Error(where, "dataset file version " + std::to_string(version), "version 1 or 2",
                    "use the ginn version that wrote it");
    Dataset data;
    const auto name_size = in.get<uint32_t>();
    if (name_size > in.remaining()) in.corrupt("name length " + std::to_string(name_size));
    data.name.resize(name_size);
    in.read(data.name.data(), name_size);
    data.domain = Box{in.get<double>(), in.get<double>(), in.get<double>(), in.get<double>()};
    try {
        check_domain(data.domain, where);
    } catch (const Error&) {
        in.corrupt("domain empty, not finite or beyond +-1e6");
    }
    data.n_classes = in.get<int32_t>();
    data.grid_w = in.get<int32_t>();
    data.grid_h = in.get<int32_t>();
    const auto n = in.get<uint64_t>();
    if (data.n_classes < 2 || data.n_classes > max_csv_classes) in.corrupt("n_classes " + std::to_string(data.n_classes));
    // Each point needs 2 floats + 1 label; checking against the bytes left rejects absurd sizes before allocating.
    if (n == 0 || n > in.remaining() / (2 * sizeof(float) + sizeof(int32_t)))
        in.corrupt("point count " + std::to_string(n));
    if (data.grid_w < 0 || data.grid_h < 0 || (data.grid_w > 0) != (data.grid_h > 0) ||
        (data.grid_w > 0 && static_cast<uint64_t>(data.grid_w) * static_cast<uint64_t>(data.grid_h) != n))
        in.corrupt("grid " + std::to_string(data.grid_w) + "x" + std::to_string(data.grid_h) + " for " +
                   std::to_string(n) + " points");
    data.X.resize(static_cast<int64_t>(n), 2);
    in.read(data.X.data(), n * 2 * sizeof(float));
    if (!(data.X.array().abs() <= static_cast<float>(max_abs_coordinate)).all())
        in.corrupt("coordinate not finite or beyond +-1e6");
    data.label.resize(n);
    in.read(data.label.data(), n * sizeof(int32_t));
    for (int32_t label : data.label)
        if (label < 0 || label >= data.n_classes) in.corrupt("label " + std::to_string(label) + " out of range");
    const auto has_test = in.get<uint8_t>();
    if (has_test > 1) in.corrupt("test flag " + std::to_string(has_test));
    if (has_test) {
        data.is_test.resize(n);
        in.read(data.is_test.data(), n);
        for (uint8_t t : data.is_test)
            if (t > 1) in.corrupt("test mark " + std::to_string(t));
    }
    if (version == data_version_names) {
        for (int c = 0; c < data.n_classes; ++c) {
            const auto size = in.get<uint32_t>();
            if (size == 0 || size > max_class_name || size > in.remaining()) in.corrupt("class name length " + std::to_string(size));
            std::string name(size, '\0');
            in.read(name.data(), size);
            data.class_names.push_back(std::move(name));
        }
        try {
            check_class_names(data.class_names, data.n_classes, where);
        } catch (const Error&) {
            in.corrupt("a class name is not printable ASCII");
        }
    }
    if (in.remaining() != 0) in.corrupt(std::to_string(in.remaining()) + " unexpected trailing bytes");
    return data;
}

}  // namespace ginn