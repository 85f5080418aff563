// Evaluation of the plain double-precision Network, and its JSON form (the `ginn weights` format).
#include "ginn/model/network.h"

#include <cmath>
#include <numbers>
#include <nlohmann/json.hpp>

#include "ginn/core/detail/names.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"

namespace ginn {

using detail::enum_from_name;

namespace {
constexpr int weights_format_version = 2;  // 2 added negative_slope and alpha
}

const std::vector<std::string>& activation_names() {
    static const std::vector<std::string> names = {"relu",    "leaky_relu", "elu",  "tanh",
                                                   "sigmoid", "swish",      "gelu", "linear", "softplus"};
    return names;
}
std::vector<std::string> trainable_activation_names() {
    std::vector<std::string> names = activation_names();
    std::erase(names, std::string(activation_name(Activation::softplus)));
    return names;
}
std::string_view activation_name(Activation a) { return activation_names()[static_cast<size_t>(a)]; }
Activation activation_from_name(std::string_view name, const std::string& where) {
    return enum_from_name<Activation>(name, activation_names(), where, "activation");
}
bool is_piecewise_linear(Activation a) {
    return a == Activation::relu || a == Activation::leaky_relu || a == Activation::linear;
}

double activate(Activation a, double z) {
    switch (a) {
        case Activation::relu: return z > 0 ? z : 0.0;
        case Activation::leaky_relu: return z > 0 ? z : leaky_relu_slope * z;
        case Activation::elu: return z > 0 ? z : std::expm1(z);
        case Activation::tanh: return std::tanh(z);
        case Activation::sigmoid: return 1.0 / (1.0 + std::exp(-z));
        case Activation::swish: return z / (1.0 + std::exp(-z));
        case Activation::gelu: return 0.5 * z * (1.0 + std::erf(z / std::sqrt(2.0)));  // exact erf form (PyTorch)
        case Activation::linear: return z;
        case Activation::softplus: return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));  // no overflow
    }
    return z;
}

namespace {

/// d act(z) / dz with the default parameters.
double derivative(Activation a, double z) {
    switch (a) {
        case Activation::relu: return z > 0 ? 1.0 : 0.0;
        case Activation::leaky_relu: return z > 0 ? 1.0 : leaky_relu_slope;
        case Activation::elu: return z > 0 ? 1.0 : std::exp(z);
        case Activation::tanh: { const double t = std::tanh(z); return 1 - t * t; }
        case Activation::sigmoid: { const double s = 1 / (1 + std::exp(-z)); return s * (1 - s); }
        case Activation::swish: { const double s = 1 / (1 + std::exp(-z)); return s + z * s * (1 - s); }
        case Activation::gelu:  // Phi(z) + z phi(z)
            return 0.5 * (1 + std::erf(z / std::numbers::sqrt2)) + z * std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
        case Activation::linear: return 1.0;
        case Activation::softplus: return 1 / (1 + std::exp(-z));
    }
    return 1.0;
}

}  // namespace

double DenseLayer::slope_below(int i) const {
    switch (activation) {
        case Activation::relu: return 0.0;
        case Activation::leaky_relu: return negative_slope.size() ? negative_slope(i) : leaky_relu_slope;
        default: return 1.0;
    }
}

double DenseLayer::activate(int i, double z) const {
    if (activation == Activation::leaky_relu) return z > 0 ? z : slope_below(i) * z;
    if (activation == Activation::elu) return z > 0 ? z : alpha * std::expm1(z);
    return ginn::activate(activation, z);
}

double DenseLayer::derivative(int i, double z) const {
    if (activation == Activation::leaky_relu) return z > 0 ? 1.0 : slope_below(i);
    if (activation == Activation::elu) return z > 0 ? 1.0 : alpha * std::exp(z);
    return ginn::derivative(activation, z);
}

Eigen::MatrixXd DenseLayer::activate_all(const Eigen::MatrixXd& Z) const {
    if (activation == Activation::relu) return Z.cwiseMax(0.0);  // the common case, vectorised
    if (activation == Activation::linear) return Z;
    Eigen::MatrixXd A(Z.rows(), Z.cols());  // #points by n_out
    for (Eigen::Index i = 0; i < Z.cols(); ++i)
        A.col(i) = Z.col(i).unaryExpr([&](double z) { return activate(static_cast<int>(i), z); });
    return A;
}

