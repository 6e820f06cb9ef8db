#include "drivers/postgres/pg_writer.h"

#include <libpq-fe.h>

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "drivers/postgres/pg_copy.h"

namespace replicad::drivers::postgres {
namespace {

// A JSON value as a text parameter; nullopt for SQL NULL.
std::optional<std::string> ParameterText(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return std::nullopt;
    case boost::json::kind::string:
      return std::string(value.get_string());
    case boost::json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    default:
      return boost::json::serialize(value);
  }
}

// Collects statement parameters; keeps their storage alive for the libpq call.
class Parameters {
 public:
  std::string Add(const boost::json::value& value, const std::string& column_type) {
    texts_.push_back(ParameterText(value));
    const std::string placeholder = "$" + std::to_string(texts_.size());
    return column_type == "bytea" ? "decode(" + placeholder + ", 'base64')" : placeholder;
  }

  std::vector<const char*> Pointers() const {
    std::vector<const char*> pointers;
    for (const auto& text : texts_) {
      pointers.push_back(text ? text->c_str() : nullptr);
    }
    return pointers;
  }

 private:
  std::vector<std::optional<std::string>> texts_;
};

constexpr std::size_t kMaxRowsPerStatement = 1000;
// From this many rows on, a run goes through COPY into a staging table.
constexpr std::size_t kCopyMinRows = 32;
constexpr std::size_t kMaxParameters = 65535;  // the protocol's limit per statement

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

PgWriter::PgWriter(std::unique_ptr<PgConnection> connection, WriterOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {}

std::string PgWriter::TargetTable(const std::string& table_template, const SourceInfo& source) {
  const std::string name =
      Replace(Replace(table_template, "{schema}", source.schema), "{table}", source.table);
  const std::size_t dot = name.find('.');
  if (dot == std::string::npos) {
    return QuoteIdentifier(name);
  }
  return QuoteIdentifier(name.substr(0, dot)) + "." + QuoteIdentifier(name.substr(dot + 1));
}

Result<const PgWriter::TableInfo*> PgWriter::Describe(const std::string& table) {
  if (auto it = tables_.find(table); it != tables_.end()) {
    return &it->second;
  }
  ASSIGN_OR_RETURN(PgResult result,
                   connection_->Execute("SELECT a.attname, t.typname FROM pg_attribute a "
                                        "JOIN pg_type t ON t.oid = a.atttypid "
                                        "WHERE a.attrelid = $1::regclass AND a.attnum > 0 "
                                        "AND NOT a.attisdropped",
                                        {table.c_str()}));
  TableInfo info;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    info.column_types[PQgetvalue(result.get(), row, 0)] = PQgetvalue(result.get(), row, 1);
  }
  return &tables_.emplace(table, std::move(info)).first->second;
}

std::vector<std::string> PgWriter::WrittenColumns(const TableInfo& info, const Event& event) {
  std::vector<std::string> columns;
  if (!event.after.is_object()) {
    return columns;
  }
  for (const auto& [column, value] : event.after.get_object()) {
    const bool unchanged = std::find(event.unchanged_columns.begin(), event.unchanged_columns.end(),
                                     column) != event.unchanged_columns.end();
    if (!unchanged && info.column_types.contains(column)) {
      columns.emplace_back(column);
    }
  }
  return columns;
}

// WrittenColumns(info, event) == columns, without building the list (this runs per row).
bool PgWriter::WritesColumns(const TableInfo& info, const Event& event,
                             const std::vector<std::string>& columns) {
  std::size_t matched = 0;
  for (const auto& [column, value] : event.after.get_object()) {
    const bool unchanged = !event.unchanged_columns.empty() &&
                           std::find(event.unchanged_columns.begin(), event.unchanged_columns.end(),
                                     column) != event.unchanged_columns.end();
    if (unchanged || !info.column_types.contains(column)) {
      continue;
    }
    if (matched == columns.size() || columns[matched] != column) {
      return false;
    }
    ++matched;
  }
  return matched == columns.size();
}

bool PgWriter::KeyChanged(const Event& event) const {
  if (options_.mode == WriteMode::kAppend || event.operation != Operation::kUpdate ||
      !event.before.is_object()) {
    return false;
  }
  for (const auto& [column, value] : event.key) {
    const boost::json::value* old = event.before.get_object().if_contains(column);
    if (old != nullptr && *old != value) {
      return true;
    }
  }
  return false;
}

Status PgWriter::DeleteRows(const std::string& table, std::span<const Event* const> rows) {
  Parameters parameters;
  std::string key_columns;
  for (const auto& [column, value] : rows.front()->key) {
    key_columns += (key_columns.empty() ? "" : ", ") + QuoteIdentifier(column);
  }
  std::string tuples;
  for (const Event* row : rows) {
    std::string tuple;
    for (const auto& [column, value] : rows.front()->key) {
      const boost::json::value* part = row->key.if_contains(column);
      tuple += (tuple.empty() ? "" : ", ") + parameters.Add(part ? *part : nullptr, "");
    }
    tuples += (tuples.empty() ? "(" : ", (") + tuple + ")";
  }
  return connection_
      ->Execute("DELETE FROM " + table + " WHERE (" + key_columns + ") IN (" + tuples + ")",
                parameters.Pointers())
      .status();
}

Result<std::string> PgWriter::StageTable(const std::string& table,
                                         const std::vector<std::string>& columns) {
  std::string key = table;
  for (const std::string& column : columns) {
    key += '\0' + column;
  }
  if (auto it = stages_.find(key); it != stages_.end()) {
    return it->second;
  }
  std::string column_list;
  for (const std::string& column : columns) {
    column_list += (column_list.empty() ? "" : ", ") + QuoteIdentifier(column);
  }
  const std::string stage = "replicad_stage_" + std::to_string(stages_.size() + 1);
  RETURN_IF_ERROR(connection_
                      ->Execute("CREATE TEMP TABLE " + stage + " ON COMMIT DELETE ROWS AS SELECT " +
                                column_list + " FROM " + table + " WITH NO DATA")
                      .status());
  stages_[key] = stage;
  return stage;
}

Status PgWriter::CopyRows(const std::string& table, const TableInfo& info,
                          const std::vector<std::string>& columns,
                          std::span<const Event* const> rows, const std::string& on_conflict) {
  std::vector<std::string> types;
  std::string column_list;
  for (const std::string& column : columns) {
    types.push_back(info.column_types.at(column));
    column_list += (column_list.empty() ? "" : ", ") + QuoteIdentifier(column);
  }
  ASSIGN_OR_RETURN(std::string data, CopyText(columns, types, rows));
  if (on_conflict.empty()) {
    return CopyIn(*connection_, table, column_list, data);
  }
  // New rows are the common case: COPY them straight in. Only a replay (the keys exist
  // already) pays for the merge through a staging table.
  const bool all_inserts = std::all_of(rows.begin(), rows.end(), [](const Event* row) {
    return row->operation == Operation::kInsert || row->operation == Operation::kSnapshot;
  });
  if (all_inserts) {
    RETURN_IF_ERROR(connection_->Execute("SAVEPOINT replicad_copy").status());
    Status copied = CopyIn(*connection_, table, column_list, data);
    if (copied.ok()) {
      return connection_->Execute("RELEASE SAVEPOINT replicad_copy").status();
    }
    if (copied.message().find("SQLSTATE 23505") == std::string::npos) {
      return copied;
    }
    RETURN_IF_ERROR(connection_->Execute("ROLLBACK TO SAVEPOINT replicad_copy").status());
  }
  ASSIGN_OR_RETURN(std::string stage, StageTable(table, columns));
  RETURN_IF_ERROR(CopyIn(*connection_, stage, column_list, data));
  RETURN_IF_ERROR(connection_
                      ->Execute("INSERT INTO " + table + " (" + column_list + ") SELECT " +
                                column_list + " FROM " + stage + on_conflict)
                      .status());
  return connection_->Execute("TRUNCATE " + stage).status();
}

Status PgWriter::UpsertRows(const std::string& table, const TableInfo& info,
                            const std::vector<std::string>& columns,
                            std::span<const Event* const> rows) {
  Parameters parameters;
  std::string column_list, updates, values;
  const boost::json::object& key = rows.front()->key;
  for (const std::string& column : columns) {
    const std::string quoted = QuoteIdentifier(column);
    column_list += (column_list.empty() ? "" : ", ") + quoted;
    if (!key.contains(column)) {
      updates += (updates.empty() ? "" : ", ") + quoted + " = EXCLUDED." + quoted;
    }
  }
  for (const Event* row : rows) {
    std::string tuple;
    const boost::json::object& after = row->after.get_object();
    for (const std::string& column : columns) {
      tuple += (tuple.empty() ? "" : ", ") +
               parameters.Add(after.at(column), info.column_types.at(column));
    }
    values += (values.empty() ? "(" : ", (") + tuple + ")";
  }
  std::string on_conflict;
  if (options_.mode != WriteMode::kAppend && !key.empty()) {
    std::string conflict;
    for (const auto& [column, value] : key) {
      conflict += (conflict.empty() ? "" : ", ") + QuoteIdentifier(column);
    }
    on_conflict = " ON CONFLICT (" + conflict + ") DO " +
                  (updates.empty() ? std::string("NOTHING") : "UPDATE SET " + updates);
  }
  if (rows.size() >= kCopyMinRows) {
    return CopyRows(table, info, columns, rows, on_conflict);
  }
  return connection_
      ->Execute("INSERT INTO " + table + " (" + column_list + ") VALUES " + values + on_conflict,
                parameters.Pointers())
      .status();
}

// A key change is an UPDATE of the old row, which keeps the columns the source did not send
// (unchanged TOAST). If the old row is not there (a replay after it moved), the new row is
// upserted instead.
Status PgWriter::MoveRow(const std::string& table, const TableInfo& info, const Event& event) {
  Parameters parameters;
  std::string assignments, condition;
  const boost::json::object& after = event.after.get_object();
  for (const std::string& column : WrittenColumns(info, event)) {
    assignments += (assignments.empty() ? "" : ", ") + QuoteIdentifier(column) + " = " +
                   parameters.Add(after.at(column), info.column_types.at(column));
  }
  for (const auto& [column, value] : event.key) {
    condition += (condition.empty() ? "" : " AND ") + QuoteIdentifier(column) + " = " +
                 parameters.Add(event.before.get_object().at(column), "");
  }
  ASSIGN_OR_RETURN(PgResult moved, connection_->Execute("UPDATE " + table + " SET " + assignments +
                                                            " WHERE " + condition,
                                                        parameters.Pointers()));
  if (std::string_view(PQcmdTuples(moved.get())) != "0") {
    return Status::Ok();
  }
  const Event* rows[] = {&event};
  return UpsertRows(table, info, WrittenColumns(info, event), rows);
}

Result<std::size_t> PgWriter::ApplyRun(std::span<const Event> events, bool grouped) {
  const Event& first = events.front();
  const std::string table = TargetTable(options_.table_template, first.source);
  if (first.operation == Operation::kTruncate) {
    if (options_.mode != WriteMode::kAppend) {
      RETURN_IF_ERROR(connection_->Execute("TRUNCATE " + table).status());
    }
    return std::size_t{1};
  }
  auto same_table = [&](const Event& event) {
    return event.source.schema == first.source.schema && event.source.table == first.source.table;
  };
  auto same_key_columns = [&](const Event& event) {
    if (event.key.size() != first.key.size()) {
      return false;
    }
    for (const auto& [column, value] : first.key) {
      if (!event.key.contains(column)) {
        return false;
      }
    }
    return true;
  };
  if (first.operation == Operation::kDelete) {
    if (options_.mode == WriteMode::kAppend) {
      return std::size_t{1};
    }
    if (first.key.empty()) {
      return Status::DataError("delete without a key");
    }
    std::vector<const Event*> rows;
    for (const Event& event : events) {
      if (event.operation != Operation::kDelete || !same_table(event) || !same_key_columns(event) ||
          rows.size() == (grouped ? kMaxRowsPerStatement : 1)) {
        break;
      }
      rows.push_back(&event);
    }
    RETURN_IF_ERROR(DeleteRows(table, rows));
    return rows.size();
  }
  ASSIGN_OR_RETURN(const TableInfo* info, Describe(table));
  if (info->column_types.empty()) {
    return Status::FailedPrecondition("destination table " + table + " does not exist");
  }
  if (!first.after.is_object()) {
    return Status::DataError("event " + first.event_id + " has no row image to write");
  }
  if (KeyChanged(first)) {
    RETURN_IF_ERROR(MoveRow(table, *info, first));
    return std::size_t{1};
  }
  const std::vector<std::string> columns = WrittenColumns(*info, first);
  const std::size_t max_rows =
      grouped ? std::max<std::size_t>(
                    1, std::min(kMaxRowsPerStatement,
                                kMaxParameters / std::max<std::size_t>(1, columns.size())))
              : 1;
  std::vector<const Event*> rows;
  std::map<std::string, std::size_t> row_of_key;  // compaction: a later change replaces
  std::size_t consumed = 0;
  for (const Event& event : events) {
    if (rows.size() == max_rows || event.operation == Operation::kDelete ||
        event.operation == Operation::kTruncate || !same_table(event) || !same_key_columns(event) ||
        !event.after.is_object() || KeyChanged(event) || !WritesColumns(*info, event, columns)) {
      break;
    }
    ++consumed;
    const std::string key = boost::json::serialize(event.key);
    if (auto it = row_of_key.find(key);
        options_.mode != WriteMode::kAppend && !event.key.empty() && it != row_of_key.end()) {
      rows[it->second] = &event;
      continue;
    }
    row_of_key[key] = rows.size();
    rows.push_back(&event);
  }
  RETURN_IF_ERROR(UpsertRows(table, *info, columns, rows));
  return consumed;
}

WriteResult PgWriter::WriteGrouped(std::span<const Event> events) {
  std::size_t done = 0;
  while (done < events.size()) {
    Result<std::size_t> applied = ApplyRun(events.subspan(done), true);
    if (!applied.ok()) {
      return {done, applied.status()};
    }
    done += *applied;
  }
  return {done, Status::Ok()};
}

WriteResult PgWriter::WriteOneByOne(std::span<const Event> events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    Result<std::size_t> applied = ApplyRun(events.subspan(i, 1), false);
    if (!applied.ok()) {
      return {i, applied.status().Annotate("event " + events[i].event_id)};
    }
  }
  return {events.size(), Status::Ok()};
}

