#pragma once

// The held-transaction contract of a BatchWriter (WriteHeld / EndHeld, used by early apply),
// checked against a real database: nothing is visible before EndHeld(commit); a rollback, or
// any failure of a held write, leaves nothing of the whole transaction; ordinary Writes are
// refused while one is held, and work again after. The target table is the writer's, with a
// key `id` and a column `qty` that refuses negative values; `count` reads its rows on another
// connection.

#include <catch2/catch.hpp>
#include <functional>

#include "drivers/batch_writer.h"
#include "tests/support/change_events.h"

namespace replicad::testing {

inline void CheckHeldTransaction(drivers::BatchWriter& writer, const std::function<long()>& count) {
  // Large runs and small ones: both statement paths of a writer.
  REQUIRE(writer.WriteHeld(QtyInserts(1, 100)).ok());
  REQUIRE(writer.WriteHeld(QtyInserts(101, 10)).ok());
  CHECK(count() == 0);
  CHECK(writer.Write(QtyInserts(1000, 1)).status.code() == StatusCode::kInternal);
  REQUIRE(writer.EndHeld(true).ok());
  CHECK(count() == 110);

  REQUIRE(writer.WriteHeld(QtyInserts(200, 50)).ok());
  REQUIRE(writer.EndHeld(false).ok());
  CHECK(count() == 110);

  REQUIRE(writer.WriteHeld(QtyInserts(300, 50)).ok());
  const Status failed = writer.WriteHeld(QtyInserts(400, 50, 420));
  INFO(failed.ToString());
  CHECK(failed.code() == StatusCode::kDataError);
  CHECK(writer.EndHeld(true).ok());  // the failure ended it: nothing left to commit
  CHECK(count() == 110);

  const drivers::WriteResult ordinary = writer.Write(QtyInserts(500, 10));
  INFO(ordinary.status.ToString());
  REQUIRE(ordinary.status.ok());
  CHECK(count() == 120);
}

}  // namespace replicad::testing
