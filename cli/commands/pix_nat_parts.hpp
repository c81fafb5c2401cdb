// Internal to the PIX translation migration (pix_nat.cpp, pix_static.cpp, pix_objects.cpp):
// the PIX address operands, what pairs of nat/global lines wait for, and the objects the
// migration creates, named as the ASA 8.3 upgrade names them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/commands/pix_nat.hpp"
#include "cli/session.hpp"

namespace rampart::cli::pix {

using config::Ipv4;
using config::Mask;

struct Addr {
  enum class Kind { Host, Subnet, Range, Interface } kind = Kind::Host;
  Ipv4 a, last;
  Mask mask{0xffffffffu};
  bool operator==(const Addr&) const = default;
};

struct PendingNat {
  std::string line;  // as typed, for notices
  uint32_t line_number = 0;
  std::string ifc;
  uint32_t id = 0;
  Addr real;
  bool dns = false;
  bool paired = false;
  std::map<std::string, std::string> objects;  // mapped interface -> object holding the rule
  std::optional<std::string> acl;              // policy NAT: "nat (IF) N access-list ACL"
};

struct PendingGlobal {
  std::string line;
  uint32_t line_number = 0;
  std::string ifc;
  uint32_t id = 0;
  Addr pool;
  bool paired = false;
};

// What PIX translation lines leave for later lines of the same session, and for its end.
struct Carry : Session::Carry {
  std::vector<PendingNat> nats;
  std::vector<PendingGlobal> globals;
  std::vector<StaticMap> statics;

  void finish(Session& s, std::string& out) override {
    for (const auto& n : nats)
      if (!n.paired)
        out += fmt::format(
            "WARNING: line {}: \"{}\" has no \"global (IF) {}\" to pair with; not converted\n",
            n.line_number, n.line, n.id);
    for (const auto& g : globals)
      if (!g.paired)
        out += fmt::format(
            "WARNING: line {}: \"{}\" has no \"nat (IF) {}\" to pair with; not "
            "converted\n",
            g.line_number, g.line, g.id);
    for (const auto& l : rewrite_acls(s.appliance().config(), statics)) out += "INFO: " + l + "\n";
    statics.clear();
  }
};

Carry& carry(Ctx& c);
void marker(Ctx& c, size_t offset);
std::optional<uint32_t> number(std::string_view s);
std::optional<Ipv4> pix_ip(std::string_view s);  // PIX accepts "0" for 0.0.0.0
std::optional<Mask> pix_mask(std::string_view s);
std::optional<std::string> one_interface(std::string_view w);  // "(IF)" -> IF
std::string joined(const std::vector<Word>& words, std::string_view head);

// The objects a conversion needs, with the lines that create them (run before its NAT line).
struct ObjectPlan {
  const config::Firewall& fw;
  std::set<std::string> planned;  // created by lines not yet run
  std::vector<std::string> lines;

  // The object for a, reusing one with the same address; with for_nat, one that holds no NAT
  // rule yet (an object holds one), and the "object network" line is emitted to enter it.
  std::string object(const Addr& a, bool for_nat);
};

// Interfaces of lower security than ifc: where the PIX applied nat 0 and exemptions.
std::vector<std::string> lower_interfaces(const config::Config& cfg, const std::string& ifc);

// An ACE's address as a twice NAT operand: "any", an object the migration names (created by
// plan's lines), or the object or group the ACE names.
std::string acl_operand(ObjectPlan& plan, const config::AclAddress& a);
// Whether an ACE of a policy NAT or exemption access-list becomes a rule (active permits);
// warns that its ports are not carried.
bool translated_ace(Ctx& c, const config::AccessListEntry& e, const std::string& acl);

void static_line(Ctx& c);

}  // namespace rampart::cli::pix
