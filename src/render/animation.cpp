// Animations: one figure per frame written as PNG to a temporary directory, then encoded by an external ffmpeg
// (.mp4 or .gif). Not a video encoder: without ffmpeg on PATH this says so and stops.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "render/internal.h"

extern char** environ;

namespace ginn {

namespace {

namespace fs = std::filesystem;

/// The full path of an executable found on PATH, or "" when there is none.
std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "";
    size_t start = 0;
    while (start <= dirs.size()) {
        const size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir = dirs.substr(start, end - start);
        start = end + 1;
        if (dir.empty()) continue;
        const std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate;
    }
    return "";
}

/// A temporary directory removed (with its contents) when this goes out of scope.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ginn-frames-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw Error(pattern, std::string("cannot create temporary directory: ") + std::strerror(errno),
                        "a writable temporary directory", "set TMPDIR to a writable directory");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// Runs argv[0] with its output going to `log`; returns the exit status (-1 if it could not start or was killed).
int run_process(const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail(const std::string& text, size_t n) {
    std::string t = text.size() > n ? text.substr(text.size() - n) : text;
    std::replace(t.begin(), t.end(), '\n', ' ');
    return t;
}

bool has_encoder(const std::string& ffmpeg, const std::string& encoder, const std::string& scratch) {
    const std::string log = scratch + "/encoders.txt";
    if (run_process({ffmpeg, "-hide_banner", "-encoders"}, log) != 0) return false;
    return read_file(log).find(" " + encoder + " ") != std::string::npos;
}

}  // namespace

void render_animation(int n_frames, const std::function<PanelInput(int)>& frame, const std::string& path,
                      const AnimationOptions& options) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext != ".mp4" && ext != ".gif")
        throw Error(path, "unknown animation format '" + ext + "'", "a .mp4 or .gif file name",
                    "the extension picks the format");
    if (n_frames < 1) throw Error(path, "no frames to animate", "at least one snapshot", "");
    if (options.fps < 1 || options.fps > 120)
        throw Error("--fps", std::to_string(options.fps), "frames per second in 1..120", "12 is a good default");
    const std::string ffmpeg = find_on_path("ffmpeg");
    if (ffmpeg.empty()) throw Error("ffmpeg", "not found", "ffmpeg on PATH", "apt-get install ffmpeg");
    const fs::path out_dir = fs::absolute(path).parent_path();
    if (!fs::is_directory(out_dir) || ::access(out_dir.c_str(), W_OK) != 0)
        throw Error(path, "cannot write here", "an existing, writable directory", "create the directory first");

    // 1. every frame as a PNG of the same size
    const TempDir frames;
    double width = 0, height = 0;
    for (int i = 0; i < n_frames; ++i) {
        const PanelInput p = frame(i);
        const Figure f = figure_snapshot(p.net, p.geometry, options.render, p.label);
        if (i == 0) width = f.width, height = f.height;
        if (f.width != width || f.height != height)
            throw Error(path, "frame " + std::to_string(i) + " has a different size", "frames of one size",
                        "give every frame a label, or none");
        char name[32];
        std::snprintf(name, sizeof name, "/frame_%06d.png", i);
        write_file_atomic(frames.path() + name, detail::figure_bytes(f, detail::FigureFormat::png));
    }

    // 2. ffmpeg encodes them into a temporary file next to the output, renamed on success
    std::vector<std::string> args = {ffmpeg, "-y", "-hide_banner", "-loglevel", "error", "-framerate",
                                     std::to_string(options.fps), "-i", frames.path() + "/frame_%06d.png"};
    if (ext == ".mp4") {
        const bool x264 = has_encoder(ffmpeg, "libx264", frames.path());
        for (const char* a : {"-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"}) args.push_back(a);
        if (x264) for (const char* a : {"-c:v", "libx264", "-crf", "18", "-preset", "medium"}) args.push_back(a);
        else for (const char* a : {"-c:v", "mpeg4", "-q:v", "3"}) args.push_back(a);
        for (const char* a : {"-movflags", "+faststart", "-f", "mp4"}) args.push_back(a);
    } else {
        for (const char* a : {"-filter_complex", "[0:v]split[a][b];[a]palettegen[p];[b][p]paletteuse", "-f", "gif"})
            args.push_back(a);
    }
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    args.push_back(tmp);
    const std::string log = frames.path() + "/ffmpeg.log";
    const int status = run_process(args, log);
    if (status != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        const std::string detail = fs::exists(log) ? tail(read_file(log), 300) : "";
        throw Error(path, "ffmpeg failed (exit status " + std::to_string(status) + "): " + detail,
                    "ffmpeg to encode the frames", "run the ffmpeg command by hand to see more");
    }
}

void render_animation(std::span<const PanelInput> frames, const std::string& path, const AnimationOptions& options) {
    render_animation(static_cast<int>(frames.size()), [&](int i) { return frames[i]; }, path, options);
}

}  // namespace ginn
