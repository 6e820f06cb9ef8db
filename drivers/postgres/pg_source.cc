#include "drivers/postgres/pg_source.h"

#include <libpq-fe.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "drivers/postgres/pg_row_events.h"
#include "drivers/postgres/pg_snapshot.h"
#include "drivers/postgres/pg_transaction_spool.h"
#include "streams/core/log.h"
#include "streams/core/readiness_watch.h"

namespace replicad::drivers::postgres {

using pgoutput::Lsn;

Position EncodePosition(const PgPosition& position) {
  return Position{"pg1:" + position.system_id + ":" + pgoutput::FormatLsn(position.lsn)};
}

Result<PgPosition> DecodePosition(const Position& position) {
  const std::string_view bytes = position.bytes;
  const std::size_t colon = bytes.find(':', 4);
  if (bytes.starts_with("pg1:") && colon != std::string_view::npos && colon > 4) {
    const std::string_view system_id = bytes.substr(4, colon - 4);
    const std::optional<Lsn> lsn = pgoutput::ParseLsn(bytes.substr(colon + 1));
    if (lsn && system_id.find_first_not_of("0123456789") == std::string_view::npos) {
      return PgPosition{std::string(system_id), *lsn};
    }
  }
  return Status::Corruption("'" + position.bytes + "' is not a PostgreSQL position");
}

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// How often the server hears our position (and we ask how much WAL the slot retains).
constexpr auto kStatusInterval = std::chrono::seconds(10);
// Within one read, how long to let changes gather when they trickle in (fewer messages than
// kGatherBelow per wake-up).
constexpr auto kGatherDelay = std::chrono::milliseconds(5);
constexpr std::size_t kGatherBelow = 64;
constexpr std::size_t kMaxRefusedEarly = 1024;
constexpr std::size_t kArenaBlock = 64 * 1024;                      // first block of a read's arena
constexpr std::int64_t kPgEpochOffsetMicros = 946'684'800'000'000;  // 2000-01-01 in Unix time

std::chrono::system_clock::time_point FromPgTime(pgoutput::PgTime time) {
  return std::chrono::system_clock::time_point(
      std::chrono::microseconds(time + kPgEpochOffsetMicros));
}

pgoutput::PgTime NowPgTime() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() -
         kPgEpochOffsetMicros;
}

std::uint64_t ReadBigEndian(std::string_view bytes, std::size_t offset) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  }
  return value;
}

void AppendBigEndian(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out += static_cast<char>((value >> shift) & 0xFF);
  }
}

class PgSource final : public Source {
 public:
  PgSource(Executor executor, PgSourceOptions options)
      : executor_(std::move(executor)), options_(std::move(options)), watch_(executor_) {}

  ~PgSource() override { Disconnect(); }

  Task<Status> Open(std::optional<Position> resume) override {
    Disconnect();
    if (resume) {
      Result<PgPosition> decoded = DecodePosition(*resume);
      if (!decoded.ok()) {
        co_return decoded.status();
      }
      skip_until_ = decoded->lsn;
      checkpoint_system_id_ = decoded->system_id;
    }
    Result<Lsn> start = co_await RunBlocking([&]() { return Prepare(resume.has_value()); });
    if (!start.ok()) {
      co_return start.status();
    }
    acked_ = received_ = *start;
    // A logical walsender's keepalives carry how far it has decoded, which after a restart
    // begins below our checkpoint: never offer a checkpoint behind the one we resumed from.
    offered_ = std::max(*start, skip_until_);
    if (!snapshot_) {
      if (Status watched = watch_.Start(PQsocket(replication_->raw())); !watched.ok()) {
        co_return watched;
      }
    }
    last_heartbeat_ = Clock::now();
    co_return Status::Ok();
  }

  bool Snapshotting() const override { return snapshot_ != nullptr; }

