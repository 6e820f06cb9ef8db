#include "drivers/postgres/pg_sink.h"

namespace replicad::drivers::postgres {
namespace {

class PgSink final : public Sink {
 public:
  PgSink(ConnectOptions connect, WriterOptions options)
      : connect_(std::move(connect)), options_(std::move(options)) {}

  Task<Status> Open() override {
    co_return co_await RunBlocking([&]() -> Status {
      Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(connect_);
      if (!connection.ok()) {
        return connection.status();
      }
      writer_ = std::make_unique<PgWriter>(std::move(*connection), options_);
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
  ConnectOptions connect_;
  WriterOptions options_;
  std::unique_ptr<PgWriter> writer_;
};

}  // namespace

std::unique_ptr<Sink> NewPgSink(ConnectOptions connect, WriterOptions options) {
  return std::make_unique<PgSink>(std::move(connect), std::move(options));
}

}  // namespace replicad::drivers::postgres
