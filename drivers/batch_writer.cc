#include "drivers/batch_writer.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "streams/core/log.h"

namespace replicad::drivers {
namespace {

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

struct KeyHash {
  std::size_t operator()(const boost::json::object* key) const {
    return std::hash<boost::json::object>()(*key);
  }
};
struct KeyEqual {
  bool operator()(const boost::json::object* a, const boost::json::object* b) const {
    return *a == *b;
  }
};

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameName(const ColumnNameLess& less, std::string_view a, std::string_view b) {
  return !less(a, b) && !less(b, a);
}

bool IsUnchanged(const Event& event, const std::string_view column) {
  return !event.unchanged_columns.empty() &&
         std::find(event.unchanged_columns.begin(), event.unchanged_columns.end(), column) !=
             event.unchanged_columns.end();
}

}  // namespace

WriterOptions MakeWriterOptions(std::string_view mode,
                                const std::vector<std::string>& collection_table) {
  WriterOptions options;
  options.mode = mode == "append"     ? WriteMode::kAppend
                 : mode == "snapshot" ? WriteMode::kSnapshot
                                      : WriteMode::kUpsert;
  if (!collection_table.empty()) {
    options.table_template = collection_table.front();
  }
  return options;
}

TableName ApplyTableTemplate(const std::string& table_template, const SourceInfo& source) {
  const std::string name =
      Replace(Replace(table_template, "{schema}", source.schema), "{table}", source.table);
  const std::size_t dot = name.find('.');
  if (dot == std::string::npos) {
    return {"", name};
  }
  return {name.substr(0, dot), name.substr(dot + 1)};
}

bool ColumnNameLess::operator()(std::string_view a, std::string_view b) const {
  if (!ignore_case) {
    return a < b;
  }
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return AsciiLower(x) < AsciiLower(y); });
}

const std::string& ColumnType(const ColumnTypes& types, const std::string& column) {
  static const std::string kUnknown;
  const auto it = types.find(column);
  return it == types.end() ? kUnknown : it->second;
}

Result<const BatchWriter::ColumnTypes*> BatchWriter::Describe(const TableName& name,
                                                              const std::string& table) {
  if (auto it = tables_.find(table); it != tables_.end()) {
    return &it->second;
  }
  ASSIGN_OR_RETURN(ColumnTypes types, LoadColumns(name, table));
  return &tables_.emplace(table, std::move(types)).first->second;
}

std::vector<std::string> BatchWriter::WrittenColumns(const ColumnTypes& types, const Event& event) {
  std::vector<std::string> columns;
  if (!event.after.is_object()) {
    return columns;
  }
  std::set<std::string_view> targets;  // a target column takes one source column
  for (const auto& [column, value] : event.after.get_object()) {
    const auto target = types.find(std::string_view(column));
    if (!IsUnchanged(event, column) && target != types.end() &&
        targets.insert(target->first).second) {
      columns.emplace_back(column);
    }
  }
  return columns;
}

// WrittenColumns(types, event) == columns, without building the list (this runs per row).
bool BatchWriter::WritesColumns(const ColumnTypes& types, const Event& event,
                                const std::vector<std::string>& columns) {
  std::size_t matched = 0;
  for (const auto& [column, value] : event.after.get_object()) {
    if (IsUnchanged(event, column)) {
      continue;
    }
    if (matched < columns.size() && columns[matched] == column) {
      ++matched;  // the common case: no lookup in `types`
    } else if (const auto target = types.find(std::string_view(column)); target != types.end()) {
      // Not written either way: a second source column for a target column already taken.
      const auto same = [&](const std::string& name) {
        return SameName(types.key_comp(), name, target->first);
      };
      if (std::none_of(columns.begin(), columns.begin() + matched, same)) {
        return false;
      }
    }
  }
  return matched == columns.size();
}

void BatchWriter::WarnUnwritten(const std::string& table, const ColumnTypes& types,
                                const Event& event) {
  for (const auto& [column, value] : event.after.get_object()) {
    if (types.contains(std::string_view(column)) ||
        !unwritten_.insert(table + '\0' + std::string(column)).second) {
      continue;
    }
    std::string differs_in_case;
    for (const auto& [target, type] : types) {
      if (SameName(ColumnNameLess{.ignore_case = true}, target, column)) {
        differs_in_case = target;
      }
    }
    constexpr std::string_view kMessage =
        "a source column is not in the destination table; its values are not written";
    if (differs_in_case.empty()) {
      log::Warn(
          kMessage,
          {{"stream", event.stream_id}, {"table", table}, {"column", std::string_view(column)}});
    } else {
      log::Warn(kMessage, {{"stream", event.stream_id},
                           {"table", table},
                           {"column", std::string_view(column)},
                           {"destination_column_differing_in_case", differs_in_case}});
    }
  }
}

