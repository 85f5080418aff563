// `ginn play`: writes the live page (play.h) that trains in the browser. Parses and calls the library; no logic.
#include <cstdio>

#include "commands.h"
#include "ginn/play/play.h"

namespace ginn::app {

void add_play_command(CLI::App& app) {
    struct Flags {
        std::string out = "play.html", title = "ginn play";
        bool quiet = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand(
        "play", "Write one self-contained HTML page that trains a network live in the browser with ginn's engine and\n"
                "exact geometry (WebAssembly; opens from disk, works offline). Controls and limits: docs/play.md.");
    cmd->add_option("-o,--out", f->out, "Output HTML file")->capture_default_str();
    cmd->add_option("--title", f->title, "Page title")->capture_default_str();
    cmd->add_flag("-q,--quiet", f->quiet, "Do not print where the page went");
    cmd->callback([f] {
        write_play(f->out, {.title = f->title});
        if (!f->quiet) std::printf("page: %s   (open in a browser: train live, drop a CSV or image on it)\n", f->out.c_str());
    });
}

}  // namespace ginn::app
