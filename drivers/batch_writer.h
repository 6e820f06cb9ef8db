#pragma once

// The database-neutral half of a SQL destination: how a batch of change events becomes
// statements. Blocking; a sink runs it off the I/O threads, one call at a time.
//
// Write applies a batch in one transaction. Runs of consecutive changes to one table become
// multi-row statements (one upsert for inserts/updates/snapshot rows, one delete for deletes);
// repeated changes to a key inside a run are compacted to the last one, which leaves the same
// table. An update that changes the key moves the row. If a grouped statement hits bad data
// (DataError), the transaction is rolled back and the batch replayed one change at a time to
// find the event, which WriteResult names. Replaying a batch leaves the table as it was after
// the first time.
//
// Columns are matched by name (ColumnNameLess): source columns the target lacks are not
// written, and are logged once per table and column; where two source columns match one target
// column (case-insensitive names) the first is written. Columns the source marks unchanged are
// left untouched. In append mode every insert/update/snapshot is a plain
// INSERT and deletes/truncates are skipped.
//
// A database implements the statements (the protected hooks); this class decides what runs.

#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/write_result.h"
#include "streams/core/event.h"

namespace replicad::drivers {

// kSnapshot (replace) writes like kUpsert, and empties each target table, in the same
// transaction, before the first `snapshot` event for it this writer sees: a table an initial
// snapshot fills ends up holding exactly the source's rows, also when the snapshot restarts.
enum class WriteMode { kUpsert, kAppend, kSnapshot };

struct WriterOptions {
  WriteMode mode = WriteMode::kUpsert;
  std::string table_template = "{table}";  // may use {schema} and {table}; may be qualified
};

// From a destination's `mode` option and `collection_table` (its first entry is the template).
WriterOptions MakeWriterOptions(std::string_view mode,
                                const std::vector<std::string>& collection_table);

// A target table named by the template, unquoted; `schema` is empty when the name has no dot.
struct TableName {
  std::string schema;
  std::string table;
};
TableName ApplyTableTemplate(const std::string& table_template, const SourceInfo& source);

// Orders column names: exactly, or ignoring ASCII case for a database whose column names are
// case-insensitive (MySQL), so that a source's `Name` finds a target's `name` there.
struct ColumnNameLess {
  using is_transparent = void;
  bool ignore_case = false;
  bool operator()(std::string_view a, std::string_view b) const;
};

// A target table's columns: column -> the database's type.
using ColumnTypes = std::map<std::string, std::string, ColumnNameLess>;

// The type `types` gives `column`; "" when it has none.
const std::string& ColumnType(const ColumnTypes& types, const std::string& column);

class BatchWriter {
 public:
  explicit BatchWriter(WriterOptions options) : options_(std::move(options)) {}
  virtual ~BatchWriter() = default;
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // On success `written` is events.size(). On failure nothing is committed and `status`
  // describes events[written] (DataError: that event is bad; the others may be written again).
  WriteResult Write(std::span<const Event> events);

  // A transaction held open across calls (early apply): WriteHeld applies events in it,
  // beginning it on the first call; EndHeld commits it (nothing held: nothing to do) or rolls
  // it back. A failure rolls it back whole; the caller replays it some other way, so no event
  // is singled out. Not in snapshot mode, whose replacing is per batch.
  bool CanHold() const { return options_.mode != WriteMode::kSnapshot; }
  [[nodiscard]] Status WriteHeld(std::span<const Event> events);
  [[nodiscard]] Status EndHeld(bool commit);

 protected:
  using ColumnTypes = drivers::ColumnTypes;
  using Rows = std::span<const Event* const>;

  const WriterOptions& options() const { return options_; }

  // Columns of `event.after` the target has and the source sent.
  static std::vector<std::string> WrittenColumns(const ColumnTypes& types, const Event& event);

  // Runs a transaction control statement: BEGIN, COMMIT or ROLLBACK.
  virtual Status Run(std::string_view statement) = 0;
  // Called after a rollback: drops what the transaction made (and cached schema).
  virtual void Forget() {}
  // After a grouped attempt failed as DataError and was rolled back: true when the writer has
  // changed how it writes and the grouped attempt is worth one more try, before the batch is
  // replayed one change at a time.
  virtual bool RetryGrouped() { return false; }
  virtual std::string QuoteTable(const TableName& name) const = 0;
  // The target's columns; empty when the table does not exist.
  virtual Result<ColumnTypes> LoadColumns(const TableName& name, const std::string& table) = 0;
  // Removes every row inside the transaction (truncate events, snapshot mode).
  virtual Status EmptyTable(const std::string& table) = 0;
  // All rows have the same key columns.
  virtual Status DeleteRows(const std::string& table, const ColumnTypes& types, Rows rows) = 0;
  // Upserts (plain inserts in append mode) `columns` of each row's `after`.
  virtual Status UpsertRows(const std::string& table, const ColumnTypes& types,
                            const std::vector<std::string>& columns, Rows rows) = 0;
  // An update whose key changed: the row under event.before's key takes event.after.
  virtual Status MoveRow(const std::string& table, const ColumnTypes& types,
                         const Event& event) = 0;
  virtual std::size_t MaxRowsPerStatement(std::size_t columns) const = 0;

 private:
  static bool WritesColumns(const ColumnTypes& types, const Event& event,
                            const std::vector<std::string>& columns);
  Result<const ColumnTypes*> Describe(const TableName& name, const std::string& table);
  Status ReplaceSnapshotTargets(std::span<const Event> events);
  WriteResult WriteGrouped(std::span<const Event> events);
  WriteResult WriteOneByOne(std::span<const Event> events);
  // Applies events[0] and, where it can, the run of similar events after it; returns how
  // many it applied.
  Result<std::size_t> ApplyRun(std::span<const Event> events, bool grouped);
  bool KeyChanged(const Event& event) const;
  // Logs, once per table and column, a column of `event` that `types` lacks: its values are
  // not written, which is what the user wants for a narrower target and a surprise otherwise.
  void WarnUnwritten(const std::string& table, const ColumnTypes& types, const Event& event);

  WriterOptions options_;
  std::map<std::string, ColumnTypes> tables_;
  std::set<std::string> replaced_;   // snapshot mode: targets already emptied
  std::set<std::string> replacing_;  // ... by the transaction in progress
  std::set<std::string> unwritten_;  // table + '\0' + column, warned about
  bool holding_ = false;             // a held transaction is open
};

}  // namespace replicad::drivers
