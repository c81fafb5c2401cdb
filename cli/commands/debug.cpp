// debug crypto isakmp|ikev1|ipsec [1-255], undebug all, show debug. Debugs belong to the session
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
  t.add({priv,
         "undebug all",
         {"Disable debugging functions (see also 'debug')", "Disable all debugging"},
         [](Ctx& c) {
           c.session.debug_isakmp = 0;
           c.session.debug_ipsec = 0;
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
         }});
}

}  // namespace rampart::cli
