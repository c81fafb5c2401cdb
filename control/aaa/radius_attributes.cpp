#include "control/aaa/radius_attributes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace rampart::aaa::radius {

// Vendor names as the ASA's dictionary spells them; "vendor=" ties an attribute to its vendor
// (radcli's dictionary syntax).
const std::string_view kCiscoDictionary =
    "VENDOR Cisco 9\n"
    "ATTRIBUTE Cisco-AVPair 1 string vendor=Cisco\n"
    "VENDOR Cisco-ASA 3076\n"
    "ATTRIBUTE Simultaneous-Logins 2 integer vendor=Cisco-ASA\n"
    "ATTRIBUTE Group-Policy 25 string vendor=Cisco-ASA\n"
    "ATTRIBUTE Tunnel-Group-Name 146 string vendor=Cisco-ASA\n"
    "ATTRIBUTE Client-Type 150 integer vendor=Cisco-ASA\n"
    "ATTRIBUTE Privilege-Level 220 integer vendor=Cisco-ASA\n"
    // radcli ships dictionary.microsoft but its main dictionary does not include it.
    "VENDOR Microsoft 311\n"
    "ATTRIBUTE MS-CHAP-Error 2 string vendor=Microsoft\n"
    "ATTRIBUTE MS-CHAP2-Success 26 string vendor=Microsoft\n";

namespace {

// RFC 2865 5: a text value is at most 253 octets; radcli refuses longer ones outright.
constexpr size_t kMaxText = 253;

Attribute integer(uint8_t type, uint32_t v, uint32_t vendor = 0) {
  return {Attribute::Kind::Integer, vendor, type, v, {}};
}
Attribute address(uint8_t type, config::Ipv4 a) {
  return {Attribute::Kind::Address, 0, type, a.value, {}};
}
Attribute text(uint8_t type, std::string_view s, uint32_t vendor = 0) {
  return {Attribute::Kind::Text, vendor, type, 0, std::string(s.substr(0, kMaxText))};
}

// The NAS attributes both requests carry: who we are and where the user came from.
void add_nas(std::vector<Attribute>& out, std::optional<config::Ipv4> nas, uint32_t port,
             std::optional<config::Ipv4> client, const ServerTarget& t) {
  if (auto ip = nas ? nas : t.source) out.push_back(address(kNasIpAddress, *ip));
  out.push_back(integer(kNasPort, port));
  out.push_back(integer(kNasPortType, kPortTypeVirtual));
  if (nas) out.push_back(text(kCalledStationId, nas->str()));
  if (client) out.push_back(text(kCallingStationId, client->str()));
}

uint32_t low32(uint64_t v) {
  return static_cast<uint32_t>(v & 0xffffffffu);
}
uint32_t high32(uint64_t v) {
  return static_cast<uint32_t>(v >> 32);
}
uint32_t saturate32(uint64_t v) {
  return v > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(v);
}

// "Idle-Timeout", "idle timeout" and "IDLE_TIMEOUT" are one cause.
std::string fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_' || c == ' ') c = ' ';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool printable(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isprint(static_cast<unsigned char>(c)) != 0;
  });
}

std::optional<int> level(std::string_view digits) {
  int v = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc{} || end != digits.data() + digits.size() || v < 0 || v > 15) return {};
  return v;
}

// The ASA reads the group-policy from Class as "OU=NAME;" (also without the ';'), and a plain
// NAME; values with ':' are servers' session tokens (ACS/ISE "CACS:..."), echoed only.
std::optional<std::string> class_group_policy(std::string_view v) {
  if (v.starts_with("OU=") || v.starts_with("ou=")) {
    v.remove_prefix(3);
    v = v.substr(0, v.find(';'));
    return printable(v) ? std::optional<std::string>(v) : std::nullopt;
  }
  if (v.ends_with(';')) v.remove_suffix(1);
  if (!printable(v) || v.find_first_of(":=; ") != std::string_view::npos) return {};
  return std::string(v);
}

}  // namespace

