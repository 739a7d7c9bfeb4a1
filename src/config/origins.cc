#include "config/origins.h"

namespace lvsnft {
namespace {

void VisitCheck(Boxed<HealthCheckSpec>& h,
                const std::function<void(Origin&)>& f) {
  if (!h) return;
  f(h->origin);
  for (auto& [key, o] : h->origins) f(o);
}

void VisitPolicy(HealthPolicy& p, const std::function<void(Origin&)>& f) {
  for (Origin* o : {&p.flush_conntrack_origin, &p.quorum_origin,
                    &p.hysteresis_origin, &p.all_down_origin})
    f(*o);
  if (auto& s = p.sorry_server) {
    for (Origin* o : {&s->origin, &s->address_origin, &s->port_origin}) f(*o);
  }
}

}  // namespace

void VisitOrigins(Service& s, const std::function<void(Origin&)>& f) {
  for (Origin* o : {&s.origin, &s.name_origin, &s.vip_origin, &s.mode_origin,
                    &s.scheduler_origin, &s.mh_table_size_origin})
    f(*o);
  for (auto& p : s.ports) f(p.origin);
  if (s.persistence) f(s.persistence->origin);
  for (auto& rs : s.real_servers) {
    for (Origin* o : {&rs.origin, &rs.address_origin, &rs.port_origin}) f(*o);
    VisitCheck(rs.health_check, f);
  }
  VisitCheck(s.health_check, f);
  VisitPolicy(s.health, f);
}

void MoveOrigins(Service& s, const JsonPointer& from, const JsonPointer& to,
                 int lines) {
  VisitOrigins(s, [&](Origin& o) {
    o.pointer.ReplacePrefix(from, to);
    if (o.loc.line > 0) o.loc.line += lines;
  });
}

void MoveLines(Service& s, int lines) {
  VisitOrigins(s, [&](Origin& o) {
    if (o.loc.line > 0) o.loc.line += lines;
  });
}

void MoveLines(Director& d, int lines) {
  for (Origin* o : {&d.origin, &d.interface_origin, &d.flow_table_size_origin})
    if (o->loc.line > 0) o->loc.line += lines;
  for (Origin& o : d.local_address_origins)
    if (o.loc.line > 0) o.loc.line += lines;
}

}  // namespace lvsnft
