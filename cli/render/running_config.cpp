#include "cli/render/running_config.hpp"

#include <openssl/evp.h>

#include <fmt/format.h>

namespace rampart::cli {

namespace {

void render_body(const config::Config& cfg, ConfigWriter& w) {
  render_system(cfg, w);
  w.bang();
  render_interfaces(cfg, w);
  render_boot(cfg, w);
  render_clock(cfg, w);
  render_same_security(cfg, w);
  render_objects(cfg, w);
  render_object_groups(cfg, w);
  render_access_lists(cfg, w);
  render_terminal(cfg, w);
  render_pools(cfg, w);
  render_icmp(cfg, w);
  render_arp(cfg, w);
  render_nat(cfg, w);
  render_access_groups(cfg, w);
  render_routes(cfg, w);
  render_timeouts(cfg, w);
  render_aaa(cfg, w);
  render_snmp(cfg, w);
  render_sysopt(cfg, w);
  render_crypto(cfg, w);
  render_management(cfg, w);
  if (cfg.system.console_timeout != 0 || w.options().show_defaults)
    w.line(fmt::format("console timeout {}", cfg.system.console_timeout));
  render_vpn_sessiondb(cfg, w);  // [U] the place: after console timeout, as recalled
  render_ntp(cfg, w);
  render_group_policies(cfg, w);
  render_users(cfg, w);
  render_tunnel_groups(cfg, w);
  render_mpf(cfg, w);
}

std::string md5_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_md5(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace

std::string config_checksum(const config::Config& cfg) {
  // Always over the masked rendering: a checksum over cleartext secrets would let anyone who
  // can read "show running-config" test guesses of a pre-shared key offline.
  ConfigWriter w(RenderOptions{});
  render_body(cfg, w);
  return md5_hex(w.text());
}

std::string render_running_config(const config::Config& cfg, const RenderOptions& opt) {
  ConfigWriter w(opt);
  render_body(cfg, w);
  std::string out = ": Saved\n:\n";
  out += fmt::format(": Rampart Version {}\n:\n", RAMPART_VERSION_STRING);
  out += fmt::format("ASA Version {}\n!\n", kAsaRelease);
  out += w.text();
  out += fmt::format("Cryptochecksum:{}\n: end\n", config_checksum(cfg));
  return out;
}

std::string render_section(const config::Config& cfg, const RenderOptions& opt,
                           const std::vector<std::string>& prefixes) {
  ConfigWriter w(opt);
  render_body(cfg, w);
  return w.filtered(prefixes);
}

std::string render_saved_config(const config::Config& cfg) {
  return render_running_config(cfg, RenderOptions{.reveal_secrets = true});
}

}  // namespace rampart::cli
