// show crypto ipsec sa [entry|identity|peer A.B.C.D|map NAME] [detail] in the ASA 8.4/9.x
// layout, from the SAs the IKE engine negotiated and the counters of their dataplane SAs;
// clear crypto ipsec sa [peer|counters]; show/clear asp drop.
#include <algorithm>
#include <array>
#include <ctime>
#include <iterator>
#include <map>
#include <memory>
#include <utility>

#include "cli/commands/common.hpp"
#include "cli/commands/ipsec_shown.hpp"
#include "cli/commands/sections.hpp"
#include "control/config/acl_expand.hpp"
#include "control/firewall/runtime.hpp"
#include "control/ike/engine.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "platform/printable.hpp"

namespace rampart::cli {

namespace {

struct Counts {
  uint64_t encaps = 0, decaps = 0, out_bytes = 0, in_bytes = 0, send_errors = 0, recv_errors = 0;
  uint32_t top = 0;
  uint64_t bitmap = 0;  // bit i: top - i was received
  uint64_t prefrag_ok = 0, prefrag_failed = 0, postfrag_ok = 0, postfrag_failed = 0, fragments = 0,
           pmtu_sent = 0, invalid_identity = 0, invalid_ip_version = 0;
  std::array<uint64_t, 8> in_drops{}, out_drops{};  // by dataplane::EspDrop
  bool in_dataplane = false;
  uint64_t in(dataplane::EspDrop d) const { return in_drops[static_cast<size_t>(d)]; }
  uint64_t out(dataplane::EspDrop d) const { return out_drops[static_cast<size_t>(d)]; }
};

Counts counts_of(const ike::Engine& e, const ike::IpsecSa& ips) {
  Counts c;
  if (!e.sad()) return c;
  e.sad()->with(ips.id, [&](const dataplane::Sad::Entry& entry) {
    c.in_dataplane = true;
    c.prefrag_ok = entry.prefrag_ok;
    c.prefrag_failed = entry.prefrag_failed;
    c.postfrag_ok = entry.postfrag_ok;
    c.postfrag_failed = entry.postfrag_failed;
    c.fragments = entry.fragments;
    c.pmtu_sent = entry.pmtu_sent;
    c.invalid_identity = entry.invalid_identity;
    std::copy(std::begin(entry.in->counters().drops), std::end(entry.in->counters().drops),
              c.in_drops.begin());
    std::copy(std::begin(entry.out->counters().drops), std::end(entry.out->counters().drops),
              c.out_drops.begin());
    c.encaps = entry.out->counters().packets;
    c.out_bytes = entry.out->counters().bytes;
    c.decaps = entry.in->counters().packets;
    c.in_bytes = entry.in->counters().bytes;
    c.invalid_ip_version = entry.invalid_ip_version;
    c.recv_errors = entry.invalid_identity + entry.invalid_ip_version;
    for (uint64_t d : entry.in->counters().drops) c.recv_errors += d;
    for (uint64_t d : entry.out->counters().drops) c.send_errors += d;
    const auto& w = entry.in->replay();
    c.top = w.highest();
    for (uint32_t i = 0; i < 64 && i < c.top; ++i)
      if (w.received(c.top - i)) c.bitmap |= uint64_t{1} << i;
  });
  return c;
}

std::string ident(const ike::Selector& s) {
  return fmt::format("({}/{}/{}/{})", s.address.str(), s.mask.str(), s.protocol, s.port);
}

struct SaView {
  std::optional<config::Ipv4> peer;
  std::optional<std::string> map;
  bool by_entry = false;  // "entry": sorted by peer address
  bool identity = false;  // "identity": the condensed form, without the ESP SA blocks
  bool detail = false;
};

// What one SA's block shows, copied on the event loop (never its keys) so that the text, some
// 40 lines an SA, is made on another thread while IKE goes on.
struct SaRow {
  std::string nameif, crypto_map, username;  // username printable
  uint32_t map_seq = 0, conn_id = 0, spi_in = 0, spi_out = 0;
  config::Ipv4 local_address, peer_address;
  std::optional<config::Ipv4> assigned;
  uint16_t local_port = 0, peer_port = 0;
  bool remote_access = false;
  IpsecShown ipsec;
  Counts n;
  size_t acl = 0;  // its map entry's ACL lines: SaSnapshot::acls[acl]
};

// What the SAs' blocks show of their interface's settings.
struct InterfaceShown {
  int mtu = 1500;
  std::string df = "copy-df";
  bool post_fragment = false;  // "crypto ipsec fragmentation after-encryption"
};

struct SaSnapshot {
  SaView view;
  std::vector<std::string> acls;
  std::map<std::string, InterfaceShown> interfaces;  // by nameif, each SA's
  std::vector<SaRow> rows;
};

// Appended to out, as show_one's parts: formatted in place, with no string per line (10,000
// SAs are 400,000 lines).
void direction(std::string& out, const SaRow& r, bool inbound) {
  const Counts& c = r.n;
  uint32_t spi = inbound ? r.spi_in : r.spi_out;
  uint64_t bytes = inbound ? c.in_bytes : c.out_bytes;
  uint64_t kb_left =
      r.ipsec.lifetime_kilobytes > bytes / 1024 ? r.ipsec.lifetime_kilobytes - bytes / 1024 : 0;
  uint64_t s_left =
      r.ipsec.lifetime_seconds > r.ipsec.age ? r.ipsec.lifetime_seconds - r.ipsec.age : 0;
  auto to = std::back_inserter(out);
  fmt::format_to(to, "    {} esp sas:\n", inbound ? "inbound" : "outbound");
  fmt::format_to(to, "      spi: 0x{:08X} ({})\n", spi, spi);
  out += "         SA State: active\n";
  fmt::format_to(to, "         transform: {} no compression\n",
                 ike::esp_transform_text(r.ipsec.encryption, r.ipsec.integrity));
  fmt::format_to(to, "         in use settings ={{{}, {}, {}IKEv1, }}\n",
                 r.remote_access ? "RA" : "L2L", r.ipsec.tunnel_mode ? "Tunnel" : "Transport",
                 r.ipsec.udp_encapsulated ? " NAT-T-Encaps, " : "");
  fmt::format_to(to, "         slot: 0, conn_id: {}, crypto-map: {}\n", r.conn_id, r.crypto_map);
  fmt::format_to(to, "         sa timing: remaining key lifetime (kB/sec): ({}/{})\n", kb_left,
                 s_left);
  fmt::format_to(to, "         IV size: {} bytes\n", config::row(r.ipsec.encryption).iv_bytes);
  out += "         replay detection support: Y\n";
  out += "         Anti replay bitmap: \n";
  uint64_t bitmap = inbound ? c.bitmap : (c.encaps ? 1 : 0);
  fmt::format_to(to, "          0x{:08X} 0x{:08X}\n", static_cast<uint32_t>(bitmap >> 32),
                 static_cast<uint32_t>(bitmap));
}

// The longer counter set of "detail". The reference has no stored capture of it: the wording
// follows ASA 9.x output as published in Cisco community threads, the mapping onto our drops is
// ours (counters the dataplane cannot have, such as compression, stay 0).
std::string detail_counters(const Counts& n) {
  using D = dataplane::EspDrop;
  return fmt::format(
      "      #pkts no sa (send): 0, #pkts invalid sa (rcv): 0\n"
      "      #pkts encaps failed (send): {}, #pkts decaps failed (rcv): {}\n"
      "      #pkts invalid prot (rcv): 0, #pkts verify failed: {}\n"
      "      #pkts invalid identity (rcv): {}, #pkts invalid len (rcv): {}\n"
      "      #pkts invalid pad (rcv): {},\n"
      "      #pkts invalid ip version (rcv): {},\n"
      "      #pkts replay rollover (send): {}, #pkts replay rollover (rcv): 0\n"
      "      #pkts replay failed (rcv): {}\n"
      "      #pkts min mtu frag failed (send): {}, #pkts bad frag offset (rcv): 0\n"
      "      #pkts internal err (send): {}, #pkts internal err (rcv): {}\n\n",
      n.send_errors, n.recv_errors, n.in(D::AuthFailed), n.invalid_identity, n.in(D::Runt),
      n.in(D::BadPadding), n.invalid_ip_version, n.out(D::SeqExhausted),
      n.in(D::Replay) + n.in(D::TooOld), n.prefrag_failed + n.postfrag_failed,
      n.out(D::BufferTooSmall), n.in(D::BufferTooSmall));
}

// The ACL lines of a static crypto map entry (a dynamic one, remote access, has none to show).
std::string map_acl_lines(const Ctx& c, const std::string& map, uint32_t seq) {
  std::string out;
  auto m = c.cfg.crypto.maps.find(map);
  if (m == c.cfg.crypto.maps.end()) return out;
  auto en = m->second.entries.find(seq);
  if (en == m->second.entries.end() || !en->second.settings.match_address) return out;
  auto acl = c.cfg.access_lists.find(*en->second.settings.match_address);
  if (acl == c.cfg.access_lists.end()) return out;
  auto addr = [](const config::AclAddress& a) {
    using K = config::AclAddress::Kind;
    return a.kind == K::Any    ? std::string("any")
           : a.kind == K::Host ? "host " + a.address.str()
                               : a.address.str() + " " + a.mask.str();
  };
  for (const auto& ace : config::expand_acl(c.cfg, acl->second).entries)
    if (ace.type == config::AccessListEntry::Type::Extended && ace.permit)
      fmt::format_to(std::back_inserter(out), "      access-list {} extended permit {} {} {}\n",
                     acl->first, ace.protocol, addr(ace.source), addr(ace.destination));
  return out;
}

// Each entry's ACL lines rendered once per view, into the snapshot: every SA of the entry
// prints them (many LAN-to-LAN SAs may share one entry, and expanding object-groups is not
// cheap).
class AclLines {
 public:
  AclLines(const Ctx& c, std::vector<std::string>& texts) : c_(c), texts_(texts) {}
  size_t of(const std::string& map, uint32_t seq) {
    auto [it, fresh] = done_.try_emplace({map, seq}, texts_.size());
    if (fresh) texts_.push_back(map_acl_lines(c_, map, seq));
    return it->second;
  }

