// ONNX import: walks an exported MLP graph node by node, folding each operator into dense layers of a Network.
// Not an evaluator: every value is either a constant (an initializer) or an affine map of the latest activation.
#include "ginn/model/onnx_import.h"

#include <cmath>
#include <cstring>
#include <map>
#include <optional>

#include "ginn/core/error.h"
#include "ginn/core/io.h"

#ifdef GINN_ONNX
#include <onnx/onnx_pb.h>
#endif

namespace ginn {

#ifndef GINN_ONNX

bool onnx_import_available() { return false; }

Network network_from_onnx(std::string_view, const std::string& where, const OnnxImportOptions&) {
    throw Error(where, "this ginn was built without ONNX support", "a build with libonnx-dev installed",
                "apt-get install libonnx-dev libprotobuf-dev, then re-run cmake");
}

#else

bool onnx_import_available() { return true; }

namespace {

const char* const supported_operators =
    "Gemm, MatMul, Add, BatchNormalization, Relu, LeakyRelu, PRelu, Elu, Softplus, Sigmoid, Tanh, Identity, Dropout, Flatten, "
    "Reshape, Constant, and a final Softmax, LogSoftmax or Sigmoid";
const char* const onnx_hint = "see docs/onnx.md";

/// Bounds on what an import allocates, before it allocates: constants of at most 4096 x 4096 numbers.
constexpr int64_t max_constant_elements = int64_t{max_network_width} * max_network_width;
constexpr int max_nodes = 4 * 1024;

/// A constant tensor: its shape and its values in row-major order.
struct Constant {
    std::vector<int64_t> dims;
    std::vector<double> values;
    int64_t rank() const { return static_cast<int64_t>(dims.size()); }
};

/// A computed value: z = W a_k + b (+ a_k when residual), where a_k is the output of the network's k-th layer
/// (k = 0: the input). A plain activation a_k is the identity map of a_k.
struct Affine {
    int source = 0;      // k
    Eigen::MatrixXd W;   // (width, width of a_k)
    Eigen::VectorXd b;   // (width)
    bool residual = false;
    bool is_activation = false;  // exactly a_k (W = I, b = 0), the output of an activation node
    int width() const { return static_cast<int>(W.rows()); }
};

/// The graph's state while the nodes are walked in order.
class Importer {
public:
    Importer(const onnx::ModelProto& model, std::string where, const OnnxImportOptions& options)
        : model_(model), where_(std::move(where)) {
        net_.domain = options.domain;
    }

    Network run() {
        const auto& graph = model_.graph();
        check_opset();
        for (const auto& t : graph.initializer()) constants_[t.name()] = read_tensor(t, "initializer '" + t.name() + "'");
        read_input(graph);
        if (graph.node_size() > max_nodes)
            throw Error(where_, std::to_string(graph.node_size()) + " nodes", "at most " + std::to_string(max_nodes), onnx_hint);
        for (const auto& node : graph.node()) import_node(node);
        finish(graph);
        net_.validate(where_);
        return std::move(net_);
    }

private:
    const onnx::ModelProto& model_;
    std::string where_;
    Network net_;
    std::map<std::string, Constant> constants_;
    std::map<std::string, Affine> values_;
    std::optional<std::string> head_output_;  // the output of a final Softmax, LogSoftmax or Sigmoid
    Head head_ = Head::softmax2;
    bool head_given_ = false;

    // ---- errors
    [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& what, const std::string& expected) const {
        const std::string name = node.name().empty() ? "(unnamed)" : node.name();
        throw Error(where_ + ": node '" + name + "' (" + node.op_type() + ")", what, expected, onnx_hint);
    }

    void check_opset() const {
        for (const auto& op : model_.opset_import())
            if ((op.domain().empty() || op.domain() == "ai.onnx") && (op.version() < 7 || op.version() > 21))
                throw Error(where_, "operator set version " + std::to_string(op.version()), "7..21",
                            "export with opset_version between 7 and 21");
        if (!model_.has_graph()) throw Error(where_, "not an ONNX model (no graph)", "an ONNX ModelProto", onnx_hint);
    }

