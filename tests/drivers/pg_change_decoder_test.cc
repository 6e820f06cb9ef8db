// Early apply in the pgoutput decoder, on hand-made protocol 2 messages: which streamed
// transaction is delivered early, and what the commit of one with nothing for us does.

#include "drivers/postgres/pg_change_decoder.h"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace replicad::drivers::postgres {
namespace {

constexpr std::uint32_t kTable = 16384;

class Wire {
 public:
  explicit Wire(char tag) { bytes_ += tag; }
  template <class T>
  Wire& Int(T value) {
    for (int shift = 8 * static_cast<int>(sizeof(T)) - 8; shift >= 0; shift -= 8) {
      bytes_ += static_cast<char>((static_cast<std::uint64_t>(value) >> shift) & 0xFF);
    }
    return *this;
  }
  Wire& Text(std::string_view text) {
    bytes_.append(text);
    bytes_ += '\0';
    return *this;
  }
  Wire& Column(std::string_view value) {
    bytes_ += 't';
    Int(static_cast<std::uint32_t>(value.size()));
    bytes_.append(value);
    return *this;
  }
  // As PQgetCopyData gives it: an XLogData header, then the pgoutput message.
  std::string Data() const { return std::string(1, 'w') + std::string(24, '\0') + bytes_; }

