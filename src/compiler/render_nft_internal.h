// Pieces of the nft text renderer shared with other text producers
// (status output, diff descriptions).
#pragma once

#include <ostream>
#include <string>

#include "compiler/plan.h"

namespace lvsnft::nfttext {

/// A value as nft prints it ("tcp", "192.168.1.10", "80", "0x40001000").
std::string ValueText(const plan::Value& v);
/// A field ("ip daddr", "ip saddr & 255.255.255.0").
std::string FieldText(const plan::FieldRef& f);
/// A key: fields joined by " . ".
std::string KeyText(const plan::Key& k);
/// The right-hand side of a Match ("ipv4", "ip", "tcp").
std::string MatchValueText(const plan::Match& m);
/// A verdict ("goto svc_web").
std::string VerdictText(const plan::Verdict& v);
/// One statement.
std::string StmtText(const plan::Stmt& s);
/// One element: "key[-end] [: data]".
std::string ElementText(const plan::Set& set, const plan::Element& e);

/// Appends ValueText(v) to `out`.
void AppendValue(std::string& out, const plan::Value& v);
/// Appends ElementText(set, e) to `out`.
void AppendElement(std::string& out, const plan::Set& set,
                   const plan::Element& e);
/// Writes every element of `s` (slot tables included) as the lines of an
/// `add element` block: a tab, the element, ",\n" (the last one "\n").
void StreamElements(const plan::Set& s, std::ostream& o);

}  // namespace lvsnft::nfttext