    // ---- constants
    Constant read_tensor(const onnx::TensorProto& t, const std::string& what) const {
        if (t.data_location() == onnx::TensorProto::EXTERNAL)
            throw Error(where_ + ": " + what, "data stored in an external file", "the data inside the .onnx file", onnx_hint);
        Constant c;
        int64_t n = 1;
        for (int64_t d : t.dims()) {
            if (d < 0 || d > max_constant_elements || n * std::max<int64_t>(d, 1) > max_constant_elements)
                throw Error(where_ + ": " + what, "tensor too large or of negative size",
                            "at most " + std::to_string(max_constant_elements) + " numbers", onnx_hint);
            n *= d;
            c.dims.push_back(d);
        }
        c.values.reserve(static_cast<size_t>(n));
        const std::string& raw = t.raw_data();
        auto from_raw = [&](size_t bytes, auto convert) {
            if (raw.size() != static_cast<size_t>(n) * bytes)
                throw Error(where_ + ": " + what, "raw data of " + std::to_string(raw.size()) + " bytes",
                            std::to_string(n * static_cast<int64_t>(bytes)) + " bytes for its shape", "the file is damaged");
            for (int64_t i = 0; i < n; ++i) c.values.push_back(convert(raw.data() + i * bytes));
        };
        auto check_count = [&](int64_t count) {
            if (count != n)
                throw Error(where_ + ": " + what, std::to_string(count) + " values", std::to_string(n) + " for its shape",
                            "the file is damaged");
        };
        switch (t.data_type()) {
            case onnx::TensorProto::FLOAT:
                if (!raw.empty()) from_raw(4, [](const char* p) { float v; std::memcpy(&v, p, 4); return double(v); });
                else { check_count(t.float_data_size()); for (float v : t.float_data()) c.values.push_back(v); }
                break;
            case onnx::TensorProto::DOUBLE:
                if (!raw.empty()) from_raw(8, [](const char* p) { double v; std::memcpy(&v, p, 8); return v; });
                else { check_count(t.double_data_size()); for (double v : t.double_data()) c.values.push_back(v); }
                break;
            case onnx::TensorProto::INT64:
                if (!raw.empty()) from_raw(8, [](const char* p) { int64_t v; std::memcpy(&v, p, 8); return double(v); });
                else { check_count(t.int64_data_size()); for (int64_t v : t.int64_data()) c.values.push_back(double(v)); }
                break;
            default:
                throw Error(where_ + ": " + what, "element type " + std::to_string(t.data_type()),
                            "float, double or int64 tensors", onnx_hint);
        }
        for (double v : c.values)
            if (!std::isfinite(v)) throw Error(where_ + ": " + what, "a value is not finite", "finite numbers", "the file is damaged");
        return c;
    }

    // ---- the one graph input: (N, 2) or (2)
    void read_input(const onnx::GraphProto& graph) {
        std::vector<const onnx::ValueInfoProto*> inputs;
        for (const auto& in : graph.input())
            if (!constants_.count(in.name())) inputs.push_back(&in);
        if (inputs.size() != 1)
            throw Error(where_, "the graph has " + std::to_string(inputs.size()) + " inputs",
                        "one input of 2 features (x, y)", "export the model with a single (N, 2) input; see docs/onnx.md");
        const auto& in = *inputs[0];
        const auto& type = in.type();
        if (!type.has_tensor_type() || !type.tensor_type().has_shape())
            throw Error(where_ + ": input '" + in.name() + "'", "no tensor shape", "a float tensor of shape (N, 2)", onnx_hint);
        const auto& shape = type.tensor_type().shape();
        const int rank = shape.dim_size();
        const auto& last = rank > 0 ? shape.dim(rank - 1) : onnx::TensorShapeProto::Dimension();
        if (rank < 1 || rank > 2 || !last.has_dim_value() || last.dim_value() != 2)
            throw Error(where_ + ": input '" + in.name() + "'",
                        "shape " + shape_text(shape) + (rank >= 1 && last.has_dim_value() && last.dim_value() != 2
                                                            ? " has " + std::to_string(last.dim_value()) + " features"
                                                            : ""),
                        "(N, 2): ginn draws networks of a 2-D input (x, y)", "the input must be the point (x, y); see docs/onnx.md");
        Affine a;
        a.W = Eigen::MatrixXd::Identity(2, 2);
        a.b = Eigen::VectorXd::Zero(2);
        a.is_activation = true;
        values_[in.name()] = a;
    }

    static std::string shape_text(const onnx::TensorShapeProto& shape) {
        std::string text = "(";
        for (int i = 0; i < shape.dim_size(); ++i)
            text += (i ? ", " : "") + (shape.dim(i).has_dim_value() ? std::to_string(shape.dim(i).dim_value())
                                                                     : shape.dim(i).dim_param().empty() ? "?" : shape.dim(i).dim_param());
        return text + ")";
    }

