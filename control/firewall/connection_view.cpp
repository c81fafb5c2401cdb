#include "control/firewall/connection_view.hpp"

#include <netinet/in.h>

#include <fmt/format.h>

namespace rampart::firewall {

namespace {

uint32_t mask_of(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~0u << (32 - prefix);
}

ConnEnd end_of(const Policy& p, uint32_t real, uint16_t real_port, uint32_t mapped,
               uint16_t mapped_port) {
  ConnEnd e{"unknown", 0, real, real_port, mapped, mapped_port, false};
  if (is_box_address(p, real)) {
    e.box = true;
    e.nameif = "NP Identity Ifc";
    e.level = 100;
  } else if (const Interface* itf = interface_for(p, real)) {
    e.nameif = itf->nameif;
    e.level = itf->level;
  }
  return e;
}

}  // namespace

const Interface* interface_for(const Policy& p, uint32_t address) {
  for (const auto& itf : p.interfaces)
    if (itf.prefix > 0 && ((itf.address ^ address) & mask_of(itf.prefix)) == 0) return &itf;
  const Route* best = nullptr;
  for (const auto& r : p.routes)
    if (((r.network ^ address) & mask_of(r.prefix)) == 0 && (!best || r.prefix > best->prefix))
      best = &r;
  if (!best) return nullptr;
  for (const auto& itf : p.interfaces)
    if (itf.nameif == best->nameif) return &itf;
  return nullptr;
}

bool is_box_address(const Policy& p, uint32_t address) {
  for (const auto& itf : p.interfaces)
    if (itf.address == address) return true;
  return false;
}

const Interface* interface_of_device(const Policy& p, std::string_view device) {
  for (const auto& itf : p.interfaces)
    if (itf.device == device || (itf.vpn && *itf.vpn == device) || device == itf.device + "-vpn")
      return &itf;
  return nullptr;
}

ConnView view_of(const Policy& p, const Connection& c) {
  ConnView v;
  // conntrack: the original tuple is what the initiator sent, the reply tuple what the
  // responder sends back; each end's address as the other sees it is in the other tuple.
  v.initiator = end_of(p, c.orig_src, c.orig_sport, c.reply_dst, c.reply_dport);
  v.responder = end_of(p, c.reply_src, c.reply_sport, c.orig_dst, c.orig_dport);
  v.inbound = v.initiator.level < v.responder.level;
  return v;
}

const NatRule* source_rule(const Policy& p, const Connection& c, const ConnView& v) {
  for (const auto& r : p.nat) {
    if (r.real_if != "any" && r.real_if != v.initiator.nameif) continue;
    if (!contains(r.real_source, c.orig_src)) continue;
    if (r.mapped_destination && !contains(*r.mapped_destination, c.orig_dst)) continue;
    return &r;
  }
  return nullptr;
}

std::string ip_string(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

std::string protocol_upper(uint8_t protocol) {
  switch (protocol) {
    case IPPROTO_TCP:
      return "TCP";
    case IPPROTO_UDP:
      return "UDP";
    case IPPROTO_ICMP:
      return "ICMP";
    case IPPROTO_GRE:
      return "GRE";
    case IPPROTO_ESP:
      return "ESP";
    default:
      return std::to_string(protocol);
  }
}

std::string protocol_lower(uint8_t protocol) {
  std::string s = protocol_upper(protocol);
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string hms(uint64_t s) {
  return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

std::string conn_flags(const ConnView& v, const Connection& c) {
  if (c.protocol != IPPROTO_TCP) return "-";
  const std::string& st = c.tcp_state;
  std::string f;
  // Awaiting the handshake: the initiator's SYN is out, nothing came back yet.
  if (st == "SYN_SENT") return v.inbound ? "aB" : "saA";
  if (st == "SYN_RECV") return v.inbound ? "AB" : "A";
  f = "U";
  if (c.assured) f += "IO";
  if (st == "FIN_WAIT" || st == "CLOSE_WAIT" || st == "LAST_ACK") f += v.inbound ? "F" : "f";
  if (st == "TIME_WAIT" || st == "CLOSE") f += "fF";
  if (v.inbound) f += "B";
  return f;
}

}  // namespace rampart::firewall
