#include "core/image/heif_items.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace octopus::image {
namespace {

constexpr int kMaxDepth = 3;
constexpr std::size_t kMaxDecodes = 4096;
constexpr std::size_t kMaxNalUnits = 65536;

using Bytes = std::span<const std::uint8_t>;

// Pixel counts from a crafted file can pass 2^64; they stop there instead
// of wrapping around to a small number.
std::uint64_t Times(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r;
  return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}
std::uint64_t Plus(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}
using Graph = std::map<std::uint32_t, std::vector<std::uint32_t>>;  // item -> items it decodes
// Reference records as read: type, from_item_ID, to_item_IDs. A set, since
// both ways of reading a well-formed 'iref' find the same records.
using Records = std::set<std::tuple<std::string, std::uint32_t, std::vector<std::uint32_t>>>;

// Big-endian reads that report running out of bytes instead of reading past.
struct Reader {
  Bytes bytes;
  std::size_t at = 0;
  bool ok = true;

  std::uint64_t Read(int n) {
    if (!ok || bytes.size() - at < static_cast<std::size_t>(n)) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | bytes[at++];
    return v;
  }
  std::uint32_t U16() { return static_cast<std::uint32_t>(Read(2)); }
  std::uint32_t U32() { return static_cast<std::uint32_t>(Read(4)); }
  bool Skip(std::size_t n) {
    if (!ok || bytes.size() - at < n) return ok = false;
    at += n;
    return true;
  }
  std::size_t left() const { return ok ? bytes.size() - at : 0; }
};

struct Box {
  std::string_view type;
  Bytes payload;  // after the header
};

// The boxes laid end to end in `bytes`. A box declaring more bytes than are
// left is taken to run to the end: a reader that tolerates it must not see
// references this one missed.
std::vector<Box> Boxes(Bytes bytes) {
  std::vector<Box> out;
  std::size_t at = 0;
  while (bytes.size() - at >= 8) {
    Reader r{bytes.subspan(at)};
    std::uint64_t size = r.U32();
    const std::string_view type(reinterpret_cast<const char*>(bytes.data() + at + 4), 4);
    r.Skip(4);
    if (size == 1) size = r.Read(8);
    if (size == 0) size = bytes.size() - at;  // to the end
    if (type == "uuid") r.Skip(16);
    if (!r.ok || size < r.at) break;
    size = std::min<std::uint64_t>(size, bytes.size() - at);
    out.push_back({type, bytes.subspan(at + r.at, static_cast<std::size_t>(size) - r.at)});
    at += static_cast<std::size_t>(size);
  }
  return out;
}

// Where an item's data is: in the file (construction method 0) or in the
// 'idat' box (1), as an 'iloc' entry says. Every entry found is kept.
struct Extent {
  std::uint64_t offset = 0;  // base_offset + extent_offset
  std::uint64_t length = 0;  // 0: to the end
};
struct Location {
  int method = 0;
  std::vector<Extent> extents;
};
struct Items {
  std::map<std::uint32_t, std::set<std::string>> types;       // from every 'infe'
  std::map<std::uint32_t, std::vector<Location>> locations;   // from every 'iloc'
  std::vector<std::size_t> idat_starts;                       // payload offsets in the file
  std::vector<Box> properties;                                // 'ipco' children, in order
  std::map<std::uint32_t, std::set<std::size_t>> associated;  // 'ipma': 1-based indices
};

// What decoding an item decodes too: 'dimg' (a derived image decodes the
// images it names) and 'auxl' (an auxiliary image, such as alpha, is
// decoded with the image it names).
Graph DecodeGraph(const Records& records) {
  Graph g;
  for (const auto& [type, from, to] : records) {
    if (type == "dimg") {
      auto& edges = g[from];
      edges.insert(edges.end(), to.begin(), to.end());
    } else if (type == "auxl") {
      for (std::uint32_t master : to) g[master].push_back(from);
    }
  }
  return g;
}

// One record: header (size, type), from_item_ID, reference_count, the IDs.
// Reads as many IDs as are there; returns the record's declared size.
std::optional<std::uint64_t> ReadRecord(Reader& r, bool wide, Records& records) {
  std::uint64_t size = r.U32();
  if (!r.ok || r.left() < 4) return std::nullopt;
  const std::string_view type(reinterpret_cast<const char*>(r.bytes.data() + r.at), 4);
  r.Skip(4);
  if (size == 1) size = r.Read(8);
  if (type == "uuid") r.Skip(16);
  const std::uint32_t from = wide ? r.U32() : r.U16();
  const std::uint32_t count = r.U16();
  if (!r.ok) return std::nullopt;
  std::vector<std::uint32_t> to;
  for (std::uint32_t i = 0; i < count && r.left() > 0; ++i) to.push_back(wide ? r.U32() : r.U16());
  records.emplace(std::string(type), from, std::move(to));
  return size;
}

// An 'iref' payload (after its box header), read both ways: record after
// record, each where the previous one's IDs ended (libheif 1.15), and
// record after record, each where the previous one's declared size ends
// (ISO/IEC 14496-12). Both sets of records go into `records`.
void ReadIref(Bytes payload, Records& records) {
  Reader head{payload};
  const std::uint32_t version = static_cast<std::uint32_t>(head.Read(1));
  if (!head.Skip(3)) return;
  const bool wide = version != 0;
  const Bytes body = payload.subspan(4);
  Reader sequential{body};
  while (sequential.left() > 0 && ReadRecord(sequential, wide, records)) {
  }
  std::size_t at = 0;
  while (at < body.size()) {
    Reader sized{body.subspan(at)};
    const auto size = ReadRecord(sized, wide, records);
    if (!size || *size < 8 || *size > body.size() - at) break;
    at += static_cast<std::size_t>(*size);
  }
}

std::optional<std::uint32_t> ReadPitm(Bytes payload) {
  Reader r{payload};
  const std::uint32_t version = static_cast<std::uint32_t>(r.Read(1));
  r.Skip(3);
  const std::uint32_t id = version == 0 ? r.U16() : r.U32();
  return r.ok ? std::optional(id) : std::nullopt;
}

// 'iinf': entry count, then 'infe' boxes; version 2 and 3 of 'infe' carry
// the item's ID and type.
void ReadIinf(Bytes payload, Items& items) {
  Reader r{payload};
  const auto version = r.Read(1);
  r.Skip(3);
  r.Skip(version == 0 ? 2 : 4);
  if (!r.ok) return;
  for (const Box& infe : Boxes(payload.subspan(r.at))) {
    if (infe.type != "infe") continue;
    Reader e{infe.payload};
    const auto v = e.Read(1);
    e.Skip(3);
    if (v < 2) continue;
    const std::uint32_t id = v == 2 ? e.U16() : e.U32();
    e.Skip(2);  // item_protection_index
    if (!e.ok || e.left() < 4) continue;
    items.types[id].emplace(reinterpret_cast<const char*>(infe.payload.data() + e.at), 4);
  }
}

// 'iloc' (ISO/IEC 14496-12 8.11.3): each item's construction method and
// extents (the first 64).
void ReadIloc(Bytes payload, Items& items) {
  Reader r{payload};
  const auto version = r.Read(1);
  r.Skip(3);
  const auto sizes = r.Read(2);
  const int offset_size = static_cast<int>(sizes >> 12), length_size = (sizes >> 8) & 15;
  const int base_size = (sizes >> 4) & 15, index_size = version >= 1 ? sizes & 15 : 0;
  for (int n : {offset_size, length_size, base_size, index_size}) {
    if (n != 0 && n != 4 && n != 8) return;
  }
  const std::uint64_t count = version < 2 ? r.U16() : r.U32();
  for (std::uint64_t i = 0; i < count && r.ok; ++i) {
    const std::uint32_t id = version < 2 ? r.U16() : r.U32();
    const int method = version >= 1 ? static_cast<int>(r.U16() & 15) : 0;
    r.Skip(2);  // data_reference_index
    const std::uint64_t base = r.Read(base_size);
    const std::uint32_t extents = r.U16();
    Location at{method, {}};
    // With all three sizes 0 an extent takes no bytes: one stands for all.
    const bool empty = index_size + offset_size + length_size == 0;
    for (std::uint32_t e = 0; e < (empty ? std::min(extents, 1u) : extents) && r.ok; ++e) {
      r.Read(index_size);
      const std::uint64_t offset = r.Read(offset_size);
      const std::uint64_t length = r.Read(length_size);
      // Photos have one extent per item; a few dozen are plenty to look at.
      if (r.ok && at.extents.size() < 64) at.extents.push_back({base + offset, length});
    }
    if (!at.extents.empty()) items.locations[id].push_back(std::move(at));
  }
}

// 'ipma' (ISO/IEC 23008-12 9.3.3): for each item, the 1-based indices of
// its properties in 'ipco'.
void ReadIpma(Bytes payload, Items& items) {
  Reader r{payload};
  const auto version = r.Read(1);
  const bool wide_index = (r.Read(3) & 1) != 0;
  const std::uint32_t count = r.U32();
  for (std::uint32_t i = 0; i < count && r.ok; ++i) {
    const std::uint32_t id = version < 1 ? r.U16() : r.U32();
    const auto n = r.Read(1);
    for (std::uint64_t k = 0; k < n && r.ok; ++k) {
      const std::size_t index = wide_index ? r.U16() & 0x7fff : r.Read(1) & 0x7f;
      if (r.ok && index != 0) items.associated[id].insert(index);
    }
  }
}

// An HEVC NAL unit's bytes without its emulation prevention (00 00 03).
std::vector<std::uint8_t> Rbsp(Bytes nal) {
  std::vector<std::uint8_t> out;
  out.reserve(nal.size());
  int zeros = 0;
  for (std::uint8_t b : nal) {
    if (zeros >= 2 && b == 3) {
      zeros = 0;
      continue;
    }
    out.push_back(b);
    zeros = b == 0 ? zeros + 1 : 0;
  }
  return out;
}

struct BitReader {
  const std::vector<std::uint8_t>& bytes;
  std::size_t bit = 0;
  bool ok = true;
  std::uint32_t Bits(int n) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      if (bit >= bytes.size() * 8) {
        ok = false;
        return 0;
      }
      v = (v << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
      ++bit;
    }
    return v;
  }
  std::uint64_t Ue() {  // Exp-Golomb
    int zeros = 0;
    while (ok && Bits(1) == 0) {
      if (++zeros > 32) ok = false;
    }
    if (!ok) return 0;
    return ((std::uint64_t{1} << zeros) - 1) + Bits(zeros);
  }
};

