// debug crypto isakmp|ikev1|ipsec [1-255], debug crypto condition peer|user|group|reset, debug
// radius [all|decode|session|user NAME], debug tacacs [session|user NAME], their no/undebug
// forms, undebug all, show debug, show crypto debug-condition. Debugs belong to the session that
// set them, as on the ASA; the lines themselves come from the control plane through
// Appliance::debug.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"

namespace rampart::cli {

namespace {

constexpr int kDefaultLevel = 1;  // "debug crypto isakmp" without a level, as on the ASA

int& field(Session& s, std::string_view facility) {
  return facility == "ipsec" ? s.debug_ipsec : s.debug_isakmp;
}

// One protocol's debug settings in a session: the keyword bits and the NAME of "user NAME".
struct AaaDebug {
  unsigned& bits;
  std::string& user;
  unsigned kinds;  // what "all" stands for when one keyword is turned off: its line kinds
};

AaaDebug aaa_debug(Session& s, bool radius) {
  return radius ? AaaDebug{s.debug_radius, s.debug_radius_user, kDebugAaaDecode | kDebugAaaSession}
                : AaaDebug{s.debug_tacacs, s.debug_tacacs_user, kDebugAaaSession};
}

// The bit a "debug radius|tacacs [KEYWORD]" line names: the plain form and "all" name all.
unsigned aaa_bit(const Ctx& c) {
  if (!c.args.has("kind")) return kDebugAaaAll;
  const std::string& k = c.args.str("kind");
  return k == "decode" ? kDebugAaaDecode : k == "session" ? kDebugAaaSession : kDebugAaaAll;
}

// debug radius [all|decode|session] / debug tacacs [session], and their off forms. Turning all
// off turns everything off (the user's lines too); turning one kind off after "all" leaves the
// other kinds on, as the plain command had them.
void set_aaa(Ctx& c, bool radius, bool off) {
  AaaDebug d = aaa_debug(c.session, radius);
  const unsigned bit = aaa_bit(c);
  if (!off) {
    d.bits |= bit;
  } else if (bit == kDebugAaaAll) {
    d.bits = 0;
    d.user.clear();
  } else {
    if (d.bits & kDebugAaaAll) d.bits = (d.bits & ~kDebugAaaAll) | d.kinds;
    d.bits &= ~bit;
  }
  c.session.appliance().debug_settings_changed();
}

// debug radius|tacacs user NAME: one user's lines of every kind (one user at a time: a new
// NAME replaces the last). The off form takes the NAME or none.
void set_aaa_user(Ctx& c, bool radius, bool off) {
  AaaDebug d = aaa_debug(c.session, radius);
  if (off) {
    d.bits &= ~kDebugAaaUser;
    d.user.clear();
  } else {
    d.bits |= kDebugAaaUser;
    d.user = c.args.str("name");
  }
  c.session.appliance().debug_settings_changed();
}

// "show debug" lines of one protocol: the plain form when "all" is on, else one line per
// keyword. The keyword lines' wording is [U].
void show_aaa(std::string& out, std::string_view protocol, unsigned field,
              const std::string& user) {
  if (!field) return;
  if (field & kDebugAaaAll) {
    out += fmt::format("debug {} enabled at level 1\n", protocol);
    return;
  }
  if (field & kDebugAaaDecode) out += fmt::format("debug {} decode enabled at level 1\n", protocol);
  if (field & kDebugAaaSession)
    out += fmt::format("debug {} session enabled at level 1\n", protocol);
  if (field & kDebugAaaUser)
    out += fmt::format("debug {} user {} enabled at level 1\n", protocol, user);
}

// debug crypto condition peer A|user U|group G adds a condition, its no form removes that one;
// reset removes all.
void set_condition(Ctx& c) {
  CryptoDebugCondition& k = c.session.crypto_condition;
  if (c.args.has("reset")) {
    k = {};
    return;
  }
  if (c.args.has("peer")) {
    uint32_t a = config::Ipv4::parse(c.args.str("peer"))->value;
    c.negated ? (void)k.peers.erase(a) : (void)k.peers.insert(a);
    return;
  }
  auto& names = c.args.str("kind") == "user" ? k.users : k.groups;
  c.negated ? (void)names.erase(c.args.str("name")) : (void)names.insert(c.args.str("name"));
}

// [U] the layout, from memory of the ASA's: the state, then each kind's filters.
void show_condition(Ctx& c) {
  const CryptoDebugCondition& k = c.session.crypto_condition;
  if (k.empty()) {
    c.out += "Crypto conditional debug is turned OFF\n";
    return;
  }
  c.out += "Crypto conditional debug is turned ON\n";
  if (!k.peers.empty()) {
    c.out += "IKE peer IP address filters:\n";
    for (uint32_t a : k.peers) c.out += config::Ipv4{a}.str() + "\n";
  }
  for (const auto& [title, names] :
       {std::pair{"IKE user name filters:", &k.users}, {"IKE group name filters:", &k.groups}}) {
    if (names->empty()) continue;
    c.out += std::string(title) + "\n";
    for (const auto& n : *names) c.out += n + "\n";
  }
}

}  // namespace

void register_debug(CommandTree& t) {
  const ModeMask priv = kPrivAndConfig;
  t.add({priv,
         "debug crypto {facility:isakmp|ikev1|ipsec} [<level:1-255>]",
         {"Debugging functions (see also 'undebug')", "Crypto debugging",
          "ISAKMP (IKEv1) debugging|IKEv1 debugging|IPsec debugging", "Debug level"},
         [](Ctx& c) {
           field(c.session, c.args.str("facility")) =
               c.negated ? 0 : static_cast<int>(c.args.num("level", kDefaultLevel));
         },
         true});
  static constexpr std::string_view kConditionHelp =
      "Only debug IKE and IPsec lines about these peers, users or groups";
  t.add({priv,
         "debug crypto condition peer <peer:A.B.C.D>",
         {"Debugging functions (see also 'undebug')", "Crypto debugging", kConditionHelp,
          "A peer's IP address", "Peer IP address"},
         set_condition,
         true});
  t.add({priv,
         "debug crypto condition {kind:user|group} <name:WORD>",
         {"Debugging functions (see also 'undebug')", "Crypto debugging", kConditionHelp,
          "An XAUTH user's name|A tunnel-group's name", "Name"},
         set_condition,
         true});
  t.add({priv,
         "debug crypto condition {reset:reset}",
         {"Debugging functions (see also 'undebug')", "Crypto debugging", kConditionHelp,
          "Remove every condition"},
         set_condition});
  t.add({priv,
         "show crypto debug-condition",
         {kHelpShow, "Show crypto information", "Show this session's debug crypto conditions"},
         show_condition});
  static constexpr std::string_view kRadiusHelp[] = {
      "RADIUS debugging", "All RADIUS debugging|Decode RADIUS messages|RADIUS session debugging"};
  static constexpr std::string_view kTacacsHelp[] = {"TACACS+ debugging",
                                                     "TACACS+ session debugging"};
  for (bool undebug : {false, true}) {
    std::string_view verb = undebug ? "undebug" : "debug";
    std::string_view verb_help = undebug ? "Disable debugging functions (see also 'debug')"
                                         : "Debugging functions (see also 'undebug')";
    // "user NAME": the NAME is required to turn it on, optional to turn it off.
    std::string_view name = undebug ? "[<name:WORD>]" : "<name:WORD>";
    for (bool radius : {true, false}) {
      std::string_view proto = radius ? "radius" : "tacacs";
      const auto& help = radius ? kRadiusHelp : kTacacsHelp;
      t.add({priv,
             fmt::format("{} {} [{{kind:{}}}]", verb, proto,
                         radius ? "all|decode|session" : "session"),
             {verb_help, help[0], help[1]},
             [undebug, radius](Ctx& c) { set_aaa(c, radius, undebug || c.negated); },
             !undebug});
      t.add({priv,
             fmt::format("{} {} user {}", verb, proto, name),
             {verb_help, help[0], radius ? "RADIUS user debugging" : "TACACS+ user debugging",
              "User name"},
             [undebug, radius](Ctx& c) { set_aaa_user(c, radius, undebug || c.negated); },
             !undebug});
    }
  }
  t.add({priv,
         "undebug all",
         {"Disable debugging functions (see also 'debug')", "Disable all debugging"},
         [](Ctx& c) {
           c.session.debug_isakmp = 0;
           c.session.debug_ipsec = 0;
           c.session.debug_radius = 0;
           c.session.debug_tacacs = 0;
           c.session.debug_radius_user.clear();
           c.session.debug_tacacs_user.clear();
           c.session.appliance().debug_settings_changed();
         }});
  t.add({priv,
         "show debug",
         {kHelpShow, "Show debugging options enabled for this session"},
         [](Ctx& c) {
           // The ASA 8.4+ wording; the level line format follows its "show debug" output.
           if (c.session.debug_isakmp)
             c.out +=
                 fmt::format("debug crypto ikev1 enabled at level {}\n", c.session.debug_isakmp);
           if (c.session.debug_ipsec)
             c.out +=
                 fmt::format("debug crypto ipsec enabled at level {}\n", c.session.debug_ipsec);
           show_aaa(c.out, "radius", c.session.debug_radius, c.session.debug_radius_user);
           show_aaa(c.out, "tacacs", c.session.debug_tacacs, c.session.debug_tacacs_user);
         }});
}

}  // namespace rampart::cli
