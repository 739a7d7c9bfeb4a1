#include "kernel/nft/nft_elements.h"

#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <algorithm>
#include <new>

#include "kernel/nft/nft_tag.h"

namespace lvsnft::netlink {
namespace {

using plan::DataType;
using plan::Element;
using plan::Value;
using Bytes = SmallBytes;

Status CheckValues(const std::vector<Value>& vals,
                   const std::vector<DataType>& types, const char* what) {
  if (vals.size() != types.size())
    return Status::Error(
        std::string(what) + " has " + std::to_string(vals.size()) +
        " components, expected " + std::to_string(types.size()));
  for (size_t i = 0; i < vals.size(); ++i) {
    if (vals[i].type != types[i] ||
        vals[i].bytes.size() != plan::DataTypeLen(types[i]))
      return Status::Error(std::string(what) + " component " +
                           std::to_string(i + 1) + " is not a " +
                           plan::DataTypeName(types[i]));
  }
  return Status();
}

Status CheckElement(const plan::Set& s, const Element& e) {
  Status st = CheckValues(e.key, s.key, "key");
  if (st.ok() && !e.key_end.empty()) {
    if (!s.interval) return Status::Error("range in a set without interval");
    st = CheckValues(e.key_end, s.key, "range end");
  }
  if (!st.ok()) return st;
  if (s.verdict_map != e.verdict.has_value())
    return Status::Error(s.verdict_map ? "verdict missing"
                                       : "unexpected verdict");
  if (e.verdict &&
      (e.verdict->kind == plan::VerdictKind::kJump ||
       e.verdict->kind == plan::VerdictKind::kGoto) &&
      e.verdict->chain.empty())
    return Status::Error("jump or goto without a chain");
  if (s.data.empty()) {
    if (!e.data.empty()) return Status::Error("unexpected map data");
    return Status();
  }
  return CheckValues(e.data, s.data, "data");
}

uint32_t VerdictCode(plan::VerdictKind k) {
  switch (k) {
    case plan::VerdictKind::kAccept:
      return NF_ACCEPT;
    case plan::VerdictKind::kDrop:
      return NF_DROP;
    case plan::VerdictKind::kJump:
      return static_cast<uint32_t>(NFT_JUMP);
    case plan::VerdictKind::kGoto:
      return static_cast<uint32_t>(NFT_GOTO);
    case plan::VerdictKind::kReturn:
      return static_cast<uint32_t>(NFT_RETURN);
  }
  return NF_ACCEPT;
}

void SetMapping(RawElement* r, const Element& e) {
  if (e.verdict) {
    r->verdict = static_cast<int>(VerdictCode(e.verdict->kind));
    r->chain = e.verdict->chain;
  } else if (!e.data.empty()) {
    r->data = EncodeValues(e.data, false);
  }
}

// One range of an interval set without concatenation, big endian.
struct Range {
  Bytes lo, hi;
  const Element* elem;
};

// hi + 1 in big endian; false when hi is all ones (no end element).
bool Successor(const Bytes& hi, Bytes* next) {
  *next = hi;
  for (size_t i = next->size(); i-- > 0;) {
    if (++(*next)[i] != 0) return true;
  }
  return false;
}

RawElement EndElem(Bytes key) {
  RawElement e;
  e.key = std::move(key);
  e.flags = NFT_SET_ELEM_INTERVAL_END;
  return e;
}

void MarkOpen(RawElement* e) {
  // nft records a range that runs to the largest value in userdata.
  uint8_t udata[6] = {NFTNL_UDATA_SET_ELEM_FLAGS, 4};
  uint32_t flags = NFTNL_SET_ELEM_F_INTERVAL_OPEN;
  std::copy_n(reinterpret_cast<uint8_t*>(&flags), 4, udata + 2);
  e->udata.assign(udata, udata + sizeof(udata));
}

Result<std::vector<Range>> SortedRanges(const std::vector<Element>& elems) {
  std::vector<Range> ranges;
  for (const auto& e : elems) {
    const auto& end = e.key_end.empty() ? e.key : e.key_end;
    ranges.push_back({EncodeValues(e.key, true), EncodeValues(end, true), &e});
    if (ranges.back().lo > ranges.back().hi)
      return Status::Error("range start is above its end");
  }
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const Range& a, const Range& b) { return a.lo < b.lo; });
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].lo <= ranges[i - 1].hi)
      return Status::Error("conflicting intervals specified");
  }
  return ranges;
}

