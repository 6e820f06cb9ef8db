#include "drivers/postgres/pg_snapshot.h"

#include <libpq-fe.h>

#include "drivers/postgres/pg_values.h"
#include "streams/core/log.h"

namespace replicad::drivers::postgres {
namespace {

struct Table {
  std::string schema;
  std::string name;
  std::vector<std::string> key;  // primary key, else replica identity index, else every column
};

class CursorSnapshot final : public PgSnapshot {
 public:
  CursorSnapshot(std::unique_ptr<PgConnection> connection, SnapshotOptions options,
                 std::vector<Table> tables)
      : connection_(std::move(connection)),
        options_(std::move(options)),
        tables_(std::move(tables)),
        taken_at_(std::chrono::system_clock::now()) {}

  Result<std::vector<Event>> Next(std::size_t max_events) override {
    std::vector<Event> events;
    while (events.empty() && current_ < tables_.size()) {
      const Table& table = tables_[current_];
      if (!cursor_open_) {
        RETURN_IF_ERROR(connection_
                            ->Execute("DECLARE replicad_snapshot NO SCROLL CURSOR FOR SELECT * "
                                      "FROM " +
                                      QuoteIdentifier(table.schema) + "." +
                                      QuoteIdentifier(table.name))
                            .status());
        cursor_open_ = true;
      }
      ASSIGN_OR_RETURN(PgResult rows,
                       connection_->Execute("FETCH FORWARD " + std::to_string(max_events) +
                                            " FROM replicad_snapshot"));
      if (PQntuples(rows.get()) == 0) {
        RETURN_IF_ERROR(connection_->Execute("CLOSE replicad_snapshot").status());
        cursor_open_ = false;
        ++current_;
        continue;
      }
      RETURN_IF_ERROR(AddRows(table, rows.get(), events));
    }
    if (current_ == tables_.size() && connection_) {
      RETURN_IF_ERROR(connection_->Execute("COMMIT").status());
      connection_.reset();
    }
    return events;
  }

 private:
  Status AddRows(const Table& table, const PGresult* rows, std::vector<Event>& events) {
    const int columns = PQnfields(rows);
    for (int row = 0; row < PQntuples(rows); ++row) {
      Event event;
      event.stream_id = options_.stream_id;
      event.event_id =
          "snapshot:" + table.schema + "." + table.name + ":" + std::to_string(++rows_);
      event.operation = Operation::kSnapshot;
      event.timestamp = taken_at_;
      event.source = {"postgres", options_.database, table.schema, table.name};
      boost::json::object after;
      for (int column = 0; column < columns; ++column) {
        boost::json::value value = nullptr;
        if (!PQgetisnull(rows, row, column)) {
          ASSIGN_OR_RETURN(value, TextToJson(PQftype(rows, column), PQgetvalue(rows, row, column)));
        }
        after[PQfname(rows, column)] = std::move(value);
      }
      for (const std::string& key : table.key) {
        event.key[key] = after.contains(key) ? after[key] : nullptr;
      }
      if (table.key.empty()) {
        event.key = after;
      }
      event.after = std::move(after);
      event.metadata["snapshot"] = true;
      events.push_back(std::move(event));
    }
    return Status::Ok();
  }

  std::unique_ptr<PgConnection> connection_;
  SnapshotOptions options_;
  std::vector<Table> tables_;
  std::chrono::system_clock::time_point taken_at_;
  std::size_t current_ = 0;
  bool cursor_open_ = false;
  std::uint64_t rows_ = 0;
};

Result<std::vector<Table>> PublishedTables(PgConnection& connection,
                                           const std::string& publication) {
  ASSIGN_OR_RETURN(PgResult listed,
                   connection.Execute("SELECT schemaname, tablename FROM pg_publication_tables "
                                      "WHERE pubname = $1 ORDER BY 1, 2",
                                      {publication.c_str()}));
  std::vector<Table> tables;
  for (int row = 0; row < PQntuples(listed.get()); ++row) {
    Table table{PQgetvalue(listed.get(), row, 0), PQgetvalue(listed.get(), row, 1), {}};
    const std::string qualified = QuoteIdentifier(table.schema) + "." + QuoteIdentifier(table.name);
    ASSIGN_OR_RETURN(
        PgResult key,
        connection.Execute("SELECT a.attname FROM (SELECT indrelid, indkey::int2[] AS keys "
                           "FROM pg_index WHERE indrelid = $1::regclass AND (indisprimary OR "
                           "indisreplident) ORDER BY indisprimary DESC LIMIT 1) i JOIN "
                           "pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.keys) "
                           "ORDER BY array_position(i.keys, a.attnum)",
                           {qualified.c_str()}));
    for (int k = 0; k < PQntuples(key.get()); ++k) {
      table.key.emplace_back(PQgetvalue(key.get(), k, 0));
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace

Result<std::unique_ptr<PgSnapshot>> BeginSnapshot(std::unique_ptr<PgConnection> connection,
                                                  SnapshotOptions options) {
  RETURN_IF_ERROR(connection->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status());
  RETURN_IF_ERROR(connection->Execute("SET TRANSACTION SNAPSHOT '" + options.snapshot_name + "'")
                      .status()
                      .Annotate("importing the slot's snapshot"));
  ASSIGN_OR_RETURN(std::vector<Table> tables, PublishedTables(*connection, options.publication));
  return std::unique_ptr<PgSnapshot>(
      new CursorSnapshot(std::move(connection), std::move(options), std::move(tables)));
}

Result<InitialSnapshot> StartInitialSnapshot(PgConnection& control, PgConnection& replication,
                                             const ConnectOptions& connect, SnapshotOptions options,
                                             const std::string& slot) {
  ASSIGN_OR_RETURN(
      PgResult found,
      control.Execute("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", {slot.c_str()}));
  if (PQntuples(found.get()) > 0) {
    log::Warn("dropping the slot of an unfinished initial snapshot to take a new one",
              {{"stream", options.stream_id}, {"slot", slot}});
    RETURN_IF_ERROR(
        control.Execute("SELECT pg_drop_replication_slot($1)", {slot.c_str()}).status());
  }
  const std::string command =
      "CREATE_REPLICATION_SLOT " + QuoteIdentifier(slot) + " LOGICAL pgoutput EXPORT_SNAPSHOT";
  PgResult created(PQexec(replication.raw(), command.c_str()));
  if (PQresultStatus(created.get()) != PGRES_TUPLES_OK || PQntuples(created.get()) != 1) {
    return ClassifyError(replication.raw(), created.get(), "creating the replication slot");
  }
  const std::optional<pgoutput::Lsn> point = pgoutput::ParseLsn(PQgetvalue(created.get(), 0, 1));
  if (!point) {
    return Status::Internal("CREATE_REPLICATION_SLOT returned no consistent point");
  }
  options.snapshot_name = PQgetvalue(created.get(), 0, 2);
  const std::string stream_id = options.stream_id;
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> reader, PgConnection::Connect(connect));
  ASSIGN_OR_RETURN(std::unique_ptr<PgSnapshot> snapshot,
                   BeginSnapshot(std::move(reader), std::move(options)));
  log::Info("initial snapshot started",
            {{"stream", stream_id}, {"slot", slot}, {"lsn", pgoutput::FormatLsn(*point)}});
  return InitialSnapshot{std::move(snapshot), *point};
}

}  // namespace replicad::drivers::postgres
