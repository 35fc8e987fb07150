#include "core/image/decode_gate.h"

#include <thread>

namespace octopus::image {

CountingGate& SharedDecodeGate() {
  // hardware_concurrency() is 0 when unknown: the gate then has one slot.
  static CountingGate gate(static_cast<int>(std::thread::hardware_concurrency()));
  return gate;
}

}  // namespace octopus::image