// The luma size a sequence parameter set declares (H.265 7.3.2.2): what
// the decoder allocates for each frame, whatever the 'ispe' says.
std::optional<std::uint64_t> SpsPixels(Bytes nal) {
  if (nal.size() < 3 || ((nal[0] >> 1) & 0x3f) != 33) return std::nullopt;
  const std::vector<std::uint8_t> rbsp = Rbsp(nal.subspan(2));
  BitReader r{rbsp};
  r.Bits(4);  // sps_video_parameter_set_id
  const std::uint32_t sub_layers = r.Bits(3);
  r.Bits(1);
  r.Bits(96);  // general profile, tier and level
  std::vector<std::pair<bool, bool>> present(sub_layers);
  for (auto& [profile, level] : present) {
    profile = r.Bits(1) != 0;
    level = r.Bits(1) != 0;
  }
  if (sub_layers > 0) r.Bits(2 * (8 - static_cast<int>(sub_layers)));
  for (const auto& [profile, level] : present) {
    if (profile) r.Bits(88);
    if (level) r.Bits(8);
  }
  r.Ue();                      // sps_seq_parameter_set_id
  if (r.Ue() == 3) r.Bits(1);  // chroma_format_idc, separate_colour_plane_flag
  const std::uint64_t width = r.Ue();
  const std::uint64_t height = r.Ue();
  if (!r.ok) return std::nullopt;
  return Times(width, height);
}

