#include "platform/firewall.hpp"

#include <cstdio>

#include <fmt/format.h>

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

}  // namespace rampart::platform
