#include "compiler/lower_util.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "base/hash.h"
#include "base/sched.h"

namespace lvsnft::lower {

uint32_t UnitsFor(uint32_t slots) {
  uint32_t units = (slots + kSlotUnit - 1) / kSlotUnit;
  uint32_t pow2 = 1;
  while (pow2 < units) pow2 <<= 1;
  return pow2;
}

std::map<std::string, SlotBlock> AllocateSlots(
    const std::map<std::string, uint32_t>& needs) {
  std::vector<bool> used(kSlotUnits, false);
  std::map<std::string, SlotBlock> out;
  // std::map iterates by name: the probing order is input-order independent.
  for (const auto& [name, slots] : needs) {
    if (slots == 0) continue;
    uint32_t k = UnitsFor(slots);
    uint32_t positions = kSlotUnits / k;
    uint32_t pos = Hash32(name, 0x736c6f74) % positions;
    for (uint32_t tries = 0; tries < positions; ++tries) {
      uint32_t unit = ((pos + tries) % positions) * k;
      bool free = std::none_of(used.begin() + unit, used.begin() + unit + k,
                               [](bool b) { return b; });
      if (!free) continue;
      std::fill(used.begin() + unit, used.begin() + unit + k, true);
      out[name] = {kSlotRegionStart + unit * kSlotUnit, slots};
      break;
    }
  }
  return out;
}

namespace {

// Takes new connections: up, with weight.
bool IsActive(const RealServer& rs) {
  return rs.state == RsState::kUp && rs.weight > 0;
}

}  // namespace

std::vector<const RealServer*> ActiveServers(const Service& s) {
  std::vector<const RealServer*> out;
  out.reserve(s.real_servers.size());
  for (const auto& rs : s.real_servers) {
    if (IsActive(rs)) out.push_back(&rs);
  }
  return out;
}

std::vector<const RealServer*> LiveServers(const Service& s) {
  std::vector<const RealServer*> out;
  for (const auto& rs : s.real_servers) {
    if (rs.state != RsState::kDown) out.push_back(&rs);
  }
  return out;
}

namespace {

// The scheduler's backends; only Maglev reads their identities (labels).
std::vector<SchedBackend> Backends(const Service& s) {
  std::vector<SchedBackend> b;
  b.reserve(s.real_servers.size());
  bool maglev = s.scheduler == Scheduler::kSh ||
                s.scheduler == Scheduler::kDh || s.scheduler == Scheduler::kMh;
  for (const auto& rs : s.real_servers) {
    if (!IsActive(rs)) continue;
    b.push_back({maglev ? RsLabel(rs) : std::string(), rs.weight});
  }
  return b;
}

// IPv4 "a.b.c.d" appended to a fixed buffer; returns the end.
char* PutV4(char* p, const IpAddr& a) {
  for (int i = 0; i < 4; ++i) {
    if (i) *p++ = '.';
    p = std::to_chars(p, p + 3, a.bytes[i]).ptr;
  }
  return p;
}

}  // namespace

std::vector<uint32_t> SlotOwners(const Service& s) {
  std::vector<SchedBackend> b = Backends(s);
  if (b.empty()) return {};
  switch (s.scheduler) {
    case Scheduler::kRr: {
      std::vector<uint32_t> seq(b.size());
      for (uint32_t i = 0; i < seq.size(); ++i) seq[i] = i;
      return seq;
    }
    case Scheduler::kWrr:
    case Scheduler::kRandom:
      return WeightedSequence(b);
    case Scheduler::kSh:
    case Scheduler::kDh:
    case Scheduler::kMh:
      return MaglevTable(b, s.mh_table_size);
  }
  return {};
}

std::shared_ptr<const plan::SlotServers> SlotServersOf(
    const Service& s, const std::vector<const RealServer*>& active) {
  auto servers = std::make_shared<plan::SlotServers>();
  servers->owner = SlotOwners(s);
  servers->owner.shrink_to_fit();
  // "255.255.255.255:65535" is 21 bytes; the excess is given back below.
  servers->labels.reserve(active.size() * 21);
  servers->label_end.reserve(active.size());
  for (const RealServer* rs : active) {
    AppendRsLabel(servers->labels, *rs);
    servers->label_end.push_back(static_cast<uint32_t>(servers->labels.size()));
  }
  servers->labels.shrink_to_fit();
  return servers;
}

uint32_t SlotCount(const Service& s) {
  const auto active = static_cast<uint32_t>(
      std::count_if(s.real_servers.begin(), s.real_servers.end(), IsActive));
  switch (s.scheduler) {
    case Scheduler::kSh:
    case Scheduler::kDh:
    case Scheduler::kMh:
      // A Maglev table always has mh_table_size entries: no need to fill it.
      return active ? s.mh_table_size : 0;
    case Scheduler::kRr:  // one slot per active server
      return active;
    case Scheduler::kWrr:
    case Scheduler::kRandom:
      return WeightedSequenceLength(Backends(s));
  }
  return 0;
}

void AppendRsLabel(std::string& out, const RealServer& rs) {
  if (rs.address.family == IpFamily::kV6) {
    if (!rs.port) return void(out += rs.address.ToString());
    out += '[';
    out += rs.address.ToString();
    out += "]:";
    out += std::to_string(*rs.port);
    return;
  }
  char buf[24];
  char* p = PutV4(buf, rs.address);
  if (rs.port) {
    *p++ = ':';
    p = std::to_chars(p, buf + sizeof buf, *rs.port).ptr;
  }
  out.append(buf, p);
}

std::string RsLabel(const RealServer& rs) {
  std::string out;
  AppendRsLabel(out, rs);
  return out;
}

uint32_t ServiceSeed(const Service& s) { return Hash32(s.name, 0x73656564); }

uint32_t TargetId(const IpAddr& addr, const std::string& device) {
  uint32_t id = Hash32(addr.ToString() + "%" + device, 0x74617267);
  return id == 0 ? 1 : id;
}

std::string TunnelName(const IpAddr& rs) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "lvt-%08x", rs.v4());
  return buf;
}

