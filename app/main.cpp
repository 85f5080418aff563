// The ginn command line: parses, calls the library, maps errors to one line and a non-zero exit. No logic of its own.
#include <CLI/CLI.hpp>
#include <iostream>

#include "ginn/error.h"

int main(int argc, char** argv) {
    CLI::App app{"ginn: geometric illustration of neural networks"};
    app.set_version_flag("--version", std::string("ginn ") + GINN_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return 0;
}
