#pragma once

// The messages of a pgoutput replication stream ('w' data and 'k' keepalive, as
// PQgetCopyData returns them) turned into a Source's reads (drivers/source.h): change events
// in commit order, and a checkpoint at every commit and at keepalives between transactions.
//
// A transaction the server streams while it runs (protocol 2) is spooled
// (pg_transaction_spool.h) and, once it commits, read out of the spool by Replay before
// anything after it. With early apply allowed, one such transaction at a time (the first to
// bring a change while none is) is also delivered as it arrives
// (ReadResult::early_transaction), its RELATION messages taking effect
// at its commit; it is abandoned (EarlyEnd::kAbandon), and read out of its spool after its
// commit instead, when another transaction's rows come first, when it or a savepoint in it is
// rolled back, or when it turns out to have committed before the checkpoint. A read holds
// either early events of that transaction or ordinary ones, and an EarlyEnd only as its
// first item; when a message would break that, the read ends (read_ended) and the next one
// begins with it. The commit of an early transaction and its checkpoint are a read of their own.
//
// Not thread-safe; the source calls it from its strand.

#include <boost/json/monotonic_resource.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "drivers/postgres/pgoutput.h"
#include "drivers/source.h"

namespace replicad::drivers::postgres {

class ChangeDecoder {
 public:
  virtual ~ChangeDecoder() = default;

  // A new connection streams from `start`: everything but early-apply refusals is forgotten.
  // Transactions committed before `skip_until` were checkpointed already and are skipped;
  // positions name server `system_id`.
  virtual void Restart(std::string system_id, pgoutput::Lsn skip_until, pgoutput::Lsn start) = 0;
  // Drops what it holds (spool files included), as when the connection closes.
  virtual void Clear() = 0;

  virtual void AllowEarly(bool allowed) = 0;
  // Never deliver `xid` early again.
  virtual void RefuseEarly(std::uint32_t xid) = 0;

  // Starts a read whose events allocate from `arena`; a message the last read deferred is
  // handled first.
  [[nodiscard]] virtual Status BeginRead(
      ReadResult& out, std::shared_ptr<boost::json::monotonic_resource> arena) = 0;
  [[nodiscard]] virtual Status Handle(std::string_view message, ReadResult& out) = 0;
  // A committed streamed transaction is being read out of its spool: Replay, not Handle, next.
  virtual bool replaying() const = 0;
  [[nodiscard]] virtual Status Replay(ReadResult& out, std::size_t max_events) = 0;
  // The current read must end here.
  virtual bool read_ended() const = 0;

  // A keepalive asked for a status update since the last call.
  virtual bool TakeReplyRequest() = 0;
  // The furthest WAL position the server has sent.
  virtual pgoutput::Lsn received() const = 0;
  // Transactions committed so far (ordinary or early), to tell an idle stream.
  virtual std::uint64_t commits() const = 0;
};

std::unique_ptr<ChangeDecoder> NewChangeDecoder(std::string stream_id, std::string database);

}  // namespace replicad::drivers::postgres