const std::vector<std::string>& head_names() {
    static const std::vector<std::string> names = {"softmax2", "sigmoid", "softmax", "regression"};
    return names;
}
std::string_view head_name(Head h) { return head_names()[static_cast<size_t>(h)]; }
Head head_from_name(std::string_view name, const std::string& where) {
    return enum_from_name<Head>(name, head_names(), where, "head");
}

nlohmann::json box_to_json(const Box& box) { return {{"x", {box.x0, box.x1}}, {"y", {box.y0, box.y1}}}; }

Box box_from_json(const nlohmann::json& j) {
    return {j.at("x").at(0).get<double>(), j.at("x").at(1).get<double>(), j.at("y").at(0).get<double>(),
            j.at("y").at(1).get<double>()};
}

void check_domain(const Box& box, const std::string& where) {
    auto fine = [](double v) { return std::isfinite(v) && std::abs(v) <= max_abs_coordinate; };
    if (!(fine(box.x0) && fine(box.x1) && fine(box.y0) && fine(box.y1) && box.x0 < box.x1 && box.y0 < box.y1))
        throw Error(where, "domain box x [" + std::to_string(box.x0) + ", " + std::to_string(box.x1) + "], y [" +
                               std::to_string(box.y0) + ", " + std::to_string(box.y1) + "] is empty or out of range",
                    "x0 < x1 and y0 < y1, every bound within +-1e6", "the file is damaged or not ginn's");
}

int Network::n_neurons() const {
    int n = 0;
    for (int l = 0; l < n_hidden_layers(); ++l) n += layers[l].n_out();
    return n;
}

bool Network::piecewise_linear() const {
    for (int l = 0; l < n_hidden_layers(); ++l)
        if (!is_piecewise_linear(layers[l].activation)) return false;
    return true;
}

namespace {

void check_activation_parameters(const DenseLayer& L, const std::string& at) {
    const auto fine = [](double v) { return std::isfinite(v) && std::abs(v) <= max_activation_parameter; };
    if (L.negative_slope.size() && L.activation != Activation::leaky_relu)
        throw Error(at, "negative slopes on a " + std::string(activation_name(L.activation)) + " layer",
                    "negative_slope only with leaky_relu");
    if (L.negative_slope.size() && L.negative_slope.size() != L.n_out())
        throw Error(at, std::to_string(L.negative_slope.size()) + " negative slopes",
                    std::to_string(L.n_out()) + " (one per neuron) or none");
    if (L.negative_slope.size() && !L.negative_slope.unaryExpr([&](double v) { return fine(v) ? 1.0 : 0.0; }).all())
        throw Error(at, "a negative slope is not finite or beyond +-1e6", "finite slopes within +-1e6");
    if (L.alpha != 1.0 && L.activation != Activation::elu)
        throw Error(at, "alpha on a " + std::string(activation_name(L.activation)) + " layer", "alpha only with elu");
    if (!fine(L.alpha)) throw Error(at, "elu alpha is not finite or beyond +-1e6", "a finite alpha within +-1e6");
}

}  // namespace

void Network::validate(const std::string& where) const {
    if (layers.empty()) throw Error(where, "network has no layers", "at least an output layer");
    check_domain(domain, where);
    if (n_hidden_layers() > max_network_layers)
        throw Error(where, std::to_string(n_hidden_layers()) + " hidden layers",
                    "at most " + std::to_string(max_network_layers), "");
    int n_in = 2;
    for (size_t l = 0; l < layers.size(); ++l) {
        const auto& L = layers[l];
        const std::string at = where + ": layer " + std::to_string(l + 1);
        if (L.n_in() != n_in)
            throw Error(at, "W has " + std::to_string(L.n_in()) + " columns", std::to_string(n_in) + " (the previous width)");
        if (L.b.size() != L.n_out())
            throw Error(at, "b has " + std::to_string(L.b.size()) + " entries", std::to_string(L.n_out()) + " (rows of W)");
        if (L.n_out() < 1 || L.n_out() > max_network_width)
            throw Error(at, "layer has " + std::to_string(L.n_out()) + " neurons",
                        "1.." + std::to_string(max_network_width));
        if (L.residual && L.n_in() != L.n_out())
            throw Error(at, "residual layer changes width", "n_in == n_out for a residual connection");
        if (!L.W.allFinite() || !L.b.allFinite()) throw Error(at, "weights are not finite", "finite numbers");
        check_activation_parameters(L, at);
        n_in = L.n_out();
    }
    const int k = n_outputs();
    const bool ok = (head == Head::softmax2 && k == 2) || (head == Head::sigmoid && k == 1) ||
                    (head == Head::softmax && k >= 2) || (head == Head::regression && k == 1);
    if (!ok)
        throw Error(where, "output layer has " + std::to_string(k) + " outputs for head " + std::string(head_name(head)),
                    "2 for softmax2, 1 for sigmoid and regression, >= 2 for softmax");
}

