// Animations: frames drawn in parallel and piped in order, as raw RGB, to an external ffmpeg (.mp4 or .gif).
// Not a video encoder: without ffmpeg on PATH this says so and stops.
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "ginn/core/parallel.h"

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
        std::string pattern = (fs::temp_directory_path() / "ginn-animate-XXXXXX").string();
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

/// A child process whose output goes to `log`; its stdin is /dev/null, or a socket the parent writes to when `feed`.
/// Writes use send(MSG_NOSIGNAL), so a child that dies early gives an error, not SIGPIPE.
class Child {
public:
    Child(const std::vector<std::string>& args, const std::string& log, bool feed) {
        std::vector<char*> argv;
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        int fds[2] = {-1, -1};
        if (feed && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        if (feed) posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
        else posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (feed) ::close(fds[1]), in_ = fds[0];
        if (rc != 0) pid_ = -1;
    }
    ~Child() { wait(); }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    /// Sends all bytes to the child's stdin; false when it has gone.
    bool write(const std::string& bytes) {
        for (size_t done = 0; done < bytes.size();) {
            const ssize_t n = ::send(in_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            done += static_cast<size_t>(n);
        }
        return true;
    }
    /// Closes stdin and waits; the exit status, or -1 if it could not start or was killed.
    int wait() {
        if (in_ >= 0) ::close(in_), in_ = -1;
        if (pid_ <= 0) return status_;
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0)
            if (errno != EINTR) { pid_ = -1; return status_ = -1; }
        pid_ = -1;
        return status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
    int in_ = -1;
    int status_ = -1;
};

/// Runs a command to completion with its output going to `log`; returns the exit status.
int run_process(const std::vector<std::string>& args, const std::string& log) { return Child(args, log, false).wait(); }

/// Frames drawn by several threads, handed to one writer in order; at most `window` frames wait in memory.
class FrameQueue {
public:
    FrameQueue(int n, int window) : slots_(n), window_(window) {}
    /// Worker: waits until frame i may be drawn (or the queue failed); false when it should stop.
    bool may_draw(int i) {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return failed_ || i < next_ + window_; });
        return !failed_;
    }
    void put(int i, std::string bytes) {
        { std::lock_guard lock(m_); slots_[i] = std::move(bytes); }
        cv_.notify_all();
    }
    /// Writer: frame i's bytes once drawn, or nothing when the queue failed.
    std::optional<std::string> take(int i) {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return failed_ || slots_[i].has_value(); });
        if (failed_) return std::nullopt;
        std::string bytes = std::move(*slots_[i]);
        slots_[i].reset();
        next_ = i + 1;
        cv_.notify_all();
        return bytes;
    }
    void fail() {
        { std::lock_guard lock(m_); failed_ = true; }
        cv_.notify_all();
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<std::optional<std::string>> slots_;
    int window_, next_ = 0;
    bool failed_ = false;
};

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

    // 1. the first frame fixes the video's size; every other frame must match it
    auto draw = [&](int i, int& w, int& h) {
        const PanelInput p = frame(i);
        return detail::figure_rgb(figure_snapshot(p.net, p.geometry, options.render, p.label), w, h);
    };
    int width = 0, height = 0;
    std::string first = draw(0, width, height);

    // 2. ffmpeg reads raw RGB frames from a socket and writes a temporary file next to the output
    const TempDir scratch;
    std::vector<std::string> args = {ffmpeg, "-y", "-hide_banner", "-loglevel", "error", "-f", "rawvideo",
                                     "-pix_fmt", "rgb24", "-s", std::to_string(width) + "x" + std::to_string(height),
                                     "-framerate", std::to_string(options.fps), "-i", "pipe:0"};
    if (ext == ".mp4") {
        const bool x264 = has_encoder(ffmpeg, "libx264", scratch.path());
        for (const char* a : {"-pix_fmt", "yuv420p"}) args.push_back(a);
        if (x264) for (const char* a : {"-c:v", "libx264", "-crf", "18", "-preset", "veryfast"}) args.push_back(a);
        else for (const char* a : {"-c:v", "mpeg4", "-q:v", "3"}) args.push_back(a);
        for (const char* a : {"-movflags", "+faststart", "-f", "mp4"}) args.push_back(a);
    } else {
        for (const char* a : {"-filter_complex", "[0:v]split[a][b];[a]palettegen[p];[b][p]paletteuse", "-f", "gif"})
            args.push_back(a);
    }
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    args.push_back(tmp);
    const std::string log = scratch.path() + "/ffmpeg.log";
    Child encoder(args, log, /*feed=*/true);

    // 3. workers draw frames 1..n-1 in parallel; this thread's writer feeds them to ffmpeg in order
    const int threads = worker_count(options.threads, n_frames);
    FrameQueue queue(n_frames, 2 * threads + 2);
    queue.put(0, std::move(first));
    bool fed = true;
    std::thread writer([&] {
        for (int i = 0; i < n_frames; ++i) {
            std::optional<std::string> bytes = queue.take(i);
            if (!bytes) return;
            if (!encoder.write(*bytes)) { fed = false; queue.fail(); return; }
            if (options.on_frame) options.on_frame(i + 1, n_frames);
        }
    });
    try {
        parallel_for(n_frames - 1, threads, [&](int j) {
            const int i = j + 1;
            if (!queue.may_draw(i)) return;
            try {
                int w = 0, h = 0;
                std::string bytes = draw(i, w, h);
                if (w != width || h != height)
                    throw Error(path, "frame " + std::to_string(i) + " has a different size", "frames of one size",
                                "give every frame a label, or none");
                queue.put(i, std::move(bytes));
            } catch (...) {
                queue.fail();
                throw;
            }
        });
    } catch (...) {
        writer.join();
        encoder.wait();
        std::remove(tmp.c_str());
        throw;
    }
    writer.join();
    const int status = encoder.wait();
    if (!fed || status != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
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
