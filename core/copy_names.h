// The names copy tools give files while they write them.
#pragma once

#include <string>
#include <string_view>

namespace octopus {

// rsync writes each file as ".NAME.XXXXXX" (mkstemp's six characters) and
// renames it to NAME once it is complete. A copy into the mount is imported
// when it is closed, before that rename, so the photo takes NAME from the
// temporary name: renaming an entry of import/ never renames the photo.
// Any other name is returned as it is.
std::string NameBehindTemporary(std::string_view name);

}  // namespace octopus
