#include "drivers/postgres/pg_writer.h"

#include <libpq-fe.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <utility>

#include "drivers/postgres/pg_arrays.h"
#include "drivers/postgres/pg_copy.h"

namespace replicad::drivers::postgres {
namespace {

// A JSON value as a text parameter for a column of `column_type`; nullopt for SQL NULL.
Result<std::optional<std::string>> ParameterText(const boost::json::value& value,
                                                 const std::string& column_type) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return std::optional<std::string>();
    case boost::json::kind::string:
      return std::optional<std::string>(value.get_string());
    case boost::json::kind::bool_:
      return std::optional<std::string>(value.get_bool() ? "true" : "false");
    case boost::json::kind::array:
      if (IsArrayType(column_type)) {
        ASSIGN_OR_RETURN(std::string literal, JsonToArrayLiteral(value.get_array(), column_type));
        return std::optional<std::string>(std::move(literal));
      }
      [[fallthrough]];
    default:
      return std::optional<std::string>(boost::json::serialize(value));
  }
}

// Collects statement parameters; keeps their storage alive for the libpq call.
class Parameters {
 public:
  // The placeholder for `value` in a column of `column_type` ("" when it does not matter).
  Result<std::string> Add(const boost::json::value& value, const std::string& column_type) {
    ASSIGN_OR_RETURN(std::optional<std::string> text, ParameterText(value, column_type));
    texts_.push_back(std::move(text));
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
// A replay rewrites a stretch of rows that exist: after a COPY met one, the next batches merge
// at once instead of failing a COPY each.
constexpr int kMergeBatchesAfterConflict = 16;

std::string QuoteName(const TableName& name) {
  return (name.schema.empty() ? "" : QuoteIdentifier(name.schema) + ".") +
         QuoteIdentifier(name.table);
}

}  // namespace

PgWriter::PgWriter(std::unique_ptr<PgConnection> connection, WriterOptions options)
    : BatchWriter(std::move(options)), connection_(std::move(connection)) {}

std::string PgWriter::TargetTable(const std::string& table_template, const SourceInfo& source) {
  return QuoteName(ApplyTableTemplate(table_template, source));
}

std::string PgWriter::QuoteTable(const TableName& name) const { return QuoteName(name); }

Status PgWriter::Run(std::string_view statement) {
  filled_stages_.clear();  // every transaction control statement ends or begins one
  if (statement == "BEGIN") {
    begin_pending_ = true;
    return Status::Ok();
  }
  if (std::exchange(begin_pending_, false)) {
    return Status::Ok();  // the end of a transaction that sent nothing
  }
  Status status = connection_->Execute(statement).status();
  if (status.ok() && statement == "COMMIT") {
    if (merge_transactions_left_ > 0) {
      --merge_transactions_left_;
    }
    stages_made_.clear();
  }
  return status;
}

// Staging tables made in the rolled-back transaction are gone; those of earlier ones remain.
void PgWriter::Forget() {
  for (const std::string& key : stages_made_) {
    stages_.erase(key);
  }
  stages_made_.clear();
}

bool PgWriter::RetryGrouped() {
  if (!std::exchange(copy_conflicted_, false)) {
    return false;
  }
  merge_transactions_left_ = 1 + kMergeBatchesAfterConflict;  // the retry, then the next ones
  return true;
}

Result<PgResult> PgWriter::Execute(std::string_view sql,
                                   const std::vector<const char*>& parameters) {
  if (std::exchange(begin_pending_, false)) {
    RETURN_IF_ERROR(connection_->Execute("BEGIN").status());
  }
  return connection_->Execute(sql, parameters);
}

std::string_view PgWriter::TakeBegin() {
  return std::exchange(begin_pending_, false) ? "BEGIN; " : "";
}

Status PgWriter::EmptyTable(const std::string& table) {
  return Execute("TRUNCATE " + table).status();
}

std::size_t PgWriter::MaxRowsPerStatement(std::size_t columns) const {
  return std::min(kMaxRowsPerStatement, kMaxParameters / std::max<std::size_t>(1, columns));
}

Result<BatchWriter::ColumnTypes> PgWriter::LoadColumns(const TableName&, const std::string& table) {
  ASSIGN_OR_RETURN(PgResult result, Execute("SELECT a.attname, t.typname FROM pg_attribute a "
                                            "JOIN pg_type t ON t.oid = a.atttypid "
                                            "WHERE a.attrelid = $1::regclass AND a.attnum > 0 "
                                            "AND NOT a.attisdropped",
                                            {table.c_str()}));
  ColumnTypes types;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    types[PQgetvalue(result.get(), row, 0)] = PQgetvalue(result.get(), row, 1);
  }
  return types;
}

Status PgWriter::DeleteRows(const std::string& table, const ColumnTypes& types, Rows rows) {
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
      ASSIGN_OR_RETURN(std::string placeholder,
                       parameters.Add(part ? *part : nullptr, ColumnType(types, column)));
      tuple += (tuple.empty() ? "" : ", ") + placeholder;
    }
    tuples += (tuples.empty() ? "(" : ", (") + tuple + ")";
  }
  return Execute("DELETE FROM " + table + " WHERE (" + key_columns + ") IN (" + tuples + ")",
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
  const std::string stage = "replicad_stage_" + std::to_string(++stages_ever_made_);
  RETURN_IF_ERROR(Execute("CREATE TEMP TABLE " + stage + " ON COMMIT DELETE ROWS AS SELECT " +
                          column_list + " FROM " + table + " WITH NO DATA")
                      .status());
  stages_[key] = stage;
  stages_made_.push_back(key);
  return stage;
}

