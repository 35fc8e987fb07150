// A whole multipart upload body through MultipartReader, the reader the
// upload route streams POST /photos through. The first input line is the
// Content-Type; the rest is the body. It is read twice: at once, and in
// pieces whose sizes come from the input. Properties: no crash; the events
// are well nested (data only inside a part, every begun part ended before
// the next begins, no part ended after failure); both readings give the
// same parts, contents and verdict, so no piece boundary changes what is
// stored; a well-formed body ended its last part.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_bodies.h"

namespace {

using namespace octopus::http;

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Recorder final : MultipartReader::Sink {
  struct Part {
    MultipartPartHeader header;
    std::string content;
    bool ended = false;
  };
  std::vector<Part> parts;
  bool in_part = false;

  bool OnPartBegin(const MultipartPartHeader& header) override {
    Check(!in_part);
    parts.push_back({header, "", false});
    in_part = true;
    return true;
  }
  bool OnPartData(const char* data, std::size_t n) override {
    Check(in_part && n > 0);
    parts.back().content.append(data, n);
    return true;
  }
  bool OnPartEnd() override {
    Check(in_part);
    parts.back().ended = true;
    in_part = false;
    return true;
  }
};

bool Read(const std::string& boundary, std::string_view body, const std::vector<std::size_t>& cuts,
          Recorder* out) {
  MultipartReader reader(boundary, *out);
  std::size_t at = 0;
  bool ok = true;
  for (std::size_t i = 0; ok && at < body.size(); ++i) {
    const std::size_t n =
        cuts.empty() ? body.size() : std::min(cuts[i % cuts.size()], body.size() - at);
    ok = reader.Feed(body.substr(at, n));
    at += n;
  }
  return ok && reader.Finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  const auto boundary = MultipartReader::BoundaryOf(input.substr(0, nl));
  if (!boundary) return 0;
  Check(!boundary->empty() && boundary->size() <= MultipartReader::kMaxBoundaryBytes);
  const std::string_view body = input.substr(nl + 1);

  Recorder whole;
  const bool whole_ok = Read(*boundary, body, {}, &whole);
  // Piece sizes from the body's own bytes: 1 to 64.
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < std::min<std::size_t>(body.size(), 16); ++i) {
    cuts.push_back(1 + static_cast<unsigned char>(body[i]) % 64);
  }
  if (cuts.empty()) cuts.push_back(1);
  Recorder pieces;
  const bool pieces_ok = Read(*boundary, body, cuts, &pieces);

  Check(whole_ok == pieces_ok);
  if (whole_ok) {
    Check(!whole.in_part);
    Check(whole.parts.size() == pieces.parts.size());
    for (std::size_t i = 0; i < whole.parts.size(); ++i) {
      const auto& a = whole.parts[i];
      const auto& b = pieces.parts[i];
      Check(a.ended && b.ended);
      Check(a.header.name == b.header.name && a.header.filename == b.header.filename &&
            a.header.has_filename == b.header.has_filename && a.content == b.content);
    }
  }
  return 0;
}