std::optional<uint32_t> status_type(AccountingRecord::Kind k) {
  switch (k) {  // RFC 2866 5.1
    case AccountingRecord::Kind::Start:
      return 1;
    case AccountingRecord::Kind::Stop:
      return 2;
    case AccountingRecord::Kind::Interim:
      return 3;
    case AccountingRecord::Kind::Command:
      return {};
  }
  return {};
}

std::optional<uint32_t> terminate_cause(std::string_view words) {
  // RFC 2866 5.10, then the ASA's own session-end words for the same causes.
  static constexpr std::array<std::pair<std::string_view, uint32_t>, 24> kCauses{{
      {"user request", 1},    {"lost carrier", 2},        {"lost service", 3},
      {"idle timeout", 4},    {"session timeout", 5},     {"admin reset", 6},
      {"admin reboot", 7},    {"port error", 8},          {"nas error", 9},
      {"nas request", 10},    {"nas reboot", 11},         {"port unneeded", 12},
      {"port preempted", 13}, {"port suspended", 14},     {"service unavailable", 15},
      {"callback", 16},       {"user error", 17},         {"host request", 18},
      {"user requested", 1},  {"max time exceeded", 5},   {"administrator reset", 6},
      {"peer terminate", 18}, {"port not available", 15}, {"system reboot", 11},
  }};
  const std::string key = fold(words);
  for (const auto& [name, code] : kCauses)
    if (name == key) return code;
  return {};
}

std::vector<Attribute> access_request(const AuthRequest& r, const ServerTarget& t) {
  std::vector<Attribute> out;
  out.push_back(text(kUserName, r.user));
  add_nas(out, r.nas, r.nas_port, r.client, t);
  // Never Administrative (6) here: radcli 1.2.11 sends such a request with the Merit
  // "management poll" secret instead of the server's key (sendserver.c).
  out.push_back(
      integer(kServiceType, r.purpose == Purpose::VpnUser ? kServiceFramed : kServiceLogin));
  if (!r.tunnel_group.empty())
    out.push_back(text(kAsaTunnelGroupName, r.tunnel_group, kVendorCiscoVpn));
  if (r.purpose == Purpose::VpnUser)
    out.push_back(integer(kAsaClientType, kClientTypeIkev1, kVendorCiscoVpn));
  return out;
}

std::vector<Attribute> accounting_request(const AccountingRecord& r, const ServerTarget& t) {
  std::vector<Attribute> out;
  if (auto st = status_type(r.kind)) out.push_back(integer(kAcctStatusType, *st));
  out.push_back(text(kAcctSessionId, r.session_id));
  out.push_back(text(kUserName, r.user));
  add_nas(out, r.nas, r.nas_port, r.client, t);
  if (r.framed_ip) out.push_back(address(kFramedIpAddress, *r.framed_ip));
  if (!r.tunnel_group.empty())
    out.push_back(text(kAsaTunnelGroupName, r.tunnel_group, kVendorCiscoVpn));
  for (const auto& c : r.classes) out.push_back(text(kClass, c));
  if (r.kind == AccountingRecord::Kind::Start) return out;
  // RFC 2869 5.1/5.2: Gigawords count how often the 32-bit octet counter wrapped.
  out.push_back(integer(kAcctInputOctets, low32(r.in_octets)));
  out.push_back(integer(kAcctOutputOctets, low32(r.out_octets)));
  if (high32(r.in_octets)) out.push_back(integer(kAcctInputGigawords, high32(r.in_octets)));
  if (high32(r.out_octets)) out.push_back(integer(kAcctOutputGigawords, high32(r.out_octets)));
  out.push_back(integer(kAcctInputPackets, saturate32(r.in_packets)));
  out.push_back(integer(kAcctOutputPackets, saturate32(r.out_packets)));
  out.push_back(integer(kAcctSessionTime, r.session_seconds));
  if (r.kind == AccountingRecord::Kind::Stop)
    if (auto cause = terminate_cause(r.terminate_cause))
      out.push_back(integer(kAcctTerminateCause, *cause));
  return out;
}

