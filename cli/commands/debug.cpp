// debug crypto isakmp|ikev1|ipsec [1-255], debug radius [all|decode|session|user], debug tacacs
// [session|user], their no/undebug forms, undebug all, show debug. Debugs belong to the session
// that set them, as on the ASA; the lines themselves come from the control plane through
// Appliance::debug.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"

namespace rampart::cli {

namespace {

constexpr int kDefaultLevel = 1;  // "debug crypto isakmp" without a level, as on the ASA

int& field(Session& s, std::string_view facility) {
  return facility == "ipsec" ? s.debug_ipsec : s.debug_isakmp;
}

// The bits a "debug radius|tacacs [KEYWORD]" line names: the keyword's, or all of them.
unsigned aaa_bits(const Ctx& c, unsigned all) {
  if (!c.args.has("kind")) return all;
  const std::string& k = c.args.str("kind");
  return k == "decode"    ? kDebugAaaDecode
         : k == "session" ? kDebugAaaSession
         : k == "user"    ? kDebugAaaUser
                          : all;
}

void set_aaa(Ctx& c, unsigned& field, unsigned all, bool off) {
  unsigned bits = aaa_bits(c, all);
  field = off ? field & ~bits : field | bits;
  c.session.appliance().debug_settings_changed();
}

// "show debug" lines of one protocol: the plain form when every keyword is on (what the plain
// command and "all" set), else one line per keyword. The keyword lines' wording is [U].
void show_aaa(std::string& out, std::string_view protocol, unsigned field, unsigned all) {
  if (!field) return;
  if (field == all) {
    out += fmt::format("debug {} enabled at level 1\n", protocol);
    return;
  }
  static constexpr std::pair<unsigned, std::string_view> kWords[] = {
      {kDebugAaaDecode, "decode"}, {kDebugAaaSession, "session"}, {kDebugAaaUser, "user"}};
  for (const auto& [bit, word] : kWords)
    if (field & bit) out += fmt::format("debug {} {} enabled at level 1\n", protocol, word);
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
  static constexpr std::string_view kRadiusHelp[] = {
      "RADIUS debugging",
      "All RADIUS debugging|Decode RADIUS messages|RADIUS session debugging|RADIUS user "
      "debugging"};
  static constexpr std::string_view kTacacsHelp[] = {
      "TACACS+ debugging", "TACACS+ session debugging|TACACS+ user debugging"};
  for (bool undebug : {false, true}) {
    std::string_view verb = undebug ? "undebug" : "debug";
    std::string_view verb_help = undebug ? "Disable debugging functions (see also 'debug')"
                                         : "Debugging functions (see also 'undebug')";
    t.add({priv,
           fmt::format("{} radius [{{kind:all|decode|session|user}}]", verb),
           {verb_help, kRadiusHelp[0], kRadiusHelp[1]},
           [undebug](Ctx& c) {
             set_aaa(c, c.session.debug_radius, kDebugRadiusAll, undebug || c.negated);
           },
           !undebug});
    t.add({priv,
           fmt::format("{} tacacs [{{kind:session|user}}]", verb),
           {verb_help, kTacacsHelp[0], kTacacsHelp[1]},
           [undebug](Ctx& c) {
             set_aaa(c, c.session.debug_tacacs, kDebugTacacsAll, undebug || c.negated);
           },
           !undebug});
  }
  t.add({priv,
         "undebug all",
         {"Disable debugging functions (see also 'debug')", "Disable all debugging"},
         [](Ctx& c) {
           c.session.debug_isakmp = 0;
           c.session.debug_ipsec = 0;
           c.session.debug_radius = 0;
           c.session.debug_tacacs = 0;
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
           show_aaa(c.out, "radius", c.session.debug_radius, kDebugRadiusAll);
           show_aaa(c.out, "tacacs", c.session.debug_tacacs, kDebugTacacsAll);
         }});
}

}  // namespace rampart::cli