Eigen::MatrixXd forward(const Network& net, const Eigen::MatrixXd& X, std::vector<Eigen::MatrixXd>* pre) {
    if (pre) pre->clear();
    Eigen::MatrixXd A = X;  // #points by width
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const auto& L = net.layers[l];
        Eigen::MatrixXd Z = (A * L.W.transpose()).rowwise() + L.b.transpose();  // #points by n_out
        if (L.residual) Z += A;
        if (l + 1 == net.layers.size()) return Z;
        if (pre) pre->push_back(Z);
        A = L.activate_all(Z);
    }
    return A;
}

Eigen::VectorXd decision_value(const Network& net, const Eigen::MatrixXd& X) {
    const Eigen::MatrixXd Z = forward(net, X);
    switch (net.head) {
        case Head::softmax2: return Z.col(1) - Z.col(0);
        case Head::sigmoid: return Z.col(0);
        case Head::regression: return Z.col(0).array() - 0.5;
        case Head::softmax: {
            Eigen::VectorXd margin(Z.rows());
            for (Eigen::Index i = 0; i < Z.rows(); ++i) {
                double top1 = -INFINITY, top2 = -INFINITY;
                for (Eigen::Index c = 0; c < Z.cols(); ++c) {
                    const double z = Z(i, c);
                    if (z > top1) { top2 = top1; top1 = z; }
                    else if (z > top2) top2 = z;
                }
                margin(i) = top1 - top2;
            }
            return margin;
        }
    }
    return Z.col(0);
}

Eigen::VectorXd probability(const Network& net, const Eigen::MatrixXd& X) {
    const Eigen::MatrixXd Z = forward(net, X);
    switch (net.head) {
        case Head::softmax2: return (1.0 / (1.0 + (Z.col(0) - Z.col(1)).array().exp())).matrix();
        case Head::sigmoid: return (1.0 / (1.0 + (-Z.col(0)).array().exp())).matrix();
        case Head::regression: return Z.col(0).array().min(1.0).max(0.0).matrix();
        case Head::softmax: {  // probability of class 1, for symmetry with the two-class heads
            Eigen::VectorXd p(Z.rows());
            for (Eigen::Index i = 0; i < Z.rows(); ++i) {
                const double m = Z.row(i).maxCoeff();
                p(i) = std::exp(Z(i, 1) - m) / (Z.row(i).array() - m).exp().sum();
            }
            return p;
        }
    }
    return Z.col(0);
}

Eigen::VectorXi predicted_class(const Network& net, const Eigen::MatrixXd& X) {
    const Eigen::MatrixXd Z = forward(net, X);
    Eigen::VectorXi c(Z.rows());
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        if (net.head == Head::sigmoid) c(i) = Z(i, 0) > 0;
        else if (net.head == Head::regression) c(i) = Z(i, 0) > 0.5;
        else Z.row(i).maxCoeff(&c(i));
    }
    return c;
}

nlohmann::json network_to_json(const Network& net, const std::string& where) {
    for (const auto& L : net.layers)
        if (!L.W.allFinite() || !L.b.allFinite())
            throw Error(where, "parameters are not finite (the training diverged)", "finite weights to write",
                        "pick an earlier snapshot with --snapshot or --iteration");
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& L : net.layers) {
        nlohmann::json W = nlohmann::json::array();
        for (int r = 0; r < L.n_out(); ++r) W.push_back(std::vector<double>(L.W.row(r).begin(), L.W.row(r).end()));
        nlohmann::json jl = {{"W", W},
                             {"b", std::vector<double>(L.b.begin(), L.b.end())},
                             {"activation", activation_name(L.activation)},
                             {"residual", L.residual}};
        if (L.negative_slope.size())
            jl["negative_slope"] = std::vector<double>(L.negative_slope.begin(), L.negative_slope.end());
        if (L.activation == Activation::elu && L.alpha != 1.0) jl["alpha"] = L.alpha;
        layers.push_back(std::move(jl));
    }
    return {{"format", "ginn-weights"},
            {"format_version", weights_format_version},
            {"head", head_name(net.head)},
            {"domain", box_to_json(net.domain)},
            {"layers", layers}};
}