Authorization interpret_reply(const std::vector<ReplyAttribute>& attrs) {
  Authorization a;
  std::optional<std::string> from_class, from_vsa;
  std::optional<int> from_service, explicit_level;
  for (const auto& at : attrs) {
    const auto n = at.number;
    if (at.vendor == 0) {
      switch (at.type) {
        case kFramedIpAddress:
          // RFC 2865 5.8: 0xFFFFFFFF and 0xFFFFFFFE leave the choice to the NAS (the pool).
          if (n && *n < 0xfffffffeu) a.framed_ip = config::Ipv4{*n};
          break;
        case kFramedIpNetmask:
          if (n) a.framed_mask = config::Mask::parse(config::Ipv4{*n}.str());
          break;
        case kFilterId:
          if (!a.filter_acl && printable(at.octets)) a.filter_acl = at.octets;
          break;
        case kClass:
          a.classes.push_back(at.octets);
          if (!from_class) from_class = class_group_policy(at.octets);
          break;
        case kSessionTimeout:
          if (n) a.session_timeout = *n;
          break;
        case kIdleTimeout:
          if (n) a.idle_timeout = *n;
          break;
        case kServiceType:
          if (n) a.service_type = *n;
          if (n && *n == kServiceAdministrative) from_service = 15;
          break;
        default:
          break;
      }
    } else if (at.vendor == kVendorCiscoVpn) {
      if (at.type == kAsaGroupPolicy && printable(at.octets)) from_vsa = at.octets;
      if (at.type == kAsaSimultaneousLogins && n) a.simultaneous_logins = *n;
      if (at.type == kAsaPrivilegeLevel && n && *n <= 15) explicit_level = static_cast<int>(*n);
    } else if (at.vendor == kVendorCisco && at.type == kCiscoAvPair) {
      constexpr std::string_view kPriv = "shell:priv-lvl=";
      std::string_view v = at.octets;
      if (v.starts_with(kPriv))
        if (auto l = level(v.substr(kPriv.size()))) explicit_level = l;
    }
  }
  // The Group-Policy VSA is the ASA's preferred form; Class is the older one.
  a.group_policy = from_vsa ? from_vsa : from_class;
  a.privilege_level = explicit_level ? explicit_level : from_service;
  return a;
}

std::string reply_message(const std::vector<ReplyAttribute>& attrs) {
  std::string out;
  for (const auto& at : attrs) {
    if (at.vendor != 0 || at.type != kReplyMessage) continue;
    if (!out.empty()) out += '\n';
    out += at.octets;
  }
  return out;
}

std::string attribute_name(uint32_t vendor, uint8_t type) {
  if (vendor == kVendorCiscoVpn) {
    switch (type) {
      case kAsaSimultaneousLogins:
        return "Simultaneous-Logins";
      case kAsaGroupPolicy:
        return "Group-Policy";
      case kAsaTunnelGroupName:
        return "Tunnel-Group-Name";
      case kAsaClientType:
        return "Client-Type";
      case kAsaPrivilegeLevel:
        return "Privilege-Level";
      default:
        return "Unknown";
    }
  }
  if (vendor == kVendorCisco) return type == kCiscoAvPair ? "Cisco-AVpair" : "Unknown";
  if (vendor == kVendorMicrosoft) {
    switch (type) {
      case kMsChapError:
        return "MS-CHAP-Error";
      case kMsChapNtEncPw:
        return "MS-CHAP-NT-Enc-PW";
      case kMsChapChallenge:
        return "MS-CHAP-Challenge";
      case kMsChap2Response:
        return "MS-CHAP2-Response";
      case kMsChap2Success:
        return "MS-CHAP2-Success";
      case kMsChap2Cpw:
        return "MS-CHAP2-CPW";
      default:
        return "Unknown";
    }
  }
  if (vendor != 0) return "Unknown";
  switch (type) {
    case kUserName:
      return "User-Name";
    case kUserPassword:
      return "User-Password";
    case kNasIpAddress:
      return "NAS-IP-Address";
    case kNasPort:
      return "NAS-Port";
    case kServiceType:
      return "Service-Type";
    case kFramedIpAddress:
      return "Framed-IP-Address";
    case kFramedIpNetmask:
      return "Framed-IP-Netmask";
    case kFilterId:
      return "Filter-Id";
    case kReplyMessage:
      return "Reply-Message";
    case kClass:
      return "Class";
    case kVendorSpecific:
      return "Vendor-Specific";
    case kSessionTimeout:
      return "Session-Timeout";
    case kIdleTimeout:
      return "Idle-Timeout";
    case kCalledStationId:
      return "Called-Station-Id";
    case kCallingStationId:
      return "Calling-Station-Id";
    case kAcctStatusType:
      return "Acct-Status-Type";
    case kAcctInputOctets:
      return "Acct-Input-Octets";
    case kAcctOutputOctets:
      return "Acct-Output-Octets";
    case kAcctSessionId:
      return "Acct-Session-Id";
    case kAcctSessionTime:
      return "Acct-Session-Time";
    case kAcctInputPackets:
      return "Acct-Input-Packets";
    case kAcctOutputPackets:
      return "Acct-Output-Packets";
    case kAcctTerminateCause:
      return "Acct-Terminate-Cause";
    case kAcctInputGigawords:
      return "Acct-Input-Gigawords";
    case kAcctOutputGigawords:
      return "Acct-Output-Gigawords";
    case kNasPortType:
      return "NAS-Port-Type";
    case 80:
      return "Message-Authenticator";
    default:
      return "Unknown";
  }
}

