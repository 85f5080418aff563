// parallel_for: std::thread workers over an atomic index.
#include "ginn/core/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ginn {

int worker_count(int requested, int n) {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, std::min(requested > 0 ? requested : cores, n));
}

void parallel_for(int n, int threads, const std::function<void(int)>& f) {
    std::atomic<int> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
        for (int i; (i = next++) < n;) {
            try {
                f(i);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                next = n;  // stop handing out work
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < worker_count(threads, n); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace ginn
