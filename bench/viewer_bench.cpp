// Viewer benchmark, C++ half: writes the viewer page for a run (default: the GINN default run) with the analysis'
// findings, as `ginn view` does (the analysis computes each snapshot's geometry and hands it to the page), after
// checking that the page holds every snapshot and the findings; times run_findings, viewer_html and both together.
// The browser half (bench/viewer_bench.mjs) times the page.
// Not a test: it prints numbers, it does not judge them.
//
//   ginn train -o runs/ginn-default                      # the default GINN run (431 snapshots, 2-16-16-16-2)
//   build/bench/viewer_bench runs/ginn-default /tmp/ginn-default.html
//   node bench/viewer_bench.mjs /tmp/ginn-default.html
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/run/run.h"
#include "ginn/viewer/viewer.h"

int main(int argc, char** argv) {
    using clock = std::chrono::steady_clock;
    const std::string dir = argc > 1 ? argv[1] : "runs/ginn-default";
    const std::string out = argc > 2 ? argv[2] : "ginn-default-view.html";
    try {
        std::cout << "command: viewer_bench " << dir << " " << out << "\n"
                  << "machine: " << std::thread::hardware_concurrency() << " hardware threads\n";
        const ginn::Run run = ginn::Run::open(dir);
        std::vector<double> seconds, seconds_findings, seconds_total;
        std::string html;
        for (int rep = 0; rep < 3; ++rep) {
            const auto t0 = clock::now();
            std::vector<std::vector<ginn::Geometry>> geometry;
            const std::vector<nlohmann::json> findings = ginn::run_findings({&run}, {}, &geometry);
            const auto t1 = clock::now();
            html = ginn::viewer_html({&run}, {.findings = findings, .geometry = {&geometry[0]}});
            seconds_findings.push_back(std::chrono::duration<double>(t1 - t0).count());
            seconds.push_back(std::chrono::duration<double>(clock::now() - t1).count());
            seconds_total.push_back(std::chrono::duration<double>(clock::now() - t0).count());
        }
        // correctness before timing is reported: the page's data holds every snapshot of the run
        const std::string open = "<script id=\"ginn-data\" type=\"application/json\">";
        const size_t a = html.find(open), b = html.find("</script>", a);
        const nlohmann::json data = nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
        const nlohmann::json& r = data.at("runs").at(0);
        for (int k = 0; k < run.n_snapshots(); ++k)
            if (r["snapshots"]["iteration"].at(k) != run.snapshot(k).iteration || !r["geometry_sizes"].at(k).is_number())
                throw ginn::Error(out, "snapshot " + std::to_string(k) + " is missing from the page", "every snapshot");
        if (r.at("findings").at("format") != "ginn-findings" ||
            r["findings"]["regions"]["activation"] != r["counts"]["activation"])
            throw ginn::Error(out, "the page's findings are missing or belong to another run", "the run's findings");
        // the SVG export's namespace is an identifier, never fetched: the only http:// allowed (as viewer_test checks)
        std::string scanned = html;
        for (size_t at; (at = scanned.find("http://www.w3.org/2000/svg")) != std::string::npos;) scanned.erase(at, 26);
        for (const char* bad : {"http://", "https://", "<script src"})
            if (scanned.find(bad) != std::string::npos) throw ginn::Error(out, std::string("page references ") + bad, "no external references");
        ginn::write_file_atomic(out, html);
        std::sort(seconds.begin(), seconds.end());
        std::sort(seconds_findings.begin(), seconds_findings.end());
        std::sort(seconds_total.begin(), seconds_total.end());
        std::cout << "run: " << run.n_snapshots() << " snapshots\n"
                  << "run_findings: median of 3 " << seconds_findings[1] << " s\n"
                  << "viewer_html (with the analysis' geometry): median of 3 " << seconds[1] << " s\n"
                  << "both (what ginn view does): median of 3 " << seconds_total[1] << " s\n"
                  << "in the page (bytes): boundaries " << r["geometry"].dump().size() << ", weights " << r["weights"].dump().size()
                  << ", prediction images " << r["prediction"].dump().size() << ", findings " << r["findings"].dump().size() << "\n"
                  << "file: " << out << " " << html.size() << " bytes (" << html.size() / 1e6 << " MB)\n";
    } catch (const ginn::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
