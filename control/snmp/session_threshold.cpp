#include "control/snmp/session_threshold.hpp"

namespace rampart::snmp {

bool SessionThreshold::due(uint64_t refused, std::optional<bool> below, uint64_t now) {
  const bool news = known_ && refused != refused_;
  refused_ = refused;
  known_ = true;
  if (below && *below) armed_ = true;
  if (!news || !armed_ || (sent_at_ && now < *sent_at_ + kGapSeconds)) return false;
  armed_ = false;
  sent_at_ = now;
  return true;
}

}  // namespace rampart::snmp
