#include "drivers/postgres/pg_source.h"

#include <libpq-fe.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <utility>

#include "drivers/postgres/pg_change_decoder.h"
#include "drivers/postgres/pg_snapshot.h"
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
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

// How often the server hears our position (and we ask how much WAL the slot retains).
constexpr auto kStatusInterval = std::chrono::seconds(10);
// Within one read, how long to let changes gather when they trickle in (fewer messages than
// kGatherBelow per wake-up); a read ends at its linger deadline, or when a pause brought
// nothing. Fewer wake-ups leave more CPU to the database (bench/README.md, stop 16: 20 ms
// against 5 ms), and a fuller socket lets the walsender send fewer, larger packets (stop 21:
// 40 ms against 20 ms).
constexpr auto kGatherDelay = std::chrono::milliseconds(40);
constexpr std::size_t kGatherBelow = 64;
// A read drains the socket before it waits again: a wait per libpq read (16 kB) made the
// walsender slower (bench/README.md, stop 20). Every this many reads, other work on the
// I/O thread gets its turn.
constexpr std::size_t kReadsPerYield = 16;
constexpr std::size_t kArenaBlock = 64 * 1024;                      // first block of a read's arena
constexpr std::int64_t kPgEpochOffsetMicros = 946'684'800'000'000;  // 2000-01-01 in Unix time

pgoutput::PgTime NowPgTime() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() -
         kPgEpochOffsetMicros;
}

void AppendBigEndian(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out += static_cast<char>((value >> shift) & 0xFF);
  }
}

