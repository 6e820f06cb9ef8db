#pragma once

// Kazaam paths (kazaam.md §2): "a.b[0].c", "list[*].id", "tags[+]", "[0]". A path is parsed
// once, when the spec is compiled, and then read, written or erased in many documents.
//
// A path is split on the operation's key separator ("." by default). Each segment is a member
// name, optionally followed by one bracket group: [N] (an element), [*] (every element),
// [+] (append when writing) or [-] (prepend when writing). A segment that is only a bracket
// group indexes the current array. There is no escaping.

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "streams/core/status.h"

namespace replicad::transform::kazaam {

struct Segment {
  enum class Index { kNone, kAt, kEach, kAppend, kPrepend };

  std::string key;
  bool has_key = true;  // false for a bare "[N]"
  Index index = Index::kNone;
  std::size_t position = 0;  // kAt only
  // Writing: the members to make room for when this segment has to create the object that
  // holds `key` (see ReserveForTargets).
  std::size_t object_size = 0;
};

class Path {
 public:
  // The largest index a path may name: writing pads arrays with nulls up to it.
  static constexpr std::size_t kMaxIndex = 100'000;

  // InvalidArgument when a bracket group is not N, *, + or -, a segment has more than one
  // group or text after it, or an index exceeds kMaxIndex.
  static Result<Path> Parse(std::string_view text, std::string_view separator);

  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }
  bool HasEach() const;
  // A copy whose first [*] is [i].
  Path WithFirstEachAt(std::size_t i) const;

  // Sets each segment's object_size to the number of different member names the `targets`
  // write next to it, so that objects made while writing them are allocated once.
  static void ReserveForTargets(const std::vector<Path*>& targets);

 private:
  std::string text_;
  std::vector<Segment> segments_;
};

// Every value the engine makes for a document lives in that document's storage: a stream may
// hold its documents in an arena (a boost::json::monotonic_resource) to make them cheap.

// The outcome of reading a path: nothing there, a value inside the document, or an array
// built from the elements a [*] went through.
class Found {
 public:
  static Found Missing() { return Found(); }
  static Found At(const boost::json::value& value) { return Found(&value); }
  static Found Built(boost::json::value value) { return Found(std::move(value)); }

  bool missing() const { return !built_ && at_ == nullptr; }
  // Null when missing.
  const boost::json::value& value() const;
  // The value to write elsewhere, in `storage`: the built array moved out (it is built in the
  // storage of the document read), anything else copied.
  boost::json::value Take(const boost::json::storage_ptr& storage) &&;

 private:
  Found() = default;
  explicit Found(const boost::json::value* at) : at_(at) {}
  explicit Found(boost::json::value built) : built_(true), owned_(std::move(built)) {}

  const boost::json::value* at_ = nullptr;
  bool built_ = false;
  boost::json::value owned_;
};

// Reads `path` (kazaam.md §2.1). Missing members, indices past the end and steps into scalars
// are Missing; with `require` they are a DataError, also for an element that lacks the rest of
// a [*] path. A [*] over a missing array gives []; over a value that is not an array it is a
// DataError.
Result<Found> Read(const boost::json::value& document, const Path& path, bool require);

// Read, except that a [*] over a value that is not an array gives `*failed = true` and Missing
// instead of an error (concat and uuid names swallow that lookup error).
Result<Found> ReadLenient(const boost::json::value& document, const Path& path, bool require,
                          bool* failed);

// The value at a path without [*], [+] or [-] inside `document`, or nullptr.
boost::json::value* FindMutable(boost::json::value& document, const Path& path);

// Writes `value` at `path` (kazaam.md §2.2), creating what is missing: objects for member
// names (replacing scalars and arrays found on the way), arrays padded with nulls for [N].
// [*] writes into every element of an array that already exists. DataError when there is no
// array for a [*], when an index would be written into an object, or a member into a
// top-level array.
Status Write(boost::json::value& document, const Path& path, boost::json::value value);

// Removes the member or element at `path`, closing the gap in an array. REQUIRES: no [*].
// Returns whether there was anything to remove.
bool Erase(boost::json::value& document, const Path& path);

// The DataError for a missing required path.
Status RequiredMissing(const Path& path);

}  // namespace replicad::transform::kazaam
