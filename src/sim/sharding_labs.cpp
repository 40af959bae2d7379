// The lesson 3 partitioning and sharding labs (not built yet: the lesson's slot says so until this returns them).
#include "sim/lab.h"

namespace sim {

std::vector<LabInfo> sharding_labs() { return {}; }

}  // namespace sim
