// pass (kazaam.md §3): the document unchanged; any settings are ignored.

#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace {

class Pass : public Operation {
 public:
  Status Apply(boost::json::value&) const override { return Status::Ok(); }
};

}  // namespace

std::unique_ptr<Operation> CompilePass(const Context&) { return std::make_unique<Pass>(); }

}  // namespace replicad::transform::kazaam