  Task<Result<ReadResult>> Read(std::size_t max_events, std::chrono::milliseconds linger) override {
    if (snapshot_) {
      co_return co_await ReadSnapshot(max_events);
    }
    ReadResult out;
    out.events.reserve(std::min<std::size_t>(max_events, 1024));
    // This read's events share one arena: no allocation or free per JSON node. It lives
    // until the last of them is gone.
    arena_ = std::make_shared<boost::json::monotonic_resource>(kArenaBlock);
    transaction_in_out_ = false;
    end_read_ = false;
    if (!deferred_.empty()) {
      const std::string message = std::exchange(deferred_, {});
      if (Status handled = Handle(message, out); !handled.ok()) {
        co_return handled;
      }
    }
    const Clock::time_point deadline = Clock::now() + linger;
    bool just_consumed = false;
    std::size_t messages = 0;  // since the last wait
    while (out.events.size() < max_events && !end_read_) {
      if (replay_) {  // a streamed transaction that committed goes out before anything after it
        if (Status replayed = Replay(out, max_events); !replayed.ok()) {
          co_return replayed;
        }
        continue;
      }
      char* buffer = nullptr;
      const int length = PQgetCopyData(replication_->raw(), &buffer, /*async=*/1);
      if (length > 0) {
        ++messages;
        Status handled = Handle(std::string_view(buffer, static_cast<std::size_t>(length)), out);
        PQfreemem(buffer);
        if (!handled.ok()) {
          co_return handled;
        }
        continue;
      }
      if (length < 0) {
        co_return ClassifyError(replication_->raw(), nullptr, "replication stream")
            .Annotate("the server ended the replication stream");
      }
      if (!just_consumed) {  // take what the socket already holds before waiting for more
        just_consumed = true;
        if (PQconsumeInput(replication_->raw()) == 0) {
          co_return ClassifyError(replication_->raw(), nullptr, "reading the replication stream");
        }
        continue;
      }
      just_consumed = false;
      if (Clock::now() - last_status_ >= kStatusInterval) {
        if (Status sent = SendStatus(); !sent.ok()) {
          co_return sent;
        }
        Result<std::int64_t> retained =
            co_await RunBlocking([&] { return RetainedWalBytes(*control_, options_.setup.slot); });
        if (retained.ok()) {
          bytes_behind_ = *retained;
        }
      }
      if (Clock::now() >= deadline) {
        break;
      }
      if (Clock::now() - last_heartbeat_ >= options_.heartbeat_interval) {
        last_heartbeat_ = Clock::now();
        if (Status beat = co_await RunBlocking([&] { return EmitHeartbeat(); }); !beat.ok()) {
          co_return beat;
        }
      }
      const Clock::time_point wake_at =
          std::min(deadline, last_heartbeat_ + options_.heartbeat_interval);
      if (messages > 0 && messages < kGatherBelow) {
        // A trickle of small transactions: let more gather before the next look, rather than
        // waking for every message (a wake-up costs far more than decoding one). A flood
        // (a large transaction) is read as fast as it comes.
        asio::steady_timer timer(executor_, std::min(wake_at, Clock::now() + kGatherDelay));
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      } else if (Status waited = co_await watch_.WaitReadable(wake_at); !waited.ok()) {
        co_return waited;
      }
      if (PQconsumeInput(replication_->raw()) == 0) {
        co_return ClassifyError(replication_->raw(), nullptr, "reading the replication stream");
      }
      just_consumed = true;
      messages = 0;
    }
    co_return out;
  }

  Task<Status> Ack(Position position) override {
    Result<PgPosition> decoded = DecodePosition(position);
    if (!decoded.ok()) {
      co_return decoded.status();
    }
    acked_ = std::max(acked_, decoded->lsn);
    co_return SendStatus();
  }

  Task<void> Close() override {
    Disconnect();
    co_return;
  }

  std::optional<std::int64_t> BytesBehind() const override { return bytes_behind_; }

  void EnableEarlyApply() override { early_allowed_ = options_.streaming && options_.early_apply; }

  void RefuseEarlyApply(std::uint64_t transaction) override {
    // Never forgotten on their own (an end read on the connection about to close must not undo
    // a refusal); failures are rare, so the bound is only against a pathological stream.
    if (early_refused_.size() >= kMaxRefusedEarly) {
      early_refused_.clear();
    }
    early_refused_.insert(static_cast<std::uint32_t>(transaction));
  }

 private:
  // Snapshot rows until the tables are read; then streaming starts at the consistent point,
  // which is offered as the first checkpoint.
  Task<Result<ReadResult>> ReadSnapshot(std::size_t max_events) {
    Result<std::vector<Event>> rows =
        co_await RunBlocking([&] { return snapshot_->Next(max_events); });
    if (!rows.ok()) {
      co_return rows.status().Annotate("reading the initial snapshot");
    }
    if (!rows->empty()) {
      co_return ReadResult{std::move(*rows), std::nullopt};
    }
    snapshot_.reset();
    log::Info("initial snapshot done", {{"stream", options_.stream_id}});
    Result<Lsn> started = co_await RunBlocking([&] { return StartStreaming(snapshot_point_); });
    if (!started.ok()) {
      co_return started.status();
    }
    if (Status watched = watch_.Start(PQsocket(replication_->raw())); !watched.ok()) {
      co_return watched;
    }
    offered_ = snapshot_point_;
    co_return ReadResult{{}, Encode(snapshot_point_)};
  }

