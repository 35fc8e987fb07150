// The decodes' gate (the gate itself: tests/core/counting_gate_test.cc).
#include "core/image/decode_gate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace octopus::image {
namespace {

TEST(DecodeGateTest, OneSlotPerCore) {
  EXPECT_EQ(SharedDecodeGate().slots(),
            std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace octopus::image
