// The opaque cursor of a photo listing: the last row's sort key (taken_at,
// id), hex-encoded so that clients treat it as opaque. It arrives from
// clients, so decoding is strict and bounded.
#pragma once

#include <string>

namespace octopus {

std::string EncodePhotoCursor(const std::string& taken_at, const std::string& id);
// False for anything EncodePhotoCursor cannot have produced in shape: odd
// or over 512 characters, not lower-case hex, no separator.
bool DecodePhotoCursor(const std::string& cursor, std::string* taken_at, std::string* id);

}  // namespace octopus
