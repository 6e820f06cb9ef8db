#pragma once

// Status and Result<T>: how every fallible function in replicad reports failure.
//
// Errors are values. A Status is OK or carries a code and a message; the code tells the
// caller what to do (the pipeline retries Unavailable, dead-letters DataError, stops on
// Corruption), the message tells a human what happened. Add context once per layer with
// Annotate(). Neither type throws.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "streams/core/check.h"

namespace replicad {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller (user, config) asked for something wrong
  kNotFound,            // a named thing does not exist
  kUnavailable,         // transient: retry may succeed (connection lost, timeout, deadlock)
  kDataError,           // this one event cannot be applied; others may (dead-letter it)
  kCorruption,          // stored state is damaged: stop, never guess
  kFailedPrecondition,  // the environment is not as required (locked data dir, wal_level)
  kCancelled,           // shutdown or an explicit stop
  kInternal,            // a bug or an unclassified failure
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message reads "context: message". OK stays OK.
  Status Annotate(std::string_view context) const;

  // "Unavailable: connection refused", or "OK".
  std::string ToString() const;

  // The database's own code for the failure (a SQLSTATE, a MySQL error number), when there
  // is one: retry_policy.permanent_error_codes matches it. Survives Annotate.
  const std::string& native_code() const { return native_code_; }
  Status WithNativeCode(std::string code) && {
    native_code_ = std::move(code);
    return std::move(*this);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string native_code_;
};

// Either a T or a non-OK Status. Accessing the value of a failed Result crashes.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    REPLICAD_CHECK(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    REPLICAD_CHECK(ok());
    return *value_;
  }
  const T& value() const& {
    REPLICAD_CHECK(ok());
    return *value_;
  }
  T&& value() && {
    REPLICAD_CHECK(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace replicad

#define REPLICAD_CONCAT_INNER(a, b) a##b
#define REPLICAD_CONCAT(a, b) REPLICAD_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    ::replicad::Status replicad_status_ = (expr); \
    if (!replicad_status_.ok()) {                 \
      return replicad_status_;                    \
    }                                             \
  } while (false)

// The same inside a coroutine returning Task<Status> or Task<Result<T>>.
#define CO_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    ::replicad::Status replicad_status_ = (expr); \
    if (!replicad_status_.ok()) {                 \
      co_return replicad_status_;                 \
    }                                             \
  } while (false)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) {                            \
    return tmp.status();                      \
  }                                           \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(REPLICAD_CONCAT(replicad_result_, __LINE__), lhs, expr)
