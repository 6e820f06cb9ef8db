#include "drivers/postgres/pg_sink.h"

#include "drivers/writer_sink.h"

namespace replicad::drivers::postgres {

std::unique_ptr<Sink> NewPgSink(ConnectOptions connect, WriterOptions options) {
  return NewConnectingSink<PgConnection>(
      std::move(connect), std::move(options),
      [](std::unique_ptr<PgConnection> connection, const WriterOptions& writer) {
        return std::make_unique<PgWriter>(std::move(connection), writer);
      });
}

}  // namespace replicad::drivers::postgres
