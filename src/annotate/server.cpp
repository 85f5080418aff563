// The labelling page's HTTP server: routes, request validation and the shutdown watch. Every request is checked
// before the store is touched, and the store commits an answer before the reply. Not the storage (store.cpp).
#include "ginn/annotate/server.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "ginn/core/error.h"
#include "ginn/core/io.h"

namespace ginn::detail {
std::string_view web_asset(std::string_view file_name);  // generated from web/ by cmake/embed.cmake
}  // namespace ginn::detail

namespace ginn {

namespace {

using nlohmann::json;

constexpr size_t max_body = 4096;

/// A rejected request: its HTTP status and one line saying why.
struct Rejected {
    int status;
    std::string message;
};

json parse_body(const httplib::Request& req) {
    try {
        json body = parse_json(req.body, "request body");
        if (!body.is_object()) throw Rejected{400, "the body must be a JSON object"};
        return body;
    } catch (const Error& e) {
        throw Rejected{400, e.what()};
    }
}

std::string annotator_of(const json& body) {
    const auto it = body.find("annotator");
    if (it == body.end() || !it->is_string()) throw Rejected{400, "missing \"annotator\" (a name)"};
    try {
        check_annotator(it->get<std::string>());
    } catch (const Error& e) {
        throw Rejected{400, e.what()};
    }
    return it->get<std::string>();
}

json pair_json(const ServedPair& p) { return {{"id", p.id}, {"x1", p.x1}, {"x2", p.x2}}; }

void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(body.dump(), "application/json");
}

/// Runs a handler, turning Rejected into its 4xx and any other failure into a 500, always with a JSON {"error"}.
template <typename F>
void guarded(httplib::Response& res, F&& handler) {
    try {
        handler();
    } catch (const Rejected& r) {
        reply(res, r.status, {{"error", r.message}});
    } catch (const std::exception& e) {
        reply(res, 500, {{"error", e.what()}});
    }
}

void add_routes(httplib::Server& server, LabelStore& store) {
    auto asset = [](const char* name, const char* type) {
        return [name, type](const httplib::Request&, httplib::Response& res) {
            const std::string_view text = detail::web_asset(name);
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_content(std::string(text), type);
        };
    };
    server.Get("/", asset("annotate.html", "text/html; charset=utf-8"));
    server.Get("/annotate.js", asset("annotate.js", "text/javascript; charset=utf-8"));
    server.Post("/api/next", [&store](const httplib::Request& req, httplib::Response& res) {
        guarded(res, [&] {
            const std::string who = annotator_of(parse_body(req));
            json out = pair_json(store.serve(who));
            out["done"] = store.n_answers(who);
            reply(res, 200, out);
        });
    });
    server.Post("/api/answer", [&store](const httplib::Request& req, httplib::Response& res) {
        guarded(res, [&] {
            const json body = parse_body(req);
            const std::string who = annotator_of(body);
            const auto id = body.find("id"), label = body.find("label");
            if (id == body.end() || !id->is_number_integer() || id->get<int64_t>() < 1)
                throw Rejected{400, "missing or bad \"id\" (the served pair's id, a whole number >= 1)"};
            if (label == body.end() || !label->is_string() || label_from_name(label->get<std::string>()) < 0)
                throw Rejected{400, "missing or bad \"label\" (white, black or grey)"};
            if (!store.answer(who, id->get<int64_t>(), label_from_name(label->get<std::string>())))
                throw Rejected{409, "pair " + std::to_string(id->get<int64_t>()) + " was not served to " + who +
                                        " or is already answered"};
            reply(res, 200, {{"stored", true}, {"done", store.n_answers(who)}, {"next", pair_json(store.serve(who))}});
        });
    });
}

}  // namespace

void serve_annotations(const ServeOptions& options) {
    LabelStore store(options.db, options.design, options.seed);
    httplib::Server server;
    server.set_payload_max_length(max_body);
    server.set_keep_alive_max_count(100000);
    server.set_tcp_nodelay(true);  // headers and body go out as separate writes: without it, Nagle + delayed ACK cost 40 ms
    // SO_REUSEADDR only: a restart may rebind at once, but httplib's default SO_REUSEPORT would let a second server
    // share a port already taken (each with its own database) instead of saying so.
    server.set_socket_options([](int sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    add_routes(server, store);
    const int port = options.port == 0 ? server.bind_to_any_port(options.host) : options.port;
    if (port < 0 || (options.port != 0 && !server.bind_to_port(options.host, port)))
        throw Error(options.host + ":" + std::to_string(options.port), "cannot listen there", "a free port on a local address",
                    "choose another --port, or --port 0 for any free one");
    std::atomic<bool> finished{false};
    std::thread watch([&] {
        while (!finished && !(options.stop && *options.stop)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        server.stop();
    });
    const std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    bool ok = false;
    try {
        if (options.on_ready) options.on_ready("http://" + host + ":" + std::to_string(port) + "/", store);
        ok = server.listen_after_bind();
    } catch (...) {
        finished = true;
        watch.join();
        throw;
    }
    finished = true;
    watch.join();
    if (!ok && !(options.stop && *options.stop))
        throw Error(options.host + ":" + std::to_string(port), "the server stopped unexpectedly", "", "try again");
}

}  // namespace ginn
