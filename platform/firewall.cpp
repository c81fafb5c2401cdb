#include "platform/firewall.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "platform/log.hpp"
#include "platform/nfqueue.hpp"

namespace rampart::platform {

namespace {

std::optional<std::string> nft(const char* script) {
  FILE* p = ::popen("nft -f - 2>&1", "w");
  if (!p) return std::string("cannot run nft");
  std::fputs(script, p);
  int rc = ::pclose(p);
  if (rc != 0) return std::string("nft failed (exit ") + std::to_string(rc) + ")";
  return std::nullopt;
}

}  // namespace

std::string dataplane_rules_script() {
  // One statement per line: nft 1.0.6 refuses some one-line forms (shared/LAB.md).
  return "add table ip rampart_dataplane\n"
         "flush table ip rampart_dataplane\n"
         "add chain ip rampart_dataplane input { type filter hook input priority -300 ; policy "
         "accept ; }\n"
         "add rule ip rampart_dataplane input meta l4proto esp counter drop\n";
}

std::optional<std::string> install_dataplane_rules() {
  return nft(dataplane_rules_script().c_str());
}

void remove_dataplane_rules() {
  (void)nft("add table ip rampart_dataplane\ndelete table ip rampart_dataplane\n");
}

std::string ssh_rules_script(const std::vector<SshBinding>& bindings) {
  std::string s = "add table ip rampart_ssh\ndelete table ip rampart_ssh\n";
  if (bindings.empty()) return s;
  s +=
      "add table ip rampart_ssh\n"
      "add chain ip rampart_ssh input { type filter hook input priority -290 ; policy accept ; }\n";
  // The box's own connections to itself come in on lo.
  for (const auto& b : bindings)
    s += fmt::format(
        "add rule ip rampart_ssh input ip daddr {} tcp dport 22 iifname != {{ \"{}\", \"lo\" }} "
        "counter drop\n",
        b.address, b.device);
  return s;
}

std::optional<std::string> install_ssh_rules(const std::vector<SshBinding>& bindings) {
  return nft(ssh_rules_script(bindings).c_str());
}

namespace {

// "{ "a", "b" }" for nft: an anonymous set of quoted (names) or bare (addresses) words.
std::string nft_set(const std::vector<std::string>& words, bool quote) {
  std::string s = "{ ";
  for (size_t i = 0; i < words.size(); ++i)
    s += (i ? ", " : "") + (quote ? "\"" + words[i] + "\"" : words[i]);
  return s + " }";
}

}  // namespace

std::string snmp_rules_script(const std::vector<SnmpBinding>& bindings) {
  if (bindings.empty()) return "add table ip rampart_snmp\ndelete table ip rampart_snmp\n";
  // The chain is made anew (a leftover of another definition goes too); the counter is kept,
  // so that it counts from the first rules to the last, across changes of the configuration.
  // Chain v3_user ends in a counted drop: what is there until install_snmp_rules puts the
  // queue to rampartd's user check in front of it, or if that fails.
  std::string s =
      "add table ip rampart_snmp\n"
      "add counter ip rampart_snmp refused\n"
      "add counter ip rampart_snmp v3_unchecked\n"
      "add chain ip rampart_snmp input\n"
      "delete chain ip rampart_snmp input\n"
      "add chain ip rampart_snmp v3_user\n"
      "delete chain ip rampart_snmp v3_user\n"
      "add chain ip rampart_snmp v3_user\n"
      "add rule ip rampart_snmp v3_user counter name v3_unchecked drop\n"
      "add chain ip rampart_snmp input { type filter hook input priority -290 ; policy accept ; "
      "}\n";
  // The message's first bytes (RFC 3416 3 / RFC 3412 6, BER): SEQUENCE, its length in one,
  // two or three octets (the shortest, from net-snmp's tools), then INTEGER msgVersion.
  constexpr struct {
    const char* header;
    int version_at;  // bit offset of "02 01 VV" from the UDP header's start
  } kForms[] = {
      {"@th,64,8 0x30 @th,72,8 < 0x80", 80}, {"@th,64,16 0x3081", 88}, {"@th,64,16 0x3082", 96}};
  for (const auto& b : bindings) {
    if (b.hosts.empty() || b.devices.empty()) continue;
    const char* verdict = b.version == 3 ? "goto v3_user" : "accept";
    for (const auto& f : kForms)
      s += fmt::format(
          "add rule ip rampart_snmp input ip daddr {} udp dport 161 iifname {} ip saddr {} {} "
          "@th,{},24 0x0201{:02x} {}\n",
          b.address, nft_set(b.devices, true), nft_set(b.hosts, false), f.header, f.version_at,
          b.version, verdict);
  }
  // Whatever was not accepted above: another source, another interface, another address.
  s += "add rule ip rampart_snmp input udp dport 161 counter name refused drop\n";
  return s;
}

std::optional<std::string> install_snmp_rules(const std::vector<SnmpBinding>& bindings) {
  if (auto err = nft(snmp_rules_script(bindings).c_str())) return err;
  bool v3 = std::any_of(bindings.begin(), bindings.end(),
                        [](const SnmpBinding& b) { return b.version == 3 && !b.hosts.empty(); });
  if (!v3) return std::nullopt;
  // Without it only v3 polls fail (dropped and counted in v3_unchecked): v1/v2c stay served.
  if (auto queued = insert_queue_rule("rampart_snmp", "v3_user", kSnmpV3Queue); !queued)
    log(Severity::Error,
        fmt::format("snmp: v3 user check: {}; v3 polls are dropped (counter v3_unchecked)",
                    queued.error()));
  return std::nullopt;
}

}  // namespace rampart::platform