  Result<Lsn> BeginInitialSnapshot() {  // blocking
    ASSIGN_OR_RETURN(InitialSnapshot started,
                     StartInitialSnapshot(*control_, *replication_, options_.connect,
                                          {.stream_id = options_.stream_id,
                                           .snapshot_name = "",
                                           .publication = options_.setup.publication,
                                           .database = PQdb(control_->raw())},
                                          options_.setup.slot));
    snapshot_ = std::move(started.reader);
    snapshot_point_ = started.consistent_point;
    return snapshot_point_;
  }

  // Blocking: runs on the blocking pool.
  Result<Lsn> Prepare(bool has_checkpoint) {
    ASSIGN_OR_RETURN(control_, PgConnection::Connect(options_.connect));
    RETURN_IF_ERROR(CheckServer(*control_));
    ConnectOptions replication = options_.connect;
    replication.replication = true;
    ASSIGN_OR_RETURN(replication_, PgConnection::Connect(replication));
    PgResult identity(PQexec(replication_->raw(), "IDENTIFY_SYSTEM"));
    if (PQresultStatus(identity.get()) != PGRES_TUPLES_OK || PQntuples(identity.get()) != 1) {
      return ClassifyError(replication_->raw(), identity.get(), "IDENTIFY_SYSTEM");
    }
    system_id_ = PQgetvalue(identity.get(), 0, 0);
    if (has_checkpoint && checkpoint_system_id_ != system_id_) {
      return Status::FailedPrecondition(
          "this stream's checkpoint was made on PostgreSQL server " + checkpoint_system_id_ +
          ", but the source is server " + system_id_ +
          " (rebuilt or replaced?): its positions mean nothing here. Resynchronise the "
          "destination, then reset the position (replicad positions reset)");
    }
    RETURN_IF_ERROR(EnsurePublication(*control_, options_.setup));
    if (!has_checkpoint && options_.initial_snapshot) {
      return BeginInitialSnapshot();
    }
    ASSIGN_OR_RETURN(Lsn confirmed, EnsureSlot(*control_, options_.setup));
    if (has_checkpoint && confirmed > skip_until_) {
      return Status::FailedPrecondition(
          "replication slot " + options_.setup.slot + " was confirmed up to " +
          pgoutput::FormatLsn(confirmed) + ", past this stream's checkpoint " +
          pgoutput::FormatLsn(skip_until_) +
          ": something else consumed the slot, and the changes in between cannot be replayed. "
          "Resynchronise the destination, then reset the position (replicad positions reset)");
    }
    return StartStreaming(std::max(confirmed, skip_until_));
  }

