// Transactions PostgreSQL streams while they run: the protocol 2 messages captured from a real
// PostgreSQL 15 server (testdata/pgoutput_v2_stream.hex, made by `capture_pgoutput.sh URI stream`;
// the SQL there says what happened), and their spool.

#include "drivers/postgres/pg_transaction_spool.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "drivers/postgres/pgoutput.h"
#include "tests/drivers/captured_hex.h"

namespace replicad::drivers::postgres {
namespace {

using namespace pgoutput;

std::vector<std::string> ReadBack(TransactionSpool& spool) {
  REQUIRE(spool.Rewind().ok());
  std::vector<std::string> messages;
  std::string message;
  while (true) {
    Result<bool> more = spool.Next(message);
    REQUIRE(more.ok());
    if (!*more) {
      return messages;
    }
    messages.push_back(message);
  }
}

std::unique_ptr<TransactionSpool> NewSpool(std::uint32_t xid) {
  Result<std::unique_ptr<TransactionSpool>> spool = TransactionSpool::Create(xid);
  REQUIRE(spool.ok());
  return std::move(*spool);
}

// What the source does with a stream: blocks go to their transaction's spool; a commit reads
// it back.
struct Replayed {
  std::vector<std::vector<std::string>> committed_ids;  // of each streamed transaction
  std::vector<StreamAbort> aborts;
  std::vector<StreamStart> starts;
  std::vector<std::string> whole_transaction_ids;  // sent after their commit, not streamed
  bool subtransaction_changes = false;
};

Replayed ReplayCaptured() {
  static const std::vector<std::string> captured = ReadCapturedHex("pgoutput_v2_stream.hex");
  REQUIRE(captured.size() > 10);
  Replayed out;
  StreamedTransactions streamed;
  std::uint32_t block_xid = 0;
  for (const std::string& bytes : captured) {
    if (TransactionSpool* block = streamed.block()) {
      Result<std::optional<StreamedChange>> change = SplitStreamedChange(bytes);
      REQUIRE(change.ok());
      if (*change) {
        out.subtransaction_changes |= (*change)->xid != block_xid;
        REQUIRE(block->Append((*change)->xid, (*change)->tag, (*change)->body).ok());
        continue;
      }
    }
    Result<Message> message = Decode(bytes);
    REQUIRE(message.ok());
    if (const auto* start = std::get_if<StreamStart>(&*message)) {
      out.starts.push_back(*start);
      CHECK(streamed.block() == nullptr);
      REQUIRE(streamed.StartBlock(start->xid, start->first_segment).ok());
      block_xid = start->xid;
    } else if (std::holds_alternative<StreamStop>(*message)) {
      CHECK(streamed.block() != nullptr);
      streamed.StopBlock();
    } else if (const auto* abort = std::get_if<StreamAbort>(&*message)) {
      out.aborts.push_back(*abort);
      REQUIRE(streamed.Abort(abort->xid, abort->subxid).ok());
    } else if (const auto* commit = std::get_if<StreamCommit>(&*message)) {
      CHECK(commit->commit.end_lsn > commit->commit.commit_lsn);
      Result<std::unique_ptr<TransactionSpool>> spool = streamed.Commit(commit->xid);
      REQUIRE(spool.ok());
      std::vector<std::string> ids;
      for (const std::string& spooled : ReadBack(**spool)) {
        Result<Message> change = Decode(spooled);
        REQUIRE(change.ok());
        if (const auto* insert = std::get_if<Insert>(&*change)) {
          ids.emplace_back(insert->new_tuple[0].data);
        }
      }
      out.committed_ids.push_back(ids);
      CHECK(streamed.Commit(commit->xid).status().code() == StatusCode::kCorruption);
    } else if (const auto* insert = std::get_if<Insert>(&*message)) {
      out.whole_transaction_ids.emplace_back(insert->new_tuple[0].data);
    }
  }
  CHECK(streamed.block() == nullptr);
  return out;
}

std::vector<std::string> Ids(int from, int to) {
  std::vector<std::string> ids;
  for (int id = from; id <= to; ++id) {
    ids.push_back(std::to_string(id));
  }
  return ids;
}

TEST_CASE("a streamed transaction comes in blocks and replays without its rolled-back savepoint") {
  const Replayed replayed = ReplayCaptured();
  REQUIRE(replayed.committed_ids.size() == 1);
  std::vector<std::string> expected = Ids(1, 400);
  const std::vector<std::string> kept = Ids(801, 1000);
  expected.insert(expected.end(), kept.begin(), kept.end());
  CHECK(replayed.committed_ids[0] == expected);
  CHECK(replayed.subtransaction_changes);
  CHECK(replayed.whole_transaction_ids == std::vector<std::string>{"5000"});
  REQUIRE(replayed.starts.size() >= 3);  // more than one block for the first transaction
  CHECK(replayed.starts[0].first_segment);
  CHECK_FALSE(replayed.starts[1].first_segment);
}

TEST_CASE("a streamed transaction that rolls back is aborted whole; a savepoint alone") {
  const Replayed replayed = ReplayCaptured();
  REQUIRE(replayed.aborts.size() == 2);
  CHECK(replayed.aborts[0].subxid != replayed.aborts[0].xid);  // ROLLBACK TO SAVEPOINT
  CHECK(replayed.aborts[1].subxid == replayed.aborts[1].xid);  // ROLLBACK
  CHECK(replayed.aborts[1].xid != replayed.aborts[0].xid);
}

TEST_CASE("a streamed transaction with no row for us streamed nothing; one with a row did") {
  StreamedTransactions streamed;
  CHECK_FALSE(streamed.StreamedNothing(7));  // never streamed
  REQUIRE(streamed.StartBlock(7, /*first_segment=*/true).ok());
  CHECK(streamed.StreamedNothing(7));  // another table's: its blocks are empty
  REQUIRE(streamed.block()->Append(7, 'M', "a logical message").ok());
  CHECK(streamed.StreamedNothing(7));
  REQUIRE(streamed.StartBlock(8, /*first_segment=*/true).ok());
  REQUIRE(streamed.block()->Append(8, 'R', "a relation").ok());
  REQUIRE(streamed.block()->Append(8, 'I', "a row").ok());
  CHECK_FALSE(streamed.StreamedNothing(8));
  REQUIRE(streamed.Commit(8).ok());
  CHECK_FALSE(streamed.StreamedNothing(8));  // committed: not streaming any more
  for (char tag : std::string("RIUDT")) {
    CHECK(IsRowTag(tag));
  }
  for (char tag : std::string("MYOBC")) {
    CHECK_FALSE(IsRowTag(tag));
  }
}

TEST_CASE("a later block of a transaction never started is corruption") {
  StreamedTransactions streamed;
  CHECK(streamed.StartBlock(42, /*first_segment=*/false).code() == StatusCode::kCorruption);
  CHECK(streamed.block() == nullptr);
  REQUIRE(streamed.StartBlock(42, /*first_segment=*/true).ok());
  REQUIRE(streamed.block() != nullptr);
  streamed.StopBlock();
  REQUIRE(streamed.StartBlock(42, /*first_segment=*/false).ok());
  REQUIRE(streamed.Abort(42, 42).ok());
  CHECK(streamed.block() == nullptr);
  CHECK(streamed.Commit(42).status().code() == StatusCode::kCorruption);
}

TEST_CASE("a spool that cannot be created is a retryable error and leaves nothing behind") {
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before != nullptr ? before : "";
  setenv("TMPDIR", "/nonexistent-replicad-test-dir", 1);
  StreamedTransactions streamed;
  const Status started = streamed.StartBlock(7, /*first_segment=*/true);
  if (before != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  CHECK(started.code() == StatusCode::kUnavailable);
  CHECK(started.message().find("/nonexistent-replicad-test-dir") != std::string::npos);
  CHECK(streamed.block() == nullptr);
  CHECK(streamed.Commit(7).status().code() == StatusCode::kCorruption);
}

TEST_CASE("truncated stream messages are corruption") {
  CHECK(Decode("S\x00\x00").status().code() == StatusCode::kCorruption);
  CHECK(Decode(std::string("c\x00\x00\x00\x01\x00", 6)).status().code() == StatusCode::kCorruption);
  CHECK(Decode(std::string("A\x00\x00\x00\x01", 5)).status().code() == StatusCode::kCorruption);
  CHECK(SplitStreamedChange("I\x00\x01").status().code() == StatusCode::kCorruption);
  Result<std::optional<StreamedChange>> origin = SplitStreamedChange("O");
  REQUIRE(origin.ok());
  CHECK_FALSE(*origin);  // origins carry no xid
}

TEST_CASE("a subtransaction's abort drops its changes and its children's, nothing before") {
  std::unique_ptr<TransactionSpool> spool = NewSpool(100);
  REQUIRE(spool->Append(100, 'I', "top").ok());
  REQUIRE(spool->Append(101, 'I', "savepoint a").ok());
  REQUIRE(spool->Append(102, 'I', "savepoint b, inside a").ok());
  REQUIRE(spool->AbortSubtransaction(999).ok());  // no changes of its own: nothing to drop
  CHECK(ReadBack(*spool).size() == 3);
  REQUIRE(spool->AbortSubtransaction(102).ok());
  CHECK(ReadBack(*spool) == std::vector<std::string>{"Itop", "Isavepoint a"});
  REQUIRE(spool->Append(103, 'U', "savepoint c").ok());
  REQUIRE(spool->Append(103, 'D', "more of c").ok());
  REQUIRE(spool->AbortSubtransaction(101).ok());  // takes c too: it began after a
  CHECK(ReadBack(*spool) == std::vector<std::string>{"Itop"});
  REQUIRE(spool->Append(100, 'T', "after").ok());
  CHECK(ReadBack(*spool) == std::vector<std::string>{"Itop", "Tafter"});
  CHECK(spool->size() == 2 * sizeof(std::uint32_t) + 4 + 6);
}

TEST_CASE("a large spool reads back in order, byte for byte") {
  std::unique_ptr<TransactionSpool> spool = NewSpool(7);
  std::string body;
  for (int i = 0; i < 50'000; ++i) {
    body.assign(static_cast<std::size_t>(i % 300), static_cast<char>('a' + i % 26));
    body += std::to_string(i);
    REQUIRE(spool->Append(7, 'I', body).ok());
  }
  const std::vector<std::string> messages = ReadBack(*spool);
  REQUIRE(messages.size() == 50'000);
  for (int i = 0; i < 50'000; i += 4999) {
    CHECK(messages[i] ==
          "I" + std::string(static_cast<std::size_t>(i % 300), static_cast<char>('a' + i % 26)) +
              std::to_string(i));
  }
}

}  // namespace
}  // namespace replicad::drivers::postgres