    // ---- node inputs and outputs
    const Affine& computed(const onnx::NodeProto& node, int i) const {
        if (i >= node.input_size()) fail(node, "missing input " + std::to_string(i + 1), "the operator's inputs");
        const auto it = values_.find(node.input(i));
        if (it == values_.end()) {
            if (node.input(i) == head_output_) fail(node, "uses the output of the final Softmax/LogSoftmax/Sigmoid", "nothing after the head");
            fail(node, "input '" + node.input(i) + "' is not a value computed from the graph input",
                 "the network's activations as input " + std::to_string(i + 1));
        }
        return it->second;
    }

    const Constant& constant(const onnx::NodeProto& node, int i) const {
        if (i >= node.input_size()) fail(node, "missing input " + std::to_string(i + 1), "the operator's inputs");
        const auto it = constants_.find(node.input(i));
        if (it == constants_.end())
            fail(node, "input '" + node.input(i) + "' is not a constant", "an initializer or Constant as input " + std::to_string(i + 1));
        return it->second;
    }

    bool is_constant(const onnx::NodeProto& node, int i) const { return i < node.input_size() && constants_.count(node.input(i)); }

    void set_output(const onnx::NodeProto& node, Affine value) {
        if (node.output_size() < 1) fail(node, "no output", "one output");
        for (int i = 1; i < node.output_size(); ++i)
            if (!node.output(i).empty() && used_later(node.output(i)))
                fail(node, "output " + std::to_string(i + 1) + " is used", "only the first output used");
        values_[node.output(0)] = std::move(value);
    }

    bool used_later(const std::string& name) const {
        for (const auto& n : model_.graph().node())
            for (const auto& in : n.input())
                if (in == name) return true;
        for (const auto& out : model_.graph().output())
            if (out.name() == name) return true;
        return false;
    }

    static const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) {
        for (const auto& a : node.attribute())
            if (a.name() == name) return &a;
        return nullptr;
    }
    static double float_attribute(const onnx::NodeProto& node, const std::string& name, double fallback) {
        const auto* a = attribute(node, name);
        return a ? a->f() : fallback;
    }
    static int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
        const auto* a = attribute(node, name);
        return a ? a->i() : fallback;
    }

    // ---- affine steps: z' = M z + c on a computed value
    Affine apply_affine(const onnx::NodeProto& node, Affine z, const Eigen::MatrixXd& M, const Eigen::VectorXd& c) const {
        if (M.cols() != z.width())
            fail(node, "maps " + std::to_string(M.cols()) + " features but its input has " + std::to_string(z.width()),
                 "matching widths");
        if (M.rows() < 1 || M.rows() > max_network_width)
            fail(node, std::to_string(M.rows()) + " outputs", "1.." + std::to_string(max_network_width));
        if (z.residual) {  // fold the skip into W before another affine step: W a + b + a = (W + I) a + b
            z.W += Eigen::MatrixXd::Identity(z.W.rows(), z.W.cols());
            z.residual = false;
        }
        z.W = M * z.W;
        z.b = M * z.b + c;
        z.is_activation = false;
        return z;
    }

    /// A bias-like constant for `width` outputs: a scalar, (width), (1, width).
    Eigen::VectorXd broadcast(const onnx::NodeProto& node, const Constant& c, int width) const {
        const int64_t n = static_cast<int64_t>(c.values.size());
        const bool row = c.rank() <= 1 || (c.rank() == 2 && c.dims[0] == 1);
        if (!row || (n != 1 && n != width))
            fail(node, "a constant of " + std::to_string(n) + " values", "a scalar or " + std::to_string(width) + " values (one per feature)");
        return n == 1 ? Eigen::VectorXd::Constant(width, c.values[0])
                      : Eigen::Map<const Eigen::VectorXd>(c.values.data(), width).eval();
    }

    /// The constant of a Gemm or MatMul as a (rows, cols) matrix.
    Eigen::MatrixXd matrix(const onnx::NodeProto& node, const Constant& c) const {
        if (c.rank() != 2) fail(node, "weight of rank " + std::to_string(c.rank()), "a 2-D weight matrix");
        Eigen::MatrixXd M(c.dims[0], c.dims[1]);
        for (int64_t r = 0; r < c.dims[0]; ++r)
            for (int64_t k = 0; k < c.dims[1]; ++k) M(r, k) = c.values[static_cast<size_t>(r * c.dims[1] + k)];
        return M;
    }

