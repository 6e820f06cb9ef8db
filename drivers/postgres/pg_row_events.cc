#include "drivers/postgres/pg_row_events.h"

#include "drivers/postgres/pg_values.h"

namespace replicad::drivers::postgres {
namespace {

Status ToObject(const std::vector<pgoutput::Column>& columns, const pgoutput::Tuple& tuple,
                const boost::json::object* old_row, boost::json::object& row,
                std::vector<std::string>* unchanged) {
  if (tuple.size() != columns.size()) {
    return Status::Corruption("tuple does not match its relation");
  }
  row.reserve(tuple.size());
  for (std::size_t i = 0; i < tuple.size(); ++i) {
    const std::string& name = columns[i].name;
    switch (tuple[i].kind) {
      case pgoutput::Value::Kind::kNull:
        row.emplace(name, nullptr);
        break;
      case pgoutput::Value::Kind::kText: {
        ASSIGN_OR_RETURN(boost::json::value value,
                         TextToJson(columns[i].type, tuple[i].data, row.storage()));
        row.emplace(name, std::move(value));
        break;
      }
      case pgoutput::Value::Kind::kUnchangedToast:
        if (const boost::json::value* old = old_row ? old_row->if_contains(name) : nullptr) {
          row.emplace(name, *old);
        } else if (unchanged != nullptr) {
          unchanged->push_back(name);
        }
        break;
      case pgoutput::Value::Kind::kBinary:
        return Status::FailedPrecondition("binary pgoutput values are not supported");
    }
  }
  return Status::Ok();
}

}  // namespace

Status FillRowImages(const pgoutput::Relation& relation, char old_kind,
                     const pgoutput::Tuple& old_tuple, const pgoutput::Tuple* new_tuple,
                     Event& event) {
  const std::vector<pgoutput::Column>& columns = relation.columns;
  if (old_kind != 0) {
    RETURN_IF_ERROR(ToObject(columns, old_tuple, nullptr, event.before.emplace_object(), nullptr));
  }
  const boost::json::object* before = event.before.if_object();
  const boost::json::object* row = before;
  if (new_tuple != nullptr) {
    boost::json::object& after = event.after.emplace_object();
    RETURN_IF_ERROR(ToObject(columns, *new_tuple, old_kind == 'O' ? before : nullptr, after,
                             &event.unchanged_columns));
    row = &after;
  }
  if (row != nullptr) {
    for (const pgoutput::Column& column : columns) {
      if (const boost::json::value* value = column.key ? row->if_contains(column.name) : nullptr) {
        event.key.emplace(column.name, *value);
      }
    }
  }
  return Status::Ok();
}

}  // namespace replicad::drivers::postgres
