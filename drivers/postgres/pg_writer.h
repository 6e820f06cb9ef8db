#pragma once

// Applies change events to PostgreSQL tables, one transaction per batch (BatchWriter decides
// what runs; drivers/batch_writer.h has the semantics). Blocking (libpq): run it off the I/O
// threads.
//
// Insert/update/snapshot runs become INSERT ... ON CONFLICT (key) DO UPDATE: VALUES for a few
// rows; for up to 1000, a plain COPY of the new rows (inserts) when there are enough of them,
// and COPY of the rest into a staging table merged with one INSERT ... SELECT ... ON CONFLICT.
// A plain COPY that meets an existing key fails the transaction, and the batch is written
// again merging (RetryGrouped). Delete runs become DELETE ... WHERE (key) IN (...), truncate
// becomes TRUNCATE. BEGIN is sent with the transaction's first statement, in the COPY's round
// trip when that is a COPY.

#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>

#include "drivers/batch_writer.h"
#include "drivers/postgres/pg_connection.h"

namespace replicad::drivers::postgres {

class PgWriter final : public BatchWriter {
 public:
  PgWriter(std::unique_ptr<PgConnection> connection, WriterOptions options);

  // The target of an event: template applied and identifiers quoted ("public"."orders").
  static std::string TargetTable(const std::string& table_template, const SourceInfo& source);

 private:
  Status Run(std::string_view statement) override;
  void Forget() override;
  bool RetryGrouped() override;
  std::string QuoteTable(const TableName& name) const override;
  Result<ColumnTypes> LoadColumns(const TableName& name, const std::string& table) override;
  Status EmptyTable(const std::string& table) override;
  Status DeleteRows(const std::string& table, const ColumnTypes& types, Rows rows) override;
  Status UpsertRows(const std::string& table, const ColumnTypes& types,
                    const std::vector<std::string>& columns, Rows rows) override;
  Status MoveRow(const std::string& table, const ColumnTypes& types, const Event& event) override;
  std::size_t MaxRowsPerStatement(std::size_t columns) const override;

  // COPY into the table (no conflict clause), or into a staging table merged with it.
  Status CopyRows(const std::string& table, const ColumnTypes& types,
                  const std::vector<std::string>& columns, Rows rows,
                  const std::string& on_conflict);
  // Runs `sql`, after the BEGIN that Run("BEGIN") left pending, if any.
  Result<PgResult> Execute(std::string_view sql, const std::vector<const char*>& parameters = {});
  // The pending BEGIN as a prefix for a simple-protocol query ("BEGIN; "), or "".
  std::string_view TakeBegin();
  // A temporary table with the target's types for `columns`, made once per connection.
  Result<std::string> StageTable(const std::string& table, const std::vector<std::string>& columns);

  std::unique_ptr<PgConnection> connection_;
  std::map<std::string, std::string> stages_;  // table + columns -> staging table
  std::vector<std::string> stages_made_;       // keys of stages_ made in the open transaction
  int stages_ever_made_ = 0;                   // names are never reused in a session
  // Staging tables holding rows in the open transaction (ON COMMIT DELETE ROWS empties them).
  std::set<std::string> filled_stages_;
  // BEGIN waits for the transaction's first statement, to go in its round trip (with a COPY).
  bool begin_pending_ = false;
  // A plain COPY of new rows met a key that exists (a replay): that batch is written again
  // merging through a staging table, as are the batches of the next few transactions.
  bool copy_conflicted_ = false;
  int merge_transactions_left_ = 0;  // committed transactions still to merge
};

}  // namespace replicad::drivers::postgres
