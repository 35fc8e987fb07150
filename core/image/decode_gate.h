// Where image decodes wait their turn: at most one per core at once,
// whichever front end (API, mount, CLI) asked, so that the memory all
// decodes take together is at most cores x OCTOPUS_MAX_DECODE_MEMORY
// (issue 15: three progressive JPEG bombs at once took the server to
// 1.83 GB). Callers should hold no lock while they wait (counting_gate.h).
#pragma once

#include "core/counting_gate.h"

namespace octopus::image {

// The process's gate: one slot per core (one when the count is unknown).
CountingGate& SharedDecodeGate();

}  // namespace octopus::image
