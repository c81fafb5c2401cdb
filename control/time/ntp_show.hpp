// show ntp status and show ntp associations [detail], in the ASA's formats, from what chronyc
// reported (NtpSnapshot). Times print in the appliance's zone (control/time/clock.hpp).
#pragma once

#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/time/chrony.hpp"

namespace rampart::time {

struct NtpSnapshot {
  Tracking tracking;
  std::vector<Source> sources;
  std::vector<NtpData> data;  // by address, as sources
};

// Synchronized as the ASA means it: chronyd tracks a reference and a server is our master
// ('*') now. chronyd keeps its reference for a while after every server went away or failed
// authentication; the ASA's clock is unsynchronized as soon as it has no master.
bool ntp_synchronized(const NtpSnapshot& s);

// NTP timestamps: seconds since 1900, as the ASA prints reference times ("e8f2a1b0.2a3c5f1e").
std::string ntp_timestamp_hex(const Stamp& t);

std::string render_ntp_status(const NtpSnapshot& s, const config::ClockSettings& clock);
std::string render_ntp_associations(const NtpSnapshot& s);
std::string render_ntp_associations_detail(const NtpSnapshot& s,
                                           const config::ClockSettings& clock);

}  // namespace rampart::time