  Result<Lsn> StartStreaming(Lsn start) {
    // Protocol 2 (PostgreSQL 14+) lets the server send a large transaction while it runs,
    // rather than spill it to its disk and send it all after the commit.
    const bool streaming = options_.streaming && PQserverVersion(replication_->raw()) >= 140000;
    const std::string command = "START_REPLICATION SLOT " + QuoteIdentifier(options_.setup.slot) +
                                " LOGICAL " + pgoutput::FormatLsn(start) + " (proto_version '" +
                                (streaming ? "2" : "1") + "', publication_names '" +
                                options_.setup.publication + "', messages 'true'" +
                                (streaming ? ", streaming 'on')" : ")");
    PgResult started(PQexec(replication_->raw(), command.c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_BOTH) {
      return ClassifyError(replication_->raw(), started.get(), "starting replication");
    }
    PQsetnonblocking(replication_->raw(), 1);
    log::Info("replication started", {{"stream", options_.stream_id},
                                      {"slot", options_.setup.slot},
                                      {"lsn", pgoutput::FormatLsn(start)},
                                      {"streaming", streaming ? "on" : "off"}});
    return start;
  }

  Position Encode(Lsn lsn) const { return EncodePosition({system_id_, lsn}); }

  Status EmitHeartbeat() {
    return control_->Execute("SELECT pg_logical_emit_message(true, 'replicad_heartbeat', '')")
        .status()
        .Annotate("emitting a heartbeat");
  }

  Status Handle(std::string_view message, ReadResult& out) {
    if (message[0] == 'k' && message.size() >= 18) {
      const Lsn wal_end = ReadBigEndian(message, 1);
      received_ = std::max(received_, wal_end);
      if (!in_transaction_ && wal_end > offered_) {
        offered_ = wal_end;
        out.checkpoint = Encode(wal_end);
      }
      return message[17] != 0 ? SendStatus() : Status::Ok();
    }
    if (message[0] != 'w' || message.size() < 25) {
      return Status::Corruption("unexpected replication message type");
    }
    received_ = std::max(received_, ReadBigEndian(message, 9));
    const std::string_view payload = message.substr(25);
    if (TransactionSpool* block = streamed_.block()) {
      ASSIGN_OR_RETURN(std::optional<pgoutput::StreamedChange> change,
                       pgoutput::SplitStreamedChange(payload));
      if (change) {
        RETURN_IF_ERROR(block->Append(change->xid, change->tag, change->body));
        return early_ && early_->xid == block->xid() ? DeliverEarly(*change, out) : Status::Ok();
      }
    }
    ASSIGN_OR_RETURN(pgoutput::Message decoded, pgoutput::Decode(payload));
    message_ = message;
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
    return early_allowed_ && !early_ && !early_refused_.contains(xid);
  }

  Status On(pgoutput::StreamStart& start, ReadResult& out) {
    if (start.first_segment && MayDeliverEarly(start.xid)) {
      if (!out.events.empty()) {
        return Defer();  // an early read holds that transaction's changes and nothing else
      }
      early_ = EarlyTransaction{start.xid};
      log::Info("applying a streamed transaction before its commit",
                {{"stream", options_.stream_id}, {"xid", static_cast<std::int64_t>(start.xid)}});
    }
    return streamed_.StartBlock(start.xid, start.first_segment);
  }

  Status On(pgoutput::StreamStop&, ReadResult&) {
    streamed_.StopBlock();
    return Status::Ok();
  }

  Status On(pgoutput::StreamAbort& abort, ReadResult& out) {
    if (early_ && early_->xid == abort.xid) {
      // A rolled-back savepoint too: what it wrote early is in the held transaction.
      if (!EndEarly(EarlyEnd::kAbandon, out)) {
        return Defer();
      }
      log::Info("abandoned applying a streamed transaction before its commit",
                {{"stream", options_.stream_id},
                 {"xid", static_cast<std::int64_t>(abort.xid)},
                 {"reason", abort.subxid == abort.xid ? "rolled back" : "savepoint rolled back"}});
    }
    return streamed_.Abort(abort.xid, abort.subxid);
  }

  // The spooled changes go out as one ordinary transaction, a read's worth at a time.
  Status On(pgoutput::StreamCommit& streamed, ReadResult& out) {
    if (early_ && early_->xid == streamed.xid && streamed.commit.commit_lsn >= skip_until_) {
      return CommitEarly(streamed, out);
    }
    if (!MakeRoomForOrdinaryRows(out, early_ && early_->xid == streamed.xid
                                          ? "committed before the checkpoint"
                                          : "another transaction committed first")) {
      return Defer();
    }
    ASSIGN_OR_RETURN(replay_, streamed_.Commit(streamed.xid));
    const pgoutput::Commit& commit = streamed.commit;
    log::Info("applying a streamed transaction",
              {{"stream", options_.stream_id},
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
    last_heartbeat_ = Clock::now();
    return Status::Ok();
  }

  // An ordinary transaction's rows cannot go where a transaction is held open for an early
  // one: that one is abandoned (false: not in this read, so the caller defers).
  bool MakeRoomForOrdinaryRows(ReadResult& out,
                               std::string_view reason = "another transaction committed first") {
    if (!early_ || delivering_early_) {
      return true;
    }
    const std::uint32_t xid = early_->xid;
    if (!EndEarly(EarlyEnd::kAbandon, out)) {
      return false;
    }
    log::Info("abandoned applying a streamed transaction before its commit",
              {{"stream", options_.stream_id},
               {"xid", static_cast<std::int64_t>(xid)},
               {"reason", reason}});
    return true;
  }

  Status Replay(ReadResult& out, std::size_t max_events) {
    if (Clock::now() - last_status_ >= kStatusInterval) {
      RETURN_IF_ERROR(SendStatus());  // the walsender hears from us while we replay
    }
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
    last_heartbeat_ = Clock::now();
    return Status::Ok();
  }

  Status On(pgoutput::Relation& relation, ReadResult&) {
    // An early transaction's relations take effect at its commit, as they would unstreamed.
    (delivering_early_ ? early_relations_ : relations_)[relation.id] = std::move(relation);
    return Status::Ok();
  }

  Status On(pgoutput::Insert& insert, ReadResult& out) {
    if (!skip_transaction_ && !MakeRoomForOrdinaryRows(out)) {
      return Defer();
    }
    return AddRow(Operation::kInsert, insert.relation, 0, {}, &insert.new_tuple, out);
  }

  Status On(pgoutput::Update& update, ReadResult& out) {
    if (!skip_transaction_ && !MakeRoomForOrdinaryRows(out)) {
      return Defer();
    }
    return AddRow(Operation::kUpdate, update.relation, update.old_kind, update.old_tuple,
                  &update.new_tuple, out);
  }

  Status On(pgoutput::Delete& deletion, ReadResult& out) {
    if (!skip_transaction_ && !MakeRoomForOrdinaryRows(out)) {
      return Defer();
    }
    return AddRow(Operation::kDelete, deletion.relation, deletion.old_kind, deletion.old_tuple,
                  nullptr, out);
  }

  Status On(pgoutput::Truncate& truncate, ReadResult& out) {
    if (!skip_transaction_ && !MakeRoomForOrdinaryRows(out)) {
      return Defer();
    }
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
    event.stream_id = options_.stream_id;
    event.operation = operation;
    event.source = {"postgres", options_.connect.database, relation->schema, relation->name};
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

  // Standby status update: written = received, flushed = applied = acknowledged.
  Status SendStatus() {
    std::string update = "r";
    AppendBigEndian(update, received_);
    AppendBigEndian(update, acked_);
    AppendBigEndian(update, acked_);
    AppendBigEndian(update, static_cast<std::uint64_t>(NowPgTime()));
    update += '\0';
    if (PQputCopyData(replication_->raw(), update.data(), static_cast<int>(update.size())) != 1 ||
        PQflush(replication_->raw()) == -1) {
      return ClassifyError(replication_->raw(), nullptr, "sending a status update");
    }
    last_status_ = Clock::now();
    return Status::Ok();
  }

  void Disconnect() {
    watch_.Stop();
    snapshot_.reset();
    replication_.reset();
    control_.reset();
    relations_.clear();
    in_transaction_ = false;
    streamed_.Clear();
    replay_.reset();
    early_.reset();
    early_relations_.clear();
    deferred_.clear();
    end_read_ = false;
  }

  Executor executor_;
  PgSourceOptions options_;
  std::shared_ptr<boost::json::monotonic_resource> arena_;  // of the current Read
  ReadinessWatch watch_;                                    // the replication connection's socket
  std::unique_ptr<PgConnection> control_;
  std::unique_ptr<PgConnection> replication_;
  std::unique_ptr<PgSnapshot> snapshot_;  // while the initial snapshot is read
  Lsn snapshot_point_ = 0;                // where streaming starts after it
  std::unordered_map<pgoutput::Oid, pgoutput::Relation> relations_;
  StreamedTransactions streamed_;
  std::unique_ptr<TransactionSpool> replay_;  // a committed streamed transaction, read back
  pgoutput::Commit replay_commit_;
  std::string replay_message_;
  struct EarlyTransaction {
    std::uint32_t xid = 0;
    std::size_t delivered = 0;  // events
  };
  std::optional<EarlyTransaction> early_;            // the streamed one delivered early
  bool early_allowed_ = false;                       // EnableEarlyApply, and our options
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
  std::string system_id_;             // of the server we stream from
  std::string checkpoint_system_id_;  // of the server the checkpoint was made on
  Lsn skip_until_ = 0;  // transactions committed before this were checkpointed already
  Lsn received_ = 0;
  Lsn acked_ = 0;
  Lsn offered_ = 0;  // the latest checkpoint offered to the pipeline
  Clock::time_point last_status_{};
  std::optional<std::int64_t> bytes_behind_;
  Clock::time_point last_heartbeat_{};
};

}  // namespace

std::unique_ptr<Source> NewPgSource(Executor executor, PgSourceOptions options) {
  return std::make_unique<PgSource>(std::move(executor), std::move(options));
}

}  // namespace replicad::drivers::postgres
