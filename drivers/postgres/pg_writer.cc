#include "drivers/postgres/pg_writer.h"

#include <libpq-fe.h>

#include <algorithm>
#include <boost/json/serialize.hpp>

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

Status PgWriter::DeleteByKey(const std::string& table, const boost::json::object& key) {
  Parameters parameters;
  std::string sql = "DELETE FROM " + table + " WHERE ";
  bool first = true;
  for (const auto& [column, value] : key) {
    sql += (first ? "" : " AND ") + QuoteIdentifier(column) + " = " + parameters.Add(value, "");
    first = false;
  }
  return connection_->Execute(sql, parameters.Pointers()).status();
}

Status PgWriter::Upsert(const std::string& table, const TableInfo& info, const Event& event) {
  if (!event.after.is_object()) {
    return Status::DataError("event " + event.event_id + " has no row image to write");
  }
  Parameters parameters;
  std::string columns, values, updates;
  for (const auto& [column, value] : event.after.get_object()) {
    const auto type = info.column_types.find(column);
    const bool unchanged = std::find(event.unchanged_columns.begin(), event.unchanged_columns.end(),
                                     column) != event.unchanged_columns.end();
    if (type == info.column_types.end() || unchanged) {
      continue;
    }
    const std::string quoted = QuoteIdentifier(column);
    columns += (columns.empty() ? "" : ", ") + quoted;
    values += (values.empty() ? "" : ", ") + parameters.Add(value, type->second);
    if (!event.key.contains(column)) {
      updates += (updates.empty() ? "" : ", ") + quoted + " = EXCLUDED." + quoted;
    }
  }
  std::string sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
  if (options_.mode == WriteMode::kUpsert && !event.key.empty()) {
    std::string conflict;
    for (const auto& [column, value] : event.key) {
      conflict += (conflict.empty() ? "" : ", ") + QuoteIdentifier(column);
    }
    sql += " ON CONFLICT (" + conflict + ") DO " +
           (updates.empty() ? std::string("NOTHING") : "UPDATE SET " + updates);
  }
  return connection_->Execute(sql, parameters.Pointers()).status();
}

Status PgWriter::Apply(const Event& event) {
  const std::string table = TargetTable(options_.table_template, event.source);
  if (event.operation == Operation::kTruncate) {
    return options_.mode == WriteMode::kAppend ? Status::Ok()
                                               : connection_->Execute("TRUNCATE " + table).status();
  }
  if (event.operation == Operation::kDelete) {
    return options_.mode == WriteMode::kAppend ? Status::Ok() : DeleteByKey(table, event.key);
  }
  ASSIGN_OR_RETURN(const TableInfo* info, Describe(table));
  if (info->column_types.empty()) {
    return Status::FailedPrecondition("destination table " + table + " has no columns");
  }
  // A key that changed: the old row goes first.
  if (options_.mode == WriteMode::kUpsert && event.operation == Operation::kUpdate &&
      event.before.is_object()) {
    boost::json::object old_key;
    bool changed = false;
    for (const auto& [column, value] : event.key) {
      if (const boost::json::value* old = event.before.get_object().if_contains(column)) {
        old_key[column] = *old;
        changed = changed || *old != value;
      }
    }
    if (changed && old_key.size() == event.key.size()) {
      RETURN_IF_ERROR(DeleteByKey(table, old_key));
    }
  }
  return Upsert(table, *info, event);
}

WriteResult PgWriter::Write(std::span<const Event> events) {
  if (Status begun = connection_->Execute("BEGIN").status(); !begun.ok()) {
    return {0, begun};
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (Status status = Apply(events[i]); !status.ok()) {
      (void)connection_->Execute("ROLLBACK");
      tables_.clear();  // the failure may have been a schema change
      return {i, status.Annotate("event " + events[i].event_id)};
    }
  }
  if (Status committed = connection_->Execute("COMMIT").status(); !committed.ok()) {
    return {0, committed.Annotate("commit")};
  }
  return {events.size(), Status::Ok()};
}

}  // namespace replicad::drivers::postgres
