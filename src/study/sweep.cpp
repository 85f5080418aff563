// The sweep file: TOML -> JSON (remembering lines), the base config through the config API (config.h), factors and
// variants checked, then the full grid expanded into runs, each validated before anything is trained.
#include "ginn/study/sweep.h"

#include <filesystem>
#include <map>
#include <set>
#include <toml++/toml.h>

#include "ginn/core/error.h"

namespace ginn {

namespace {

using Lines = std::map<std::string, int>;  // dotted key -> line in the file

/// toml++ node -> JSON, recording each key's line (arrays of tables get "key[i]").
nlohmann::json to_json(const toml::node& node, const std::string& key, Lines& lines) {
    lines[key] = static_cast<int>(node.source().begin.line);
    if (const auto* t = node.as_table()) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& [k, v] : *t) j[std::string(k.str())] = to_json(v, key.empty() ? std::string(k.str()) : key + "." + std::string(k.str()), lines);
        return j;
    }
    if (const auto* a = node.as_array()) {
        nlohmann::json j = nlohmann::json::array();
        for (size_t i = 0; i < a->size(); ++i) j.push_back(to_json(*a->get(i), key + "[" + std::to_string(i) + "]", lines));
        return j;
    }
    if (auto v = node.value_exact<int64_t>()) return *v;
    if (auto v = node.value_exact<double>()) return *v;
    if (auto v = node.value_exact<bool>()) return *v;
    if (auto v = node.value_exact<std::string>()) return *v;
    return nullptr;  // dates and times: rejected as wrong types when the config is read
}

/// Tables nested by dotted keys (model.widths = ... inside [factors]) flattened to "model.widths" -> value.
void flatten(const nlohmann::json& j, const std::string& prefix, std::vector<std::pair<std::string, nlohmann::json>>& out) {
    for (const auto& [k, v] : j.items()) {
        const std::string key = prefix.empty() ? k : prefix + "." + k;
        if (v.is_object()) flatten(v, key, out);
        else out.emplace_back(key, v);
    }
}

std::string short_key(const std::string& key) { return key.substr(key.rfind('.') + 1); }

std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string value_label(const std::string& key, const nlohmann::json& v) {
    if (key == "variant" || key == "task.target" || key == "model.activation") return value_text(v);
    return short_key(key) + "=" + value_text(v);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
}

struct Variant {
    std::string name;
    std::vector<std::pair<std::string, nlohmann::json>> overrides;
};

class Parser {
public:
    explicit Parser(std::string path) : path_(std::move(path)) {}

    Sweep parse(bool force) {
        const nlohmann::json j = read();
        Sweep s;
        s.path = path_;
        s.name = std::filesystem::path(path_).stem().string();
        nlohmann::json base = nlohmann::json::object();
        for (const auto& [k, v] : j.items()) {
            if (k == "task" || k == "model" || k == "optim" || k == "train" || k == "snapshots") base[k] = v;
            else if (k != "sweep" && k != "factors" && k != "variants")
                fail(k, "unknown table or key '" + k + "'", "task, model, optim, train, snapshots, sweep, factors or variants");
        }
        s.base = config_from_json(base, path_);
        base_json_ = config_to_json(s.base);
        read_sweep_table(j.value("sweep", nlohmann::json::object()), s);
        read_factors(j.value("factors", nlohmann::json::object()), s);
        read_variants(j.value("variants", nlohmann::json::array()));
        if (!variants_.empty()) {
            SweepFactor f{"variant", {}};
            for (const auto& v : variants_) f.values.push_back(v.name);
            s.factors.insert(s.factors.begin(), f);
        }
        place(s);
        expand(s, force);
        s.source = {{"base", base_json_}, {"variants", nlohmann::json::array()}, {"factors", nlohmann::json::array()}};
        for (const auto& v : variants_) {
            nlohmann::json o = {{"name", v.name}};
            for (const auto& [k, value] : v.overrides) o[k] = value;
            s.source["variants"].push_back(o);
        }
        for (const auto& f : s.factors)
            if (f.key != "variant") s.source["factors"].push_back({{"key", f.key}, {"values", f.values}});
        return s;
    }

private:
    nlohmann::json read() {
        toml::table table;
        try {
            table = toml::parse_file(path_);
        } catch (const toml::parse_error& e) {
            if (std::string(e.description()).find("File could not be opened") != std::string::npos)
                throw Error(path_, "cannot open sweep file", "a readable TOML file", "check the path");
            throw Error(path_ + ":" + std::to_string(e.source().begin.line),
                        "TOML syntax error: " + std::string(e.description()), "valid TOML", "see examples/gupta/");
        }
        return to_json(table, "", lines_);
    }

    std::string where(const std::string& key) const {
        const auto it = lines_.find(key);
        return it == lines_.end() ? path_ : path_ + ":" + std::to_string(it->second);
    }
    [[noreturn]] void fail(const std::string& key, const std::string& what, const std::string& expected,
                           const std::string& hint = "see docs/study.md") const {
        throw Error(where(key), what, expected, hint);
    }

