#include "director/status_kernel.h"

#include <linux/netfilter/nf_tables.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "base/addr.h"
#include "config/config.h"

namespace lvsnft::netlink {

namespace {

uint32_t BigEndian(std::span<const uint8_t> b) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4 && i < b.size(); ++i) v = v << 8 | b[i];
  return v;
}

// A service's slot block [first, first + count): the "mod M offset N" of
// the numgen/jhash expression that picks the slot (libnftnl's canonical
// text of the rule).
struct Block {
  uint32_t first = 0, count = 0;
};

std::optional<Block> SlotBlock(const LiveChain& c) {
  for (const auto& r : c.rules) {
    auto at = r.canon.find("mod ");
    unsigned long mod = 0, off = 0;
    if (at != std::string::npos &&
        std::sscanf(r.canon.c_str() + at, "mod %lu offset %lu", &mod, &off) ==
            2)
      return Block{static_cast<uint32_t>(off), static_cast<uint32_t>(mod)};
  }
  return std::nullopt;
}

// Is `slot` inside an interval of `set` (big-endian starts and
// INTERVAL_END elements one past each range)?
bool InIntervals(const LiveSet& set, uint32_t slot) {
  std::optional<std::pair<uint32_t, bool>> best;  // key, is start
  for (const auto& e : set.elements) {
    uint32_t k = BigEndian(e.key);
    bool start = !(e.flags & NFT_SET_ELEM_INTERVAL_END);
    // Adjacent ranges: a start at the end key of the previous one wins.
    if (k <= slot && (!best || k > best->first || (k == best->first && start)))
      best = {k, start};
  }
  return best && best->second;
}

bool InAnySet(const LiveTable& t, std::initializer_list<const char*> names,
              uint32_t slot) {
  for (const auto& s : t.sets) {
    for (const char* n : names) {
      if (s.name == n && InIntervals(s, slot)) return true;
    }
  }
  return false;
}

// TUN services forward through ipip devices lvt-XXXXXXXX, so the target
// chains of their slots (slots -> target id -> targets) are named after
// such a device: rs_ADDR_lvt_XXXXXXXX.
bool UsesTunnels(const LiveTable& t, const LiveChain& svc) {
  auto block = SlotBlock(svc);
  if (!block) return false;
  std::set<SmallBytes> ids;
  for (const auto& s : t.sets) {
    if (s.name != "slots") continue;
    for (const auto& e : s.elements) {
      uint32_t k = 0;  // a mark: host byte order
      if (e.key.size() != 4) continue;
      std::copy_n(e.key.begin(), 4, reinterpret_cast<uint8_t*>(&k));
      if (k - block->first < block->count) ids.insert(e.data);
    }
  }
  for (const auto& s : t.sets) {
    if (s.name != "targets") continue;
    for (const auto& e : s.elements) {
      if (ids.count(e.key) && e.chain.view().find("_lvt_") != std::string::npos)
        return true;
    }
  }
  return false;
}

std::string ModeOf(const LiveTable& t, const LiveChain& svc) {
  if (t.family == plan::TableFamily::kInet) {
    auto block = SlotBlock(svc);
    return block && InAnySet(t, {"fullnat4", "fullnat6"}, block->first)
               ? "fullnat"
               : "nat";
  }
  return UsesTunnels(t, svc) ? "tun" : "dr";
}

std::string ProtoText(uint8_t p) {
  for (Proto x : {Proto::kTcp, Proto::kUdp, Proto::kSctp}) {
    if (ProtoNumber(x) == p) return ProtoName(x);
  }
  return std::to_string(p);
}

std::string PortsText(const std::set<std::pair<int, int>>& ports) {
  std::string out;
  for (const auto& [a, b] : ports) {
    out += (out.empty() ? "" : ",") + std::to_string(a);
    if (b != a) out += "-" + std::to_string(b);
  }
  return out;
}

// Working record per service chain.
struct Found {
  KernelService svc;
  std::set<std::pair<int, int>> ports;
};

void AddDispatch(const LiveTable& t, const LiveSet& set, size_t alen,
                 std::map<std::string, Found>& out) {
  for (const auto& e : set.elements) {
    const std::string& name = e.chain;
    if (name.rfind("svc_", 0) != 0 || e.key.size() < 8 + alen) continue;
    const LiveChain* chain = FindChain(t, name);
    if (!chain) continue;
    Found& f = out[std::string(plan::FamilyKeyword(t.family)) + "/" + name];
    if (f.svc.name.empty()) {
      const std::string& c = chain->comment;
      f.svc.name = c.rfind("service ", 0) == 0 ? c.substr(8) : name.substr(4);
      f.svc.mode = ModeOf(t, *chain);
      f.svc.protocol = ProtoText(e.key[0]);
      IpAddr a;
      a.family = alen == 4 ? IpFamily::kV4 : IpFamily::kV6;
      std::copy_n(e.key.begin() + 4, alen, a.bytes.begin());
      f.svc.vip = a.ToString();
    }
    auto port = [&](std::span<const uint8_t> k) {
      return k.size() >= 6 + alen ? k[4 + alen] << 8 | k[5 + alen] : -1;
    };
    int lo = port(e.key);
    int hi = e.key_end.empty() ? lo : port(e.key_end);
    f.ports.insert({lo, hi});
  }
}

}  // namespace

std::vector<KernelService> ServicesInKernel(
    const std::vector<LiveTable>& live) {
  std::map<std::string, Found> found;
  for (const auto& t : live) {
    for (const auto& s : t.sets) {
      if (s.name == "svc4" || s.name == "svc4r") AddDispatch(t, s, 4, found);
      if (s.name == "svc6" || s.name == "svc6r") AddDispatch(t, s, 16, found);
    }
  }
  std::vector<KernelService> out;
  for (auto& [key, f] : found) {
    f.svc.ports = PortsText(f.ports);
    out.push_back(std::move(f.svc));
  }
  return out;
}

}  // namespace lvsnft::netlink