bool IsTunnelName(std::string_view name) {
  if (name.size() != 12 || name.substr(0, 4) != "lvt-") return false;
  return std::all_of(name.begin() + 4, name.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

std::string ServiceChain(const Service& s) { return "svc_" + s.name; }

std::string TargetChain(const IpAddr& addr, const std::string& device) {
  std::string n = "rs_";
  for (char c : addr.ToString() + "_" + device) {
    auto b = static_cast<uint8_t>(c);
    bool word = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                (b >= '0' && b <= '9') || b == '_';
    if (word) {
      n += c;
    } else if (c == '.' || c == ':' || c == '-') {
      n += '_';
    } else {
      // nft reads chain names only as bare identifiers: spell any other
      // byte of the device name (UTF-8, '#', ';', ...) as xHH.
      char hex[4];
      std::snprintf(hex, sizeof(hex), "x%02x", b);
      n += hex;
    }
  }
  return n;
}

plan::FieldRef F(plan::Field f) { return plan::FieldRef{f, {}}; }

plan::Field SaddrField(IpFamily f) {
  return f == IpFamily::kV4 ? plan::Field::kIpSaddr : plan::Field::kIp6Saddr;
}

plan::Field DaddrField(IpFamily f) {
  return f == IpFamily::kV4 ? plan::Field::kIpDaddr : plan::Field::kIp6Daddr;
}

std::vector<uint8_t> PrefixMask(IpFamily f, int prefix) {
  int bits = f == IpFamily::kV4 ? 32 : 128;
  if (prefix < 0 || prefix >= bits) return {};
  std::vector<uint8_t> m(bits / 8, 0);
  for (int i = 0; i < prefix; ++i)
    m[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
  return m;
}

const char* FamilySuffix(IpFamily f) { return f == IpFamily::kV4 ? "4" : "6"; }

std::string Servers(size_t n) {
  return std::to_string(n) + (n == 1 ? " server" : " servers");
}

std::string ServiceSummary(const Service& s) {
  std::string ports;
  for (const auto& p : s.ports) {
    if (!ports.empty()) ports += ",";
    ports += std::to_string(p.first);
    if (!p.single()) ports += "-" + std::to_string(p.last);
  }
  std::string vip = s.vip.ToString();
  if (s.vip.family == IpFamily::kV6) vip = "[" + vip + "]";
  return std::string(ModeName(s.mode)) + " " + ProtoName(s.protocol) + " " +
         vip + ":" + ports + " " + SchedulerName(s.scheduler);
}

}  // namespace lvsnft::lower
