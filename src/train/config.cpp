// RunConfig <-> JSON, and the TOML config file (read with toml++, converted to the JSON form so both spellings
// share one parser and one set of error messages).
#include "ginn/train/config.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <toml++/toml.h>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/train/schedule.h"

namespace ginn {

namespace {

using Where = std::function<std::string(const std::string& key)>;
constexpr uint64_t max_config_bytes = 16ull << 20;

/// Reads one section's keys into fields, rejecting unknown keys and wrong types with the key's location.
class Section {
public:
    Section(nlohmann::json j, std::string name, Where where) : j_(std::move(j)), name_(std::move(name)), where_(std::move(where)) {
        if (!j_.is_object()) throw Error(where_(name_), "[" + name_ + "] is not a table", "a table of keys");
    }
    template <typename T>
    void read(const char* key, T& field) {
        seen_.insert(key);
        if (!j_.contains(key)) return;
        const nlohmann::json& v = j_.at(key);
        bool ok = true;
        if constexpr (std::is_same_v<T, std::vector<int>>) {
            ok = v.is_array();
            if (ok) for (const auto& e : v) ok = ok && fits<int>(e);
        } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
            ok = fits<T>(v);
        }
        try {
            if (ok) field = v.template get<T>();
        } catch (const nlohmann::json::exception&) {
            ok = false;
        }
        if (!ok)
            throw Error(where_(name_ + "." + key), "bad value for " + name_ + "." + key + ": " + v.dump(),
                        expected<T>(), "see examples/ginn-default.toml");
    }
    bool has(const char* key) const { return j_.contains(key); }
    void finish() const {
        for (const auto& [key, value] : j_.items())
            if (!seen_.count(key)) {
                std::string known;
                for (const auto& k : seen_) known += (known.empty() ? "" : ", ") + k;
                throw Error(where_(name_ + "." + key), "unknown key " + name_ + "." + key, "one of " + known,
                            "check the spelling");
            }
    }

private:
    /// An integer field takes only a JSON integer within T's range (never a fraction such as 3.7, nor 2^32 + 128
    /// wrapped to 128); a floating-point field takes only a finite number (never nan or inf).
    template <typename T>
    static bool fits(const nlohmann::json& v) {
        if constexpr (std::is_integral_v<T>) {
            if (v.is_number_unsigned()) return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
            if (!v.is_number_integer()) return false;
            const int64_t i = v.get<int64_t>();
            return i >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                   (i < 0 || static_cast<uint64_t>(i) <= static_cast<uint64_t>(std::numeric_limits<T>::max()));
        } else {
            return v.is_number() && std::isfinite(v.get<double>());
        }
    }
    template <typename T>
    static std::string expected() {
        if constexpr (std::is_same_v<T, std::string>) return "a string";
        else if constexpr (std::is_same_v<T, bool>) return "true or false";
        else if constexpr (std::is_integral_v<T>)
            return "an integer in " + std::to_string(std::numeric_limits<T>::min()) + ".." +
                   std::to_string(std::numeric_limits<T>::max());
        else if constexpr (std::is_floating_point_v<T>) return "a number (finite)";
        else return "a list of integers";
    }
    nlohmann::json j_;
    std::string name_;
    Where where_;
    std::set<std::string> seen_;
};

RunConfig parse(const nlohmann::json& j, const Where& where) {
    RunConfig c;
    if (!j.is_object()) throw Error(where(""), "config is not a table/object", "sections task, model, optim, train");
    for (const auto& [key, value] : j.items())
        if (key != "task" && key != "model" && key != "optim" && key != "train" && key != "snapshots")
            throw Error(where(key), "unknown section '" + key + "'", "task, model, optim, train or snapshots",
                        "see examples/ginn-default.toml");
    const nlohmann::json empty = nlohmann::json::object();
    {
        Section s(j.value("task", empty), "task", where);
        s.read("target", c.task.target);
        s.read("resolution", c.task.resolution);
        s.read("n_points", c.task.n_points);
        s.read("noise", c.task.noise);
        s.read("test_fraction", c.task.test_fraction);
        s.read("threshold", c.task.threshold);
        std::string resize(resize_name(c.task.resize));
        s.read("resize", resize);
        s.read("seed", c.task.seed);
        s.read("margin", c.task.margin);
        s.read("answers", c.task.answers);
        s.finish();
        c.task.resize = resize_from_name(resize, where("task.resize"));
    }
    {
        Section s(j.value("model", empty), "model", where);
        std::string activation(activation_name(c.model.activation)), head(head_name(c.model.head)),
            init(init_name(c.model.init));
        s.read("widths", c.model.widths);
        s.read("activation", activation);
        s.read("head", head);
        s.read("n_classes", c.model.n_classes);
        s.read("dropout", c.model.dropout);
        s.read("batch_norm", c.model.batch_norm);
        s.read("bn_momentum", c.model.bn_momentum);
        s.read("bn_eps", c.model.bn_eps);
        s.read("residual", c.model.residual);
        s.read("normalize", c.model.normalize);
        s.read("init", init);
        s.finish();
        c.model.activation = activation_from_name(activation, where("model.activation"));
        c.model.head = head_from_name(head, where("model.head"));
        c.model.head_chosen = s.has("head");
        c.model.init = init_from_name(init, where("model.init"));
    }
    {
        Section s(j.value("optim", empty), "optim", where);
        std::string optimizer(optimizer_name(c.optim.kind)), schedule(lr_schedule_name(c.optim.schedule));
        s.read("optimizer", optimizer);
        s.read("lr", c.optim.lr);
        s.read("momentum", c.optim.momentum);
        s.read("beta1", c.optim.beta1);
        s.read("beta2", c.optim.beta2);
        s.read("eps", c.optim.eps);
        s.read("weight_decay", c.optim.weight_decay);
        std::string decay_on = c.optim.decay_biases ? "all" : "weights";
        s.read("weight_decay_on", decay_on);
        s.read("lr_schedule", schedule);
        s.read("step_size", c.optim.step_size);
        s.read("gamma", c.optim.gamma);
        s.finish();
        c.optim.kind = optimizer_from_name(optimizer, where("optim.optimizer"));
        c.optim.schedule = lr_schedule_from_name(schedule, where("optim.lr_schedule"));
        if (decay_on != "all" && decay_on != "weights")
            throw Error(where("optim.weight_decay_on"), "unknown value '" + decay_on + "'", "\"all\" or \"weights\"",
                        "\"weights\" leaves biases and batch norm's gamma and beta undecayed");
        c.optim.decay_biases = decay_on == "all";
    }
    {
        Section s(j.value("train", empty), "train", where);
        std::string sampling = c.train.sampling == Sampling::epochs ? "epochs" : "replacement";
        s.read("iterations", c.train.iterations);
        s.read("batch", c.train.batch);
        s.read("sampling", sampling);
        s.read("seed", c.train.seed);
        s.finish();
        if (sampling != "replacement" && sampling != "epochs")
            throw Error(where("train.sampling"), "unknown sampling '" + sampling + "'", "replacement or epochs");
        c.train.sampling = sampling == "epochs" ? Sampling::epochs : Sampling::replacement;
    }
    if (j.contains("snapshots")) {
        if (!j.at("snapshots").is_string())
            throw Error(where("snapshots"), "snapshots is not a string", "\"ginn\", \"log:N\" or \"every:K\"");
        c.snapshots = j.at("snapshots").get<std::string>();
    }
    return c;
}

/// toml++ table -> nlohmann JSON, remembering each key's line for error messages.
nlohmann::json toml_to_json(const toml::node& node, const std::string& path, std::map<std::string, int>& lines) {
    lines[path] = static_cast<int>(node.source().begin.line);
    if (const auto* t = node.as_table()) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& [k, v] : *t) {
            const std::string key(k.str());
            j[key] = toml_to_json(v, path.empty() ? key : path + "." + key, lines);
        }
        return j;
    }
    if (const auto* a = node.as_array()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& v : *a) j.push_back(toml_to_json(v, path, lines));
        return j;
    }
    if (auto v = node.value_exact<int64_t>()) return *v;
    if (auto v = node.value_exact<double>()) return *v;
    if (auto v = node.value_exact<bool>()) return *v;
    if (auto v = node.value_exact<std::string>()) return *v;
    return nullptr;  // dates and times: rejected as wrong types by the section reader
}

}  // namespace

