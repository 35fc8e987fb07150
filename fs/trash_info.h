// The desktop's trash protocol on the mount (the freedesktop.org Trash
// specification, "$topdir/.Trash-$uid"), as a view of the library's trash.
//
// A file manager's "Move to Trash" (gio trash, and so Nautilus, Nemo,
// Thunar) on a file of the mount: checks that .Trash-UID is a directory
// the user owns, makes files/ and info/ (EEXIST is fine), creates
// info/NAME.trashinfo with O_EXCL, renames the file into files/NAME, then
// writes the info file's content to a temporary file in info/ and renames
// it over info/NAME.trashinfo. Here files/ lists the library's trashed
// photos; info/ shows, for each, a NAME.trashinfo made from the photo
// (its place in all/ and when it went to the trash); the files a desktop
// writes into info/ are accepted and dropped (scratch files), since the
// library already knows what they would say. Restoring from the desktop's
// trash view renames files/NAME back to all/NAME.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fs/tree.h"

namespace octopus::fs {

// The inode of the info file of the entry `files_ino` of files/: tree
// numbers stay far below 2^32, so this bit is never a tree node's.
inline constexpr Ino kTrashInfoBit = Ino{1} << 40;
inline bool IsTrashInfoIno(Ino ino) { return (ino & kTrashInfoBit) != 0; }
inline Ino TrashInfoIno(Ino files_ino) { return files_ino | kTrashInfoBit; }
inline Ino TrashedEntryOf(Ino info_ino) { return info_ino & ~kTrashInfoBit; }

inline constexpr std::string_view kTrashInfoSuffix = ".trashinfo";

// "NAME.trashinfo" -> "NAME"; empty when the name has no such suffix.
std::string_view TrashedNameOf(std::string_view info_name);

// The content of the info file of a photo shown as `name` in files/,
// trashed at `trashed` (seconds since the epoch): its original place,
// "all/NAME" relative to the mount (the spec's form for a top directory's
// trash), escaped as a URI path, and the deletion time in local time.
std::string TrashInfoContent(std::string_view name, std::int64_t trashed);

}  // namespace octopus::fs