 private:
  const Ctx& c_;
  std::vector<std::string>& texts_;
  std::map<std::pair<std::string, uint32_t>, size_t> done_;
};

SaRow row_of(const ike::Engine& e, const ike::IkeSa& sa, const ike::IpsecSa& s, AclLines& acls) {
  return {.nameif = sa.nameif,
          .crypto_map = s.crypto_map,
          .username = platform::printable(sa.username),
          .map_seq = s.map_seq,
          .conn_id = s.id,
          .spi_in = s.inbound.spi,
          .spi_out = s.outbound.spi,
          .local_address = sa.local.address,
          .peer_address = sa.peer.address,
          .assigned = sa.assigned,
          .local_port = s.udp_encapsulated ? sa.local.port : uint16_t{0},
          .peer_port = s.udp_encapsulated ? sa.peer.port : uint16_t{0},
          .remote_access = sa.remote_access,
          .ipsec = IpsecShown::of(s, e.now()),
          .n = counts_of(e, s),
          .acl = acls.of(s.crypto_map, s.map_seq)};
}

InterfaceShown interface_shown(const config::Config& cfg, const std::string& nameif) {
  InterfaceShown i;
  if (auto it = cfg.crypto.fragmentation.find(nameif); it != cfg.crypto.fragmentation.end())
    i.post_fragment = it->second == "after-encryption";
  if (auto it = cfg.system.mtu.find(nameif); it != cfg.system.mtu.end()) i.mtu = it->second;
  if (auto it = cfg.crypto.df_bit.find(nameif); it != cfg.crypto.df_bit.end()) i.df = it->second;
  return i;
}

void show_one(std::string& body, const SaSnapshot& snap, const SaRow& r) {
  const Counts& n = r.n;
  auto to = std::back_inserter(body);
  fmt::format_to(to, "    Crypto map tag: {}, seq num: {}, local addr: {}\n\n", r.crypto_map,
                 r.map_seq, r.local_address.str());
  body += snap.acls[r.acl];
  fmt::format_to(to, "      local ident (addr/mask/prot/port): {}\n", ident(r.ipsec.local));
  fmt::format_to(to, "      remote ident (addr/mask/prot/port): {}\n", ident(r.ipsec.remote));
  fmt::format_to(to, "      current_peer: {}{}\n", r.peer_address.str(),
                 r.username.empty() ? "" : ", username: " + r.username);
  if (r.assigned) fmt::format_to(to, "      dynamic allocated peer ip: {}\n", r.assigned->str());
  body += "\n";
  const InterfaceShown& ifc = snap.interfaces.at(r.nameif);
  const bool after = ifc.post_fragment;
  fmt::format_to(
      to,
      "      #pkts encaps: {0}, #pkts encrypt: {0}, #pkts digest: {0}\n"
      "      #pkts decaps: {1}, #pkts decrypt: {1}, #pkts verify: {1}\n"
      "      #pkts compressed: 0, #pkts decompressed: 0\n"
      "      #pkts not compressed: {0}, #pkts comp failed: 0, #pkts decomp failed: 0\n"
      "      #{8}-frag successes: {4}, #{8}-frag failures: {5}, #fragments created: {6}\n"
      "      #PMTUs sent: {7}, #PMTUs rcvd: 0, #decapsulated frgs needing reassembly: 0\n"
      "      #TFC rcvd: 0, #TFC sent: 0\n"
      "      #Valid ICMP Errors rcvd: 0, #Invalid ICMP Errors rcvd: 0\n"
      "      #send errors: {2}, #recv errors: {3}\n",
      n.encaps, n.decaps, n.send_errors, n.recv_errors, after ? n.postfrag_ok : n.prefrag_ok,
      after ? n.postfrag_failed : n.prefrag_failed, n.fragments, n.pmtu_sent,
      after ? "post" : "pre");
  body += snap.view.detail ? detail_counters(n) : "\n";
  fmt::format_to(to, "      local crypto endpt.: {}/{}, remote crypto endpt.: {}/{}\n",
                 r.local_address.str(), r.local_port, r.peer_address.str(), r.peer_port);
  // Outer IP, UDP when encapsulated, ESP header, IV, worst-case padding and trailer, ICV.
  size_t overhead =
      20 + (r.ipsec.udp_encapsulated ? 8 : 0) + 8 + config::row(r.ipsec.encryption).iv_bytes +
      config::row(r.ipsec.encryption).block_bytes + 2 + config::row(r.ipsec.integrity).icv_bytes;
  fmt::format_to(to, "      path mtu {0}, ipsec overhead {1}, media mtu {0}\n", ifc.mtu, overhead);
  fmt::format_to(to, "      PMTU time remaining (sec): 0, DF policy: {}\n", ifc.df);
  body += "      ICMP error validation: disabled, TFC packets: disabled\n";
  fmt::format_to(to, "      current outbound spi: {:08X}\n", r.spi_out);
  fmt::format_to(to, "      current inbound spi : {:08X}\n\n", r.spi_in);
  if (!snap.view.identity) {
    direction(body, r, true);
    direction(body, r, false);
  }
  body += '\n';
}

// The SAs the view names, in its order, as they are now.
SaSnapshot snapshot(const Ctx& c, const SaView& v) {
  SaSnapshot snap{.view = v};
  const ike::Engine* e = c.session.appliance().ike();
  if (!e) return snap;
  std::vector<std::pair<const ike::IkeSa*, const ike::IpsecSa*>> list;
  for (const auto& [idx, sa] : e->sas()) {
    if (v.peer && sa->peer.address != *v.peer) continue;
    for (const auto& s : sa->ipsec)
      if (!v.map || s.crypto_map == *v.map) list.emplace_back(sa.get(), &s);
  }
  if (v.by_entry)
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.first->peer.address.value < b.first->peer.address.value;
    });
  AclLines acls(c, snap.acls);
  snap.rows.reserve(list.size());
  for (const auto& [sa, s] : list) {
    snap.rows.push_back(row_of(*e, *sa, *s, acls));
    if (!snap.interfaces.contains(sa->nameif))
      snap.interfaces.emplace(sa->nameif, interface_shown(c.cfg, sa->nameif));
  }
  return snap;
}

