#include "drivers/mysql/mysql_sink.h"

#include "drivers/mysql/mysql_writer.h"
#include "drivers/writer_sink.h"

namespace replicad::drivers::mysql {

std::unique_ptr<Sink> NewMysqlSink(MysqlConnectOptions connect, WriterOptions options) {
  return NewConnectingSink<MysqlConnection>(std::move(connect), std::move(options), NewMysqlWriter);
}

}  // namespace replicad::drivers::mysql
