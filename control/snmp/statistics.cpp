#include "control/snmp/statistics.hpp"

#include <fmt/format.h>

namespace rampart::snmp {

namespace {

// SNMPv2-MIB snmp group objects (RFC 3418 / RFC 1213 numbering).
enum Column : uint32_t {
  kInPkts = 1,
  kOutPkts = 2,
  kInBadVersions = 3,
  kInBadCommunityNames = 4,
  kInBadCommunityUses = 5,
  kInAsnParseErrs = 6,
  kInTotalReqVars = 13,
  kInTotalSetVars = 14,
  kInGetRequests = 15,
  kInGetNexts = 16,
  kInSetRequests = 17,
  kOutTooBigs = 20,
  kOutNoSuchNames = 21,
  kOutBadValues = 22,
  kOutGenErrs = 24,
  kOutGetResponses = 28,
  kOutTraps = 29,
};
constexpr Column kColumns[] = {
    kInPkts,          kOutPkts,        kInBadVersions,  kInBadCommunityNames, kInBadCommunityUses,
    kInAsnParseErrs,  kInTotalReqVars, kInTotalSetVars, kInGetRequests,       kInGetNexts,
    kInSetRequests,   kOutTooBigs,     kOutNoSuchNames, kOutBadValues,        kOutGenErrs,
    kOutGetResponses, kOutTraps,
};

Oid column_oid(Column c) {
  return {1, 3, 6, 1, 2, 1, 11, c, 0};
}

uint64_t less(uint64_t a, uint64_t b) {
  return a > b ? a - b : 0;
}

}  // namespace

Statistics& Statistics::operator+=(const Statistics& o) {
  for (auto [a, b] : {std::pair{&in_packets, o.in_packets},
                      {&bad_versions, o.bad_versions},
                      {&bad_community_names, o.bad_community_names},
                      {&bad_community_uses, o.bad_community_uses},
                      {&encoding_errors, o.encoding_errors},
                      {&requested_variables, o.requested_variables},
                      {&altered_variables, o.altered_variables},
                      {&get_requests, o.get_requests},
                      {&get_nexts, o.get_nexts},
                      {&get_bulks, o.get_bulks},
                      {&set_requests, o.set_requests},
                      {&out_packets, o.out_packets},
                      {&too_big, o.too_big},
                      {&no_such_name, o.no_such_name},
                      {&bad_values, o.bad_values},
                      {&general_errors, o.general_errors},
                      {&responses, o.responses},
                      {&traps, o.traps}})
    *a += b;
  return *this;
}

const std::vector<Oid>& statistics_oids() {
  static const std::vector<Oid> oids = [] {
    std::vector<Oid> v;
    for (Column c : kColumns) v.push_back(column_oid(c));
    return v;
  }();
  return oids;
}

Statistics statistics_from(const std::map<Oid, uint64_t>& values, uint64_t earlier) {
  auto get = [&](Column c) {
    auto it = values.find(column_oid(c));
    return it == values.end() ? 0 : it->second;
  };
  const uint64_t vars = statistics_oids().size();
  Statistics s;
  s.in_packets = less(get(kInPkts), earlier + 1);
  s.bad_versions = get(kInBadVersions);
  s.bad_community_names = get(kInBadCommunityNames);
  s.bad_community_uses = get(kInBadCommunityUses);
  s.encoding_errors = get(kInAsnParseErrs);
  s.requested_variables = less(get(kInTotalReqVars), earlier * vars);
  s.altered_variables = get(kInTotalSetVars);
  s.get_requests = less(get(kInGetRequests), earlier + 1);
  s.get_nexts = get(kInGetNexts);
  s.set_requests = get(kInSetRequests);
  s.get_bulks =
      less(s.in_packets, s.bad_versions + s.bad_community_names + s.bad_community_uses +
                             s.encoding_errors + s.get_requests + s.get_nexts + s.set_requests);
  s.out_packets = less(get(kOutPkts), earlier);
  s.too_big = get(kOutTooBigs);
  s.no_such_name = get(kOutNoSuchNames);
  s.bad_values = get(kOutBadValues);
  s.general_errors = get(kOutGenErrs);
  s.responses = less(get(kOutGetResponses), earlier);
  s.traps = get(kOutTraps);
  return s;
}

// The layout of IOS's "show snmp" counters, which the ASA's "show snmp-server statistics"
// shares; the Get-bulk and "(Not supported)" lines and the packet size are the ASA's as
// remembered [U: no ASA sample in the corpora].
std::string render_statistics(const Statistics& s) {
  std::string out;
  out += fmt::format("{} SNMP packets input\n", s.in_packets);
  out += fmt::format("    {} Bad SNMP version errors\n", s.bad_versions);
  out += fmt::format("    {} Unknown community name\n", s.bad_community_names);
  out +=
      fmt::format("    {} Illegal operation for community name supplied\n", s.bad_community_uses);
  out += fmt::format("    {} Encoding errors\n", s.encoding_errors);
  out += fmt::format("    {} Number of requested variables\n", s.requested_variables);
  out += fmt::format("    {} Number of altered variables\n", s.altered_variables);
  out += fmt::format("    {} Get-request PDUs\n", s.get_requests);
  out += fmt::format("    {} Get-next PDUs\n", s.get_nexts);
  out += fmt::format("    {} Get-bulk PDUs\n", s.get_bulks);
  out += fmt::format("    {} Set-request PDUs (Not supported)\n", s.set_requests);
  out += fmt::format("{} SNMP packets output\n", s.out_packets);
  out += fmt::format("    {} Too big errors (Maximum packet size 1500)\n", s.too_big);
  out += fmt::format("    {} No such name errors\n", s.no_such_name);
  out += fmt::format("    {} Bad values errors\n", s.bad_values);
  out += fmt::format("    {} General errors\n", s.general_errors);
  out += fmt::format("    {} Response PDUs\n", s.responses);
  out += fmt::format("    {} Trap PDUs\n", s.traps);
  return out;
}

}  // namespace rampart::snmp
