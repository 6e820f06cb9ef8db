#pragma once

// A pgoutput row message's tuples as a change event's row images (DESIGN.md "The change
// event"): `before` from the old tuple when the server sent one, `after` from the new one,
// and `key` from the relation's key columns of the newest image. Values are converted by
// pg_values.h. An unchanged TOAST value is taken from the old row when the server sent it
// whole (REPLICA IDENTITY FULL, old_kind 'O'); otherwise it is left out of `after` and named
// in `unchanged_columns`, so that the destination leaves it as it is.

#include "drivers/postgres/pgoutput.h"
#include "streams/core/event.h"

namespace replicad::drivers::postgres {

// old_kind: 0 (no old tuple), 'K' (its key) or 'O' (the whole old row); new_tuple: null for a
// delete or truncate. Corruption when a tuple does not match the relation.
Status FillRowImages(const pgoutput::Relation& relation, char old_kind,
                     const pgoutput::Tuple& old_tuple, const pgoutput::Tuple* new_tuple,
                     Event& event);

}  // namespace replicad::drivers::postgres
