#include "core/companion_files.h"

#include <gtest/gtest.h>

namespace octopus {
namespace {

TEST(CompanionFilesTest, CameraCardCompanionsAreRecognisedInAnyCase) {
  for (const char* name : {"IMG_0001.MOV", "clip.mp4", "C0001.MP4", "IMG_0002.m4v", "GX010001.LRV",
                           "00001.MTS", "00002.m2ts", "MVI_0001.AVI", "old.3gp"}) {
    EXPECT_EQ(ClassifyCompanion(name), CompanionKind::kVideo) << name;
  }
  for (const char* name : {"IMG_0001.AAE", "MVI_0001.THM", "DSC_0001.xmp", "photo.jpg.XMP"}) {
    EXPECT_EQ(ClassifyCompanion(name), CompanionKind::kSidecar) << name;
  }
  for (const char* name : {"._IMG_0001.JPG", "._x", ".DS_Store", ".ds_store", "Thumbs.db",
                           "THUMBS.DB", "desktop.ini"}) {
    EXPECT_EQ(ClassifyCompanion(name), CompanionKind::kSystem) << name;
  }
}

TEST(CompanionFilesTest, PhotosAndEverythingElseAreJudgedByContent) {
  for (const char* name : {"IMG_0001.JPG", "IMG_0001.HEIC", "photo.jpeg", "README.md", "notes.txt",
                           "DSC_0001.NEF", "movie", "mov", ".mov", "._", "IMG.MOV.jpg", "x.movie",
                           "Thumbs.db.jpg", "a.DS_Store", ""}) {
    EXPECT_EQ(ClassifyCompanion(name), CompanionKind::kNone) << name;
    EXPECT_FALSE(IsCompanionFile(name)) << name;
  }
}

TEST(CompanionFilesTest, KindsHaveNames) {
  EXPECT_STREQ(CompanionKindName(CompanionKind::kVideo), "video");
  EXPECT_STREQ(CompanionKindName(CompanionKind::kSidecar), "sidecar");
  EXPECT_STREQ(CompanionKindName(CompanionKind::kSystem), "system file");
  EXPECT_STREQ(CompanionKindName(CompanionKind::kNone), "");
}

}  // namespace
}  // namespace octopus