Network network_from_json(const nlohmann::json& j, const std::string& where) {
    Network net;
    try {
        if (j.contains("format") && j.at("format") != "ginn-weights")
            throw Error(where, "format is " + j.at("format").dump(), "\"ginn-weights\"");
        if (j.contains("format_version") && j.at("format_version").get<int>() > weights_format_version)
            throw Error(where, "format_version " + j.at("format_version").dump() + " is newer than this ginn",
                        "format_version 1 or 2", "upgrade ginn");
        if (j.contains("format_version") && j.at("format_version").get<int>() < 1)
            throw Error(where, "format_version " + j.at("format_version").dump(), "format_version 1 or 2");
        net.domain = box_from_json(j.at("domain"));
        check_domain(net.domain, where);
        const auto& layers = j.at("layers");
        if (!layers.is_array() || layers.empty() || layers.size() > max_network_layers + 1)
            throw Error(where, "\"layers\" has " + std::to_string(layers.size()) + " entries",
                        "a list of 1.." + std::to_string(max_network_layers + 1) + " layers", "see docs/weights-format.md");
        for (const auto& jl : layers) {
            DenseLayer L;
            const auto& W = jl.at("W");
            const size_t rows = W.size(), cols = rows ? W.at(0).size() : 0;
            if (!W.is_array() || rows < 1 || rows > max_network_width || cols < 1 || cols > max_network_width)
                throw Error(where, "a W of " + std::to_string(rows) + " by " + std::to_string(cols),
                            "1.." + std::to_string(max_network_width) + " rows and columns", "see docs/weights-format.md");
            L.W.resize(rows, cols);
            for (size_t r = 0; r < rows; ++r) {
                if (W.at(r).size() != cols) throw Error(where, "W rows have different lengths", "a rectangular matrix");
                for (size_t c = 0; c < cols; ++c) L.W(r, c) = W.at(r).at(c).get<double>();
            }
            const auto& b = jl.at("b");
            if (!b.is_array() || b.size() != rows)
                throw Error(where, "b has " + std::to_string(b.size()) + " entries", std::to_string(rows) + " (rows of W)");
            L.b.resize(b.size());
            for (size_t i = 0; i < b.size(); ++i) L.b(i) = b.at(i).get<double>();
            L.activation = activation_from_name(jl.value("activation", std::string("linear")), where);
            L.residual = jl.value("residual", false);
            if (jl.contains("negative_slope")) {  // version 2; bounded by the row count before it allocates
                const auto& s = jl.at("negative_slope");
                if (!s.is_array() || s.size() != rows)
                    throw Error(where, "negative_slope has " + std::to_string(s.size()) + " entries",
                                std::to_string(rows) + " (one per neuron)");
                L.negative_slope.resize(long(rows));
                for (size_t i = 0; i < rows; ++i) L.negative_slope(long(i)) = s.at(i).get<double>();
            }
            L.alpha = jl.value("alpha", 1.0);
            net.layers.push_back(std::move(L));
        }
        if (!net.layers.empty()) net.layers.back().activation = Activation::linear;
        const std::string default_head = !net.layers.empty() && net.layers.back().n_out() == 1 ? "sigmoid"
                                         : !net.layers.empty() && net.layers.back().n_out() == 2 ? "softmax2"
                                                                                                 : "softmax";
        net.head = head_from_name(j.value("head", default_head), where);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where, "malformed weights JSON: " + json_error_text(e),
                    "{\"domain\": {\"x\": [min, max], \"y\": [min, max]}, \"layers\": [{\"W\", \"b\", \"activation\"}, ...]}",
                    "see docs/weights-format.md");
    }
    net.validate(where);
    return net;
}

Network load_network_json(const std::string& path) {
    return network_from_json(parse_json(read_file(path, max_weights_bytes), path), path);
}

}  // namespace ginn
