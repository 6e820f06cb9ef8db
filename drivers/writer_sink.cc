#include "drivers/writer_sink.h"

#include <utility>

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
      holding_ = false;  // what the old one held went with it
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

  // Asked after Open, which made the writer.
  bool CanApplyEarly() const override { return writer_ != nullptr && writer_->CanHold(); }

  Task<Status> WriteEarly(std::span<const Event> events) override {
    if (writer_ == nullptr) {
      if (holding_) {  // a new connection would commit only the rest of it
        holding_ = false;
        co_return Status::Unavailable("the connection holding the transaction was lost");
      }
      if (Status opened = co_await Open(); !opened.ok()) {
        co_return opened;
      }
    }
    Status status = co_await RunBlocking([&] { return writer_->WriteHeld(events); });
    holding_ = status.ok();
    if (status.code() == StatusCode::kUnavailable) {
      writer_.reset();
    }
    co_return status;
  }

  Task<Status> CommitEarly() override { co_return co_await EndEarly(true); }

  Task<void> AbandonEarly() override { (void)co_await EndEarly(false); }

 private:
  Task<Status> EndEarly(bool commit) {
    const bool held = std::exchange(holding_, false);
    if (writer_ == nullptr) {  // lost with its connection, and rolled back with it
      if (commit && held) {
        co_return Status::Unavailable("the connection holding the transaction was lost");
      }
      co_return Status::Ok();
    }
    Status status = co_await RunBlocking([&] { return writer_->EndHeld(commit); });
    if (!status.ok()) {
      writer_.reset();  // whatever state the session was left in, it goes with it
    }
    co_return status;
  }

  WriterFactory open_;
  std::unique_ptr<BatchWriter> writer_;
  bool holding_ = false;  // early writes made, not ended
};

}  // namespace

std::unique_ptr<Sink> NewWriterSink(WriterFactory open) {
  return std::make_unique<WriterSink>(std::move(open));
}

}  // namespace replicad::drivers