    void gemm(const onnx::NodeProto& node) {
        const Affine& a = computed(node, 0);
        if (int_attribute(node, "transA", 0) != 0) fail(node, "transA = 1", "transA = 0 (points as rows)");
        const Eigen::MatrixXd B = matrix(node, constant(node, 1));
        const double alpha = float_attribute(node, "alpha", 1.0), beta = float_attribute(node, "beta", 1.0);
        const Eigen::MatrixXd M = alpha * (int_attribute(node, "transB", 0) ? B : Eigen::MatrixXd(B.transpose()));
        Eigen::VectorXd c = Eigen::VectorXd::Zero(M.rows());
        if (node.input_size() > 2 && !node.input(2).empty()) c = beta * broadcast(node, constant(node, 2), static_cast<int>(M.rows()));
        set_output(node, apply_affine(node, a, M, c));
    }

    void matmul(const onnx::NodeProto& node) {
        const Affine& a = computed(node, 0);
        const Eigen::MatrixXd M = matrix(node, constant(node, 1)).transpose();
        set_output(node, apply_affine(node, a, M, Eigen::VectorXd::Zero(M.rows())));
    }

    void add(const onnx::NodeProto& node) {
        if (node.input_size() != 2) fail(node, std::to_string(node.input_size()) + " inputs", "2 inputs");
        const int i_const = is_constant(node, 0) ? 0 : is_constant(node, 1) ? 1 : -1;
        if (i_const >= 0) {  // a bias
            const Affine& z = computed(node, 1 - i_const);
            const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(z.width(), z.width());
            set_output(node, apply_affine(node, z, I, broadcast(node, constant(node, i_const), z.width())));
            return;
        }
        // a residual connection: z + a_k where z is an affine map of a_k and a_k is the latest layer's output
        const Affine& p = computed(node, 0);
        const Affine& q = computed(node, 1);
        const bool p_skip = q.is_activation && q.source == p.source && !p.is_activation;
        const bool q_skip = p.is_activation && p.source == q.source && !q.is_activation;
        if (!p_skip && !q_skip)
            fail(node, "adds two computed values that are not a layer and its input",
                 "a bias (a constant) or a residual connection: an affine map of an activation plus that activation");
        Affine z = p_skip ? p : q;
        if (z.width() != width_of_source(z.source))
            fail(node, "residual connection changes the width", "a layer as wide as its input");
        if (z.residual) z.W += Eigen::MatrixXd::Identity(z.W.rows(), z.W.cols());
        z.residual = true;
        set_output(node, std::move(z));
    }

    int width_of_source(int k) const { return k == 0 ? 2 : net_.layers[static_cast<size_t>(k) - 1].n_out(); }

    void batch_norm(const onnx::NodeProto& node) {
        const Affine& z = computed(node, 0);
        if (int_attribute(node, "training_mode", 0) != 0)
            fail(node, "training_mode = 1", "evaluation mode (model.eval() before export)");
        const double eps = float_attribute(node, "epsilon", 1e-5);
        const int n = z.width();
        const Eigen::VectorXd scale = broadcast(node, constant(node, 1), n), shift = broadcast(node, constant(node, 2), n);
        const Eigen::VectorXd mean = broadcast(node, constant(node, 3), n), var = broadcast(node, constant(node, 4), n);
        if ((var.array() + eps <= 0).any()) fail(node, "a variance + epsilon <= 0", "positive variances");
        // y = scale (z - mean) / sqrt(var + eps) + shift (ONNX BatchNormalization, inference form)
        const Eigen::VectorXd g = scale.array() / (var.array() + eps).sqrt();
        const Eigen::VectorXd c = shift.array() - g.array() * mean.array();
        set_output(node, apply_affine(node, z, g.asDiagonal().toDenseMatrix(), c));
    }

    void identity(const onnx::NodeProto& node) {
        if (node.op_type() == "Identity" && is_constant(node, 0) && node.output_size() == 1) {  // a shared parameter
            constants_[node.output(0)] = constants_.at(node.input(0));
            return;
        }
        if (node.op_type() == "Dropout" && node.output_size() > 1 && !node.output(1).empty() && used_later(node.output(1)))
            fail(node, "its mask output is used", "Dropout's first output only (evaluation mode)");
        set_output(node, computed(node, 0));
    }

