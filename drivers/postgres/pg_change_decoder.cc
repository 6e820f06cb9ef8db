#include "drivers/postgres/pg_change_decoder.h"

#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "drivers/postgres/pg_row_events.h"
#include "drivers/postgres/pg_source.h"
#include "drivers/postgres/pg_transaction_spool.h"
#include "streams/core/log.h"

namespace replicad::drivers::postgres {
namespace {

using pgoutput::Lsn;

constexpr std::size_t kMaxRefusedEarly = 1024;
constexpr std::size_t kMaxEarlyCandidates = 1024;
constexpr std::int64_t kPgEpochOffsetMicros = 946'684'800'000'000;  // 2000-01-01 in Unix time

std::chrono::system_clock::time_point FromPgTime(pgoutput::PgTime time) {
  return std::chrono::system_clock::time_point(
      std::chrono::microseconds(time + kPgEpochOffsetMicros));
}

std::uint64_t ReadBigEndian(std::string_view bytes, std::size_t offset) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  }
  return value;
}

bool IsRow(const pgoutput::Message& message) {
  return std::holds_alternative<pgoutput::Insert>(message) ||
         std::holds_alternative<pgoutput::Update>(message) ||
         std::holds_alternative<pgoutput::Delete>(message) ||
         std::holds_alternative<pgoutput::Truncate>(message);
}

class Decoder final : public ChangeDecoder {
 public:
  Decoder(std::string stream_id, std::string database)
      : stream_id_(std::move(stream_id)), database_(std::move(database)) {}

  void Restart(std::string system_id, Lsn skip_until, Lsn start) override {
    Clear();
    system_id_ = std::move(system_id);
    skip_until_ = skip_until;
    received_ = start;
    // A logical walsender's keepalives carry how far it has decoded, which after a restart
    // begins below our checkpoint: never offer a checkpoint behind the one we resumed from.
    offered_ = std::max(start, skip_until);
  }

  void Clear() override {
    relations_.clear();
    in_transaction_ = false;
    streamed_.Clear();
    replay_.reset();
    early_.reset();
    early_candidates_.clear();
    early_relations_.clear();
    deferred_.clear();
    end_read_ = false;
    reply_requested_ = false;
  }

  void AllowEarly(bool allowed) override { early_allowed_ = allowed; }

  void RefuseEarly(std::uint32_t xid) override {
    // Never forgotten on their own (an end read on the connection about to close must not undo
    // a refusal); failures are rare, so the bound is only against a pathological stream.
    if (early_refused_.size() >= kMaxRefusedEarly) {
      early_refused_.clear();
    }
    early_refused_.insert(xid);
  }

  Status BeginRead(ReadResult& out,
                   std::shared_ptr<boost::json::monotonic_resource> arena) override {
    arena_ = std::move(arena);
    transaction_in_out_ = false;
    end_read_ = false;
    if (deferred_.empty()) {
      return Status::Ok();
    }
    const std::string message = std::exchange(deferred_, {});
    return Handle(message, out);
  }

  bool replaying() const override { return replay_ != nullptr; }
  bool read_ended() const override { return end_read_; }
  bool TakeReplyRequest() override { return std::exchange(reply_requested_, false); }
  Lsn received() const override { return received_; }
  std::uint64_t commits() const override { return commits_; }

  Status Handle(std::string_view message, ReadResult& out) override {
    if (message[0] == 'k' && message.size() >= 18) {
      const Lsn wal_end = ReadBigEndian(message, 1);
      received_ = std::max(received_, wal_end);
      if (!in_transaction_ && wal_end > offered_) {
        offered_ = wal_end;
        out.checkpoint = Encode(wal_end);
      }
      reply_requested_ = reply_requested_ || message[17] != 0;
      return Status::Ok();
    }
    if (message[0] != 'w' || message.size() < 25) {
      return Status::Corruption("unexpected replication message type");
    }
    received_ = std::max(received_, ReadBigEndian(message, 9));
    const std::string_view payload = message.substr(25);
    message_ = message;
    if (TransactionSpool* block = streamed_.block()) {
      ASSIGN_OR_RETURN(std::optional<pgoutput::StreamedChange> change,
                       pgoutput::SplitStreamedChange(payload));
      if (change) {
        if (!early_candidates_.empty() && pgoutput::IsRowTag(change->tag) &&
            early_candidates_.erase(block->xid()) > 0 && !early_) {
          if (!out.events.empty()) {
            early_candidates_.insert(block->xid());
            return Defer();  // an early read holds that transaction's changes and nothing else
          }
          early_ = EarlyTransaction{block->xid()};
          log::Info("applying a streamed transaction before its commit",
                    {{"stream", stream_id_}, {"xid", static_cast<std::int64_t>(block->xid())}});
        }
        RETURN_IF_ERROR(block->Append(change->xid, change->tag, change->body));
        return early_ && early_->xid == block->xid() ? DeliverEarly(*change, out) : Status::Ok();
      }
    }
    ASSIGN_OR_RETURN(pgoutput::Message decoded, pgoutput::Decode(payload));
    if (IsRow(decoded) && !skip_transaction_ && !MakeRoomForOrdinaryRows(out)) {
      return Defer();
    }
    return std::visit([&](auto& m) { return On(m, out); }, decoded);
  }

