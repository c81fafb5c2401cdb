// The crypto section is split by sub-command family; register_crypto and render_crypto
// (crypto.cpp) call these in order.
#pragma once

#include "cli/engine/tree.hpp"
#include "cli/render/writer.hpp"
#include "control/config/model.hpp"

namespace rampart::cli {

void register_crypto_ipsec(CommandTree& t);  // transform sets, SA lifetime, replay, df-bit
void register_crypto_maps(CommandTree& t);   // crypto dynamic-map, crypto map
void register_crypto_ikev1(CommandTree& t);  // crypto ikev1|isakmp enable/policy/nat-t/...
void register_crypto_keys(CommandTree& t);   // crypto key generate|zeroize rsa

void render_crypto_ipsec(const config::Config& cfg, ConfigWriter& w);
void render_crypto_maps(const config::Config& cfg, ConfigWriter& w);
void render_crypto_ikev1(const config::Config& cfg, ConfigWriter& w);

}  // namespace rampart::cli