// The largest frame an 'hvcC' box's parameter sets declare.
std::uint64_t HvccPixels(Bytes hvcc) {
  std::uint64_t largest = 0;
  Reader r{hvcc};
  r.Skip(22);
  const auto arrays = r.Read(1);
  for (std::uint64_t a = 0; a < arrays && r.ok; ++a) {
    r.Read(1);
    const std::uint32_t n = r.U16();
    for (std::uint32_t k = 0; k < n && r.ok; ++k) {
      const std::uint32_t length = r.U16();
      if (!r.ok || r.left() < length) return largest;
      largest = std::max(largest, SpsPixels(r.bytes.subspan(r.at, length)).value_or(0));
      r.Skip(length);
    }
  }
  return largest;
}

// The bytes from `offset` on, for an item stored with `method`: in the file
// (0), or in an 'idat' box (1), one view per 'idat' found. libheif reads
// on from there, even past the end of the 'idat' box.
std::vector<Bytes> DataFrom(Bytes file, const Items& items, int method, std::uint64_t offset) {
  std::vector<std::size_t> starts;
  if (method == 0) starts.push_back(0);
  if (method == 1) starts = items.idat_starts;
  std::vector<Bytes> out;
  for (std::size_t start : starts) {
    if (offset <= file.size() - start) {
      out.push_back(file.subspan(start + static_cast<std::size_t>(offset)));
    }
  }
  return out;
}

