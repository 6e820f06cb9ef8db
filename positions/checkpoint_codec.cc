#include "positions/checkpoint_codec.h"

#include <boost/crc.hpp>
#include <cstdint>

namespace replicad::positions {
namespace {

constexpr std::uint8_t kFormatVersion = 1;

using Crc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

std::uint32_t Checksum(std::string_view bytes) {
  Crc32c crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

template <class T>
void Put(std::string& out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out += static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF);
  }
}

void PutBytes(std::string& out, std::string_view bytes) {
  Put<std::uint32_t>(out, static_cast<std::uint32_t>(bytes.size()));
  out += bytes;
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  template <class T>
  bool Get(T& value) {
    if (bytes_.size() < sizeof(T)) {
      return false;
    }
    std::uint64_t result = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      result |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(bytes_[i])) << (8 * i);
    }
    value = static_cast<T>(result);
    bytes_.remove_prefix(sizeof(T));
    return true;
  }

  bool GetBytes(std::string& value) {
    std::uint32_t length = 0;
    if (!Get(length) || bytes_.size() < length) {
      return false;
    }
    value.assign(bytes_.substr(0, length));
    bytes_.remove_prefix(length);
    return true;
  }

  bool done() const { return bytes_.empty(); }

 private:
  std::string_view bytes_;
};

}  // namespace

std::string EncodeCheckpoint(const Checkpoint& checkpoint) {
  std::string out;
  out.reserve(40 + checkpoint.source_type.size() + checkpoint.position.bytes.size());
  Put<std::uint8_t>(out, kFormatVersion);
  Put<std::uint64_t>(out, checkpoint.sequence);
  Put<std::int64_t>(
      out, std::chrono::duration_cast<std::chrono::microseconds>(checkpoint.time.time_since_epoch())
               .count());
  Put<std::uint64_t>(out, checkpoint.event_count);
  PutBytes(out, checkpoint.source_type);
  PutBytes(out, checkpoint.position.bytes);
  Put<std::uint32_t>(out, Checksum(out));
  return out;
}

Result<Checkpoint> DecodeCheckpoint(std::string_view bytes) {
  if (bytes.size() < 5) {
    return Status::Corruption("checkpoint record is truncated");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  std::uint32_t stored = 0;
  Reader trailer(bytes.substr(bytes.size() - 4));
  (void)trailer.Get(stored);
  if (stored != Checksum(body)) {
    return Status::Corruption("checkpoint checksum mismatch");
  }
  Reader reader(body);
  std::uint8_t version = 0;
  (void)reader.Get(version);
  if (version != kFormatVersion) {
    return Status::Corruption("unknown checkpoint format version " + std::to_string(version));
  }
  Checkpoint checkpoint;
  std::int64_t micros = 0;
  if (!reader.Get(checkpoint.sequence) || !reader.Get(micros) ||
      !reader.Get(checkpoint.event_count) || !reader.GetBytes(checkpoint.source_type) ||
      !reader.GetBytes(checkpoint.position.bytes) || !reader.done()) {
    return Status::Corruption("checkpoint record has a bad layout");
  }
  checkpoint.time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::microseconds(micros)));
  return checkpoint;
}

}  // namespace replicad::positions
