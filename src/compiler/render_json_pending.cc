// TEMPORARY until the JSON renderer lands: remove at merge.
#include "compiler/render.h"

namespace lvsnft {
std::string RenderJson(const plan::Plan&) { return "{}\n"; }
}  // namespace lvsnft
