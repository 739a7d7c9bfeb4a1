#include "compiler/plan.h"

namespace lvsnft::plan {

Value ProtoValue(uint8_t proto) { return {DataType::kInetProto, {proto}}; }

Value AddrValue(const IpAddr& a) {
  Value v;
  v.type =
      a.family == IpFamily::kV4 ? DataType::kIpv4Addr : DataType::kIpv6Addr;
  v.bytes.Assign(a.bytes.data(), a.size());
  return v;
}

Value PortValue(uint16_t port) {
  return {DataType::kInetService,
          {static_cast<uint8_t>(port >> 8), static_cast<uint8_t>(port & 0xff)}};
}

Value MarkValue(uint32_t mark) {
  Value v{DataType::kMark, SmallBytes(4)};
  // Host byte order, as the kernel compares meta/ct mark registers.
  for (int i = 0; i < 4; ++i) {
    v.bytes[i] = reinterpret_cast<const uint8_t*>(&mark)[i];
  }
  return v;
}

void SlotServers::Add(std::string_view label) {
  labels += label;
  label_end.push_back(static_cast<uint32_t>(labels.size()));
}

std::string_view SlotServers::Label(size_t r) const {
  size_t begin = r == 0 ? 0 : label_end[r - 1];
  return std::string_view(labels).substr(begin, label_end[r] - begin);
}

void SlotTable::AddData(const Value& v) {
  data.insert(data.end(), v.bytes.begin(), v.bytes.end());
}

size_t SlotTable::DataCount() const { return data.size() / DataTypeLen(type); }

Value SlotTable::Data(size_t r) const {
  const size_t len = DataTypeLen(type);
  return {type, SmallBytes(data.data() + r * len, len)};
}

bool SlotTable::operator==(const SlotTable& o) const {
  auto same_servers =
      servers == o.servers || (servers && o.servers && *servers == *o.servers);
  return service == o.service && base == o.base && same_servers &&
         type == o.type && data == o.data;
}

Element SlotElement(const SlotTable& t, size_t i) {
  Element e;
  e.key = {MarkValue(t.base + static_cast<uint32_t>(i))};
  e.data = {t.Data(t.servers->owner[i])};
  e.service = t.service;
  e.real_server = t.RealServer(i);
  return e;
}

size_t ElementCount(const Set& s) {
  size_t n = s.elements.size();
  for (const SlotTable& t : s.slot_tables) n += t.size();
  return n;
}

void ExpandSlotTables(Plan& p) {
  for (Table& t : p.tables) {
    for (Set& s : t.sets) {
      s.elements.reserve(ElementCount(s));
      for (const SlotTable& st : s.slot_tables) {
        for (size_t i = 0; i < st.size(); ++i)
          s.elements.push_back(SlotElement(st, i));
      }
      s.slot_tables.clear();
      s.slot_tables.shrink_to_fit();
    }
  }
}

const char* DataTypeName(DataType t) {
  switch (t) {
    case DataType::kInetProto:
      return "inet_proto";
    case DataType::kIpv4Addr:
      return "ipv4_addr";
    case DataType::kIpv6Addr:
      return "ipv6_addr";
    case DataType::kInetService:
      return "inet_service";
    case DataType::kMark:
      return "mark";
  }
  return "?";
}

size_t DataTypeLen(DataType t) {
  switch (t) {
    case DataType::kInetProto:
      return 1;
    case DataType::kIpv4Addr:
      return 4;
    case DataType::kIpv6Addr:
      return 16;
    case DataType::kInetService:
      return 2;
    case DataType::kMark:
      return 4;
  }
  return 0;
}

const char* HookName(Hook h) {
  switch (h) {
    case Hook::kPrerouting:
      return "prerouting";
    case Hook::kInput:
      return "input";
    case Hook::kForward:
      return "forward";
    case Hook::kOutput:
      return "output";
    case Hook::kPostrouting:
      return "postrouting";
    case Hook::kIngress:
      return "ingress";
  }
  return "?";
}

const char* FamilyKeyword(TableFamily f) {
  return f == TableFamily::kInet ? "inet" : "netdev";
}

const Set* FindSet(const Table& t, std::string_view name) {
  return FindNamed(t.sets, name);
}

const Chain* FindChain(const Table& t, std::string_view name) {
  return FindNamed(t.chains, name);
}

const Tunnel* FindTunnel(const HostPlan& h, std::string_view name) {
  return FindNamed(h.tunnels, name);
}

Tunnel* FindTunnel(HostPlan& h, std::string_view name) {
  return const_cast<Tunnel*>(FindNamed(h.tunnels, name));
}

}  // namespace lvsnft::plan
