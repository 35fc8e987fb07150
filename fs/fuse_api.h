// The one place that picks the libfuse API version (3.12: the loop-config
// API). Every fs/ file includes libfuse through this header.
#pragma once

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