bool BatchWriter::KeyChanged(const Event& event) const {
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

Result<std::size_t> BatchWriter::ApplyRun(std::span<const Event> events, bool grouped) {
  const Event& first = events.front();
  const TableName name = ApplyTableTemplate(options_.table_template, first.source);
  const std::string table = QuoteTable(name);
  if (first.operation == Operation::kTruncate) {
    if (options_.mode != WriteMode::kAppend) {
      RETURN_IF_ERROR(EmptyTable(table));
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
  }
  ASSIGN_OR_RETURN(const ColumnTypes* types, Describe(name, table));
  if (types->empty()) {
    return Status::FailedPrecondition("destination table " + table + " does not exist");
  }
  if (first.operation == Operation::kDelete) {
    std::vector<const Event*> rows;
    for (const Event& event : events) {
      if (event.operation != Operation::kDelete || !same_table(event) || !same_key_columns(event) ||
          rows.size() == (grouped ? MaxRowsPerStatement(event.key.size()) : 1)) {
        break;
      }
      rows.push_back(&event);
    }
    RETURN_IF_ERROR(DeleteRows(table, *types, rows));
    return rows.size();
  }
  if (!first.after.is_object()) {
    return Status::DataError("event " + first.event_id + " has no row image to write");
  }
  if (KeyChanged(first)) {
    RETURN_IF_ERROR(MoveRow(table, *types, first));
    return std::size_t{1};
  }
  const std::vector<std::string> columns = WrittenColumns(*types, first);
  WarnUnwritten(table, *types, first);
  const std::size_t max_rows =
      grouped ? std::max<std::size_t>(1, MaxRowsPerStatement(columns.size())) : 1;
  std::vector<const Event*> rows;
  // Compaction: a later change of a key replaces the earlier one.
  std::unordered_map<const boost::json::object*, std::size_t, KeyHash, KeyEqual> row_of_key;
  row_of_key.reserve(std::min(events.size(), max_rows));
  std::size_t consumed = 0;
  for (const Event& event : events) {
    if (rows.size() == max_rows || event.operation == Operation::kDelete ||
        event.operation == Operation::kTruncate || !same_table(event) || !same_key_columns(event) ||
        !event.after.is_object() || KeyChanged(event) || !WritesColumns(*types, event, columns)) {
      break;
    }
    ++consumed;
    if (options_.mode != WriteMode::kAppend && !event.key.empty()) {
      const auto [it, added] = row_of_key.try_emplace(&event.key, rows.size());
      if (!added) {
        rows[it->second] = &event;
        continue;
      }
    }
    rows.push_back(&event);
  }
  RETURN_IF_ERROR(UpsertRows(table, *types, columns, rows));
  return consumed;
}

WriteResult BatchWriter::WriteGrouped(std::span<const Event> events) {
  std::size_t done = 0;
  while (done < events.size()) {
    Result<std::size_t> applied = ApplyRun(events.subspan(done), true);
    if (!applied.ok()) {
      return {done, applied.status()};
    }
    if (*applied == 0) {
      return {done, Status::Internal("a run of changes applied none of them")};
    }
    done += *applied;
  }
  return {done, Status::Ok()};
}

WriteResult BatchWriter::WriteOneByOne(std::span<const Event> events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    Result<std::size_t> applied = ApplyRun(events.subspan(i, 1), false);
    if (!applied.ok()) {
      return {i, applied.status().Annotate("event " + events[i].event_id)};
    }
  }
  return {events.size(), Status::Ok()};
}

Status BatchWriter::ReplaceSnapshotTargets(std::span<const Event> events) {
  replacing_.clear();
  if (options_.mode != WriteMode::kSnapshot) {
    return Status::Ok();
  }
  for (const Event& event : events) {
    if (event.operation != Operation::kSnapshot) {
      continue;
    }
    const std::string table = QuoteTable(ApplyTableTemplate(options_.table_template, event.source));
    if (!replaced_.contains(table) && replacing_.insert(table).second) {
      RETURN_IF_ERROR(EmptyTable(table));
    }
  }
  return Status::Ok();
}

Status BatchWriter::WriteHeld(std::span<const Event> events) {
  if (!CanHold()) {
    return Status::Internal("snapshot mode cannot hold a transaction open");
  }
  if (!holding_) {
    RETURN_IF_ERROR(Run("BEGIN"));
    holding_ = true;
  }
  WriteResult result = WriteGrouped(events);
  if (!result.status.ok()) {
    (void)EndHeld(false);  // the write's error is the one to report
  }
  return result.status;
}

Status BatchWriter::EndHeld(bool commit) {
  if (!std::exchange(holding_, false)) {
    return Status::Ok();
  }
  Status ended = Run(commit ? "COMMIT" : "ROLLBACK");
  if (!commit || !ended.ok()) {
    tables_.clear();  // what the transaction saw of the schema may be gone with it
    Forget();
  }
  return commit ? ended.Annotate("commit") : ended;
}

WriteResult BatchWriter::Write(std::span<const Event> events) {
  if (holding_) {
    return {0, Status::Internal("a batch was written while a held transaction is open")};
  }
  bool grouped = true;
  bool retried = false;
  for (;;) {
    if (Status begun = Run("BEGIN"); !begun.ok()) {
      return {0, begun};
    }
    WriteResult result{0, ReplaceSnapshotTargets(events)};
    if (result.status.ok()) {
      result = grouped ? WriteGrouped(events) : WriteOneByOne(events);
    }
    if (!result.status.ok()) {
      (void)Run("ROLLBACK");
      tables_.clear();  // the failure may have been a schema change
      Forget();
      if (grouped && result.status.code() == StatusCode::kDataError) {
        if (!retried && RetryGrouped()) {
          retried = true;
          continue;
        }
        grouped = false;  // find the offending event one change at a time
        continue;
      }
      return grouped ? WriteResult{0, result.status} : result;
    }
    if (Status committed = Run("COMMIT"); !committed.ok()) {
      tables_.clear();  // a failed COMMIT rolled the transaction back
      Forget();
      return {0, committed.Annotate("commit")};
    }
    replaced_.insert(replacing_.begin(), replacing_.end());
    return {events.size(), Status::Ok()};
  }
}

}  // namespace replicad::drivers