namespace {

// The ASA's hex dump of a string value: 16 octets a line, then the printable characters.
void hex_dump(std::vector<std::string>& out, std::string_view v) {
  for (size_t i = 0; i < v.size(); i += 16) {
    std::string hex, chars;
    for (size_t j = i; j < std::min(v.size(), i + 16); ++j) {
      const auto c = static_cast<unsigned char>(v[j]);
      hex += fmt::format("{:02x} ", c);
      chars += std::isprint(c) ? static_cast<char>(c) : '.';
    }
    out.push_back(fmt::format("{:<48}|  {}", hex, chars));
  }
}

void type_line(std::vector<std::string>& out, uint32_t vendor, uint8_t type, size_t len) {
  if (vendor != 0) {
    out.push_back(fmt::format("Radius: Type = 26 (0x1A) Vendor-Specific"));
    out.push_back(fmt::format("Radius: Length = {} (0x{:02X})", len + 6, len + 6));
    out.push_back(fmt::format("Radius: Vendor ID = {} (0x{:08X})", vendor, vendor));
  }
  out.push_back(
      fmt::format("Radius: Type = {} (0x{:02X}) {}", type, type, attribute_name(vendor, type)));
  out.push_back(fmt::format("Radius: Length = {} (0x{:02X})", len, len));
}

void value_lines(std::vector<std::string>& out, bool is_address, uint32_t vendor,
                 std::optional<uint32_t> number, std::string_view octets) {
  if (is_address && number) {
    out.push_back(fmt::format("Radius: Value (IP Address) = {} (0x{:08X})",
                              config::Ipv4{*number}.str(), *number));
  } else if (number && vendor != 0) {
    out.push_back(fmt::format("Radius: Value (Integer) = {} (0x{:04X})", *number, *number));
  } else if (number) {
    out.push_back(fmt::format("Radius: Value (Hex) = 0x{:X}", *number));
  } else {
    out.push_back("Radius: Value (String) =");
    hex_dump(out, octets);
  }
}

bool address_type(uint32_t vendor, uint8_t type) {
  return vendor == 0 &&
         (type == kNasIpAddress || type == kFramedIpAddress || type == kFramedIpNetmask);
}

}  // namespace

namespace {

// A Vendor-Specific attribute of Microsoft's (the MS-CHAP responses and password blocks).
bool microsoft_vsa(std::span<const uint8_t> at) {
  return at.size() >= 6 && at[0] == kVendorSpecific && at[1] >= 6 && at[2] == 0 && at[3] == 0 &&
         at[4] == (kVendorMicrosoft >> 8) && at[5] == (kVendorMicrosoft & 0xff);
}

}  // namespace

