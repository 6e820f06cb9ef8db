#include "drivers/mysql/mysql_writer.h"

#include <mysql.h>

#include "drivers/mysql/mysql_values.h"

namespace replicad::drivers::mysql {
namespace {

constexpr std::size_t kMaxRowsPerStatement = 1000;
// Well below the smallest default max_allowed_packet (MariaDB's 16 MiB).
constexpr std::size_t kMaxStatementBytes = 4 << 20;

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) {
    list += (list.empty() ? "" : ", ") + QuoteIdentifier(column);
  }
  return list;
}

// "(v1, v2)": `columns` of `row` as literals for their target columns; absent ones are NULL.
Result<std::string> Tuple(const boost::json::object& row, const std::vector<std::string>& columns,
                          const ColumnTypes& types) {
  std::string tuple = "(";
  for (const std::string& column : columns) {
    const boost::json::value* value = row.if_contains(column);
    ASSIGN_OR_RETURN(std::string literal,
                     SqlValue(value ? *value : nullptr, ColumnType(types, column)));
    tuple += (tuple.size() == 1 ? "" : ", ") + literal;
  }
  return tuple + ")";
}

std::vector<std::string> KeyColumns(const Event& event) {
  std::vector<std::string> columns;
  for (const auto& [column, value] : event.key) {
    columns.emplace_back(column);
  }
  return columns;
}

class MysqlWriter final : public BatchWriter {
 public:
  MysqlWriter(std::unique_ptr<MysqlConnection> connection, WriterOptions options)
      : BatchWriter(std::move(options)), connection_(std::move(connection)) {}

 private:
  Status Run(std::string_view statement) override { return connection_->Execute(statement); }

  std::string QuoteTable(const TableName& name) const override {
    return (name.schema.empty() ? "" : QuoteIdentifier(name.schema) + ".") +
           QuoteIdentifier(name.table);
  }

  Result<ColumnTypes> LoadColumns(const TableName& name, const std::string&) override {
    const std::string schema = name.schema.empty() ? "DATABASE()" : QuoteString(name.schema);
    ASSIGN_OR_RETURN(std::vector<Row> rows,
                     connection_->Query("SELECT COLUMN_NAME, COLUMN_TYPE FROM "
                                        "information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                                        schema + " AND TABLE_NAME = " + QuoteString(name.table)));
    ColumnTypes types(ColumnNameLess{.ignore_case = true});
    for (const Row& row : rows) {
      if (row.size() == 2 && row[0] && row[1]) {
        types[*row[0]] = *row[1];
      }
    }
    return types;
  }

  Status EmptyTable(const std::string& table) override {
    return connection_->Execute("DELETE FROM " + table);
  }

  std::size_t MaxRowsPerStatement(std::size_t) const override { return kMaxRowsPerStatement; }

  Status DeleteRows(const std::string& table, const ColumnTypes& types, Rows rows) override {
    const std::vector<std::string> key_columns = KeyColumns(*rows.front());
    std::string tuples;
    for (const Event* row : rows) {
      ASSIGN_OR_RETURN(std::string tuple, Tuple(row->key, key_columns, types));
      tuples += (tuples.empty() ? "" : ", ") + tuple;
    }
    return connection_->Execute("DELETE FROM " + table + " WHERE (" + ColumnList(key_columns) +
                                ") IN (" + tuples + ")");
  }

  Status UpsertRows(const std::string& table, const ColumnTypes& types,
                    const std::vector<std::string>& columns, Rows rows) override {
    const std::string head = "INSERT INTO " + table + " (" + ColumnList(columns) + ") VALUES ";
    std::string tail;
    const boost::json::object& key = rows.front()->key;
    if (options().mode != WriteMode::kAppend && !key.empty()) {
      std::string updates;
      for (const std::string& column : columns) {
        if (!key.contains(column)) {
          const std::string quoted = QuoteIdentifier(column);
          updates += (updates.empty() ? "" : ", ") + quoted + " = VALUES(" + quoted + ")";
        }
      }
      if (updates.empty()) {  // nothing but the key: keep the row as it is
        const std::string quoted = QuoteIdentifier(key.begin()->key());
        updates = quoted + " = " + quoted;
      }
      tail = " ON DUPLICATE KEY UPDATE " + updates;
    }
    std::string values;
    for (const Event* row : rows) {
      ASSIGN_OR_RETURN(std::string tuple, Tuple(row->after.get_object(), columns, types));
      if (!values.empty() && head.size() + values.size() + tuple.size() > kMaxStatementBytes) {
        RETURN_IF_ERROR(connection_->Execute(head + values + tail));
        values.clear();
      }
      values += (values.empty() ? "" : ", ") + tuple;
    }
    return connection_->Execute(head + values + tail);
  }

  // Like the PostgreSQL writer, a key change updates the old row, which keeps the columns the
  // source did not send. Where the old row is gone (a replay after it moved) the new row is
  // upserted; where the new key is taken already (a replay after a later insert reused the old
  // key), the old row is deleted and the new one upserted, as the rest of the replay expects.
  Status MoveRow(const std::string& table, const ColumnTypes& types, const Event& event) override {
    const std::vector<std::string> columns = WrittenColumns(types, event);
    const boost::json::object& after = event.after.get_object();
    const boost::json::object& before = event.before.get_object();
    std::string assignments, condition;
    for (const std::string& column : columns) {
      ASSIGN_OR_RETURN(std::string literal, SqlValue(after.at(column), ColumnType(types, column)));
      assignments += (assignments.empty() ? "" : ", ") + QuoteIdentifier(column) + " = " + literal;
    }
    for (const auto& [column, value] : event.key) {
      const boost::json::value* old = before.if_contains(column);
      ASSIGN_OR_RETURN(std::string literal,
                       SqlValue(old ? *old : value, ColumnType(types, std::string(column))));
      condition += (condition.empty() ? "" : " AND ") + QuoteIdentifier(column) + " = " + literal;
    }
    Status moved =
        connection_->Execute("UPDATE " + table + " SET " + assignments + " WHERE " + condition);
    if (moved.ok() && mysql_affected_rows(connection_->raw()) > 0) {
      return Status::Ok();
    }
    if (!moved.ok()) {
      if (moved.native_code() != "1062") {
        return moved;
      }
      RETURN_IF_ERROR(connection_->Execute("DELETE FROM " + table + " WHERE " + condition));
    }
    const Event* rows[] = {&event};
    return UpsertRows(table, types, columns, rows);
  }

  std::unique_ptr<MysqlConnection> connection_;
};

}  // namespace

std::unique_ptr<BatchWriter> NewMysqlWriter(std::unique_ptr<MysqlConnection> connection,
                                            WriterOptions options) {
  return std::make_unique<MysqlWriter>(std::move(connection), std::move(options));
}

}  // namespace replicad::drivers::mysql
