// Work run on a second thread while the calling thread does something
// else (e.g. waits inside a sendmsg that keeps the kernel busy on one core).
#pragma once

#include <exception>
#include <functional>
#include <system_error>
#include <thread>
#include <utility>

namespace lvsnft {

/// Runs a function on its own thread from construction on. Join() waits
/// for it and rethrows what it threw (std::bad_alloc must reach main's
/// handler, not std::terminate); the destructor joins too, so no thread
/// outlives its SideWork. When no thread can be started the function runs
/// at once on the caller's thread.
class SideWork {
 public:
  explicit SideWork(std::function<void()> work) {
    try {
      thread_ = std::jthread([this, work] {
        try {
          work();
        } catch (...) {
          error_ = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
      work();
    }
  }
  SideWork(const SideWork&) = delete;
  SideWork& operator=(const SideWork&) = delete;
  ~SideWork() = default;  // std::jthread joins; an error not Join()ed is lost

  /// Waits for the function to finish; rethrows its exception.
  void Join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  std::exception_ptr error_;
  std::jthread thread_;
};

}  // namespace lvsnft
