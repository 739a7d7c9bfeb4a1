// Owning handles for libnftnl objects (unique_ptr with the right free).
#pragma once

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <memory>

namespace lvsnft::netlink {

/// Frees any libnftnl object through its own free function.
struct NftnlFree {
  /// One overload per object type.
  void operator()(nftnl_table* t) const { nftnl_table_free(t); }
  void operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
  void operator()(nftnl_set* s) const { nftnl_set_free(s); }
  void operator()(nftnl_set_elem* e) const { nftnl_set_elem_free(e); }
  void operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
  void operator()(nftnl_expr* e) const { nftnl_expr_free(e); }
};

/// Owning nftnl_table.
using TablePtr = std::unique_ptr<nftnl_table, NftnlFree>;
/// Owning nftnl_chain.
using ChainPtr = std::unique_ptr<nftnl_chain, NftnlFree>;
/// Owning nftnl_set (with its element list, if any).
using SetPtr = std::unique_ptr<nftnl_set, NftnlFree>;
/// Owning nftnl_set_elem not yet added to a set.
using ElemPtr = std::unique_ptr<nftnl_set_elem, NftnlFree>;
/// Owning nftnl_rule (with its expressions).
using RulePtr = std::unique_ptr<nftnl_rule, NftnlFree>;
/// Owning nftnl_expr not yet added to a rule.
using ExprPtr = std::unique_ptr<nftnl_expr, NftnlFree>;

}  // namespace lvsnft::netlink
