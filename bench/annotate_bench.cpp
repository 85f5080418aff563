// Benchmark: label requests per second that `ginn annotate serve` commits (POST /api/answer, each answer in its own
// SQLite transaction before the reply), from a small load generator of keep-alive cpp-httplib clients, one annotator
// per client (wrk cannot follow the served ids). Checks correctness after: every confirmed answer is in the database,
// once. Target: >= 2,000 label requests/s (issue 12). The peer line: the store alone, without HTTP.
//
// usage: annotate_bench [REQUESTS_PER_CLIENT] [CLIENTS] [REPEATS]   (defaults 2000, 4, 3)
// Eigen (through ginn's headers) before httplib.h: <resolv.h> there defines a macro _res that Eigen uses as a name.
#include "ginn/annotate/server.h"
#include "timing.h"
#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>


namespace {

using nlohmann::json;

/// One timed session against a fresh database; returns requests per second, or -1 after a failed check.
double session(const std::string& db, int per_client, int clients) {
    std::filesystem::remove(db);
    std::atomic<bool> stop{false};
    std::promise<int> ready;
    std::thread server([&] {
        ginn::ServeOptions o;
        o.db = db;
        o.port = 0;
        o.stop = &stop;
        o.on_ready = [&](const std::string& url, const ginn::LabelStore&) { ready.set_value(std::stoi(url.substr(url.rfind(':') + 1))); };
        ginn::serve_annotations(o);
    });
    const int port = ready.get_future().get();
    std::vector<int64_t> confirmed(size_t(clients), 0);
    const double wall = ginn::bench::seconds([&] {
        std::vector<std::thread> workers;
        for (int c = 0; c < clients; ++c)
            workers.emplace_back([&, c] {
                httplib::Client client("127.0.0.1", port);
                client.set_keep_alive(true);
                client.set_tcp_nodelay(true);
                const std::string name = "load " + std::to_string(c);
                json pair = json::parse(client.Post("/api/next", json{{"annotator", name}}.dump(), "application/json")->body);
                for (int i = 0; i < per_client; ++i) {
                    const auto r = client.Post("/api/answer", json{{"annotator", name}, {"id", pair["id"]}, {"label", "grey"}}.dump(),
                                               "application/json");
                    if (!r || r->status != 200) return;
                    pair = json::parse(r->body)["next"];
                    ++confirmed[size_t(c)];
                }
            });
        for (auto& w : workers) w.join();
    });
    stop = true;
    server.join();
    int64_t total = 0;
    for (int64_t n : confirmed) total += n;
    const auto stored = ginn::read_labels(db);
    std::map<std::string, int64_t> per;
    for (const auto& a : stored) ++per[a.annotator];
    bool ok = int64_t(stored.size()) == total && total == int64_t(per_client) * clients;
    for (int c = 0; c < clients; ++c) ok = ok && per["load " + std::to_string(c)] == confirmed[size_t(c)];
    if (!ok) {
        std::printf("CHECK FAILED: %lld answers confirmed, %zu in the database\n", (long long)total, stored.size());
        return -1;
    }
    return double(total) / wall;
}

}  // namespace

int main(int argc, char** argv) {
    const int per_client = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2000;
    const int clients = argc > 2 ? std::max(1, std::atoi(argv[2])) : 4;
    const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
    std::printf("command: annotate_bench %d %d %d   (machine: %u hardware threads)\n", per_client, clients, repeats,
                std::thread::hardware_concurrency());
    const auto dir = std::filesystem::temp_directory_path() / ("ginn-annotate-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string db = (dir / "labels.sqlite").string();
    std::vector<double> rates;
    for (int k = 0; k < repeats; ++k) {
        const double rate = session(db, per_client, clients);
        if (rate < 0) return 1;
        rates.push_back(rate);
    }
    // The peer: the same answers straight into the store (no HTTP, no JSON), one thread.
    std::filesystem::remove(db);
    std::vector<double> store_rates;
    {
        ginn::LabelStore store(db);
        for (int k = 0; k < repeats; ++k) {
            const int n = per_client;
            store_rates.push_back(n / ginn::bench::seconds([&] {
                for (int i = 0; i < n; ++i) store.answer("peer", store.serve("peer").id, 2);
            }));
        }
    }
    std::filesystem::remove_all(dir);
    const double rate = ginn::bench::median(rates), peer = ginn::bench::median(store_rates);
    std::printf("check: every confirmed answer is in the database, once (%d clients x %d answers, each session)\n", clients, per_client);
    std::printf("ginn annotate serve: median %.0f label requests/s of %d sessions\n", rate, repeats);
    std::printf("peer (the store alone, serve + answer, no HTTP): median %.0f answers/s; HTTP costs %.1fx\n", peer, peer / rate);
    std::printf("target: >= 2000 label requests/s: %s\n", rate >= 2000 ? "met" : "NOT met");
    return 0;
}
