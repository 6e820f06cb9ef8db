#pragma once

#include <memory>

#include "drivers/postgres/pg_writer.h"
#include "drivers/sink.h"

namespace replicad::drivers::postgres {

// The PostgreSQL sink: PgWriter run on the blocking pool, connecting lazily and again
// after a connection failure.
std::unique_ptr<Sink> NewPgSink(ConnectOptions connect, WriterOptions options);

}  // namespace replicad::drivers::postgres