  // The message being handled waits for the next read, which it begins: this one ends here.
  Status Defer() {
    deferred_.assign(message_);
    end_read_ = true;
    return Status::Ok();
  }

  // Early delivery of a streamed transaction ends with `end`, first thing in a read (false:
  // this read holds something already, so the caller defers).
  bool EndEarly(EarlyEnd end, ReadResult& out) {
    if (!out.events.empty() || out.early_end != EarlyEnd::kNone) {
      return false;
    }
    out.early_end = end;
    early_.reset();
    if (end == EarlyEnd::kAbandon) {
      early_relations_.clear();  // read again from the spool, if it commits
    }
    return true;
  }

  Status DeliverEarly(const pgoutput::StreamedChange& change, ReadResult& out) {
    early_message_.assign(1, change.tag);
    early_message_.append(change.body);
    ASSIGN_OR_RETURN(pgoutput::Message decoded, pgoutput::Decode(early_message_));
    delivering_early_ = true;
    Status status = std::visit([&](auto& m) { return On(m, out); }, decoded);
    delivering_early_ = false;
    return status;
  }

  // One checkpointed already (it committed before where we resumed) is found out at its
  // commit and abandoned there: nothing of it is committed early.
  bool MayDeliverEarly(std::uint32_t xid) const {
    return early_allowed_ && !early_refused_.contains(xid);
  }

  // Delivered early is the first to bring a change while none is: not one whose changes all
  // belong to tables outside the publication (its blocks are empty), nor one with changes
  // spooled already.
  Status On(pgoutput::StreamStart& start, ReadResult&) {
    if (start.first_segment && MayDeliverEarly(start.xid) &&
        early_candidates_.size() < kMaxEarlyCandidates) {
      early_candidates_.insert(start.xid);
    }
    return streamed_.StartBlock(start.xid, start.first_segment);
  }

  Status On(pgoutput::StreamStop&, ReadResult&) {
    streamed_.StopBlock();
    return Status::Ok();
  }

  Status On(pgoutput::StreamAbort& abort, ReadResult& out) {
    if (abort.subxid == abort.xid) {
      early_candidates_.erase(abort.xid);
    }
    if (early_ && early_->xid == abort.xid) {
      // A rolled-back savepoint too: what it wrote early is in the held transaction.
      if (!EndEarly(EarlyEnd::kAbandon, out)) {
        return Defer();
      }
      log::Info("abandoned applying a streamed transaction before its commit",
                {{"stream", stream_id_},
                 {"xid", static_cast<std::int64_t>(abort.xid)},
                 {"reason", abort.subxid == abort.xid ? "rolled back" : "savepoint rolled back"}});
    }
    return streamed_.Abort(abort.xid, abort.subxid);
  }

  // The spooled changes go out as one ordinary transaction, a read's worth at a time.
  Status On(pgoutput::StreamCommit& streamed, ReadResult& out) {
    early_candidates_.erase(streamed.xid);
    const bool early_one = early_ && early_->xid == streamed.xid;
    if (early_one && streamed.commit.commit_lsn >= skip_until_) {
      return CommitEarly(streamed, out);
    }
    if (!early_one && streamed_.StreamedNothing(streamed.xid)) {
      // Another table's, say: it only moves the checkpoint, and one held early goes on.
      RETURN_IF_ERROR(streamed_.Commit(streamed.xid).status());
      pgoutput::Begin begin{streamed.commit.commit_lsn, streamed.commit.commit_time, streamed.xid};
      RETURN_IF_ERROR(On(begin, out));
      return On(streamed.commit, out);
    }
    if (!MakeRoomForOrdinaryRows(out, early_one ? "committed before the checkpoint"
                                                : "another transaction committed first")) {
      return Defer();
    }
    ASSIGN_OR_RETURN(replay_, streamed_.Commit(streamed.xid));
    const pgoutput::Commit& commit = streamed.commit;
    log::Info("applying a streamed transaction",
              {{"stream", stream_id_},
               {"xid", static_cast<std::int64_t>(streamed.xid)},
               {"spooled_bytes", static_cast<std::int64_t>(replay_->size())}});
    replay_commit_ = commit;
    pgoutput::Begin begin{commit.commit_lsn, commit.commit_time, streamed.xid};
    return On(begin, out);
  }