    /// "section.key" must name a config field (checked against the base config's JSON form).
    void check_key(const std::string& key, const std::string& at) const {
        if (key == "snapshots") return;
        const auto dot = key.find('.');
        const std::string section = key.substr(0, dot), field = dot == std::string::npos ? "" : key.substr(dot + 1);
        if (!base_json_.contains(section) || !base_json_[section].is_object())
            fail(at, "unknown key '" + key + "'", "section.key with section task, model, optim or train, or snapshots");
        if (!base_json_[section].contains(field)) {
            std::vector<std::string> known;
            for (const auto& [k, v] : base_json_[section].items()) known.push_back(section + "." + k);
            fail(at, "unknown key '" + key + "'", "one of " + join(known, ", "), "check the spelling");
        }
    }

    std::vector<std::string> key_list(const nlohmann::json& v, const std::string& at) const {
        std::vector<std::string> out;
        if (v.is_string()) return {v.get<std::string>()};
        if (!v.is_array()) fail(at, at + " is not a factor key or a list of them", "\"task.target\" or [\"model.residual\", \"task.n_points\"]");
        for (const auto& k : v) {
            if (!k.is_string()) fail(at, at + " holds " + k.dump(), "factor keys as strings");
            out.push_back(k.get<std::string>());
        }
        return out;
    }

    void read_sweep_table(const nlohmann::json& t, Sweep& s) {
        if (!t.is_object()) fail("sweep", "[sweep] is not a table", "a table with name, rows, columns, truth");
        for (const auto& [k, v] : t.items()) {
            const std::string at = "sweep." + k;
            if (k == "name" && v.is_string()) s.name = v.get<std::string>();
            else if (k == "rows") s.rows = key_list(v, at);
            else if (k == "columns") s.columns = key_list(v, at);
            else if (k == "truth" && v.is_boolean()) s.truth = v.get<bool>();
            else if (k == "name" || k == "truth") fail(at, "wrong type for " + at + ": " + v.dump(), k == "name" ? "a string" : "true or false");
            else fail(at, "unknown key " + at, "one of name, rows, columns, truth", "check the spelling");
        }
    }

    void read_factors(const nlohmann::json& t, Sweep& s) {
        if (!t.is_object()) fail("factors", "[factors] is not a table", "\"section.key\" = [values ...]");
        std::vector<std::pair<std::string, nlohmann::json>> flat;
        flatten(t, "", flat);
        for (const auto& [key, values] : flat) {
            const std::string at = "factors." + key;
            check_key(key, at);
            if (!values.is_array()) fail(at, "factor " + key + " is not a list of values: " + values.dump(), "[value, value, ...]");
            if (values.empty()) fail(at, "factor " + key + " has no values", "at least one value", "remove it or list its values");
            s.factors.push_back({key, std::vector<nlohmann::json>(values.begin(), values.end())});
        }
    }

    void read_variants(const nlohmann::json& list) {
        if (!list.is_array()) fail("variants", "variants is not an array of tables", "[[variants]] tables");
        std::set<std::string> names;
        for (size_t i = 0; i < list.size(); ++i) {
            const std::string at = "variants[" + std::to_string(i) + "]";
            if (!list[i].is_object()) fail(at, at + " is not a table", "[[variants]] with name = \"...\" and overrides");
            Variant v;
            if (!list[i].contains("name") || !list[i]["name"].is_string())
                fail(at, "variant " + std::to_string(i + 1) + " has no name", "name = \"narrow\" (a string)");
            v.name = list[i]["name"].get<std::string>();
            if (!names.insert(v.name).second) fail(at, "two variants are named '" + v.name + "'", "unique names");
            std::vector<std::pair<std::string, nlohmann::json>> flat;
            flatten(list[i], "", flat);
            for (const auto& [key, value] : flat) {
                if (key == "name") continue;
                check_key(key, at + "." + key);
                v.overrides.emplace_back(key, value);
            }
            variants_.push_back(std::move(v));
        }
    }

    /// Rows and columns: defaults (first factor along rows, the rest along columns), then every key varied and
    /// every varied key placed once.
    void place(Sweep& s) const {
        std::vector<std::string> varied;
        for (const auto& f : s.factors) varied.push_back(f.key);
        const std::string list = varied.empty() ? "none" : join(varied, ", ");
        if (s.rows.empty() && s.columns.empty() && !varied.empty()) s.rows = {varied.front()};
        std::set<std::string> placed;
        for (const auto* keys : {&s.rows, &s.columns})
            for (const auto& key : *keys) {
                const std::string at = keys == &s.rows ? "sweep.rows" : "sweep.columns";
                if (std::find(varied.begin(), varied.end(), key) == varied.end())
                    fail(at, "'" + key + "' in " + at + " is not varied", "one of the varied factors: " + list,
                         "add it to [factors] (or [[variants]] for \"variant\")");
                if (!placed.insert(key).second) fail(at, "'" + key + "' is placed twice", "each factor once, in rows or columns");
            }
        for (const auto& key : varied)
            if (!placed.count(key)) {
                if (!lines_.count("sweep.columns") ) s.columns.push_back(key);  // default: the rest along columns
                else fail("sweep.columns", "factor '" + key + "' is varied but in neither rows nor columns",
                          "every varied factor in sweep.rows or sweep.columns");
            }
    }

