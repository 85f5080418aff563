// `ginn annotate serve`: the labelling page of Fishbein & Debata's Figure 1 over HTTP (Debian's cpp-httplib),
// storing each answer in the label database (labels.h) before it replies. No authentication: for a lab's network.
// Not the database (labels.h) nor the page itself (web/annotate.html, web/annotate.js, embedded at build time).
//
// HTTP API (JSON bodies of at most 4 KiB; docs/annotate.md):
//   GET  /              the page
//   POST /api/next      {"annotator": NAME}                      -> {"id", "x1", "x2", "done"}
//   POST /api/answer    {"annotator": NAME, "id": ID, "label": "white"|"black"|"grey"}
//                       -> {"stored": true, "done", "next": {"id", "x1", "x2"}}
// A malformed body, a bad name or label: 400; a pair not served to this annotator or already answered: 409; nothing
// is written for any of them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "ginn/annotate/labels.h"

namespace ginn {

struct ServeOptions {
    std::string db = "labels.sqlite";
    std::string host = "127.0.0.1";  ///< loopback unless told otherwise
    int port = 8080;                 ///< 0: any free port (on_ready says which)
    Design design = Design::uniform; ///< for a new database; an existing one keeps its own
    uint64_t seed = 1;
    const std::atomic<bool>* stop = nullptr;                   ///< the server returns soon after this turns true
    std::function<void(const std::string& url, const LabelStore&)> on_ready;  ///< called once listening
};

/// Serves until *options.stop turns true (checked every 50 ms), then finishes the requests in flight and returns.
/// Throws Error when the database cannot be opened or the address cannot be bound.
/// Example: `serve_annotations({.db = "labels.sqlite", .port = 8080, .stop = &flag});`
void serve_annotations(const ServeOptions& options);

}  // namespace ginn
