#include "drivers/postgres/pg_transaction_spool.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "drivers/postgres/pgoutput.h"

namespace replicad::drivers::postgres {
namespace {

constexpr std::size_t kBufferBytes = 64 << 10;

Status FileError(const std::string& what) {
  return Status::Unavailable("spooling a streamed transaction: " + what + ": " +
                             std::strerror(errno));
}

}  // namespace

std::string TransactionSpool::Directory() {
  const char* directory = std::getenv("TMPDIR");
  return (directory != nullptr && *directory != '\0') ? directory : "/tmp";
}

Result<std::unique_ptr<TransactionSpool>> TransactionSpool::Create(std::uint32_t xid) {
  std::string path = Directory() + "/replicad-spool-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    return FileError("creating a file like " + path);
  }
  unlink(path.c_str());
  std::FILE* file = fdopen(fd, "w+b");
  if (file == nullptr) {
    const Status status = FileError("opening " + path);
    close(fd);
    return status;
  }
  return std::unique_ptr<TransactionSpool>(new TransactionSpool(xid, file));
}

TransactionSpool::TransactionSpool(std::uint32_t xid, std::FILE* file)
    : xid_(xid), file_(file), buffer_(kBufferBytes) {
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
}

TransactionSpool::~TransactionSpool() { std::fclose(file_); }

Status TransactionSpool::Append(std::uint32_t xid, char tag, std::string_view body) {
  if (xid != xid_ && subtransaction_ids_.insert(xid).second) {
    subtransactions_.push_back({xid, size_});
  }
  const auto length = static_cast<std::uint32_t>(body.size() + 1);
  if (std::fwrite(&length, sizeof length, 1, file_) != 1 || std::fputc(tag, file_) == EOF ||
      std::fwrite(body.data(), 1, body.size(), file_) != body.size()) {
    return FileError("writing");
  }
  size_ += sizeof length + length;
  appended_rows_ = appended_rows_ || pgoutput::IsRowTag(tag);
  return Status::Ok();
}

Status TransactionSpool::AbortSubtransaction(std::uint32_t subxid) {
  const auto found = std::find_if(subtransactions_.begin(), subtransactions_.end(),
                                  [&](const Subtransaction& known) { return known.xid == subxid; });
  if (found == subtransactions_.end()) {
    return Status::Ok();
  }
  size_ = found->offset;
  for (auto dropped = found; dropped != subtransactions_.end(); ++dropped) {
    subtransaction_ids_.erase(dropped->xid);
  }
  subtransactions_.erase(found, subtransactions_.end());
  if (std::fflush(file_) != 0 || ftruncate(fileno(file_), static_cast<off_t>(size_)) != 0 ||
      fseeko(file_, static_cast<off_t>(size_), SEEK_SET) != 0) {
    return FileError("truncating");
  }
  return Status::Ok();
}

Status TransactionSpool::Rewind() {
  if (std::fflush(file_) != 0 || fseeko(file_, 0, SEEK_SET) != 0) {
    return FileError("rewinding");
  }
  read_ = 0;
  return Status::Ok();
}

Result<bool> TransactionSpool::Next(std::string& message) {
  if (read_ == size_) {
    return false;
  }
  std::uint32_t length = 0;
  bool whole = std::fread(&length, sizeof length, 1, file_) == 1 && length > 0 &&
               read_ + sizeof length + length <= size_;
  if (whole) {
    message.resize(length);
    whole = std::fread(message.data(), 1, length, file_) == length;
  }
  if (!whole) {
    // Read back short of what was written: never apply part of a transaction as all of it.
    return std::ferror(file_) != 0 ? FileError("reading")
                                   : Status::Internal(
                                         "the spool of a streamed transaction is "
                                         "shorter than what was written to it");
  }
  read_ += sizeof length + length;
  return true;
}

Status StreamedTransactions::StartBlock(std::uint32_t xid, bool first_segment) {
  std::unique_ptr<TransactionSpool>& spool = open_[xid];
  if (first_segment) {
    Result<std::unique_ptr<TransactionSpool>> created = TransactionSpool::Create(xid);
    if (!created.ok()) {
      open_.erase(xid);
      return created.status();
    }
    spool = std::move(*created);
  } else if (!spool) {
    open_.erase(xid);
    return Status::Corruption("streamed transaction " + std::to_string(xid) +
                              " continued without its first block");
  }
  block_ = spool.get();
  return Status::Ok();
}

Status StreamedTransactions::Abort(std::uint32_t xid, std::uint32_t subxid) {
  const auto spool = open_.find(xid);
  if (spool == open_.end()) {
    return Status::Ok();
  }
  if (subxid != xid) {
    return spool->second->AbortSubtransaction(subxid);
  }
  if (block_ == spool->second.get()) {
    block_ = nullptr;
  }
  open_.erase(spool);
  return Status::Ok();
}

Result<std::unique_ptr<TransactionSpool>> StreamedTransactions::Commit(std::uint32_t xid) {
  const auto found = open_.find(xid);
  if (found == open_.end()) {
    return Status::Corruption("commit of streamed transaction " + std::to_string(xid) +
                              " that was never streamed");
  }
  std::unique_ptr<TransactionSpool> spool = std::move(found->second);
  open_.erase(found);
  if (block_ == spool.get()) {
    block_ = nullptr;
  }
  RETURN_IF_ERROR(spool->Rewind());
  return spool;
}

bool StreamedTransactions::StreamedNothing(std::uint32_t xid) const {
  const auto found = open_.find(xid);
  return found != open_.end() && (found->second->size() == 0 || !found->second->appended_rows());
}

void StreamedTransactions::Clear() {
  block_ = nullptr;
  open_.clear();
}

}  // namespace replicad::drivers::postgres