    void reshape(const onnx::NodeProto& node) {
        const Affine& z = computed(node, 0);
        if (node.op_type() == "Flatten") {
            if (int_attribute(node, "axis", 1) != 1) fail(node, "axis " + std::to_string(int_attribute(node, "axis", 1)), "axis 1");
        } else {
            const Constant& shape = constant(node, 1);
            const auto& v = shape.values;
            const bool keeps = shape.rank() == 1 && ((v.size() == 1 && (v[0] == -1 || v[0] == z.width())) ||
                                                     (v.size() == 2 && v[1] == z.width() && (v[0] == -1 || v[0] >= 0)));
            if (!keeps) fail(node, "changes the shape", "a reshape to (N, " + std::to_string(z.width()) + ") that keeps the width");
        }
        set_output(node, z);
    }

    void activation(const onnx::NodeProto& node) {
        const Affine& z = computed(node, 0);
        const std::string& op = node.op_type();
        DenseLayer L;  // the activation and its parameters; push_layer adds the weights
        L.activation = Activation::relu;
        if (op == "Relu") L.activation = Activation::relu;
        else if (op == "Tanh") L.activation = Activation::tanh;
        else if (op == "Sigmoid") L.activation = Activation::sigmoid;
        else if (op == "Softplus") L.activation = Activation::softplus;
        else if (op == "LeakyRelu") {  // the float attribute's value, as the exporter's runtime uses it
            L.activation = Activation::leaky_relu;
            L.negative_slope = Eigen::VectorXd::Constant(z.width(), float_attribute(node, "alpha", 0.01f));
        } else if (op == "Elu") {
            L.activation = Activation::elu;
            L.alpha = float_attribute(node, "alpha", 1.0);
        } else if (op == "PRelu") {  // one slope per channel (or one broadcast): exact geometry takes any slopes
            L.negative_slope = broadcast(node, constant(node, 1), z.width());
            L.activation = (L.negative_slope.array() == 0).all() ? Activation::relu : Activation::leaky_relu;
            if (L.activation == Activation::relu) L.negative_slope.resize(0);
        }
        const auto fine = [](double v) { return std::isfinite(v) && std::abs(v) <= max_activation_parameter; };
        if (!fine(L.alpha) || !L.negative_slope.unaryExpr([&](double v) { return fine(v) ? 1.0 : 0.0; }).all())
            fail(node, "a slope or alpha that is not finite or beyond +-1e6", "finite parameters within +-1e6");
        push_layer(node, z, L);
    }

    /// Closes a layer: its pre-activation z becomes a dense layer, its output the new a_k.
    void push_layer(const onnx::NodeProto& node, const Affine& z, DenseLayer L) {
        if (z.source != static_cast<int>(net_.layers.size()))
            fail(node, "acts on a value computed from an earlier layer's output", "one chain of layers (no branches)");
        if (static_cast<int>(net_.layers.size()) >= max_network_layers)
            fail(node, "more than " + std::to_string(max_network_layers) + " hidden layers", "at most " + std::to_string(max_network_layers));
        L.W = z.W, L.b = z.b, L.residual = z.residual;
        net_.layers.push_back(std::move(L));
        Affine a;
        a.source = static_cast<int>(net_.layers.size());
        a.W = Eigen::MatrixXd::Identity(z.width(), z.width());
        a.b = Eigen::VectorXd::Zero(z.width());
        a.is_activation = true;
        set_output(node, std::move(a));
    }

    void softmax(const onnx::NodeProto& node) {
        const Affine& z = computed(node, 0);
        const int64_t axis = int_attribute(node, "axis", -1);
        if (axis != -1 && axis != 1) fail(node, "axis " + std::to_string(axis), "axis -1 or 1 (over the classes)");
        if (z.width() < 2) fail(node, "over 1 output", "2 or more class scores");
        set_head(node, z, z.width() == 2 ? Head::softmax2 : Head::softmax);
    }

    void set_head(const onnx::NodeProto& node, const Affine& z, Head head) {
        if (head_output_) fail(node, "a second output head", "one final Softmax, LogSoftmax or Sigmoid");
        logits_ = z;
        head_ = head;
        head_given_ = true;
        head_output_ = node.output(0);
    }

