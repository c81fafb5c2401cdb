// The names the ASA prints for ISAKMP notify message types; the numbers are in
// control/ike/codec/constants.hpp with the other protocol numbers.
#pragma once

#include <cstdint>
#include <string>

#include "control/ike/codec/constants.hpp"  // the numbers

namespace rampart::ike::notify {

// The name as the ASA's debug lines spell it ("INVALID_HASH_INFORMATION"); a type no RFC names
// is printed as a number.
std::string name(uint16_t type);

}  // namespace rampart::ike::notify