void RunConfig::validate() const {
    task.validate();
    model.validate();
    optim.validate();
    train.validate();
    snapshot_iterations(snapshots, train.iterations);  // throws for a malformed spec
}

nlohmann::json config_to_json(const RunConfig& c) {
    return {{"task",
             {{"target", c.task.target},
              {"resolution", c.task.resolution},
              {"n_points", c.task.n_points},
              {"noise", c.task.noise},
              {"test_fraction", c.task.test_fraction},
              {"threshold", c.task.threshold},
              {"resize", resize_name(c.task.resize)},
              {"seed", c.task.seed},
              {"margin", c.task.margin},
              {"answers", c.task.answers}}},
            {"model",
             {{"widths", c.model.widths},
              {"activation", activation_name(c.model.activation)},
              {"head", head_name(c.model.head)},
              {"n_classes", c.model.n_classes},
              {"dropout", c.model.dropout},
              {"batch_norm", c.model.batch_norm},
              {"bn_momentum", c.model.bn_momentum},
              {"bn_eps", c.model.bn_eps},
              {"residual", c.model.residual},
              {"normalize", c.model.normalize},
              {"init", init_name(c.model.init)}}},
            {"optim",
             {{"optimizer", optimizer_name(c.optim.kind)},
              {"lr", c.optim.lr},
              {"momentum", c.optim.momentum},
              {"beta1", c.optim.beta1},
              {"beta2", c.optim.beta2},
              {"eps", c.optim.eps},
              {"weight_decay", c.optim.weight_decay},
              {"weight_decay_on", c.optim.decay_biases ? "all" : "weights"},
              {"lr_schedule", lr_schedule_name(c.optim.schedule)},
              {"step_size", c.optim.step_size},
              {"gamma", c.optim.gamma}}},
            {"train",
             {{"iterations", c.train.iterations},
              {"batch", c.train.batch},
              {"sampling", c.train.sampling == Sampling::epochs ? "epochs" : "replacement"},
              {"seed", c.train.seed}}},
            {"snapshots", c.snapshots}};
}

RunConfig config_from_json(const nlohmann::json& j, const std::string& where) {
    return parse(j, [&](const std::string& key) { return key.empty() ? where : where + ": " + key; });
}

RunConfig config_from_toml_file(const std::string& path) {
    toml::table table;
    const std::string text = read_file(path, max_config_bytes);  // names a missing path or a directory clearly
    try {
        table = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        const auto& src = e.source();
        throw Error(path + ":" + std::to_string(src.begin.line), "TOML syntax error: " + std::string(e.description()),
                    "valid TOML", "see examples/ginn-default.toml");
    }
    std::map<std::string, int> lines;
    const nlohmann::json j = toml_to_json(table, "", lines);
    return parse(j, [&](const std::string& key) {
        auto it = lines.find(key);
        return it == lines.end() || key.empty() ? path : path + ":" + std::to_string(it->second);
    });
}

}  // namespace ginn
