#pragma once

// A Sink over a BatchWriter: each call runs on the blocking pool. The writer (and its
// connection) is made lazily by `open`, and made again after a write fails as Unavailable.

#include <functional>
#include <memory>

#include "drivers/batch_writer.h"
#include "drivers/sink.h"

namespace replicad::drivers {

using WriterFactory = std::function<Result<std::unique_ptr<BatchWriter>>()>;

std::unique_ptr<Sink> NewWriterSink(WriterFactory open);

// The usual factory: Connect(connect), then new_writer(connection, options).
template <class Connection, class ConnectOptions, class NewWriter>
std::unique_ptr<Sink> NewConnectingSink(ConnectOptions connect, WriterOptions options,
                                        NewWriter new_writer) {
  return NewWriterSink([connect = std::move(connect), options = std::move(options),
                        new_writer]() -> Result<std::unique_ptr<BatchWriter>> {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, Connection::Connect(connect));
    return std::unique_ptr<BatchWriter>(new_writer(std::move(connection), options));
  });
}

}  // namespace replicad::drivers
