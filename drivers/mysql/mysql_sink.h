#pragma once

#include <memory>

#include "drivers/batch_writer.h"
#include "drivers/mysql/mysql_connection.h"
#include "drivers/sink.h"

namespace replicad::drivers::mysql {

// The MySQL/MariaDB sink: MysqlWriter run on the blocking pool, connecting lazily and again
// after a connection failure.
std::unique_ptr<Sink> NewMysqlSink(MysqlConnectOptions connect, WriterOptions options);

}  // namespace replicad::drivers::mysql