    const SweepFactor& factor(const Sweep& s, const std::string& key) const {
        for (const auto& f : s.factors)
            if (f.key == key) return f;
        GINN_ASSERT(false);
        return s.factors.front();
    }

    /// Mixed-radix index of `choice` (value index per factor) over `keys`, and the matching labels.
    int cell(const Sweep& s, const std::vector<std::string>& keys, const std::map<std::string, size_t>& choice) const {
        int index = 0;
        for (const auto& key : keys) index = index * static_cast<int>(factor(s, key).values.size()) + static_cast<int>(choice.at(key));
        return index;
    }
    std::vector<std::string> labels(const Sweep& s, const std::vector<std::string>& keys) const {
        std::vector<std::string> out{""};
        for (const auto& key : keys) {
            std::vector<std::string> next;
            for (const auto& prefix : out)
                for (const auto& v : factor(s, key).values)
                    next.push_back(prefix.empty() ? value_label(key, v) : prefix + ", " + value_label(key, v));
            out = std::move(next);
        }
        return out;
    }

    void expand(Sweep& s, bool force) {
        int64_t n = 1;
        for (const auto& f : s.factors) n = std::min<int64_t>(n * static_cast<int64_t>(f.values.size()), int64_t{1} << 40);
        if (n > max_sweep_runs && !force)
            throw Error(path_, "the sweep would train " + std::to_string(n) + " runs",
                        "at most " + std::to_string(max_sweep_runs) + " runs", "pass --force to train them anyway");
        s.row_labels = labels(s, s.rows);
        s.column_labels = labels(s, s.columns);
        for (int64_t i = 0; i < n; ++i) {
            std::map<std::string, size_t> choice;
            int64_t rest = i;
            for (auto f = s.factors.rbegin(); f != s.factors.rend(); ++f) {
                choice[f->key] = static_cast<size_t>(rest % static_cast<int64_t>(f->values.size()));
                rest /= static_cast<int64_t>(f->values.size());
            }
            SweepRun r;
            r.index = static_cast<int>(i);
            char name[16];
            std::snprintf(name, sizeof name, "%03d", r.index);
            r.name = name;
            nlohmann::json cfg = base_json_;
            std::vector<std::string> label, full;
            r.values = nlohmann::json::object();
            for (const auto& f : s.factors) {
                const nlohmann::json& v = f.values[choice[f.key]];
                r.values[f.key] = v;
                label.push_back(value_label(f.key, v));
                full.push_back(f.key == "variant" ? "variant " + value_text(v) : f.key + "=" + value_text(v));
                if (f.key == "variant") {
                    for (const auto& [key, value] : variants_[choice[f.key]].overrides) set(cfg, key, value);
                } else {
                    set(cfg, f.key, v);
                }
            }
            r.label = label.empty() ? "base" : join(label, ", ");
            r.row = cell(s, s.rows, choice);
            r.column = cell(s, s.columns, choice);
            r.config = run_config(cfg, full.empty() ? "base" : join(full, ", "));
            s.runs.push_back(std::move(r));
        }
    }

    static void set(nlohmann::json& cfg, const std::string& key, const nlohmann::json& value) {
        if (key == "snapshots") cfg["snapshots"] = value;
        else cfg[key.substr(0, key.find('.'))][key.substr(key.find('.') + 1)] = value;
    }

    /// One run's config, read and validated through the config API; every error names the run.
    RunConfig run_config(const nlohmann::json& cfg, const std::string& label) const {
        const std::string at = path_ + ": run '" + label + "'";
        RunConfig c;
        try {
            c = config_from_json(cfg, at);
            c.validate();
        } catch (const Error& e) {
            const std::string m = e.what();
            throw Error(m.rfind(at, 0) == 0 ? m : at + ": " + m);
        }
        if (c.model.residual) {
            bool any = false;
            for (size_t l = 1; l < c.model.widths.size(); ++l) any = any || c.model.widths[l] == c.model.widths[l - 1];
            if (!any) {
                std::vector<std::string> w;
                for (int x : c.model.widths) w.push_back(std::to_string(x));
                throw Error(at, "widths [" + join(w, ", ") + "] cannot take residual connections",
                            "two consecutive hidden layers of equal width", "use equal widths or residual = false");
            }
        }
        return c;
    }

    std::string path_;
    Lines lines_;
    nlohmann::json base_json_;
    std::vector<Variant> variants_;
};

}  // namespace

nlohmann::json Sweep::sweep_json() const {
    nlohmann::json j = source;
    j["format"] = "ginn-sweep";
    j["format_version"] = 1;
    return j;
}

Sweep sweep_from_toml_file(const std::string& path, bool force) { return Parser(path).parse(force); }

std::string sweep_difference(const nlohmann::json& a, const nlohmann::json& b) {
    const nlohmann::json patch = nlohmann::json::diff(a, b);
    if (patch.empty()) return "";
    std::string p = patch.front().value("path", std::string());
    return p.empty() ? "the whole file" : p.substr(1);
}

}  // namespace ginn
