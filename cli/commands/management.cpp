// Management access: ssh <net> <mask> <nameif>, ssh version/timeout, and sysopt connection
// permit-vpn (with the PIX permit-ipsec spelling).
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

void register_management(CommandTree& t) {
  t.add({kConfig,
         "ssh <network:A.B.C.D|0> <mask:A.B.C.D|0> <ifname:WORD>",
         {"Configure SSH options", "IP address of a host or network allowed to connect",
          "Netmask of that network", "Name of the interface the connections arrive on"},
         [](Ctx& c) {
           auto mask = config::Mask::parse(c.args.str("mask"));
           if (!mask) {
             c.session.invalid_input_at(c.out, c.args, "mask");
             return;
           }
           config::Management::SshAccess a{c.args.ip("network"), *mask, c.args.str("ifname")};
           if (c.negated) {
             c.cfg.management.ssh.erase(a);
             return;
           }
           if (!require_nameif(c, a.nameif)) return;
           c.cfg.management.ssh.insert(a);
         },
         true});
  t.add({kConfig,
         "ssh version {v:1|2}",
         {"Configure SSH options", "Specify SSH version", "SSH version 1|SSH version 2"},
         [](Ctx& c) {
           if (!c.negated && c.args.str("v") == "1") {
             // SSHv1 is broken (CRC-32 compensation attack, no integrity): refuse it.
             error(c, "SSH version 1 is not supported; use version 2");
             return;
           }
           c.cfg.management.ssh_version = 2;
         },
         true});
  t.add({kConfig,
         "ssh timeout <minutes:1-60>",
         {"Configure SSH options", "Configure SSH idle timeout", "Idle time in minutes"},
         [](Ctx& c) {
           c.cfg.management.ssh_timeout = c.negated ? 5 : static_cast<int>(c.args.num("minutes"));
         },
         true});
  for (std::string_view kw : {"permit-vpn", "permit-ipsec"}) {
    bool pix = kw == "permit-ipsec";
    t.add(
        {kConfig,
         fmt::format("sysopt connection {}", kw),
         {"Set system functional options", "Configure connection options",
          pix ? "Permit IPsec traffic to bypass access lists (PIX spelling of permit-vpn)"
              : "Permit any packets that come from a VPN tunnel to bypass interface access lists"},
         [pix](Ctx& c) {
           c.cfg.management.permit_vpn = !c.negated;
           if (pix)
             info(c, fmt::format("PIX command converted: {}sysopt connection permit-ipsec -> "
                                 "{}sysopt connection permit-vpn",
                                 c.negated ? "no " : "", c.negated ? "no " : ""));
         },
         true,
         pix});
  }
}

void render_sysopt(const config::Config& cfg, ConfigWriter& w) {
  // On by default; the ASA prints the line only when it is turned off.
  if (!cfg.management.permit_vpn) w.line("no sysopt connection permit-vpn");
}

void render_management(const config::Config& cfg, ConfigWriter& w) {
  const auto& m = cfg.management;
  for (const auto& a : m.ssh)
    w.line(fmt::format("ssh {} {} {}", a.network.str(), a.mask.str(), a.nameif));
  w.line(fmt::format("ssh timeout {}", m.ssh_timeout));
  w.line(fmt::format("ssh version {}", m.ssh_version));
}

}  // namespace rampart::cli
