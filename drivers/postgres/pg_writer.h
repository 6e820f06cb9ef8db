#pragma once

// Applies change events to PostgreSQL tables, one transaction per batch. Blocking (libpq):
// run it off the I/O threads.
//
// Rows are matched by the event key: insert/update/snapshot become
// INSERT ... ON CONFLICT (key) DO UPDATE, delete becomes DELETE ... WHERE key, truncate
// becomes TRUNCATE; replaying a batch leaves the table as it was after the first time.
// Columns are matched by name: source columns the target lacks are ignored; columns the
// source marks unchanged are left untouched. In append mode every insert/update/snapshot is
// a plain INSERT and deletes/truncates are skipped.
//
// Runs of consecutive changes to one table become multi-row statements (one INSERT ... ON
// CONFLICT for a few rows; COPY into a staging table merged with one INSERT ... SELECT ... ON
// CONFLICT for up to 1000; one DELETE for a run of deletes); repeated changes to a key
// inside a run are compacted to the last one, which leaves the same table. If such a
// statement hits bad data, the batch is replayed one change at a time to find the event.

#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>

#include "drivers/postgres/pg_connection.h"
#include "drivers/write_result.h"
#include "streams/core/event.h"

namespace replicad::drivers::postgres {

// kSnapshot (replace) writes like kUpsert, and empties each target table, in the same
// transaction, before the first `snapshot` event for it this writer sees: a table an initial
// snapshot fills ends up holding exactly the source's rows, also when the snapshot restarts.
enum class WriteMode { kUpsert, kAppend, kSnapshot };

struct WriterOptions {
  WriteMode mode = WriteMode::kUpsert;
  std::string table_template = "{table}";  // may use {schema} and {table}; may be qualified
};

class PgWriter {
 public:
  PgWriter(std::unique_ptr<PgConnection> connection, WriterOptions options);

  WriteResult Write(std::span<const Event> events);

  // The target of an event: template applied and identifiers quoted ("public"."orders").
  static std::string TargetTable(const std::string& table_template, const SourceInfo& source);

 private:
  struct TableInfo {
    std::map<std::string, std::string> column_types;  // name -> type name
  };

  // Columns of `event.after` the target has and the source sent.
  static std::vector<std::string> WrittenColumns(const TableInfo& info, const Event& event);
  static bool WritesColumns(const TableInfo& info, const Event& event,
                            const std::vector<std::string>& columns);

  Result<const TableInfo*> Describe(const std::string& table);
  // Snapshot mode: empties the targets of this batch's first snapshot events.
  Status ReplaceSnapshotTargets(std::span<const Event> events);
  WriteResult WriteGrouped(std::span<const Event> events);
  WriteResult WriteOneByOne(std::span<const Event> events);
  // Applies events[0] and, where it can, the run of similar events after it; returns how
  // many it applied.
  Result<std::size_t> ApplyRun(std::span<const Event> events, bool grouped);
  Status UpsertRows(const std::string& table, const TableInfo& info,
                    const std::vector<std::string>& columns, std::span<const Event* const> rows);
  Status DeleteRows(const std::string& table, std::span<const Event* const> rows);
  Status MoveRow(const std::string& table, const TableInfo& info, const Event& event);
  // COPY into the table (no conflict clause), or into a staging table merged with it.
  Status CopyRows(const std::string& table, const TableInfo& info,
                  const std::vector<std::string>& columns, std::span<const Event* const> rows,
                  const std::string& on_conflict);
  // A temporary table with the target's types for `columns`, made once per connection.
  Result<std::string> StageTable(const std::string& table, const std::vector<std::string>& columns);
  bool KeyChanged(const Event& event) const;

  std::unique_ptr<PgConnection> connection_;
  WriterOptions options_;
  std::map<std::string, TableInfo> tables_;
  std::map<std::string, std::string> stages_;  // table + columns -> staging table
  std::set<std::string> replaced_;             // snapshot mode: targets already emptied
  std::set<std::string> replacing_;            // ... by the transaction in progress
};

}  // namespace replicad::drivers::postgres