class PgSource final : public Source {
 public:
  PgSource(Executor executor, PgSourceOptions options)
      : executor_(std::move(executor)),
        options_(std::move(options)),
        watch_(executor_),
        decoder_(NewChangeDecoder(options_.stream_id, options_.connect.database)) {}

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
    // Two server processes start up: at once, rather than one after the other.
    auto [controlled, replicating] =
        co_await (RunBlocking([&] { return Connect(control_, options_.connect); }) &&
                  RunBlocking([&] { return Connect(replication_, ReplicationOptions()); }));
    if (!controlled.ok() || !replicating.ok()) {
      co_return controlled.ok() ? replicating : controlled;
    }
    Result<Lsn> start = co_await RunBlocking([&]() { return Prepare(resume.has_value()); });
    if (!start.ok()) {
      co_return start.status();
    }
    acked_ = *start;
    decoder_->Restart(system_id_, skip_until_, *start);
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
    std::uint64_t commits = decoder_->commits();
    const auto note_commits = [&] {  // a stream that commits is not idle: no heartbeat yet
      if (decoder_->commits() != commits) {
        commits = decoder_->commits();
        last_heartbeat_ = Clock::now();
      }
    };
    // This read's events share one arena: no allocation or free per JSON node. It lives
    // until the last of them is gone.
    if (Status begun = decoder_->BeginRead(
            out, std::make_shared<boost::json::monotonic_resource>(kArenaBlock));
        !begun.ok()) {
      co_return begun;
    }
    note_commits();
    const Clock::time_point deadline = Clock::now() + linger;
    bool just_consumed = false;  // the socket was read since the last message
    std::size_t reads = 0;
    std::size_t messages = 0;  // since the last wait
    // Of those, the ones that carry changes: a keepalive also comes when the walsender has read
    // past commits we do not replicate, and says nothing about our trickle.
    std::size_t data_messages = 0;
    bool gathered = false;  // the last wait let a trickle gather
    while (out.events.size() < max_events && !decoder_->read_ended()) {
      if (decoder_->replaying()) {  // a committed streamed transaction, before what follows it
        if (Clock::now() - last_status_ >= kStatusInterval) {
          if (Status sent = SendStatus(); !sent.ok()) {  // the walsender hears from us meanwhile
            co_return sent;
          }
        }
        if (Status replayed = decoder_->Replay(out, max_events); !replayed.ok()) {
          co_return replayed;
        }
        note_commits();
        continue;
      }
      char* buffer = nullptr;
      const int length = PQgetCopyData(replication_->raw(), &buffer, /*async=*/1);
      if (length > 0) {
        ++messages;
        if (buffer[0] == 'w') {
          ++data_messages;
        }
        Status handled =
            decoder_->Handle(std::string_view(buffer, static_cast<std::size_t>(length)), out);
        PQfreemem(buffer);
        just_consumed = false;
        if (handled.ok() && decoder_->TakeReplyRequest()) {
          handled = SendStatus();
        }
        if (!handled.ok()) {
          co_return handled;
        }
        note_commits();
        continue;
      }
      if (length < 0) {
        co_return ClassifyError(replication_->raw(), nullptr, "replication stream")
            .Annotate("the server ended the replication stream");
      }
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
      if (!just_consumed) {  // read until a read brings nothing, then wait
        just_consumed = true;
        if (++reads % kReadsPerYield == 0) {
          co_await asio::post(executor_, asio::use_awaitable);
        }
        if (PQconsumeInput(replication_->raw()) == 0) {
          co_return ClassifyError(replication_->raw(), nullptr, "reading the replication stream");
        }
        continue;
      }
      just_consumed = false;
      if (Clock::now() - last_heartbeat_ >= options_.heartbeat_interval) {
        last_heartbeat_ = Clock::now();
        if (Status beat = co_await RunBlocking([&] { return EmitHeartbeat(); }); !beat.ok()) {
          co_return beat;
        }
      }
      if (gathered && data_messages == 0 &&
          (!out.events.empty() || out.checkpoint || out.early_end != EarlyEnd::kNone)) {
        break;  // the trickle stopped: nothing is gained by holding what came until the linger
      }
      const Clock::time_point wake_at =
          std::min(deadline, last_heartbeat_ + options_.heartbeat_interval);
      gathered = messages > 0 && messages < kGatherBelow;
      if (gathered) {
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
      data_messages = 0;
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

  void EnableEarlyApply() override {
    decoder_->AllowEarly(options_.streaming && options_.early_apply);
  }

  void RefuseEarlyApply(std::uint64_t transaction) override {
    decoder_->RefuseEarly(static_cast<std::uint32_t>(transaction));
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

  // Connect and Prepare block: they run on the blocking pool.
  static Status Connect(std::unique_ptr<PgConnection>& connection, const ConnectOptions& options) {
    ASSIGN_OR_RETURN(connection, PgConnection::Connect(options));
    return Status::Ok();
  }

  ConnectOptions ReplicationOptions() const {
    ConnectOptions replication = options_.connect;
    replication.replication = true;
    return replication;
  }

  Result<Lsn> Prepare(bool has_checkpoint) {
    RETURN_IF_ERROR(CheckServer(*control_));
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

  // Standby status update: written = received, flushed = applied = acknowledged.
  Status SendStatus() {
    std::string update = "r";
    AppendBigEndian(update, decoder_->received());
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
    decoder_->Clear();
  }

  Executor executor_;
  PgSourceOptions options_;
  ReadinessWatch watch_;  // the replication connection's socket
  std::unique_ptr<ChangeDecoder> decoder_;
  std::unique_ptr<PgConnection> control_;
  std::unique_ptr<PgConnection> replication_;
  std::unique_ptr<PgSnapshot> snapshot_;  // while the initial snapshot is read
  Lsn snapshot_point_ = 0;                // where streaming starts after it
  std::string system_id_;                 // of the server we stream from
  std::string checkpoint_system_id_;      // of the server the checkpoint was made on
  Lsn skip_until_ = 0;  // transactions committed before this were checkpointed already
  Lsn acked_ = 0;
  Clock::time_point last_status_{};
  std::optional<std::int64_t> bytes_behind_;
  Clock::time_point last_heartbeat_{};
};

}  // namespace

std::unique_ptr<Source> NewPgSource(Executor executor, PgSourceOptions options) {
  return std::make_unique<PgSource>(std::move(executor), std::move(options));
}

}  // namespace replicad::drivers::postgres