std::string render(const SaSnapshot& snap) {
  if (snap.rows.empty()) return "\nThere are no ipsec sas\n";
  std::string out = "\n";
  std::string last_interface;
  for (const SaRow& r : snap.rows) {
    if (r.nameif != last_interface) {
      fmt::format_to(std::back_inserter(out), "interface: {}\n", r.nameif);
      last_interface = r.nameif;
    }
    show_one(out, snap, r);
  }
  return out;
}

// The copy is taken here, on the event loop; the text is made as deferred work (another
// thread in rampartd), which only reads the copy.
void show_ipsec_sa(Ctx& c, const SaView& v) {
  auto snap = std::make_shared<const SaSnapshot>(snapshot(c, v));
  c.session.defer([snap] { return render(*snap); });
}

void show_asp_drop(Ctx& c) {
  ike::Engine* e = c.session.appliance().ike();
  dataplane::Sad* sad = e ? e->sad() : nullptr;
  c.out += "\nFrame drop:\n";
  auto row = [&](std::string_view what, uint64_t n) {
    if (n) c.out += fmt::format("  {:<66}{:>12}\n", what, n);  // the ASA lists non-zero ones
  };
  // The firewall's own drops (rules that are not ACEs: their hits are in show access-list).
  std::map<std::string, uint64_t> fw;
  if (auto* st = c.session.appliance().policy_state()) fw = st->drop_counts();
  auto fw_n = [&](const char* k) { return fw.contains(k) ? fw.at(k) : uint64_t{0}; };
  int64_t cleared = 0;
  if (sad) {
    // The workers' counts, summed over their blocks as of now.
    auto k = sad->counters().read();
    using dataplane::Count;
    auto esp = sad->esp_drops();
    auto at = [&](dataplane::EspDrop d) { return esp[static_cast<size_t>(d)]; };
    row("IPSEC tunnel is down (ipsec-tun-down)", k[Count::NoSa] + k[Count::TunnelPending]);
    row("IPSEC packet failed authentication (ipsec-auth-failed)",
        at(dataplane::EspDrop::AuthFailed));
    row("IPSEC anti-replay check failed (ipsec-replay)",
        at(dataplane::EspDrop::Replay) + at(dataplane::EspDrop::TooOld));
    row("IPSEC packet too short (ipsec-runt)", at(dataplane::EspDrop::Runt) + k[Count::EspRunt]);
    row("IPSEC bad padding (ipsec-bad-pad)", at(dataplane::EspDrop::BadPadding));
    row("IPSEC sequence number exhausted (ipsec-seq-exhausted)",
        at(dataplane::EspDrop::SeqExhausted));
    // [U] The ASA's crypto engine failures are "(ctm-error)"; the description is ours, no
    // stored sample shows the row.
    row("CTM returned error (ctm-error)", k[Count::EncapFailed]);
    row("Slowpath security checks failed (sp-security-failed)",
        k[Count::PolicyMismatch] + fw_n("sp-security-failed"));
    // The wording of this row and the egress MTU one is ours: no stored ASA sample names
    // these reasons.
    row("Invalid IP version (invalid-ip-version)", k[Count::InnerNotIpv4]);
    row("Expired TTL (ttl-exceeded)", k[Count::TtlExpired]);
    row("No route to host (no-route)", k[Count::NoRoute]);
    row("No valid adjacency (no-adjacency)", k[Count::NoAdjacency]);
    row("Packet too big for the encapsulation (ipsec-too-big)", k[Count::TooBig]);
    row("Transmit failed (tx-failed)", k[Count::TxFailed]);
    row("Packet larger than the egress interface MTU (egress-mtu-exceeded)",
        k[Count::EgressTooBig]);
    cleared = sad->counters().cleared_at();
  }
  if (!sad) row("Slowpath security checks failed (sp-security-failed)", fw_n("sp-security-failed"));
  row("Flow is denied by configured rule (acl-drop)", fw_n("acl-drop"));
  row("First TCP packet not SYN (tcp-not-syn)", fw_n("tcp-not-syn"));
  row("ICMP Inspect seq num not matched (inspect-icmp-seq-num-not-matched)",
      fw_n("inspect-icmp-seq-num-not-matched"));
  row("Invalid IP header (invalid-ip-header)", fw_n("invalid-ip-header"));
  // [U] Our own reasons, worded by us: no ASA sample names these.
  row("ICMP packet opens no connection (icmp-no-conn)", fw_n("icmp-no-conn"));
  row("Cleartext for a VPN client by a physical interface (vpn-bypass)", fw_n("vpn-bypass"));
  row("Mapped address is not the box's (mapped-to-box)", fw_n("mapped-to-box"));
  row("Box address reached through another interface (wrong-interface)", fw_n("wrong-interface"));
  row("New connection denied while a TCP syslog server is down (syslog-hostdown)",
      fw_n("syslog-hostdown"));
  std::string when = "Never";
  if (cleared) {
    std::time_t t = static_cast<std::time_t>(cleared);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%H:%M:%S UTC %b %d %Y", &tm);
    when = buf;
  }
  c.out += fmt::format("\nLast clearing: {}\n\nFlow drop:\n\nLast clearing: {}\n", when, when);
}

}  // namespace

