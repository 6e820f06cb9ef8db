#include "drivers/writer_sink.h"

namespace replicad::drivers {
namespace {

class WriterSink final : public Sink {
 public:
  explicit WriterSink(WriterFactory open) : open_(std::move(open)) {}

  Task<Status> Open() override {
    co_return co_await RunBlocking([&]() -> Status {
      Result<std::unique_ptr<BatchWriter>> writer = open_();
      if (!writer.ok()) {
        return writer.status();
      }
      writer_ = std::move(*writer);
      return Status::Ok();
    });
  }

  Task<WriteResult> Write(std::span<const Event> events) override {
    if (writer_ == nullptr) {
      if (Status opened = co_await Open(); !opened.ok()) {
        co_return WriteResult{0, opened};
      }
    }
    WriteResult result = co_await RunBlocking([&] { return writer_->Write(events); });
    if (result.status.code() == StatusCode::kUnavailable) {
      writer_.reset();  // reconnect on the next attempt
    }
    co_return result;
  }

  Task<void> Close() override {
    co_await RunBlocking([&] { writer_.reset(); });
  }

 private:
  WriterFactory open_;
  std::unique_ptr<BatchWriter> writer_;
};

}  // namespace

std::unique_ptr<Sink> NewWriterSink(WriterFactory open) {
  return std::make_unique<WriterSink>(std::move(open));
}

}  // namespace replicad::drivers
