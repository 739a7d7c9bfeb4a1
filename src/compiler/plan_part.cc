#include "compiler/plan_part.h"

#include "compiler/render.h"

namespace lvsnft::plan {
namespace {

// A table with the same header and no sets or chains.
Table Header(const Table& t) {
  Table out;
  out.family = t.family;
  out.name = t.name;
  out.comment = t.comment;
  return out;
}

// A set declaration without elements.
Set Declaration(const Set& s) {
  Set out = s;
  out.elements.clear();
  out.slot_tables.clear();
  return out;
}

// The owned (`owned` true) or the other elements of every set, and the
// chains of the owners or of the others.
Plan Split(const Plan& p, const std::set<std::string>& services, bool owned) {
  Plan out;
  for (const auto& t : p.tables) {
    Table part = Header(t);
    for (const auto& s : t.sets) {
      Set d = Declaration(s);
      for (const auto& e : s.elements) {
        if ((services.count(e.service) > 0) == owned) d.elements.push_back(e);
      }
      for (const auto& st : s.slot_tables) {
        if ((services.count(st.service) > 0) == owned)
          d.slot_tables.push_back(st);
      }
      part.sets.push_back(std::move(d));
    }
    for (const auto& c : t.chains) {
      if ((services.count(c.service) > 0) == owned) part.chains.push_back(c);
    }
    out.tables.push_back(std::move(part));
  }
  return out;
}

// Host objects as comparable text.
std::string HostText(const HostPlan& h) {
  std::string out;
  for (const auto& a : h.addresses) {
    out += "address " + a.device + " " + a.addr.ToString() + "/" +
           std::to_string(a.prefix) + " " + a.service + "\n";
  }
  for (const auto& s : h.sysctls) out += "sysctl " + s.path + s.value + "\n";
  for (const auto& t : h.tunnels) {
    out += "tunnel " + t.name + " " + t.remote.ToString() + " " +
           (t.local ? t.local->ToString() : "-");
    for (const auto& s : t.services) out += " " + s;
    out += "\n";
  }
  return out;
}

}  // namespace

Plan OwnedPart(const Plan& p, const std::set<std::string>& services) {
  return Split(p, services, true);
}

Plan SharedPart(const Plan& p, const std::set<std::string>& services) {
  Plan out = Split(p, services, false);
  out.host = p.host;
  return out;
}

bool SameSharedPart(const Plan& a, const Plan& b,
                    const std::set<std::string>& services) {
  if (HostText(a.host) != HostText(b.host)) return false;
  return RenderNft(SharedPart(a, services)) ==
         RenderNft(SharedPart(b, services));
}

}  // namespace lvsnft::plan