// The largest frame the parameter sets in an item's data declare: libheif
// hands the decoder NAL units with 4-byte lengths, after those of the
// item's 'hvcC', and a later set replaces an earlier one.
std::uint64_t DataPixels(Bytes file, const Items& items, const Location& at,
                         std::size_t& nal_budget) {
  std::uint64_t largest = 0;
  for (const Extent& e : at.extents) {
    for (Bytes data : DataFrom(file, items, at.method, e.offset)) {
      if (e.length != 0 && e.length < data.size()) {
        data = data.first(static_cast<std::size_t>(e.length));
      }
      Reader r{data};
      while (r.left() >= 4 && nal_budget > 0) {
        --nal_budget;
        const std::uint32_t length = r.U32();
        if (r.left() < length) break;
        largest = std::max(largest, SpsPixels(data.subspan(r.at, length)).value_or(0));
        r.Skip(length);
      }
    }
  }
  return largest;
}

// What one decode of a coded item costs, in pixels: its largest frame.
std::uint64_t FramePixels(Bytes file, const Items& items, std::uint32_t item,
                          std::size_t& nal_budget) {
  std::uint64_t largest = 0;
  if (const auto it = items.associated.find(item); it != items.associated.end()) {
    for (std::size_t index : it->second) {
      if (index <= items.properties.size() && items.properties[index - 1].type == "hvcC") {
        largest = std::max(largest, HvccPixels(items.properties[index - 1].payload));
      }
    }
  }
  if (const auto it = items.locations.find(item); it != items.locations.end()) {
    for (const Location& at : it->second) {
      largest = std::max(largest, DataPixels(file, items, at, nal_budget));
    }
  }
  return largest;
}

// The output size a 'grid' or 'iovl' item's data declares: the canvas
// libheif allocates before it decodes any tile, whatever the 'ispe' says.
std::optional<std::pair<std::uint64_t, std::uint64_t>> CanvasSize(Bytes file, const Items& items,
                                                                  const Location& at,
                                                                  bool overlay) {
  std::optional<std::pair<std::uint64_t, std::uint64_t>> largest;
  for (Bytes data : DataFrom(file, items, at.method, at.extents.front().offset)) {
    Reader r{data};
    r.Skip(1);  // version
    const bool wide = (r.Read(1) & 1) != 0;
    r.Skip(overlay ? 8 : 2);  // fill colour, or rows and columns
    const std::uint64_t w = wide ? r.U32() : r.U16();
    const std::uint64_t h = wide ? r.U32() : r.U16();
    if (r.ok && (!largest || w * h > largest->first * largest->second)) largest = {{w, h}};
  }
  return largest;
}

Status Refuse(const std::string& why) {
  return Status::UnsupportedMedia("not a supported image: HEIF " + why);
}

