#include "platform/firewall.hpp"

#include <cstdio>

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

std::optional<std::string> install_dataplane_rules() {
  // One statement per line: nft 1.0.6 refuses some one-line forms (shared/LAB.md).
  return nft(
      "add table ip rampart_dataplane\n"
      "flush table ip rampart_dataplane\n"
      "add chain ip rampart_dataplane input { type filter hook input priority -300 ; policy "
      "accept ; }\n"
      "add rule ip rampart_dataplane input meta l4proto esp counter drop\n");
}

void remove_dataplane_rules() {
  (void)nft("add table ip rampart_dataplane\ndelete table ip rampart_dataplane\n");
}

}  // namespace rampart::platform
