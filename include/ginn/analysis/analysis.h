// Detectors of the behaviours the GINN report (sections 5-10) and Fishbein & Debata (section 7) found by eye:
// dead neurons, bias-before-weight shifts, critical points, copycats, indecisive neurons, symmetry, failure,
// region dynamics, margins and fragile points. Measured on recorded runs; not drawing (render.h) nor the viewer.
//
// Intended usage:
//   1. Run r = Run::open("runs/a");
//   2. AnalysisReport rep = analyze({&r}, AnalysisOptions{});     // geometry once per snapshot, shared by detectors
//   3. write analysis_to_json(rep) and analysis_html(rep); hand viewer_findings(rep) to the viewer
//      (ViewerOptions::findings), or let run_findings({&r}) analyse and summarise in one call.
//   4. a network without a run (ONNX, weights JSON): rep.runs.push_back(analyze_network(net)), then as in 3.
// Every detector is also a plain function of networks, geometry and rasters (the "building blocks" below), so a
// hand-built case needs no Run. docs/analysis.md defines each detector, its thresholds and the JSON schema.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ginn/analysis/blocks.h"
#include "ginn/analysis/options.h"
#include "ginn/analysis/report.h"
#include "ginn/data/dataset.h"
#include "ginn/model/network.h"

namespace ginn {

class Run;

inline constexpr const char* analysis_format = "ginn-analysis";
inline constexpr int analysis_format_version = 2;

// ============================================================================================== entry points

/// Analyses each run (geometry computed once per snapshot, snapshots spread over threads). With `geometry` not null,
/// (*geometry)[r][k] receives run r's snapshot k's geometry (GeometryOptions{} without region polygons), for the
/// viewer to draw instead of computing it again (ViewerOptions::geometry).
/// Example: `Run r = Run::open("runs/a"); auto rep = analyze({&r}, {}); write(analysis_html(rep));`
AnalysisReport analyze(const std::vector<const Run*>& runs, const AnalysisOptions& options = {},
                       std::vector<std::vector<Geometry>>* geometry = nullptr);
/// One run from plain data: networks per snapshot, their iterations and metrics, and the task's points; with
/// `geometry` not null it receives each snapshot's geometry as analyze's does.
RunAnalysis analyze_networks(const std::vector<Network>& nets, const std::vector<int64_t>& iterations,
                             const std::vector<double>& loss, const std::vector<double>& accuracy,
                             const Dataset& data, const AnalysisOptions& options, const std::string& name = "run",
                             std::vector<Geometry>* geometry = nullptr);

/// One network without a training run (imported from ONNX or a weights file, or built in Python): the detectors that
/// need neither training history nor a task, over the network's domain: dead and always-on neurons ("no sign change"
/// for smooth activations), copies and complementary pairs, dormant outputs (a class predicted on less than
/// dormant.threshold of the domain: without data every output counts), region counts (and densities near the
/// decision boundary, regions.every > 0), fragile integer points (fragile.mode on). RunAnalysis::needs_run lists the
/// others and why. One snapshot at iteration 0; with `geometry` not null it receives the network's geometry
/// (GeometryOptions{} without region polygons: the same counts as `ginn geometry`) for the viewer.
/// Example: `RunAnalysis a = analyze_network(net, {}, "mlp.onnx");
///           write_network_viewer({{&net, "mlp.onnx"}}, "v.html", {.findings = {viewer_findings(a)}});`
RunAnalysis analyze_network(const Network& net, const AnalysisOptions& options = {}, const std::string& name = "network",
                            Geometry* geometry = nullptr);

/// Analyses each network once (analyze_network, region polygons skipped: the findings carry no densities) and returns
/// their viewer findings; with `geometry` not null, (*geometry)[i] receives network i's geometry as its one snapshot,
/// to share with the viewer (ViewerOptions::geometry). Names in errors: "network 1", ...
/// Example: `write_network_viewer({{&net, "mlp"}}, "v.html", {.findings = network_findings({&net})});`
std::vector<nlohmann::json> network_findings(const std::vector<const Network*>& nets, const AnalysisOptions& options = {},
                                             std::vector<std::vector<Geometry>>* geometry = nullptr);
/// A few plain lines of what analyze_network found and of what needs a run (the command line prints them).
std::string network_findings_text(const RunAnalysis& r);

/// The report as JSON: {"format": "ginn-analysis", "format_version": 2, "options", "runs": [...], "comparison"}.
nlohmann::json analysis_to_json(const AnalysisReport& report);
/// A self-contained HTML page: per run, each detector over training as an inline SVG, notable neurons and moments
/// with links `<viewer>#run=<r>&snapshot=<k>&neurons=L1:3,L2:5`; several runs of one config compared side by side.
std::string analysis_html(const AnalysisReport& report);
/// The compact findings the viewer embeds: {"format": "ginn-findings", "format_version": 1, "badges": {"L1:3":
/// ["dead", "copycat of L1:5", ...]}, "spans": {"L1:3": {"dead": [[first, last], ...], ...}}, "events":
/// [{"snapshot", "kind", "neurons", "text"}], "regions": {...}}. `spans` says at which snapshots each badge holds.
nlohmann::json viewer_findings(const RunAnalysis& run);
/// viewer_findings of every run in a report, in its order: hand them to ViewerOptions::findings (viewer.h).
std::vector<nlohmann::json> viewer_findings(const AnalysisReport& report);
/// Analyses the runs once and returns their viewer findings (region polygons skipped: the findings carry no
/// densities); `geometry` as analyze's, to share with the viewer.
/// Example: `write_viewer({&r}, "ginn.html", {.findings = run_findings({&r})});`
std::vector<nlohmann::json> run_findings(const std::vector<const Run*>& runs, const AnalysisOptions& options = {},
                                         std::vector<std::vector<Geometry>>* geometry = nullptr);
/// "L2:5" for layer 2, neuron 5.
std::string neuron_label(const NeuronId& id);
/// The viewer link fragment "run=<r>&snapshot=<k>&neurons=L1:3,L2:5" (without the file name and '#').
std::string viewer_fragment(int run, int snapshot, const std::vector<NeuronId>& neurons);

}  // namespace ginn