// Walks what decoding `item` decodes. `reached` gets every item on the way,
// `leaves` how many times each coded (not derived) image is decoded.
Status Visit(const Graph& g, std::uint32_t item, int depth, std::vector<std::uint32_t>& path,
             std::size_t& decodes, std::set<std::uint32_t>& reached,
             std::map<std::uint32_t, std::size_t>& leaves) {
  if (std::find(path.begin(), path.end(), item) != path.end()) {
    return Refuse("image refers to itself through its tiles or layers");
  }
  reached.insert(item);
  const auto it = g.find(item);
  if (it == g.end()) {
    ++leaves[item];
    return Status::Ok();
  }
  if (depth >= kMaxDepth) return Refuse("derived images nested too deeply");
  path.push_back(item);
  for (std::uint32_t next : it->second) {
    if (++decodes > kMaxDecodes) return Refuse("image made of too many tiles or layers");
    if (Status s = Visit(g, next, depth + 1, path, decodes, reached, leaves); !s.ok()) return s;
  }
  path.pop_back();
  return Status::Ok();
}

}  // namespace

Status CheckHeifDerivedImages(std::span<const std::uint8_t> file, std::uint64_t max_pixels) {
  Records records;
  Items items;
  std::vector<std::uint32_t> primaries;
  for (const Box& top : Boxes(file)) {
    if (top.type != "meta" || top.payload.size() < 4) continue;
    for (const Box& box : Boxes(top.payload.subspan(4))) {  // after version and flags
      if (box.type == "pitm") {
        if (auto id = ReadPitm(box.payload)) primaries.push_back(*id);
      } else if (box.type == "iref") {
        ReadIref(box.payload, records);
      } else if (box.type == "iinf") {
        ReadIinf(box.payload, items);
      } else if (box.type == "iloc") {
        ReadIloc(box.payload, items);
      } else if (box.type == "idat") {
        items.idat_starts.push_back(static_cast<std::size_t>(box.payload.data() - file.data()));
      } else if (box.type == "iprp") {
        for (const Box& child : Boxes(box.payload)) {
          if (child.type == "ipco") {
            for (const Box& property : Boxes(child.payload)) items.properties.push_back(property);
          } else if (child.type == "ipma") {
            ReadIpma(child.payload, items);
          }
        }
      }
    }
  }
  const Graph g = DecodeGraph(records);
  std::set<std::uint32_t> reached;
  for (std::uint32_t primary : primaries) {
    std::vector<std::uint32_t> path;
    std::size_t decodes = 0;
    std::map<std::uint32_t, std::size_t> leaves;
    if (Status s = Visit(g, primary, 0, path, decodes, reached, leaves); !s.ok()) return s;
    // Every coded frame is allocated whole, however little of it the image
    // shows: a grid's frames add up to about its canvas, so twice the
    // limit leaves room for tiles that overhang its edges.
    std::uint64_t total = 0;
    // Each tile's data is a few NAL units; a crafted file could make the
    // walk through them long.
    std::size_t nal_budget = kMaxNalUnits;
    for (const auto& [leaf, times] : leaves) {
      total = Plus(total, Times(times, FramePixels(file, items, leaf, nal_budget)));
    }
    if (nal_budget == 0) return Refuse("image data split into too many pieces");
    if (total > 2 * max_pixels) {
      return Status::TooLarge("image too large: its HEIF frames add up to " +
                              std::to_string(total) + " pixels, over twice the limit of " +
                              std::to_string(max_pixels));
    }
  }
  for (std::uint32_t item : reached) {
    const auto types = items.types.find(item);
    const auto where = items.locations.find(item);
    if (types == items.types.end() || where == items.locations.end()) continue;
    const bool grid = types->second.count("grid") != 0;
    const bool overlay = types->second.count("iovl") != 0;
    if (!grid && !overlay) continue;
    // A crafted file may give one item both types: check its data as each.
    std::vector<bool> layouts;
    if (grid) layouts.push_back(false);
    if (overlay) layouts.push_back(true);
    for (const Location& at : where->second) {
      for (const bool as_overlay : layouts) {
        const auto size = CanvasSize(file, items, at, as_overlay);
        if (size && size->first * size->second > max_pixels) {
          return Status::TooLarge(
              "image too large: a HEIF " + std::string(as_overlay ? "overlay" : "grid") + " of " +
              std::to_string(size->first) + "x" + std::to_string(size->second) +
              " is over the limit of " + std::to_string(max_pixels) + " pixels");
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace octopus::image
