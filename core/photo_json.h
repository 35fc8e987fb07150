// The JSON photo record, shared by `octopus ls --json` and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>

#include "core/library.h"
#include "core/photo.h"

namespace octopus {

nlohmann::json PhotoToJson(const Photo& photo);
nlohmann::json UserToJson(const User& user);  // never includes secrets

}  // namespace octopus
