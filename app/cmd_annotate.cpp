// `ginn annotate serve` and `ginn annotate export`: the labelling tool for Fishbein & Debata's S4 (people's labels).
#include <iostream>

#include "commands.h"
#include "ginn/annotate/server.h"

namespace ginn::app {

void add_annotate_command(CLI::App& app) {
    CLI::App* annotate = app.add_subcommand(
        "annotate", "Collect people's labels of grey-level pairs (white, black or grey; Fishbein & Debata's S4) in a\n"
                    "SQLite database, and export them. See docs/annotate.md.");
    annotate->require_subcommand(1);
    {
        struct ServeFlags {
            ServeOptions options;
            std::string design = "uniform";
        };
        auto f = std::make_shared<ServeFlags>();
        CLI::App* cmd = annotate->add_subcommand(
            "serve", "Serve the labelling page: two grey boxes, three buttons (keys W, B, G), the next pair at once.\n"
                     "Every answer is committed to the database before the reply. No authentication: for a lab's\n"
                     "network; it listens on loopback unless --host says otherwise. Ctrl-C stops it.");
        cmd->add_option("--db", f->options.db, "The label database (created when missing)")->capture_default_str();
        cmd->add_option("--host", f->options.host, "Address to listen on (0.0.0.0: every interface)")->capture_default_str();
        cmd->add_option("--port", f->options.port, "Port (0: any free port)")->check(in_range(0, 65535))->capture_default_str();
        cmd->add_option("--design", f->design, "Pairs for a new database: uniform over {0..255}^2; stratified (every\n"
                                               "16 x 16 cell of grey levels once per 256 pairs); or lattice (the 256 pairs\n"
                                               "of levels 0, 17, ..., 255, corners included, once per 256 pairs)")
            ->check(CLI::IsMember({"uniform", "stratified", "lattice"}))
            ->capture_default_str();
        cmd->add_option("--seed", f->options.seed, "Seed of the design for a new database")->capture_default_str();
        cmd->callback([f] {
            install_signal_handlers();
            ServeOptions options = f->options;
            options.design = design_from_name(f->design);
            options.stop = &stop_flag();
            options.on_ready = [](const std::string& url, const LabelStore& store) {
                std::cout << "serving the labelling page at " << url << " (" << store.n_answers() << " answers so far; design "
                          << design_name(store.design()) << ", seed " << store.seed()
                          << "; Ctrl-C stops)" << std::endl;
            };
            serve_annotations(options);
            std::cout << "stopped; every answer given is in " << options.db << std::endl;
        });
    }
    {
        auto db = std::make_shared<std::string>("labels.sqlite");
        auto out = std::make_shared<std::string>();
        CLI::App* cmd = annotate->add_subcommand(
            "export", "Write every answer as CSV, one row per answer: x1,x2,label,annotator,time after a\n"
                      "'# ginn-labels 1' line (docs/annotate.md). `ginn train --target` reads the file.");
        cmd->add_option("--db", *db, "The label database")->capture_default_str();
        cmd->add_option("-o,--out", *out, "The CSV file")->required();
        cmd->callback([db, out] {
            const int64_t n = export_labels_csv(*db, *out);
            std::cout << "exported " << n << " answers to " << *out << std::endl;
        });
    }
}

}  // namespace ginn::app
