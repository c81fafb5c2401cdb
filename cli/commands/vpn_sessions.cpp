// What the operator sees of the IKE control plane: show crypto isakmp|ikev1 sa [detail],
// show crypto isakmp stats, show vpn-sessiondb [remote|summary|detail remote], and the actions
// clear crypto isakmp sa [peer] and vpn-sessiondb logoff. Layouts follow ASA 8.4/9.x.
#include <algorithm>
#include <ctime>
#include <iterator>
#include <memory>

#include "cli/commands/common.hpp"
#include "cli/commands/ipsec_shown.hpp"
#include "cli/commands/sections.hpp"
#include "control/ike/engine.hpp"
#include "control/ike/session_filter.hpp"
#include "platform/printable.hpp"

namespace rampart::cli {

namespace {

using ike::IkeSa;

// show crypto isakmp sa detail spells the cipher as the policy does ("aes-256").
std::string_view cipher_name(ike::CipherAlg c) {
  return config::row(c).words.asa;
}

// "Device Total VPN Capacity": an ASA prints its platform's licensed limit. Rampart has no
// license; its platform figure is what the capacity runs hold (README Performance: 10,000
// tunnels), lowered by vpn-sessiondb max-session-limit, which is what the box admits [U: whether
// the ASA's line follows that command].
uint64_t vpn_capacity(const config::Config& cfg) {
  constexpr uint64_t kPlatformSessions = 10000;
  const auto& limit = cfg.vpn_sessiondb.max_session_limit;
  return limit ? std::min<uint64_t>(*limit, kPlatformSessions) : kPlatformSessions;
}

// The vpn-sessiondb spelling: "AES128", "3DES".
std::string session_cipher(ike::CipherAlg c) {
  return std::string(config::row(c).session);
}

std::string esp_cipher(const IpsecShown& s) {
  return std::string(config::row(s.encryption).session);
}

// "SHA" in show crypto isakmp sa detail, "SHA1" in vpn-sessiondb.
std::string_view hash_name(ike::HashAlg h, bool session) {
  return session ? config::row(h).session : config::row(h).debug;
}

std::string esp_hash(const IpsecShown& s) {
  return std::string(config::row(s.integrity).session);
}

// "    Type    : user            Role    : responder " (the ASA pads labels to 8 and the first
// value to 16, and leaves a space after the second value).
std::string pair_line(std::string_view l1, std::string_view v1, std::string_view l2,
                      std::string_view v2) {
  return fmt::format("    {:<8}: {:<16}{:<8}: {} \n", l1, v1, l2, v2);
}

std::string duration(uint64_t s) {
  if (s >= 86400)
    return fmt::format("{}d {}h:{:02}m:{:02}s", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
  return fmt::format("{}h:{:02}m:{:02}s", s / 3600, s / 60 % 60, s % 60);
}

std::string login_time(const System& sys, uint64_t ago) {
  std::time_t t = static_cast<std::time_t>(sys.now_seconds() - ago);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%H:%M:%S UTC %a %b %d %Y", &tm);
  return buf;
}

const ike::Engine* engine(Ctx& c) {
  return c.session.appliance().ike();
}

// One IKE SA as show crypto isakmp sa prints it, copied on the event loop; the text is made
// as deferred work (at 10,000 SAs, 50,000 lines).
struct IkeRow {
  config::Ipv4 peer;
  bool remote_access = false, responder = false, rekey = false;
  std::string_view state;  // a literal of state_name()
  ike::CipherAlg cipher{};
  ike::HashAlg hash{};
  uint64_t lifetime = 0, remaining = 0;
};

std::vector<IkeRow> ike_rows(const ike::Engine* e) {
  std::vector<IkeRow> rows;
  if (!e) return rows;
  rows.reserve(e->sas().size());
  for (const auto& [idx, sa] : e->sas()) {
    uint64_t since = sa->established ? e->now() - sa->established : 0;
    uint64_t life = sa->choice.lifetime_seconds;
    // During a phase-1 rekey a tunnel has two IKE SAs: the one carrying it is Active, the
    // other (ours under way, or the replaced one until it goes) the Rekey SA.
    rows.push_back(
        {.peer = sa->peer.address,
         .remote_access = sa->remote_access,
         .responder = sa->responder,
         .rekey = sa->p1_rekey.replaced_by() || (sa->p1_rekey.replaces() && !sa->established),
         .state = ike::state_name(sa->state, sa->aggressive),
         .cipher = sa->choice.cipher,
         .hash = sa->choice.hash,
         .lifetime = life,
         .remaining = sa->established && life > since ? life - since : life});
  }
  return rows;
}

std::string render_isakmp_sa(const std::vector<IkeRow>& rows, bool detail) {
  if (rows.empty()) return "\nThere are no IKEv1 SAs\n\nThere are no IKEv2 SAs\n";
  size_t rekeys = static_cast<size_t>(
      std::count_if(rows.begin(), rows.end(), [](const IkeRow& r) { return r.rekey; }));
  std::string out = "\nIKEv1 SAs:\n\n";
  auto to = std::back_inserter(out);
  fmt::format_to(to, "   Active SA: {}\n", rows.size() - rekeys);
  fmt::format_to(
      to, "    Rekey SA: {} (A tunnel will report 1 Active and 1 Rekey SA during rekey)\n", rekeys);
  fmt::format_to(to, "Total IKE SA: {}\n\n", rows.size());
  int n = 1;
  for (const IkeRow& r : rows) {
    fmt::format_to(to, "{:<4}IKE Peer: {}\n", n++, r.peer.str());
    out += pair_line("Type", r.remote_access ? "user" : "L2L", "Role",
                     r.responder ? "responder" : "initiator");
    out += pair_line("Rekey", r.rekey ? "yes" : "no", "State", r.state);
    if (detail) {
      out += pair_line("Encrypt", cipher_name(r.cipher), "Hash", hash_name(r.hash, false));
      out += pair_line("Auth", "preshared", "Lifetime", std::to_string(r.lifetime));
      fmt::format_to(to, "    Lifetime Remaining: {}\n", r.remaining);
    }
    out += "\n";
  }
  out += "There are no IKEv2 SAs\n";
  return out;
}

void show_isakmp_sa(Ctx& c, bool detail) {
  auto rows = std::make_shared<const std::vector<IkeRow>>(ike_rows(engine(c)));
  c.session.defer([rows, detail] { return render_isakmp_sa(*rows, detail); });
}

void show_stats(Ctx& c) {
  const ike::Engine* e = engine(c);
  ike::IkeStats s = e ? e->stats() : ike::IkeStats{};
  size_t active = 0;
  if (e)
    for (const auto& [i, sa] : e->sas()) active += ike::carries_session(*sa) ? 1 : 0;
  auto row = [&](std::string_view label, uint64_t v) {
    c.out += fmt::format("  {:<28}{:>10}\n", std::string(label) + ":", v);
  };
  c.out += "\nGlobal IKEv1 Statistics\n";
  row("Active Tunnels", active);
  row("Previous Tunnels",
      s.cumulative_sessions - std::min<uint64_t>(active, s.cumulative_sessions));
  row("In Octets", s.in_octets);
  row("In Packets", s.in_packets);
  row("In Drop Packets", s.in_drop);
  row("In Notifys", s.in_notifies);
  row("In P2 Exchanges", s.in_p2_exchanges);
  row("In P2 Exchange Invalids", s.in_p2_invalid);
  row("In P2 Exchange Rejects", s.in_p2_rejects);
  row("In P2 Sa Delete Requests", s.in_p2_sa_delete);
  row("Out Octets", s.out_octets);
  row("Out Packets", s.out_packets);
  row("Out Drop Packets", s.out_drop);
  row("Out Notifys", s.out_notifies);
  row("Out P2 Exchanges", s.out_p2_exchanges);
  row("Out P2 Exchange Invalids", 0);
  row("Out P2 Exchange Rejects", 0);
  row("Out P2 Sa Delete Requests", s.out_p2_sa_delete);
  row("Initiator Tunnels", s.initiator_tunnels);
  row("Initiator Fails", s.initiator_fails);
  row("Responder Fails", s.responder_fails);
  row("System Capacity Fails", s.system_capacity_fails);
  row("Auth Fails", s.auth_fails);
  row("Decrypt Fails", s.decrypt_fails);
  row("Hash Valid Fails", s.hash_fails);
  row("No Sa Fails", s.no_sa_fails);
  // Ours, not the ASA's: new negotiations refused before any state or DH, by reason (the
  // global max-in-negotiation-sa refusals are the System Capacity Fails above).
  row("Refused Peer Limit", s.refused_peer_limit);
  row("Refused Peer Rate", s.refused_peer_rate);
  row("Refused Rate", s.refused_rate);
  row("Refused Crypto Busy", s.refused_busy);
  row("Refused Oversize SA", s.refused_oversize);
  row("Refused Session Limit", s.refused_session_limit);  // vpn-sessiondb max-session-limit
  row("Unverified Resends Dropped", s.unverified_resends_suppressed);
  row("SAs Failing Verification", s.sas_failing_verification);  // 402120 told, once per SA
}

bool natt_session(const IkeSa& sa) {
  for (const auto& i : sa.ipsec)
    if (i.udp_encapsulated) return true;
  return false;
}

std::string two(std::string_view l1, std::string_view v1, std::string_view l2,
                std::string_view v2) {
  return fmt::format("{:<13}: {:<23}{:<13}: {}\n", l1, v1, l2, v2);
}

std::string one(std::string_view l, std::string_view v) {
  return fmt::format("{:<13}: {}\n", l, v);
}

// What the dataplane counted for one IPsec SA: inner bytes and packets sent (its outbound
// ESP SA) and received (its inbound one, authenticated packets only).
struct Traffic {
  uint64_t bytes_tx = 0, bytes_rx = 0, pkts_tx = 0, pkts_rx = 0;
};

Traffic traffic_of(const ike::Engine& e, const ike::IpsecSa& ips) {
  Traffic t;
  if (e.sad())
    e.sad()->with(ips.id, [&](const dataplane::Sad::Entry& entry) {
      t.bytes_tx = entry.out->counters().bytes;
      t.pkts_tx = entry.out->counters().packets;
      t.bytes_rx = entry.in->counters().bytes;
      t.pkts_rx = entry.in->counters().packets;
    });
  return t;
}

// One session as show vpn-sessiondb remote|detail remote prints it, copied on the event loop;
// the text is made as deferred work.
struct TunnelRow {  // one IPsec SA of the session
  IpsecShown shown;
  Traffic t;
};
struct SessionRow {
  std::string username, group_policy, tunnel_group, filter, client_os, login;
  config::Ipv4 peer;
  std::optional<config::Ipv4> assigned;
  uint16_t peer_port = 0, local_port = 0;
  uint64_t index = 0, up = 0, tx = 0, rx = 0, life = 0;
  bool natt = false, aggressive = false, xauth = false;
  ike::CipherAlg cipher{};
  ike::HashAlg hash{};
  int group = 0;
  std::vector<TunnelRow> tunnels;
};

SessionRow session_row(const Ctx& c, const ike::Engine& e, const IkeSa& sa) {
  SessionRow r{.username = platform::printable(sa.username),
               .group_policy = sa.group_policy,
               .tunnel_group = sa.tunnel_group,
               // A server's Filter-Id, else its group-policy's vpn-filter (a server's Class
               // may have chosen the group-policy).
               .filter = platform::printable(ike::session_vpn_filter(c.cfg, sa).value_or("")),
               .client_os = platform::printable(sa.client_version),
               .peer = sa.peer.address,
               .assigned = sa.assigned,
               .peer_port = sa.peer.port,
               .local_port = sa.local.port,
               .index = sa.index,
               .up = e.now() - sa.session_start,
               .tx = sa.bytes_tx,
               .rx = sa.bytes_rx,
               .life = sa.choice.lifetime_seconds,
               .natt = natt_session(sa),
               .aggressive = sa.aggressive,
               .xauth = !sa.username.empty(),
               .cipher = sa.choice.cipher,
               .hash = sa.choice.hash,
               .group = sa.choice.group};
  r.login = login_time(c.sys, r.up);
  // The session's totals: its IKE messages and what its IPsec SAs carried.
  for (const auto& i : sa.ipsec) {
    TunnelRow t{.shown = IpsecShown::of(i, e.now()), .t = traffic_of(e, i)};
    r.tx += t.t.bytes_tx;
    r.rx += t.t.bytes_rx;
    r.tunnels.push_back(std::move(t));
  }
  return r;
}

void tunnel_detail(std::string& out, const SessionRow& r) {
  auto sub = [&](std::string_view l1, std::string_view v1, std::string_view l2 = {},
                 std::string_view v2 = {}) {
    fmt::format_to(std::back_inserter(out), "{}",
                   l2.empty() ? fmt::format("  {:<13}: {}\n", l1, v1)
                              : fmt::format("  {:<13}: {:<23}{:<13}: {}\n", l1, v1, l2, v2));
  };
  fmt::format_to(std::back_inserter(out), "\nIKE Tunnels: 1\nIPsec Tunnels: {}\n\n",
                 r.tunnels.size());
  out += "IKE:\n";
  sub("Tunnel ID", fmt::format("{}.1", r.index));
  sub("UDP Src Port", std::to_string(r.peer_port), "UDP Dst Port", std::to_string(r.local_port));
  sub("IKE Neg Mode", r.aggressive ? "Aggressive" : "Main", "Auth Mode",
      r.xauth ? "preSharedKeysXauth" : "preSharedKeys");
  sub("Encryption", session_cipher(r.cipher), "Hashing", hash_name(r.hash, true));
  sub("Rekey Int (T)", fmt::format("{} Seconds", r.life), "Rekey Left(T)",
      fmt::format("{} Seconds", r.life > r.up ? r.life - r.up : 0));
  sub("D/H Group", std::to_string(r.group));
  sub("Filter Name", r.filter);
  if (!r.client_os.empty()) sub("Client OS", r.client_os);
  int n = 2;
  for (const TunnelRow& tr : r.tunnels) {
    const IpsecShown& i = tr.shown;
    out += "\nIPsec:\n";
    sub("Tunnel ID", fmt::format("{}.{}", r.index, n++));
    sub("Local Addr", fmt::format("{}/{}/{}/{}", i.local.address.str(), i.local.mask.str(),
                                  i.local.protocol, i.local.port));
    sub("Remote Addr", fmt::format("{}/{}/{}/{}", i.remote.address.str(), i.remote.mask.str(),
                                   i.remote.protocol, i.remote.port));
    sub("Encryption", esp_cipher(i), "Hashing", esp_hash(i));
    sub("Encapsulation", i.udp_encapsulated ? "Tunnel/NAT-T" : "Tunnel");
    if (i.udp_encapsulated)
      sub("UDP Src Port", std::to_string(r.peer_port), "UDP Dst Port",
          std::to_string(r.local_port));
    sub("Rekey Int (T)", fmt::format("{} Seconds", i.lifetime_seconds), "Rekey Left(T)",
        fmt::format("{} Seconds", i.lifetime_seconds > i.age ? i.lifetime_seconds - i.age : 0));
    // The volume lifetime runs down per direction; the fuller one ends the SA first.
    uint64_t used_kb = std::max(tr.t.bytes_tx, tr.t.bytes_rx) / 1024;
    sub("Rekey Int (D)", fmt::format("{} K-Bytes", i.lifetime_kilobytes), "Rekey Left(D)",
        fmt::format("{} K-Bytes",
                    i.lifetime_kilobytes > used_kb ? i.lifetime_kilobytes - used_kb : 0));
    sub("Bytes Tx", std::to_string(tr.t.bytes_tx), "Bytes Rx", std::to_string(tr.t.bytes_rx));
    sub("Pkts Tx", std::to_string(tr.t.pkts_tx), "Pkts Rx", std::to_string(tr.t.pkts_rx));
  }
}

std::string render_remote(const std::vector<SessionRow>& rows, bool detail) {
  if (rows.empty()) return "INFO: There are presently no active sessions\n";
  std::string out = detail ? "\nSession Type: IPsec Detailed\n\n" : "\nSession Type: IPsec\n\n";
  for (const SessionRow& r : rows) {
    std::string enc = session_cipher(r.cipher);
    std::string hash = std::string(hash_name(r.hash, true));
    for (const TunnelRow& t : r.tunnels) {
      if (enc.find(esp_cipher(t.shown)) == std::string::npos) enc += " " + esp_cipher(t.shown);
      if (hash.find(esp_hash(t.shown)) == std::string::npos) hash += " " + esp_hash(t.shown);
    }
    out += two("Username", r.username.empty() ? r.peer.str() : r.username, "Index",
               std::to_string(r.index));
    out +=
        two("Assigned IP", r.assigned ? r.assigned->str() : "0.0.0.0", "Public IP", r.peer.str());
    out += one("Protocol", r.natt ? "IKE IPsecOverNatT" : "IKE IPsec");
    out += one("License", "IPsec");
    out += two("Encryption", enc, "Hashing", hash);
    out += two("Bytes Tx", std::to_string(r.tx), "Bytes Rx", std::to_string(r.rx));
    out += two("Group Policy", r.group_policy, "Tunnel Group", r.tunnel_group);
    out += one("Login Time", r.login);
    out += one("Duration", duration(r.up));
    out += one("Inactivity", "0h:00m:00s");
    out += one("NAC Result", "Unknown");
    out += two("VLAN Mapping", "N/A", "VLAN", "none");
    if (detail) tunnel_detail(out, r);
    out += "\n";
  }
  return out;
}

void show_remote(Ctx& c, bool detail, std::optional<std::string> filter_name = {}) {
  auto rows = std::make_shared<std::vector<SessionRow>>();
  if (const ike::Engine* e = engine(c))
    for (const auto& [idx, sa] : e->sas()) {
      if (!sa->remote_access || !ike::carries_session(*sa) || sa->state == ike::P1State::XauthWait)
        continue;
      if (filter_name && sa->username != *filter_name) continue;
      rows->push_back(session_row(c, *e, *sa));
    }
  c.session.defer([rows, detail] { return render_remote(*rows, detail); });
}

void show_summary(Ctx& c) {
  const ike::Engine* e = engine(c);
  ike::IkeStats s = e ? e->stats() : ike::IkeStats{};
  uint64_t ra = 0, l2l = 0, ipsec = 0, natt = 0;
  if (e)
    for (const auto& [i, sa] : e->sas()) {
      if (!ike::carries_session(*sa)) continue;
      (sa->remote_access ? ra : l2l) += 1;
      for (const auto& x : sa->ipsec) (x.udp_encapsulated ? natt : ipsec) += 1;
    }
  std::string rule(75, '-');
  auto row4 = [&](std::string_view name, uint64_t a, uint64_t cum, uint64_t peak) {
    c.out += fmt::format("{:<29}: {:>6} : {:>10} : {:>11}\n", name, a, cum, peak);
  };
  auto row3 = [&](std::string_view name, uint64_t a, uint64_t cum, uint64_t peak) {
    c.out += fmt::format("{:<29}: {:>6} : {:>10} : {:>15}\n", name, a, cum, peak);
  };
  c.out += rule + "\nVPN Session Summary\n" + rule + "\n";
  c.out += "                               Active : Cumulative : Peak Concur : Inactive\n";
  c.out += "                             ----------------------------------------------\n";
  row4("Remote-Access VPN", ra, s.cumulative_sessions, s.peak_sessions);
  row4("  IKEv1 IPsec", ra, s.cumulative_sessions, s.peak_sessions);
  if (l2l) row4("Site-to-Site VPN", l2l, l2l, l2l);
  c.out += rule + "\n";
  c.out += fmt::format("{:<29}: {:>6}             Total Cumulative : {:>6}\n",
                       "Total Active and Inactive", ra + l2l, s.cumulative_sessions);
  const uint64_t capacity = vpn_capacity(c.cfg);
  c.out += fmt::format("{:<29}: {:>6}\n", "Device Total VPN Capacity", capacity);
  c.out += fmt::format("{:<29}: {:>6}%\n", "Device Load", (ra + l2l) * 100 / capacity);
  c.out += rule + "\n" + rule + "\nTunnels Summary\n" + rule + "\n";
  c.out += "                               Active : Cumulative : Peak Concurrent\n";
  c.out += "                             ----------------------------------------------\n";
  row3("IKEv1", ra + l2l, s.cumulative_sessions, s.peak_sessions);
  row3("IPsec", ipsec, s.in_p2_exchanges, ipsec);
  row3("IPsecOverNatT", natt, natt, natt);
  c.out += rule + "\n";
  c.out += fmt::format("{:<29}: {:>6} : {:>10}\n", "Totals", ra + l2l + ipsec + natt,
                       s.cumulative_sessions + s.in_p2_exchanges);
  c.out += rule + "\n";
}

}  // namespace

void register_vpn_sessions(CommandTree& t) {
  const std::vector<std::string_view> sa_help = {
      kHelpShow, "Show crypto information", "Show ISAKMP information",
      "Show ISAKMP Security Associations", "Show detailed information"};
  t.add({kPrivAndConfig, "show crypto isakmp sa [{detail:detail}]", sa_help,
         [](Ctx& c) { show_isakmp_sa(c, c.args.has("detail")); }});
  t.add({kPrivAndConfig,
         "show crypto ikev1 sa [{detail:detail}]",
         {kHelpShow, "Show crypto information", "Show IKEv1 information",
          "Show IKEv1 Security Associations", "Show detailed information"},
         [](Ctx& c) { show_isakmp_sa(c, c.args.has("detail")); }});
  t.add(
      {kPrivAndConfig,
       "show crypto isakmp stats",
       {kHelpShow, "Show crypto information", "Show ISAKMP information", "Show ISAKMP statistics"},
       show_stats});
  t.add({kPrivAndConfig,
         "show vpn-sessiondb",
         {kHelpShow, "Show VPN session database"},
         show_summary});
  t.add({kPrivAndConfig,
         "show vpn-sessiondb summary",
         {kHelpShow, "Show VPN session database", "Show session summary"},
         show_summary});
  t.add({kPrivAndConfig,
         "show vpn-sessiondb remote [filter name <user:WORD>]",
         {kHelpShow, "Show VPN session database", "IPsec remote access sessions",
          "Filter the sessions", "Filter by username", "Username"},
         [](Ctx& c) {
           show_remote(c, false,
                       c.args.has("user") ? std::optional(c.args.str("user")) : std::nullopt);
         }});
  t.add({kPrivAndConfig,
         "show vpn-sessiondb ra-ikev1-ipsec",
         {kHelpShow, "Show VPN session database", "IKEv1 IPsec remote access sessions"},
         [](Ctx& c) { show_remote(c, false); }});
  t.add({kPrivAndConfig,
         "show vpn-sessiondb detail remote",
         {kHelpShow, "Show VPN session database", "Show detailed output",
          "IPsec remote access sessions"},
         [](Ctx& c) { show_remote(c, true); }});
  t.add({kPrivAndConfig,
         "clear crypto isakmp sa [<peer:A.B.C.D>]",
         {kHelpClear, "Clear crypto information", "Clear ISAKMP information",
          "Clear ISAKMP Security Associations", "Peer address"},
         [](Ctx& c) {
           ike::Engine* e = c.session.appliance().ike();
           if (!e) return;
           if (c.args.has("peer"))
             e->clear(c.args.ip("peer"));
           else
             e->clear();
         }});
  t.add({kPrivAndConfig,
         "vpn-sessiondb logoff {what:all|index|name} [<value:WORD>]",
         {"Configure the VPN Session Manager", "Log off sessions",
          "Log off all sessions|Log off the session with an index|Log off a user's sessions",
          "Index or username"},
         [](Ctx& c) {
           ike::Engine* e = c.session.appliance().ike();
           const std::string& what = c.args.str("what");
           if ((what == "all") == c.args.has("value")) {
             c.session.invalid_input_at(c.out, c.args, "what");
             return;
           }
           size_t n = 0;
           if (e && what == "all") n = e->clear();
           if (e && what == "name") n = e->logoff_name(c.args.str("value"));
           if (e && what == "index") {
             const std::string& v = c.args.str("value");
             if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) {
               c.session.invalid_input_at(c.out, c.args, "value");
               return;
             }
             n = e->logoff_index(std::stoull(v));
           }
           if (n == 0)
             info(c, "There are presently no active sessions");
           else
             info(c,
                  fmt::format("Number of sessions {} logged off : {}",
                              what == "all" ? "" : "with " + what + " " + c.args.str("value"), n));
         }});
}

}  // namespace rampart::cli