Status PgWriter::CopyRows(const std::string& table, const ColumnTypes& types,
                          const std::vector<std::string>& columns, Rows rows,
                          const std::string& on_conflict) {
  std::vector<std::string> type_names;
  std::string column_list;
  for (const std::string& column : columns) {
    type_names.push_back(types.at(column));
    column_list += (column_list.empty() ? "" : ", ") + QuoteIdentifier(column);
  }
  if (on_conflict.empty()) {
    ASSIGN_OR_RETURN(std::string data, CopyText(columns, type_names, rows));
    return CopyIn(*connection_, table, column_list, data, TakeBegin());
  }
  // New rows are the common case: COPY them straight in, and merge only the rest through a
  // staging table. A new row whose key exists (a replay) fails the transaction, and the writer
  // runs the batch again merging everything (RetryGrouped). A savepoint would spare that, at
  // two round trips and a subtransaction for every COPY. Keys are unique within a run, so the
  // two parts commute.
  if (merge_transactions_left_ == 0) {
    std::vector<const Event*> fresh, changed;
    for (const Event* row : rows) {
      const bool is_new =
          row->operation == Operation::kInsert || row->operation == Operation::kSnapshot;
      (is_new ? fresh : changed).push_back(row);
    }
    if (fresh.size() >= kCopyMinRows) {
      ASSIGN_OR_RETURN(std::string data, CopyText(columns, type_names, fresh));
      Status copied = CopyIn(*connection_, table, column_list, data, TakeBegin());
      if (copied.native_code() == "23505") {
        copy_conflicted_ = true;
      }
      if (!copied.ok() || changed.empty()) {
        return copied;
      }
      return UpsertRows(table, types, columns, changed);
    }
  }
  ASSIGN_OR_RETURN(std::string data, CopyText(columns, type_names, rows));
  ASSIGN_OR_RETURN(std::string stage, StageTable(table, columns));
  // Emptying a stage takes a new file; only a second run into it in one transaction needs that.
  if (!filled_stages_.insert(stage).second) {
    RETURN_IF_ERROR(Execute("TRUNCATE " + stage).status());
  }
  RETURN_IF_ERROR(CopyIn(*connection_, stage, column_list, data, TakeBegin()));
  return Execute("INSERT INTO " + table + " (" + column_list + ") SELECT " + column_list +
                 " FROM " + stage + on_conflict)
      .status();
}

Status PgWriter::UpsertRows(const std::string& table, const ColumnTypes& types,
                            const std::vector<std::string>& columns, Rows rows) {
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
  std::string on_conflict;
  if (options().mode != WriteMode::kAppend && !key.empty()) {
    std::string conflict;
    for (const auto& [column, value] : key) {
      conflict += (conflict.empty() ? "" : ", ") + QuoteIdentifier(column);
    }
    on_conflict = " ON CONFLICT (" + conflict + ") DO " +
                  (updates.empty() ? std::string("NOTHING") : "UPDATE SET " + updates);
  }
  if (rows.size() >= kCopyMinRows) {
    return CopyRows(table, types, columns, rows, on_conflict);
  }
  for (const Event* row : rows) {
    std::string tuple;
    const boost::json::object& after = row->after.get_object();
    for (const std::string& column : columns) {
      ASSIGN_OR_RETURN(std::string placeholder, parameters.Add(after.at(column), types.at(column)));
      tuple += (tuple.empty() ? "" : ", ") + placeholder;
    }
    values += (values.empty() ? "(" : ", (") + tuple + ")";
  }
  return Execute("INSERT INTO " + table + " (" + column_list + ") VALUES " + values + on_conflict,
                 parameters.Pointers())
      .status();
}

// A key change is an UPDATE of the old row, which keeps the columns the source did not send
// (unchanged TOAST). If the old row is not there (a replay after it moved), the new row is
// upserted instead.
Status PgWriter::MoveRow(const std::string& table, const ColumnTypes& types, const Event& event) {
  Parameters parameters;
  std::string assignments, condition;
  const boost::json::object& after = event.after.get_object();
  for (const std::string& column : WrittenColumns(types, event)) {
    ASSIGN_OR_RETURN(std::string placeholder, parameters.Add(after.at(column), types.at(column)));
    assignments +=
        (assignments.empty() ? "" : ", ") + QuoteIdentifier(column) + " = " + placeholder;
  }
  const boost::json::object& before = event.before.get_object();
  for (const auto& [column, value] : event.key) {
    const boost::json::value* old = before.if_contains(column);  // a key part that did not move
    ASSIGN_OR_RETURN(std::string placeholder,
                     parameters.Add(old ? *old : value, ColumnType(types, column)));
    condition += (condition.empty() ? "" : " AND ") + QuoteIdentifier(column) + " = " + placeholder;
  }
  ASSIGN_OR_RETURN(PgResult moved,
                   Execute("UPDATE " + table + " SET " + assignments + " WHERE " + condition,
                           parameters.Pointers()));
  if (std::string_view(PQcmdTuples(moved.get())) != "0") {
    return Status::Ok();
  }
  const Event* rows[] = {&event};
  return UpsertRows(table, types, WrittenColumns(types, event), rows);
}

}  // namespace replicad::drivers::postgres
