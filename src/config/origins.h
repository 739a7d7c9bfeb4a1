// Every Origin a parsed service holds, visited in one place: a service
// whose text moved in its file (a reload that reused its parsed form) has
// its origins moved with it, and tests compare them.
#pragma once

#include <functional>

#include "config/config.h"

namespace lvsnft {

/// Calls `f` on each Origin inside `s` (the service's own, its ports,
/// persistence, real servers, health checks and health policy). A new
/// Origin field in the model must be added here.
void VisitOrigins(Service& s, const std::function<void(Origin&)>& f);

/// Moves the origins of `s` from its old place in a file to a new one: its
/// pointer prefix `from` ("/services/3") becomes `to`, and every line
/// moves by `lines`. Columns stay (the service starts at the same column).
void MoveOrigins(Service& s, const JsonPointer& from, const JsonPointer& to,
                 int lines);

/// Moves every origin of `s` by `lines` (its entry kept its index).
void MoveLines(Service& s, int lines);

/// Moves the director's origins by `lines`.
void MoveLines(Director& d, int lines);

}  // namespace lvsnft
