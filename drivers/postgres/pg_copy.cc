#include "drivers/postgres/pg_copy.h"

#include <libpq-fe.h>

#include <boost/json/serializer.hpp>

#include "drivers/postgres/pg_arrays.h"
#include "streams/core/base64.h"

namespace replicad::drivers::postgres {
namespace {

// Text between escapes goes in one append: this runs for every byte of every row.
void AppendEscaped(std::string& out, std::string_view text) {
  std::size_t plain = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' && c != '\n' && c != '\r' && c != '\t') {
      continue;
    }
    out.append(text.substr(plain, i - plain));
    out += '\\';
    out += c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : '\\';
    plain = i + 1;
  }
  out.append(text.substr(plain));
}

// JSON as text, escaped, without a string per value.
void AppendJson(std::string& out, const boost::json::value& value) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  char buffer[1024];
  while (!serializer.done()) {
    AppendEscaped(out, serializer.read(buffer));
  }
}

// What AppendValue needs to know of a column, worked out once per batch.
struct ColumnFormat {
  const std::string* type;
  bool bytea = false;
  bool array = false;
};

Status AppendValue(std::string& out, const boost::json::value& value, const ColumnFormat& format) {
  switch (value.kind()) {
    case boost::json::kind::null:
      out += "\\N";
      return Status::Ok();
    case boost::json::kind::string: {
      const boost::json::string& text = value.get_string();
      if (!format.bytea) {
        AppendEscaped(out, text);
        return Status::Ok();
      }
      const std::optional<std::string> bytes = Base64Decode(text);
      if (!bytes) {
        return Status::DataError("a bytea value is not base64");
      }
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\\\x";
      for (unsigned char c : *bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return Status::Ok();
    }
    case boost::json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return Status::Ok();
    case boost::json::kind::array:
      if (format.array) {
        ASSIGN_OR_RETURN(std::string literal, JsonToArrayLiteral(value.get_array(), *format.type));
        AppendEscaped(out, literal);
        return Status::Ok();
      }
      [[fallthrough]];
    default:
      AppendJson(out, value);
      return Status::Ok();
  }
}

}  // namespace

Result<std::string> CopyText(const std::vector<std::string>& columns,
                             const std::vector<std::string>& types,
                             std::span<const Event* const> rows) {
  std::vector<ColumnFormat> formats;
  for (const std::string& type : types) {
    formats.push_back({&type, type == "bytea", IsArrayType(type)});
  }
  std::string out;
  out.reserve(rows.size() * columns.size() * 16);
  for (const Event* row : rows) {
    const boost::json::object& after = row->after.get_object();
    // The row's members usually come in the columns' order: take them in turn, and look a
    // column up only when they do not.
    auto next = after.begin();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) {
        out += '\t';
      }
      const boost::json::value* value = nullptr;
      if (next != after.end() && next->key() == columns[i]) {
        value = &next->value();
        ++next;
      } else {
        value = &after.at(columns[i]);
      }
      RETURN_IF_ERROR(AppendValue(out, *value, formats[i]));
    }
    out += '\n';
  }
  return out;
}

Status CopyIn(PgConnection& connection, const std::string& table, const std::string& column_list,
              std::string_view data, std::string_view before) {
  PGconn* raw = connection.raw();
  // PQexec (the simple protocol) takes several statements and stops at the COPY.
  const std::string sql =
      std::string(before) + "COPY " + table + " (" + column_list + ") FROM STDIN";
  PgResult started(PQexec(raw, sql.c_str()));
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
    return ClassifyError(raw, started.get(), "PostgreSQL COPY");
  }
  constexpr std::size_t kChunk = 1 << 20;
  bool sent = true;
  for (std::size_t offset = 0; offset < data.size() && sent; offset += kChunk) {
    const std::string_view chunk = data.substr(offset, kChunk);
    sent = PQputCopyData(raw, chunk.data(), static_cast<int>(chunk.size())) == 1;
  }
  if (!sent || PQputCopyEnd(raw, nullptr) != 1) {
    return ClassifyError(raw, nullptr, "PostgreSQL COPY");
  }
  Status status;
  while (PGresult* result = PQgetResult(raw)) {
    PgResult owned(result);
    if (status.ok() && PQresultStatus(result) != PGRES_COMMAND_OK) {
      status = ClassifyError(raw, result, "PostgreSQL COPY");
    }
  }
  return status;
}

}  // namespace replicad::drivers::postgres
