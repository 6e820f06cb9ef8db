#include "daemon/config_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace replicad::daemon {
namespace {

namespace asio = boost::asio;

class InotifyWatch final : public ConfigWatch, public std::enable_shared_from_this<InotifyWatch> {
 public:
  InotifyWatch(asio::io_context& io, int fd, std::string file_name, std::function<void()> changed,
               std::chrono::milliseconds debounce)
      : strand_(asio::make_strand(io)),
        descriptor_(strand_, fd),
        timer_(strand_),
        file_name_(std::move(file_name)),
        changed_(std::move(changed)),
        debounce_(debounce) {}

  void Read() {
    descriptor_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](boost::system::error_code error, std::size_t size) {
          if (error) {
            return;  // stopped
          }
          if (self->Concerns(size)) {
            self->timer_.expires_after(self->debounce_);
            self->timer_.async_wait([self](boost::system::error_code timer_error) {
              if (!timer_error && !self->stopped_) {
                self->changed_();
              }
            });
          }
          self->Read();
        });
  }

  void Stop() override {
    asio::post(descriptor_.get_executor(), [self = shared_from_this()] {
      self->stopped_ = true;
      self->timer_.cancel();
      boost::system::error_code ignored;
      self->descriptor_.close(ignored);
    });
  }

 private:
  // Whether the events read touch the config file: its own name, or a Kubernetes ConfigMap's
  // "..data" link, which is swapped to point at the new contents.
  bool Concerns(std::size_t size) const {
    bool concerns = false;
    for (std::size_t offset = 0; offset + sizeof(inotify_event) <= size;) {
      inotify_event event;
      std::memcpy(&event, buffer_.data() + offset, sizeof event);
      const char* name = buffer_.data() + offset + sizeof(inotify_event);
      const std::string_view event_name(name, event.len > 0 ? strnlen(name, event.len) : 0);
      concerns = concerns || event_name == file_name_ || event_name.starts_with("..");
      offset += sizeof(inotify_event) + event.len;
    }
    return concerns;
  }

  asio::strand<asio::io_context::executor_type> strand_;  // one handler at a time
  asio::posix::stream_descriptor descriptor_;
  asio::steady_timer timer_;
  const std::string file_name_;
  const std::function<void()> changed_;
  const std::chrono::milliseconds debounce_;
  alignas(inotify_event) std::array<char, 8192> buffer_;
  bool stopped_ = false;
};

// Stop() outlives the caller's handle: the watch lives while its read is pending.
class WatchHandle final : public ConfigWatch {
 public:
  explicit WatchHandle(std::shared_ptr<InotifyWatch> watch) : watch_(std::move(watch)) {}
  ~WatchHandle() override { Stop(); }
  void Stop() override {
    if (watch_) {
      watch_->Stop();
      watch_.reset();
    }
  }

 private:
  std::shared_ptr<InotifyWatch> watch_;
};

}  // namespace

Result<std::unique_ptr<ConfigWatch>> WatchConfigFile(asio::io_context& io, const std::string& path,
                                                     std::function<void()> changed,
                                                     std::chrono::milliseconds debounce) {
  const std::filesystem::path file = std::filesystem::absolute(path);
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return Status::Unavailable(std::string("inotify_init1: ") + std::strerror(errno));
  }
  const std::string directory = file.parent_path().string();
  if (inotify_add_watch(fd, directory.c_str(),
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB) < 0) {
    const int error = errno;
    close(fd);
    return Status::Unavailable("watching " + directory + ": " + std::strerror(error));
  }
  auto watch = std::make_shared<InotifyWatch>(io, fd, file.filename().string(), std::move(changed),
                                              debounce);
  watch->Read();
  return std::unique_ptr<ConfigWatch>(new WatchHandle(std::move(watch)));
}

}  // namespace replicad::daemon