 private:
  std::string bytes_;
};

// xid 0: outside a stream block, where changes carry no xid.
Wire Change(char tag, std::uint32_t xid) {
  Wire wire(tag);
  if (xid != 0) {
    wire.Int(xid);
  }
  return wire;
}

std::string Relation(std::uint32_t xid = 0) {
  return Change('R', xid)
      .Int(kTable)
      .Text("public")
      .Text("t")
      .Int<std::uint8_t>('d')
      .Int<std::int16_t>(2)
      .Int<std::uint8_t>(1)
      .Text("id")
      .Int<std::uint32_t>(20)
      .Int<std::int32_t>(-1)
      .Int<std::uint8_t>(0)
      .Text("v")
      .Int<std::uint32_t>(25)
      .Int<std::int32_t>(-1)
      .Data();
}

std::string Insert(int id, std::uint32_t xid = 0) {
  return Change('I', xid)
      .Int(kTable)
      .Int<std::uint8_t>('N')
      .Int<std::int16_t>(2)
      .Column(std::to_string(id))
      .Column("v")
      .Data();
}

std::string LogicalMessage(std::uint32_t xid) {
  return Change('M', xid)
      .Int<std::uint8_t>(1)
      .Int<std::uint64_t>(0)
      .Text("outbox")
      .Int(std::uint32_t{0})
      .Data();
}

std::string StreamStart(std::uint32_t xid, bool first) {
  return Wire('S').Int(xid).Int<std::uint8_t>(first ? 1 : 0).Data();
}

std::string StreamStop() { return Wire('E').Data(); }

std::string StreamCommit(std::uint32_t xid, std::uint64_t lsn) {
  return Wire('c').Int(xid).Int<std::uint8_t>(0).Int(lsn).Int(lsn + 8).Int<std::int64_t>(0).Data();
}

std::string Begin(std::uint32_t xid, std::uint64_t lsn) {
  return Wire('B').Int(lsn).Int<std::int64_t>(0).Int(xid).Data();
}

std::string Commit(std::uint64_t lsn) {
  return Wire('C').Int<std::uint8_t>(0).Int(lsn).Int(lsn + 8).Int<std::int64_t>(0).Data();
}

// What each read carries, as the source reads them: "abandon", "commit early", "early XID: ids",
// "rows: ids", "checkpoint".
std::vector<std::string> Reads(const std::vector<std::string>& messages) {
  std::unique_ptr<ChangeDecoder> decoder = NewChangeDecoder("s", "db");
  decoder->Restart("1", 0, 0);
  decoder->AllowEarly(true);
  std::vector<std::string> reads;
  std::size_t next = 0;
  bool ended = false;
  while (next < messages.size() || decoder->replaying() || ended) {
    ReadResult out;
    REQUIRE(decoder->BeginRead(out, std::make_shared<boost::json::monotonic_resource>()).ok());
    while (!decoder->read_ended()) {
      if (decoder->replaying()) {
        REQUIRE(decoder->Replay(out, 1000).ok());
      } else if (next < messages.size()) {
        REQUIRE(decoder->Handle(messages[next++], out).ok());
      } else {
        break;
      }
    }
    ended = decoder->read_ended();
    std::string read;
    const auto add = [&](const std::string& part) { read += (read.empty() ? "" : ", ") + part; };
    if (out.early_end != EarlyEnd::kNone) {
      add(out.early_end == EarlyEnd::kCommit ? "commit early" : "abandon");
    }
    if (!out.events.empty()) {
      std::string ids;
      for (const Event& event : out.events) {
        ids += (ids.empty() ? "" : ",") + boost::json::serialize(event.after.at("id"));
      }
      add(out.early_transaction ? "early " + std::to_string(*out.early_transaction) + ": " + ids
                                : "rows: " + ids);
    }
    if (out.checkpoint) {
      add("checkpoint");
    }
    if (!read.empty()) {
      reads.push_back(read);
    }
  }
  return reads;
}

TEST_CASE("another table's streamed transaction commits while one is held early: it goes on") {
  const std::vector<std::string> reads =
      Reads({StreamStart(100, true), Relation(100), Insert(1, 100), StreamStop(),
             StreamStart(200, true), StreamStop(), StreamCommit(200, 1000),  // nothing for us
             StreamStart(100, false), Insert(2, 100), StreamStop(), StreamCommit(100, 2000)});
  // The checkpoint at the other's commit is before ours: it does not cover what is held.
  const std::vector<std::string> expected = {"early 100: 1,2, checkpoint",
                                             "commit early, checkpoint"};
  CHECK(reads == expected);
}

TEST_CASE("the first streamed transaction brings nothing for us: the next is applied early") {
  const std::vector<std::string> reads =
      Reads({StreamStart(200, true), StreamStop(), StreamStart(100, true), Relation(100),
             Insert(1, 100), StreamStop(), StreamStart(200, false), LogicalMessage(200),
             StreamStop(), StreamCommit(100, 1000), StreamCommit(200, 2000)});
  const std::vector<std::string> expected = {"early 100: 1", "commit early, checkpoint",
                                             "checkpoint"};
  CHECK(reads == expected);
}

TEST_CASE("a streamed transaction whose first change comes while another is early never is") {
  const std::vector<std::string> reads = Reads(
      {StreamStart(100, true), Relation(100), Insert(1, 100), StreamStop(), StreamStart(200, true),
       Relation(200), Insert(10, 200), StreamStop(), StreamCommit(100, 1000),
       StreamStart(200, false), Insert(11, 200), StreamStop(), StreamCommit(200, 2000)});
  const std::vector<std::string> expected = {"early 100: 1", "commit early, checkpoint",
                                             "rows: 10,11, checkpoint"};
  CHECK(reads == expected);
}

TEST_CASE("a streamed transaction with rows ends the one held early when it commits first") {
  const std::vector<std::string> reads =
      Reads({StreamStart(100, true), Relation(100), Insert(1, 100), StreamStop(),
             StreamStart(200, true), StreamStop(), StreamStart(100, false), Insert(2, 100),
             StreamStop(), StreamStart(200, false), Relation(200), Insert(10, 200), StreamStop(),
             StreamCommit(200, 1000), StreamCommit(100, 2000)});
  const std::vector<std::string> expected = {"early 100: 1,2", "abandon, rows: 10,1,2, checkpoint"};
  CHECK(reads == expected);
}

TEST_CASE("a streamed transaction's first change after ordinary rows begins a read of its own") {
  const std::vector<std::string> reads =
      Reads({Begin(50, 500), Relation(), Insert(5), Commit(500), StreamStart(100, true),
             Relation(100), Insert(1, 100), StreamStop(), StreamCommit(100, 1000)});
  const std::vector<std::string> expected = {"rows: 5, checkpoint", "early 100: 1",
                                             "commit early, checkpoint"};
  CHECK(reads == expected);
}

}  // namespace
}  // namespace replicad::drivers::postgres
