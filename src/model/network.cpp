// Evaluation of the plain double-precision Network, and its JSON form (the `ginn weights` format).
#include "ginn/model/network.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ginn/core/detail/names.h"
#include "ginn/core/error.h"

namespace ginn {

using detail::enum_from_name;

const std::vector<std::string>& activation_names() {
    static const std::vector<std::string> names = {"relu",    "leaky_relu", "elu",  "tanh",
                                                   "sigmoid", "swish",      "gelu", "linear"};
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
    }
    return z;
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

void Network::validate(const std::string& where) const {
    if (layers.empty()) throw Error(where, "network has no layers", "at least an output layer");
    if (!(domain.x1 > domain.x0 && domain.y1 > domain.y0) || !std::isfinite(domain.area()))
        throw Error(where, "domain box is empty or not finite", "x0 < x1 and y0 < y1");
    int n_in = 2;
    for (size_t l = 0; l < layers.size(); ++l) {
        const auto& L = layers[l];
        const std::string at = where + ": layer " + std::to_string(l + 1);
        if (L.n_in() != n_in)
            throw Error(at, "W has " + std::to_string(L.n_in()) + " columns", std::to_string(n_in) + " (the previous width)");
        if (L.b.size() != L.n_out())
            throw Error(at, "b has " + std::to_string(L.b.size()) + " entries", std::to_string(L.n_out()) + " (rows of W)");
        if (L.n_out() < 1) throw Error(at, "layer has no neurons", "at least 1");
        if (L.residual && L.n_in() != L.n_out())
            throw Error(at, "residual layer changes width", "n_in == n_out for a residual connection");
        if (!L.W.allFinite() || !L.b.allFinite()) throw Error(at, "weights are not finite", "finite numbers");
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
        if (L.activation == Activation::relu) A = Z.cwiseMax(0.0);  // the common case, vectorised
        else A = Z.unaryExpr([&](double z) { return activate(L.activation, z); });
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

nlohmann::json network_to_json(const Network& net) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& L : net.layers) {
        nlohmann::json W = nlohmann::json::array();
        for (int r = 0; r < L.n_out(); ++r) W.push_back(std::vector<double>(L.W.row(r).begin(), L.W.row(r).end()));
        layers.push_back({{"W", W},
                          {"b", std::vector<double>(L.b.begin(), L.b.end())},
                          {"activation", activation_name(L.activation)},
                          {"residual", L.residual}});
    }
    return {{"format", "ginn-weights"},
            {"format_version", 1},
            {"head", head_name(net.head)},
            {"domain", box_to_json(net.domain)},
            {"layers", layers}};
}

Network network_from_json(const nlohmann::json& j, const std::string& where) {
    Network net;
    try {
        if (j.contains("format") && j.at("format") != "ginn-weights")
            throw Error(where, "format is " + j.at("format").dump(), "\"ginn-weights\"");
        if (j.contains("format_version") && j.at("format_version").get<int>() > 1)
            throw Error(where, "format_version " + j.at("format_version").dump() + " is newer than this ginn",
                        "format_version 1", "upgrade ginn");
        net.domain = box_from_json(j.at("domain"));
        for (const auto& jl : j.at("layers")) {
            DenseLayer L;
            const auto& W = jl.at("W");
            const size_t rows = W.size(), cols = rows ? W.at(0).size() : 0;
            L.W.resize(rows, cols);
            for (size_t r = 0; r < rows; ++r) {
                if (W.at(r).size() != cols) throw Error(where, "W rows have different lengths", "a rectangular matrix");
                for (size_t c = 0; c < cols; ++c) L.W(r, c) = W.at(r).at(c).get<double>();
            }
            const auto& b = jl.at("b");
            L.b.resize(b.size());
            for (size_t i = 0; i < b.size(); ++i) L.b(i) = b.at(i).get<double>();
            L.activation = activation_from_name(jl.value("activation", std::string("linear")), where);
            L.residual = jl.value("residual", false);
            net.layers.push_back(std::move(L));
        }
        if (!net.layers.empty()) net.layers.back().activation = Activation::linear;
        const std::string default_head = !net.layers.empty() && net.layers.back().n_out() == 1 ? "sigmoid"
                                         : !net.layers.empty() && net.layers.back().n_out() == 2 ? "softmax2"
                                                                                                 : "softmax";
        net.head = head_from_name(j.value("head", default_head), where);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where, std::string("malformed weights JSON: ") + e.what(),
                    "{\"domain\": {\"x\": [min, max], \"y\": [min, max]}, \"layers\": [{\"W\", \"b\", \"activation\"}, ...]}",
                    "see docs/weights-format.md");
    }
    net.validate(where);
    return net;
}

Network load_network_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error(path, "cannot open weights file", "a readable JSON file", "check the path");
    nlohmann::json j;
    try {
        in >> j;
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("not valid JSON: ") + e.what(), "a JSON file written by `ginn weights`");
    }
    return network_from_json(j, path);
}

}  // namespace ginn
