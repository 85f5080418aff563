// `ginn render` and `ginn animate`: figures of one snapshot, a strip of several, or the whole training as a video.
#include "commands.h"

namespace ginn::app {

void add_figure_commands(CLI::App& app) {}

}  // namespace ginn::app
