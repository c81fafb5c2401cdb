// The crypto section: registration and rendering in the ASA 9.x order.
#include "cli/commands/crypto_common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

void register_crypto(CommandTree& t) {
  register_crypto_ipsec(t);
  register_crypto_maps(t);
  register_crypto_ikev1(t);
  register_crypto_keys(t);
}

void render_crypto(const config::Config& cfg, ConfigWriter& w) {
  render_crypto_ipsec(cfg, w);
  render_crypto_maps(cfg, w);
  render_crypto_ikev1(cfg, w);
}

}  // namespace rampart::cli
