#include "streams/dead_letters.h"

#include <boost/json/serialize.hpp>

namespace replicad::streams {

DeadLetters::DeadLetters(std::string stream_id, int max_per_minute,
                         positions::DeadLetterStore* store)
    : stream_id_(std::move(stream_id)), max_per_minute_(max_per_minute), store_(store) {}

Status DeadLetters::Store(const Event& event, const Status& error, std::uint32_t attempts) {
  if (store_ == nullptr) {
    return Status::FailedPrecondition("no dead-letter queue for stream '" + stream_id_ + "'");
  }
  positions::DeadLetter letter{.event = boost::json::serialize(ToJson(event)),
                               .error = error.ToString(),
                               .time = std::chrono::system_clock::now(),
                               .attempts = attempts};
  RETURN_IF_ERROR(store_->Append(stream_id_, std::move(letter)).status());
  if (max_per_minute_ <= 0) {
    return Status::Ok();
  }
  const auto now = std::chrono::steady_clock::now();
  recent_.push_back(now);
  while (now - recent_.front() > std::chrono::minutes(1)) {
    recent_.pop_front();
  }
  if (recent_.size() > static_cast<std::size_t>(max_per_minute_)) {
    return Status::FailedPrecondition(
        std::to_string(recent_.size()) + " events were dead-lettered within a minute, more than " +
        "error_handling.max_dead_letters_per_minute (" + std::to_string(max_per_minute_) +
        "); inspect them with `replicad dlq list " + stream_id_ + "`");
  }
  return Status::Ok();
}

}  // namespace replicad::streams