void register_ipsec_sa(CommandTree& t) {
  t.add({kPrivAndConfig,
         "show asp drop",
         {kHelpShow, "Accelerated security path", "Dropped packets and flows"},
         show_asp_drop});
  t.add({kPrivAndConfig,
         "clear asp drop",
         {kHelpClear, "Accelerated security path", "Clear the drop counters"},
         [](Ctx& c) {
           if (ike::Engine* e = c.session.appliance().ike(); e && e->sad())
             e->sad()->clear_drops(static_cast<int64_t>(c.sys.now_seconds()));
         }});
  const std::vector<std::string_view> sa_help = {kHelpShow, "Show crypto information",
                                                 "Show IPsec information",
                                                 "Show IPsec Security Associations"};
  auto with = [&](std::vector<std::string_view> more) {
    auto h = sa_help;
    h.insert(h.end(), more.begin(), more.end());
    return h;
  };
  auto detail = [](Ctx& c, SaView v) {
    v.detail = c.args.has("detail");
    show_ipsec_sa(c, v);
  };
  t.add({kPrivAndConfig, "show crypto ipsec sa [{view:entry|identity}] [{detail:detail}]",
         with({"Sort by peer address|Condensed, without the ESP SAs", "Show detailed information"}),
         [detail](Ctx& c) {
           SaView v;
           v.by_entry = c.args.has("view") && c.args.str("view") == "entry";
           v.identity = c.args.has("view") && c.args.str("view") == "identity";
           detail(c, v);
         }});
  t.add({kPrivAndConfig, "show crypto ipsec sa peer <peer:A.B.C.D> [{detail:detail}]",
         with({"Show the SAs of one peer", "Peer address", "Show detailed information"}),
         [detail](Ctx& c) { detail(c, {.peer = c.args.ip("peer")}); }});
  t.add({kPrivAndConfig, "show crypto ipsec sa map <map:WORD> [{detail:detail}]",
         with({"Show the SAs of one crypto map", "Crypto map name", "Show detailed information"}),
         [detail](Ctx& c) { detail(c, {.map = c.args.str("map")}); }});
  t.add({kPrivAndConfig,
         "clear crypto ipsec sa [peer <peer:A.B.C.D>]",
         {kHelpClear, "Clear crypto information", "Clear IPsec information",
          "Clear IPsec Security Associations", "Clear the SAs of one peer", "Peer address"},
         [](Ctx& c) {
           if (ike::Engine* e = c.session.appliance().ike())
             e->clear_ipsec(c.args.has("peer") ? std::optional(c.args.ip("peer")) : std::nullopt);
         }});
  t.add({kPrivAndConfig,
         "clear crypto ipsec sa counters",
         {kHelpClear, "Clear crypto information", "Clear IPsec information",
          "Clear IPsec Security Associations", "Clear the IPsec SA counters"},
         [](Ctx& c) {
           if (ike::Engine* e = c.session.appliance().ike(); e && e->sad())
             e->sad()->clear_counters();
         }});
}

}  // namespace rampart::cli
