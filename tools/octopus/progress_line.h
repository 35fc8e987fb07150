// The one-line progress display of `octopus import` on a terminal:
//
//   [#########-----------] 12/40 files  48 MB of 120 MB  9.6 MB/s  7s left  IMG_0042.HEIC
//
// fitted to the terminal's width, so that redrawing it with "\r" never
// wraps (an 81-column line in an 80-column terminal scrolls on every
// update). Pure functions, so that the layout can be tested without a
// terminal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace octopus::cli {

struct ImportProgress {
  std::size_t files_done = 0, files_total = 0;
  // Bytes of the files workers have read so far (they read each file before
  // ingesting it, so this moves as a large file is read).
  std::int64_t bytes_read = 0;
  // Bytes of the files whose ingest is finished: what the estimate uses.
  std::int64_t bytes_done = 0;
  std::int64_t bytes_total = 0;
  double elapsed_s = 0;
  std::string current;  // the file most recently started ("" at the end)
};

// Seconds left, from the rate at which files have been finished; nullopt
// while that would be a guess: in the first 3 seconds and before 5% of the
// bytes are done (the first files finish after a whole ingest's latency,
// and their rate says little about the rest).
std::optional<double> EstimateSecondsLeft(const ImportProgress& p);

// The line for a terminal `columns` wide: at most columns - 1 display
// columns (the last column would make some terminals wrap). What does not
// fit is left out, least useful first: the file name, the bar, the rate,
// the time, the bytes.
std::string FormatProgressLine(const ImportProgress& p, int columns);

// Terminal width: the window size of `fd` (TIOCGWINSZ), else $COLUMNS, else 80.
int TerminalColumns(int fd);

// Columns `utf8` takes on a terminal, counted so as never to be under the
// real width: wide (East Asian, emoji) code points count 2 from U+1100 up.
std::size_t DisplayWidth(std::string_view utf8);

}  // namespace octopus::cli