  // The commit and its checkpoint make a read of their own: what follows is written after
  // the checkpoint is stored, so a failure there never sends this transaction again.
  Status CommitEarly(const pgoutput::StreamCommit& streamed, ReadResult& out) {
    if (!EndEarly(EarlyEnd::kCommit, out)) {
      return Defer();
    }
    end_read_ = true;
    for (auto& [id, relation] : early_relations_) {
      relations_[id] = std::move(relation);
    }
    early_relations_.clear();
    RETURN_IF_ERROR(streamed_.Commit(streamed.xid).status());  // its spool is not needed
    offered_ = std::max(offered_, streamed.commit.end_lsn);
    out.checkpoint = Encode(streamed.commit.end_lsn);
    out.early_commit_time = FromPgTime(streamed.commit.commit_time);
    ++commits_;
    return Status::Ok();
  }

  // An ordinary transaction's rows cannot go where a transaction is held open for an early
  // one: that one is abandoned (false: not in this read, so the caller defers).
  bool MakeRoomForOrdinaryRows(ReadResult& out,
                               std::string_view reason = "another transaction committed first") {
    if (!early_) {
      return true;
    }
    const std::uint32_t xid = early_->xid;
    if (!EndEarly(EarlyEnd::kAbandon, out)) {
      return false;
    }
    log::Info(
        "abandoned applying a streamed transaction before its commit",
        {{"stream", stream_id_}, {"xid", static_cast<std::int64_t>(xid)}, {"reason", reason}});
    return true;
  }

  Status Replay(ReadResult& out, std::size_t max_events) override {
    while (out.events.size() < max_events) {
      ASSIGN_OR_RETURN(bool more, replay_->Next(replay_message_));
      if (!more) {
        replay_.reset();
        return On(replay_commit_, out);
      }
      ASSIGN_OR_RETURN(pgoutput::Message decoded, pgoutput::Decode(replay_message_));
      RETURN_IF_ERROR(std::visit([&](auto& m) { return On(m, out); }, decoded));
    }
    return Status::Ok();
  }

  Status On(pgoutput::Begin& begin, ReadResult&) {
    in_transaction_ = true;
    transaction_in_out_ = false;
    transaction_ = begin;
    transaction_lsn_ = pgoutput::FormatLsn(begin.final_lsn);
    skip_transaction_ = begin.final_lsn < skip_until_;
    index_ = 0;
    return Status::Ok();
  }

  Status On(pgoutput::Commit& commit, ReadResult& out) {
    in_transaction_ = false;
    if (skip_transaction_) {
      return Status::Ok();
    }
    if (transaction_in_out_) {
      out.events.back().transaction_end = true;
      out.events.back().position = Encode(commit.end_lsn);
    }
    offered_ = std::max(offered_, commit.end_lsn);
    out.checkpoint = Encode(commit.end_lsn);
    ++commits_;
    return Status::Ok();
  }

  Status On(pgoutput::Relation& relation, ReadResult&) {
    // An early transaction's relations take effect at its commit, as they would unstreamed.
    (delivering_early_ ? early_relations_ : relations_)[relation.id] = std::move(relation);
    return Status::Ok();
  }

  Status On(pgoutput::Insert& insert, ReadResult& out) {
    return AddRow(Operation::kInsert, insert.relation, 0, {}, &insert.new_tuple, out);
  }

  Status On(pgoutput::Update& update, ReadResult& out) {
    return AddRow(Operation::kUpdate, update.relation, update.old_kind, update.old_tuple,
                  &update.new_tuple, out);
  }

  Status On(pgoutput::Delete& deletion, ReadResult& out) {
    return AddRow(Operation::kDelete, deletion.relation, deletion.old_kind, deletion.old_tuple,
                  nullptr, out);
  }

