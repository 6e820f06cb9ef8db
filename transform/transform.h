#pragma once

// A Transform reshapes one JSON document: a change event on its way from the source to the
// destination, or a line of `replicad transform`. It is built once from a validated
// `transformations[]` entry (see registry.h) and then applied to every document.
//
// Apply is pure and synchronous: no I/O, no locks, no state that one call leaves for the next.
// It is const and thread-safe, so one Transform may serve any number of streams and threads at
// once. The only outputs that are not a function of the input are the ones the spec asks for
// (a random UUID, the current time).

#include <boost/json/value.hpp>
#include <optional>

#include "streams/core/status.h"

namespace replicad::transform {

class Transform {
 public:
  virtual ~Transform() = default;

  // Returns the transformed document, or nullopt when the transform filters the document out
  // (a Kazaam spec never does). Returns DataError when this document cannot be transformed (a
  // required path is missing, a value has a type the operation cannot use, ...); the message
  // names the operation and the path. Other documents may still succeed.
  virtual Result<std::optional<boost::json::value>> Apply(boost::json::value document) const = 0;
};

}  // namespace replicad::transform