Header Header::of(std::span<const uint8_t> packet) {
  Header h;
  if (packet.size() < 20) return h;
  h.code = packet[0];
  h.id = packet[1];
  h.length = static_cast<uint16_t>(packet[2] << 8 | packet[3]);
  std::copy_n(packet.begin() + 4, 16, h.vector.begin());
  return h;
}

std::vector<std::string> debug_raw(std::span<const uint8_t> packet) {
  std::string masked(packet.begin(), packet.end());
  // The hidden password stays off the console: its octets print as "**".
  std::vector<bool> hide(masked.size(), false);
  const bool request = !packet.empty() && packet[0] == 1;
  for (size_t i = 20; i + 2 <= packet.size() && packet[i + 1] >= 2; i += packet[i + 1])
    if (packet[i] == kUserPassword || (request && microsoft_vsa(packet.subspan(i))))
      for (size_t j = i + 2; j < std::min(packet.size(), i + packet[i + 1]); ++j) hide[j] = true;
  std::vector<std::string> out{fmt::format("Raw packet data (length = {}).....", packet.size())};
  for (size_t i = 0; i < packet.size(); i += 16) {
    std::string hex, chars;
    for (size_t j = i; j < std::min(packet.size(), i + 16); ++j) {
      hex += hide[j] ? "** " : fmt::format("{:02x} ", packet[j]);
      chars += !hide[j] && std::isprint(packet[j]) ? static_cast<char>(packet[j]) : '.';
    }
    out.push_back(fmt::format("{:<48}|  {}", hex, chars));
  }
  return out;
}

namespace {

void header_lines(std::vector<std::string>& out, const Header& h) {
  out.push_back("Parsed packet data.....");
  out.push_back(fmt::format("Radius: Code = {} (0x{:02X})", h.code, h.code));
  out.push_back(fmt::format("Radius: Identifier = {} (0x{:02X})", h.id, h.id));
  out.push_back(fmt::format("Radius: Length = {} (0x{:04X})", h.length, h.length));
  std::string v;
  for (auto b : h.vector) v += fmt::format("{:02X}", b);
  out.push_back("Radius: Vector: " + v);
}

}  // namespace

std::vector<std::string> debug_request(std::string_view kind, const Header& h,
                                       const std::vector<Attribute>& attrs, size_t password_len) {
  std::vector<std::string> out{fmt::format("RADIUS packet decode ({})", kind),
                               "--------------------------------------"};
  header_lines(out, h);
  for (const auto& at : attrs) {
    const bool num = at.kind != Attribute::Kind::Text;
    if (!num && at.text.empty()) continue;  // not sent
    type_line(out, at.vendor, at.type, num ? 6 : std::min<size_t>(at.text.size(), 253) + 2);
    if (at.secret) {
      out.push_back("Radius: Value (String) = (...)");
      continue;
    }
    value_lines(out, at.kind == Attribute::Kind::Address, at.vendor,
                num ? std::optional<uint32_t>(at.number) : std::nullopt, at.text);
  }
  const bool mschap = std::any_of(attrs.begin(), attrs.end(),
                                  [](const Attribute& a) { return a.vendor == kVendorMicrosoft; });
  if (h.code == 1 && !mschap) {
    // RFC 2865 5.2: hidden in 16-octet blocks, so only the padded length shows.
    const size_t padded =
        std::max<size_t>(16, (std::min<size_t>(password_len, 128) + 15) / 16 * 16);
    type_line(out, 0, kUserPassword, padded + 2);
    out.push_back("Radius: Value (String) = (...)");
  }
  return out;
}

std::vector<std::string> debug_reply(const Header& h, const std::vector<ReplyAttribute>& attrs) {
  std::vector<std::string> out{"RADIUS packet decode (response)",
                               "--------------------------------------"};
  header_lines(out, h);
  for (const auto& at : attrs) {
    type_line(out, at.vendor, at.type, at.number ? 6 : at.octets.size() + 2);
    value_lines(out, address_type(at.vendor, at.type), at.vendor, at.number, at.octets);
  }
  return out;
}

}  // namespace rampart::aaa::radius
