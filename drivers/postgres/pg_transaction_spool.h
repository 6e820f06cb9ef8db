#pragma once

// A transaction PostgreSQL streams while it runs (pgoutput protocol 2, streaming 'on') is kept
// here until the server says how it ended: its change messages, in order, in an unlinked
// temporary file under $TMPDIR (default /tmp). Memory stays bounded whatever the
// transaction's size, and a crash leaves nothing behind; the server streams the transaction
// again from its start after a restart, since nothing past it was acknowledged.
//
// A subtransaction's abort drops its changes and those of every subtransaction that began
// after it: the server streams a subtransaction's changes from its first one on, so they
// (and its children's) are what follows that first one.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "streams/core/status.h"

namespace replicad::drivers::postgres {

class TransactionSpool {
 public:
  // Corruption-free: errors are the file system's (Unavailable).
  [[nodiscard]] static Result<std::unique_ptr<TransactionSpool>> Create(std::uint32_t xid);
  // Where Create makes its files: $TMPDIR, or /tmp.
  static std::string Directory();
  ~TransactionSpool();
  TransactionSpool(const TransactionSpool&) = delete;
  TransactionSpool& operator=(const TransactionSpool&) = delete;

  // One change of (sub)transaction `xid`: its tag and body, the xid taken off.
  [[nodiscard]] Status Append(std::uint32_t xid, char tag, std::string_view body);
  // Drops `subxid`'s changes and what followed them; a subtransaction with none is a no-op.
  [[nodiscard]] Status AbortSubtransaction(std::uint32_t subxid);

  // After the commit: Rewind once, then Next until it gives false.
  [[nodiscard]] Status Rewind();
  // The next change (tag then body) into `message`; false at the end.
  [[nodiscard]] Result<bool> Next(std::string& message);

  std::uint64_t size() const { return size_; }  // bytes written, less what aborts dropped
  // Whether a RELATION, row or TRUNCATE message was ever appended (logical messages, types
  // and origins are not rows).
  bool appended_rows() const { return appended_rows_; }
  std::uint32_t xid() const { return xid_; }

 private:
  TransactionSpool(std::uint32_t xid, std::FILE* file);

  struct Subtransaction {
    std::uint32_t xid;
    std::uint64_t offset;  // where its first change begins
  };

  const std::uint32_t xid_;
  std::FILE* file_;
  std::vector<char> buffer_;
  std::uint64_t size_ = 0;
  bool appended_rows_ = false;
  std::uint64_t read_ = 0;                                // after Rewind: bytes read back
  std::vector<Subtransaction> subtransactions_;           // in the order they began
  std::unordered_set<std::uint32_t> subtransaction_ids_;  // the same, to look up
};

// The streamed transactions not yet ended, by xid, and the one whose block is open: what the
// stream control messages (StreamStart, StreamStop, StreamAbort, StreamCommit) do to them.
class StreamedTransactions {
 public:
  // Corruption when a later block comes for a transaction whose first one we never saw.
  [[nodiscard]] Status StartBlock(std::uint32_t xid, bool first_segment);
  void StopBlock() { block_ = nullptr; }
  // The transaction whose block is open, or null between blocks.
  TransactionSpool* block() const { return block_; }
  [[nodiscard]] Status Abort(std::uint32_t xid, std::uint32_t subxid);
  // The committed transaction's spool, rewound for reading; Corruption if it was never streamed.
  [[nodiscard]] Result<std::unique_ptr<TransactionSpool>> Commit(std::uint32_t xid);
  // True when `xid` was streamed and holds no row change: the publication kept none of its
  // rows (a rolled-back savepoint dropped them, or it had only logical messages).
  bool StreamedNothing(std::uint32_t xid) const;
  void Clear();

 private:
  std::unordered_map<std::uint32_t, std::unique_ptr<TransactionSpool>> open_;
  TransactionSpool* block_ = nullptr;
};

}  // namespace replicad::drivers::postgres