// The elements of an interval set without concatenation, each with the
// element it comes from (none for nft's leading end).
Result<std::vector<RawElement>> Segments(const std::vector<Element>& elems,
                                         bool first_segment) {
  auto ranges = SortedRanges(elems);
  if (!ranges.ok()) return ranges.status();
  std::vector<RawElement> out;
  if (ranges->empty()) return out;
  const Bytes& first = ranges->front().lo;
  if (first_segment && std::any_of(first.begin(), first.end(),
                                   [](uint8_t b) { return b != 0; })) {
    out.push_back(EndElem(Bytes(first.size())));
  }
  for (Range& r : *ranges) {
    RawElement start;
    start.key = std::move(r.lo);
    SetMapping(&start, *r.elem);
    Bytes next;
    bool closed = Successor(r.hi, &next);
    if (!closed) MarkOpen(&start);
    start.src = r.elem;
    out.push_back(std::move(start));
    if (!closed) continue;
    out.push_back(EndElem(std::move(next)));
    out.back().src = r.elem;
  }
  for (size_t i = 0; i < out.size(); ++i) out[i].src_index = i;
  return out;
}

}  // namespace

Bytes EncodeValues(const std::vector<Value>& values, bool big_endian) {
  Bytes out;
  for (const Value& v : values) {
    size_t at = out.size();
    out.Append(v.bytes.data(), v.bytes.size());
    // Only marks are host-order integers among the plan's types.
    if (big_endian && v.type == DataType::kMark)
      std::reverse(out.begin() + at, out.end());
    if (values.size() > 1) out.Resize((out.size() + 3) / 4 * 4);
  }
  return out;
}

Result<std::vector<RawElement>> BuildRawElements(
    const plan::Set& s, const std::vector<Element>& elems, bool first_segment) {
  for (size_t i = 0; i < elems.size(); ++i) {
    Status st = CheckElement(s, elems[i]);
    if (!st.ok())
      return Status::Error("set " + s.name + ": element " +
                           std::to_string(i + 1) + ": " + st.message());
  }
  if (s.interval && s.key.size() == 1) {
    auto segs = Segments(elems, first_segment);
    if (!segs.ok())
      return Status::Error("set " + s.name + ": " + segs.status().message());
    return segs;
  }
  const bool concat_interval = s.interval;
  std::vector<RawElement> out(elems.size());
  for (size_t i = 0; i < elems.size(); ++i) {
    const Element& e = elems[i];
    RawElement& r = out[i];
    r.key = EncodeValues(e.key, concat_interval);
    if (concat_interval)
      r.key_end = EncodeValues(e.key_end.empty() ? e.key : e.key_end, true);
    SetMapping(&r, e);
    r.src = &e;
    r.src_index = i;
  }
  return out;
}

Result<std::vector<ElemPtr>> BuildElements(const plan::Set& s,
                                           const std::vector<Element>& elems,
                                           bool first_segment,
                                           std::vector<size_t>* origin) {
  auto raw = BuildRawElements(s, elems, first_segment);
  if (!raw.ok()) return raw.status();
  std::vector<ElemPtr> out;
  if (origin) origin->clear();
  for (const RawElement& r : *raw) {
    out.emplace_back(ToNftnl(r, true));
    if (out.back() == nullptr) throw std::bad_alloc();
    if (origin)
      origin->push_back(
          r.src ? static_cast<size_t>(r.src.element() - elems.data())
                : kNoOrigin);
  }
  return out;
}

}  // namespace lvsnft::netlink