  Status On(pgoutput::Truncate& truncate, ReadResult& out) {
    for (pgoutput::Oid id : truncate.relations) {
      RETURN_IF_ERROR(AddRow(Operation::kTruncate, id, 0, {}, nullptr, out));
    }
    return Status::Ok();
  }

  template <class Other>
  Status On(Other&, ReadResult&) {  // Type, Origin, logical messages (heartbeats)
    return Status::Ok();
  }

  Status AddRow(Operation operation, pgoutput::Oid relation_id, char old_kind,
                const pgoutput::Tuple& old_tuple, const pgoutput::Tuple* new_tuple,
                ReadResult& out) {
    if (skip_transaction_ && !delivering_early_) {
      return Status::Ok();
    }
    if (delivering_early_ != out.early_transaction.has_value() && !out.events.empty()) {
      return Status::Internal("early and ordinary changes in one read");
    }
    const pgoutput::Relation* relation = nullptr;
    if (auto early = early_relations_.find(relation_id);
        delivering_early_ && early != early_relations_.end()) {
      relation = &early->second;
    } else if (auto known = relations_.find(relation_id); known != relations_.end()) {
      relation = &known->second;
    }
    if (relation == nullptr) {
      return Status::Corruption("row for relation " + std::to_string(relation_id) +
                                " before its RELATION message");
    }
    Event event(arena_);
    event.stream_id = stream_id_;
    event.operation = operation;
    event.source = {"postgres", database_, relation->schema, relation->name};
    if (delivering_early_) {  // no commit yet: no commit LSN or time
      event.event_id =
          "early:" + std::to_string(early_->xid) + ":" + std::to_string(early_->delivered++);
      event.timestamp = std::chrono::system_clock::now();
      event.metadata = {{"txid", early_->xid}};
      out.early_transaction = early_->xid;
    } else {
      event.event_id = transaction_lsn_ + ":" + std::to_string(index_++);
      event.timestamp = FromPgTime(transaction_.commit_time);
      event.metadata = {{"txid", transaction_.xid}, {"commit_lsn", transaction_lsn_}};
    }
    RETURN_IF_ERROR(FillRowImages(*relation, old_kind, old_tuple, new_tuple, event));
    out.events.push_back(std::move(event));
    transaction_in_out_ = !delivering_early_;
    return Status::Ok();
  }

  Position Encode(Lsn lsn) const { return EncodePosition({system_id_, lsn}); }

  const std::string stream_id_;
  const std::string database_;
  std::shared_ptr<boost::json::monotonic_resource> arena_;  // of the current read
  std::unordered_map<pgoutput::Oid, pgoutput::Relation> relations_;
  StreamedTransactions streamed_;
  std::unique_ptr<TransactionSpool> replay_;  // a committed streamed transaction, read back
  pgoutput::Commit replay_commit_;
  std::string replay_message_;
  struct EarlyTransaction {
    std::uint32_t xid = 0;
    std::size_t delivered = 0;  // events
  };
  std::optional<EarlyTransaction> early_;               // the streamed one delivered early
  std::unordered_set<std::uint32_t> early_candidates_;  // streamed, no change of theirs yet
  bool early_allowed_ = false;
  std::unordered_set<std::uint32_t> early_refused_;  // xids to deliver after their commit only
  std::unordered_map<pgoutput::Oid, pgoutput::Relation> early_relations_;  // its RELATIONs
  bool delivering_early_ = false;  // handling an early change
  std::string early_message_;
  std::string_view message_;  // the one being handled, if it has to be deferred
  std::string deferred_;      // a message the next read begins with
  bool end_read_ = false;     // this read ends before the next message
  pgoutput::Begin transaction_;
  std::string transaction_lsn_;  // its commit LSN, formatted once
  bool in_transaction_ = false;
  bool skip_transaction_ = false;
  bool transaction_in_out_ = false;  // the open transaction has events in the current read
  std::size_t index_ = 0;
  std::string system_id_;
  Lsn skip_until_ = 0;  // transactions committed before this were checkpointed already
  Lsn received_ = 0;
  Lsn offered_ = 0;  // the latest checkpoint offered
  bool reply_requested_ = false;
  std::uint64_t commits_ = 0;
};

}  // namespace

std::unique_ptr<ChangeDecoder> NewChangeDecoder(std::string stream_id, std::string database) {
  return std::make_unique<Decoder>(std::move(stream_id), std::move(database));
}

}  // namespace replicad::drivers::postgres
