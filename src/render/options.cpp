// Render options from text: neuron selections, background and point-set names, physical lengths, and the snapshot
// label. Parsing only; the figure is built in render.cpp.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "ginn/core/error.h"
#include "ginn/render/render.h"

namespace ginn {

// ---------------------------------------------------------------------------------------------- selection

bool NeuronSelection::contains(int layer, int index) const {
    if (all || layers.count(layer)) return true;
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const Range& r) { return r.layer == layer && index >= r.first && index <= r.last; });
}

NeuronSelection parse_neuron_selection(std::string_view spec, const std::string& where) {
    const std::string expected = "all, none, L1, L2:3,5, L2:3-6, or terms joined by , or + (L1,L3:2)";
    auto fail = [&](const std::string& what) -> Error {
        return Error(where, what + " in '" + std::string(spec) + "'", expected, "layers and neurons count from 1");
    };
    auto number = [&](std::string_view s) {
        int v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size()) throw fail("bad number '" + std::string(s) + "'");
        if (v < 1) throw fail("'" + std::string(s) + "' is below 1");
        return v;
    };
    if (spec == "all") return {};
    NeuronSelection sel{.all = false};
    if (spec == "none") return sel;
    if (spec.empty()) throw fail("empty selection");
    int current_layer = 0;  // the layer whose index list a bare number continues
    size_t start = 0;
    while (start <= spec.size()) {
        const size_t end = std::min(spec.find_first_of(",+", start), spec.size());
        const std::string_view token = spec.substr(start, end - start);
        const bool after_plus = start > 0 && spec[start - 1] == '+';
        start = end + 1;
        if (token.empty()) throw fail("empty term");
        std::string_view indices;
        if (token[0] == 'L' || token[0] == 'l') {
            const size_t colon = token.find(':');
            current_layer = number(token.substr(1, colon == std::string_view::npos ? std::string_view::npos : colon - 1));
            if (colon == std::string_view::npos) {
                sel.layers.insert(current_layer);
                current_layer = 0;
                continue;
            }
            indices = token.substr(colon + 1);
        } else {
            if (current_layer == 0 || after_plus) throw fail("'" + std::string(token) + "' has no layer (write Lk:" +
                                                             std::string(token) + ")");
            indices = token;
        }
        const size_t dash = indices.find('-');
        const int first = number(indices.substr(0, dash));
        const int last = dash == std::string_view::npos ? first : number(indices.substr(dash + 1));
        if (last < first) throw fail("empty range '" + std::string(indices) + "'");
        sel.ranges.insert({current_layer, first, last});
    }
    return sel;
}

Background background_from_name(std::string_view name, const std::string& where) {
    if (name == "prediction") return Background::prediction;
    if (name == "target") return Background::target;
    if (name == "regions") return Background::regions;
    if (name == "none") return Background::none;
    throw Error(where, "unknown background '" + std::string(name) + "'", "prediction, target, regions or none", "");
}

void check_neuron_selection(const Network& net, const NeuronSelection& sel) {
    const int n_hidden = net.n_hidden_layers();
    auto check_layer = [&](int l) {
        if (l < 1 || l > n_hidden)
            throw Error("--neurons", "layer " + std::to_string(l) + " does not exist",
                        "layers 1.." + std::to_string(n_hidden), "");
    };
    for (int l : sel.layers) check_layer(l);
    for (const NeuronSelection::Range& r : sel.ranges) {
        check_layer(r.layer);
        const int n = net.layers[r.layer - 1].n_out();
        if (r.last > n)
            throw Error("--neurons", "neuron L" + std::to_string(r.layer) + ":" + std::to_string(r.last) + " does not exist",
                        "neurons 1.." + std::to_string(n) + " in layer " + std::to_string(r.layer), "");
    }
}

PointSet point_set_from_name(std::string_view name, const std::string& where) {
    if (name == "none") return PointSet::none;
    if (name == "train") return PointSet::train;
    if (name == "test") return PointSet::test;
    if (name == "all") return PointSet::all;
    throw Error(where, "unknown point set '" + std::string(name) + "'", "train, test, all or none",
                "training points are drawn filled, test points hollow");
}

double parse_length_pt(std::string_view text, const std::string& where) {
    static const std::pair<std::string_view, double> units[] = {{"in", 72.0}, {"mm", 72 / 25.4}, {"cm", 72 / 2.54},
                                                                {"pt", 1.0}};
    for (const auto& [unit, factor] : units) {
        if (text.size() <= unit.size() || !text.ends_with(unit)) continue;
        const std::string_view digits = text.substr(0, text.size() - unit.size());
        double v = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec == std::errc() && end == digits.data() + digits.size() && std::isfinite(v) && v > 0) {
            const double pt = v * factor;
            if (pt < 36 || pt > 7200)
                throw Error(where, "'" + std::string(text) + "' is " + std::to_string(pt) + " pt", "0.5in..100in",
                            "a journal column is about 3.3in, a page 7in");
            return pt;
        }
    }
    throw Error(where, "cannot read '" + std::string(text) + "'", "a length such as 7in, 178mm, 17.8cm or 504pt",
                "give the unit");
}

std::string snapshot_label(int64_t iteration, double loss) {
    std::string digits = std::to_string(iteration), grouped;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') grouped += ',';
        grouped += digits[i];
    }
    std::string label = "iteration " + grouped;
    if (std::isfinite(loss)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "   loss %.3g", loss);
        label += buf;
    }
    return label;
}

}  // namespace ginn