    void import_node(const onnx::NodeProto& node) {
        if (!node.domain().empty() && node.domain() != "ai.onnx")
            fail(node, "operator of domain '" + node.domain() + "'", std::string("standard ONNX operators: ") + supported_operators);
        if (node.output_size() < 1 || node.output(0).empty()) fail(node, "no output", "one output");
        if (head_output_) {
            if (node.op_type() != "Identity" || node.input_size() != 1 || node.input(0) != *head_output_ || node.output_size() != 1)
                fail(node, "follows the final Softmax/LogSoftmax/Sigmoid", "nothing after the head but Identity");
            head_output_ = node.output(0);
            return;
        }
        const std::string& op = node.op_type();
        if (op == "Constant") {
            const auto* value = attribute(node, "value");
            if (!value || !value->has_t()) fail(node, "no tensor 'value'", "a Constant with a tensor value");
            if (node.output_size() < 1) fail(node, "no output", "one output");
            constants_[node.output(0)] = read_tensor(value->t(), "node '" + node.name() + "' (Constant)");
        } else if (op == "Gemm") gemm(node);
        else if (op == "MatMul") matmul(node);
        else if (op == "Add") add(node);
        else if (op == "BatchNormalization") batch_norm(node);
        else if (op == "Identity" || op == "Dropout") identity(node);
        else if (op == "Flatten" || op == "Reshape") reshape(node);
        else if (op == "Sigmoid" && is_final_sigmoid(node)) {
            const Affine& z = computed(node, 0);
            if (z.width() != 1) fail(node, "a final sigmoid over " + std::to_string(z.width()) + " outputs", "1 output (binary)");
            set_head(node, z, Head::sigmoid);
        } else if (op == "Relu" || op == "LeakyRelu" || op == "PRelu" || op == "Elu" || op == "Softplus" || op == "Sigmoid" ||
                   op == "Tanh")
            activation(node);
        else if (op == "Softmax" || op == "LogSoftmax") softmax(node);
        else fail(node, "unsupported operator", std::string("one of ") + supported_operators);
    }

    /// A Sigmoid whose output is the graph's output (possibly through Identity) is the head, not a layer.
    bool is_final_sigmoid(const onnx::NodeProto& node) const {
        std::string name = node.output_size() ? node.output(0) : "";
        for (int steps = 0, moved = 1; moved && steps <= model_.graph().node_size(); ++steps) {  // bounded: cycles
            moved = 0;
            for (const auto& n : model_.graph().node())
                if (n.op_type() == "Identity" && n.input_size() == 1 && n.input(0) == name && n.output_size() == 1) {
                    name = n.output(0);
                    moved = 1;
                }
        }
        for (const auto& out : model_.graph().output())
            if (out.name() == name) return true;
        return false;
    }

    std::optional<Affine> logits_;

    void finish(const onnx::GraphProto& graph) {
        if (graph.output_size() != 1)
            throw Error(where_, "the graph has " + std::to_string(graph.output_size()) + " outputs", "one output", onnx_hint);
        const std::string& name = graph.output(0).name();
        Affine z;
        if (head_output_) {
            if (name != *head_output_)
                throw Error(where_, "the graph output '" + name + "' is not the final Softmax/LogSoftmax/Sigmoid", "the head last", onnx_hint);
            z = *logits_;
        } else {
            const auto it = values_.find(name);
            if (it == values_.end())
                throw Error(where_, "the graph output '" + name + "' is not computed from the input", "an MLP's output", onnx_hint);
            z = it->second;
        }
        if (z.source != static_cast<int>(net_.layers.size()))
            throw Error(where_, "the output is computed from an earlier layer's output", "one chain of layers (no branches)", onnx_hint);
        DenseLayer out;
        out.W = z.W, out.b = z.b, out.activation = Activation::linear, out.residual = z.residual;
        net_.layers.push_back(std::move(out));
        if (!head_given_) {
            const int k = z.width();
            head_ = k == 1 ? Head::sigmoid : k == 2 ? Head::softmax2 : Head::softmax;
        }
        net_.head = head_;
    }
};

}  // namespace

Network network_from_onnx(std::string_view bytes, const std::string& where, const OnnxImportOptions& options) {
    check_domain(options.domain, where + ": --domain");
    if (bytes.size() > max_weights_bytes)
        throw Error(where, "file of " + std::to_string(bytes.size()) + " bytes", "at most 256 MiB", onnx_hint);
    onnx::ModelProto model;
    if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        throw Error(where, "not a readable ONNX model (truncated or damaged protobuf)", "an .onnx file as torch.onnx.export writes",
                    "export the model again; check the file was copied completely");
    return Importer(model, where, options).run();
}

#endif

Network load_network_onnx(const std::string& path, const OnnxImportOptions& options) {
    return network_from_onnx(read_file(path, max_weights_bytes), path, options);
}

}  // namespace ginn
