#include "control/logging/messages.hpp"

#include <algorithm>
#include <array>

namespace rampart::logging {

namespace {

// Sorted by id. Levels and words are the ASA's (9.x syslog message guide); "[U]" marks a
// wording recalled rather than read in a Cisco document. Messages whose text is built by a
// caller in several shapes (302014's optional teardown reason, the IKE "Group = ..., IP = ...,"
// prefix) take that part as one "{}".
constexpr std::array kMessages{
    MessageDef{106001, 2,
               "Inbound TCP connection denied from {}/{} to {}/{} flags {} on interface {}"},
    MessageDef{106006, 2, "Deny inbound UDP from {}/{} to {}/{} on interface {}"},
    MessageDef{106014, 3, "Deny inbound icmp src {}:{} dst {}:{} (type {}, code {})"},
    MessageDef{106023, 4, "Deny {} src {} dst {}{} by access-group \"{}\" [0x0, 0x0]"},
    MessageDef{106100, 6,
               "access-list {} permitted {} {}/{}({}) -> {}/{}({}) hit-cnt {} {} [0x{:x}, 0x0]"},
    MessageDef{111008, 5, "User '{}' executed the '{}' command."},
    MessageDef{111009, 7, "User '{}' executed cmd: {}"},
    MessageDef{111010, 5, "User '{}', running '{}' from IP {}, executed '{}'"},
    MessageDef{113003, 6, "AAA group policy for user {} is being set to {}"},
    MessageDef{113004, 6, "AAA user {} Successful : server = {} : user = {}"},
    MessageDef{113005, 6, "AAA user {} Rejected : reason = {} : server = {} : user = *****{}"},
    MessageDef{113009, 6, "{}AAA retrieved default group policy ({}) for user = {}"},
    MessageDef{113012, 6, "AAA user {} Successful : local database : user = {}"},
    MessageDef{113014, 6, "AAA {} server not accessible : server = {} : user = {}"},
    MessageDef{113015, 6, "AAA user {} Rejected : reason = {} : local database : user = *****{}"},
    MessageDef{113019, 4,
               "{}Session disconnected. Session Type: {}, Duration: {}, Bytes xmt: {}, Bytes "
               "rcv: {}, Reason: {}"},
    MessageDef{113021, 3,
               "Attempted console login failed. User {} did NOT have appropriate Admin Rights."},
    MessageDef{113022, 2, "AAA Marking {} server {} in aaa-server group {} as FAILED"},
    // [U] 113023 says "server group" where 113022 says "aaa-server group".
    MessageDef{113023, 2, "AAA Marking {} server {} in server group {} as ACTIVE"},
    // The words as a parser's catalogue of ASA messages gives them (it drops final periods,
    // as for 113030); [U] the level and the period, those of 716023, the same words for WebVPN.
    MessageDef{113029, 4,
               "Group {} User {} IP {} Session could not be established: session limit of {} "
               "reached."},
    MessageDef{113030, 4,
               "Group {} User {} IP {} User ACL {} from AAA doesn't exist on the device, "
               "terminating connection."},
    MessageDef{302013, 6, "Built {} TCP connection {} for {} to {}"},
    MessageDef{302014, 6, "Teardown TCP connection {} for {} to {} duration {} bytes {}{}"},
    MessageDef{302015, 6, "Built {} UDP connection {} for {} to {}"},
    MessageDef{302016, 6, "Teardown UDP connection {} for {} to {} duration {} bytes {}"},
    MessageDef{302020, 6, "Built {} ICMP connection for {}"},
    MessageDef{302021, 6, "Teardown ICMP connection for {}"},
    MessageDef{305009, 6, "Built dynamic translation from {}:{} to {}:{}"},
    MessageDef{305010, 6, "Teardown dynamic translation from {}:{} to {}:{} duration {}"},
    MessageDef{305011, 6, "Built dynamic {} translation from {}:{}/{} to {}:{}/{}"},
    MessageDef{305012, 6, "Teardown dynamic {} translation from {}:{}/{} to {}:{}/{} duration {}"},
    MessageDef{313001, 3, "Denied ICMP type={}, code={} from {} on interface {}"},
    // [U] the spacing after "SPI=" and "user=" follows 602303 (the catalogue writes them
    // without); no sample line of 402120 found.
    MessageDef{402120, 4,
               "IPSEC: Received an {} packet (SPI= 0x{:08X}, sequence number= 0x{:X}) from {} "
               "(user= {}) to {} that failed authentication."},
    // [U] 414003/414004: the words as recalled from the ASA's syslog guide (no sample found):
    // "intf:address/port", then "permitted" or "denied".
    MessageDef{414003, 3,
               "TCP Syslog Server {} not responding. New connections are {} based on logging "
               "permit-hostdown policy"},
    MessageDef{414004, 6, "TCP Syslog Server {} - Connection restored"},
    MessageDef{602303, 6,
               "IPSEC: An {} {} SA (SPI= 0x{:08X}) between {} and {} (user= {}) has been created."},
    MessageDef{602304, 5,
               "IPSEC: An {} {} SA (SPI= 0x{:08X}) between {} and {} (user= {}) has been deleted."},
    MessageDef{605004, 6, "Login denied from {}/{} for user \"{}\""},
    MessageDef{605005, 6, "Login permitted from {}/{} for user \"{}\""},
    MessageDef{713041, 5,
               "{}IKE Initiator: New Phase 1, Intf {}, IKE Peer {}  local Proxy Address "
               "{}, remote Proxy Address {},  Crypto map ({})"},
    MessageDef{713061, 3, "{}{}"},
    MessageDef{713119, 5, "{}PHASE 1 COMPLETED"},
    MessageDef{713120, 5, "{}PHASE 2 COMPLETED (msgid={:08x})"},
    MessageDef{713132, 3, "{}Cannot obtain an IP address for remote peer"},
    MessageDef{713167, 3, "{}{}"},
    MessageDef{713191, 3, "{}Maximum concurrent IKE negotiations exceeded!"},
    MessageDef{713228, 6, "{}Assigned private IP address {} to remote user"},
    MessageDef{713245, 3, "{}Can't find a valid tunnel group, aborting..."},
    MessageDef{713902, 3, "{}{}"},
};

constexpr bool sorted_and_unique() {
  for (size_t i = 1; i < kMessages.size(); ++i)
    if (kMessages[i - 1].id >= kMessages[i].id) return false;
  return true;
}
static_assert(sorted_and_unique(), "kMessages must be sorted by id, each id once");

constexpr std::array<std::string_view, 8> kLevelNames{"emergencies",   "alerts",   "critical",
                                                      "errors",        "warnings", "notifications",
                                                      "informational", "debugging"};

}  // namespace

std::span<const MessageDef> messages() {
  return kMessages;
}

const MessageDef* find_message(uint32_t id) {
  auto it = std::lower_bound(kMessages.begin(), kMessages.end(), id,
                             [](const MessageDef& m, uint32_t v) { return m.id < v; });
  return it != kMessages.end() && it->id == id ? &*it : nullptr;
}

std::string_view level_name(int level) {
  return level >= 0 && level < 8 ? kLevelNames[static_cast<size_t>(level)] : "";
}

std::optional<int> parse_level(std::string_view word) {
  if (word.size() == 1 && word[0] >= '0' && word[0] <= '7') return word[0] - '0';
  for (size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == word) return static_cast<int>(i);
  return std::nullopt;
}

std::string vtext(uint32_t id, fmt::format_args args) {
  const MessageDef* m = find_message(id);
  if (!m) return {};
  try {
    return fmt::vformat(m->format, args);
  } catch (const fmt::format_error&) {
    return std::string(m->format);
  }
}

}  // namespace rampart::logging
