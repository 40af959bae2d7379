// The lesson 6 caching labs (not built yet: the lesson's slot says so until this returns them).
#include "sim/lab.h"

namespace sim {

std::vector<LabInfo> caching_labs() { return {}; }

}  // namespace sim