Status PgWriter::ReplaceSnapshotTargets(std::span<const Event> events) {
  replacing_.clear();
  if (options_.mode != WriteMode::kSnapshot) {
    return Status::Ok();
  }
  for (const Event& event : events) {
    if (event.operation != Operation::kSnapshot) {
      continue;
    }
    const std::string table = TargetTable(options_.table_template, event.source);
    if (!replaced_.contains(table) && replacing_.insert(table).second) {
      RETURN_IF_ERROR(connection_->Execute("TRUNCATE " + table).status());
    }
  }
  return Status::Ok();
}

WriteResult PgWriter::Write(std::span<const Event> events) {
  for (bool grouped : {true, false}) {
    if (Status begun = connection_->Execute("BEGIN").status(); !begun.ok()) {
      return {0, begun};
    }
    WriteResult result{0, ReplaceSnapshotTargets(events)};
    if (result.status.ok()) {
      result = grouped ? WriteGrouped(events) : WriteOneByOne(events);
    }
    if (!result.status.ok()) {
      (void)connection_->Execute("ROLLBACK");
      tables_.clear();  // the failure may have been a schema change
      stages_.clear();  // staging tables made in the transaction are gone
      if (grouped && result.status.code() == StatusCode::kDataError) {
        continue;  // find the offending event one change at a time
      }
      return grouped ? WriteResult{0, result.status} : result;
    }
    if (Status committed = connection_->Execute("COMMIT").status(); !committed.ok()) {
      return {0, committed.Annotate("commit")};
    }
    replaced_.insert(replacing_.begin(), replacing_.end());
    return {events.size(), Status::Ok()};
  }
  return {0, Status::Internal("unreachable")};
}

}  // namespace replicad::drivers::postgres
