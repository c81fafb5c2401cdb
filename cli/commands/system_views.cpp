// System views: show nameif, show ip address, show arp, show cpu usage|core, show memory,
// show process, ping, traceroute, and show interface's counter block. What the box knows comes
// through cli::System (rampartd: rtnetlink, /proc, a raw ICMP socket).
#include "cli/commands/system_views.hpp"

#include <algorithm>

#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

// The ASA's three rate lines for one window (two spaces before the byte rate, as it prints).
void rate_lines(Ctx& c, std::string_view window, const platform::LinkRate& r) {
  c.out += fmt::format("      {} input rate {} pkts/sec,  {} bytes/sec\n", window, r.in_packets,
                       r.in_bytes);
  c.out += fmt::format("      {} output rate {} pkts/sec,  {} bytes/sec\n", window, r.out_packets,
                       r.out_bytes);
  c.out += fmt::format("      {} drop rate, {} pkts/sec\n", window, r.drop_packets);
}

}  // namespace

void render_interface_counters(Ctx& c, const config::Interface& itf, bool detail) {
  auto k = c.sys.link_counters(itf.hw_name);
  if (!k) {
    c.out += "        Counters are not available\n";
    return;
  }
  c.out += fmt::format("        {} packets input, {} bytes, {} no buffer\n", k->rx_packets,
                       k->rx_bytes, k->rx_no_buffer);
  c.out += fmt::format("        Received {} broadcasts, {} runts, 0 giants\n", k->rx_broadcast,
                       k->rx_runts);
  c.out +=
      fmt::format("        {} input errors, {} CRC, {} frame, {} overrun, {} ignored, 0 abort\n",
                  k->rx_errors, k->rx_crc, k->rx_frame, k->rx_overrun, k->rx_ignored);
  c.out += fmt::format("        {} packets output, {} bytes, {} underruns\n", k->tx_packets,
                       k->tx_bytes, k->tx_underruns);
  c.out += fmt::format("        {} output errors, {} collisions, 0 interface resets\n",
                       k->tx_errors, k->collisions);
  if (itf.nameif) {
    c.out += fmt::format("  Traffic Statistics for \"{}\":\n", *itf.nameif);
    c.out += fmt::format("        {} packets input, {} bytes\n", k->rx_packets, k->rx_bytes);
    c.out += fmt::format("        {} packets output, {} bytes\n", k->tx_packets, k->tx_bytes);
    c.out += fmt::format("        {} packets dropped\n", k->dropped);
    rate_lines(c, "1 minute", k->one_minute);
    rate_lines(c, "5 minute", k->five_minutes);
  }
  if (detail) {
    int number = 0, i = 0;
    for (const auto& [hw, other] : c.cfg.interfaces) {
      ++i;
      if (hw == itf.hw_name) number = i;
    }
    LinkState l = c.sys.link_state(itf.hw_name);
    bool active = l.exists && l.admin_up && itf.nameif;
    c.out += "  Control Point Interface States:\n";
    c.out += fmt::format("        Interface number is {}\n", number);
    c.out += fmt::format("        Interface config status is {}\n",
                         itf.nameif && !itf.shutdown ? "active" : "not active");
    c.out += fmt::format("        Interface state is {}\n", active ? "active" : "not active");
  }
}

namespace {

void show_nameif(Ctx& c) {
  c.out += fmt::format("{:<25}{:<25}{}\n", "Interface", "Name", "Security");
  for (const auto& [hw, itf] : c.cfg.interfaces) {
    if (!itf.nameif) continue;
    c.out += fmt::format("{:<25}{:<25}{:>3}\n", hw, *itf.nameif, itf.security_level.value_or(0));
  }
}

// One block of show ip address: the configured addresses (System) or those in force (Current).
void ip_address_block(Ctx& c, bool current) {
  c.out += current ? "Current IP Addresses:\n" : "System IP Addresses:\n";
  c.out += fmt::format("{:<25}{:<23}{:<16}{:<16}{}\n", "Interface", "Name", "IP address",
                       "Subnet mask", "Method");
  for (const auto& [hw, itf] : c.cfg.interfaces) {
    if (!itf.nameif) continue;
    std::optional<config::Ipv4> addr = itf.address;
    std::optional<config::Mask> mask = itf.mask;
    if (current) {
      LinkState l = c.sys.link_state(hw);
      addr = l.address;
      mask = l.mask;
    }
    if (!addr || !mask) continue;
    c.out +=
        fmt::format("{:<25}{:<23}{:<16}{:<16}CONFIG\n", hw, *itf.nameif, addr->str(), mask->str());
  }
}

void show_ip_address(Ctx& c) {
  ip_address_block(c, false);
  ip_address_block(c, true);
}

// The nameif an ARP entry's device belongs to; empty when it is no named interface's.
std::string nameif_on(Ctx& c, const std::string& device) {
  for (const auto& [hw, itf] : c.cfg.interfaces)
    if (itf.nameif && c.sys.device_for(hw) == device) return *itf.nameif;
  return "";
}

void show_arp(Ctx& c) {
  auto entries = c.sys.arp_table();
  std::sort(entries.begin(), entries.end(), [](const ArpEntry& a, const ArpEntry& b) {
    return std::tie(a.device, a.address.value) < std::tie(b.device, b.address.value);
  });
  for (const auto& e : entries) {
    std::string name = nameif_on(c, e.device);
    if (name.empty()) continue;  // the TUN devices and links no interface names
    if (c.args.has("ifname") && name != c.args.str("ifname")) continue;
    std::string age = e.permanent ? "-" : std::to_string(e.age_seconds);
    c.out += fmt::format("        {} {} {} {}\n", name, e.address.str(), e.mac, age);
  }
}

void show_cpu_usage(Ctx& c) {
  CpuUsage u = c.sys.cpu_usage();
  // Before the daemon's second sample there is no interval to average over: 0 as the ASA
  // shows right after boot.
  c.out += fmt::format("CPU utilization for 5 seconds = {}%; 1 minute: {}%; 5 minutes: {}%\n",
                       u.total.five_seconds, u.total.one_minute, u.total.five_minutes);
}

void show_cpu_core(Ctx& c) {
  CpuUsage u = c.sys.cpu_usage();
  c.out += fmt::format("{:<14}{:>5}{:>10}{:>10}\n", "Core", "5 sec", "1 min", "5 min");
  for (size_t i = 0; i < u.cores.size(); ++i) {
    const auto& a = u.cores[i];
    c.out += fmt::format("{:<14}{:>5.1f}%{:>9.1f}%{:>9.1f}%\n", fmt::format("Core {}", i),
                         static_cast<double>(a.five_seconds), static_cast<double>(a.one_minute),
                         static_cast<double>(a.five_minutes));
  }
}

void show_memory(Ctx& c) {
  auto m = c.sys.memory();
  if (!m || m->total == 0) {
    error(c, "Memory figures are not available");
    return;
  }
  uint64_t used = m->total - m->free;
  int free_pct = static_cast<int>((m->free * 100 + m->total / 2) / m->total);
  c.out += fmt::format("Free memory:     {:>15} bytes ({:>2}%)\n", m->free, free_pct);
  c.out += fmt::format("Used memory:     {:>15} bytes ({:>2}%)\n", used, 100 - free_pct);
  c.out += "-------------     ------------------\n";
  c.out += fmt::format("Total memory:    {:>15} bytes (100%)\n", m->total);
}

void show_process(Ctx& c) {
  c.out += fmt::format("{:>8} {:<5} {:>12} {}\n", "PID", "STATE", "Runtime", "Process");
  for (const auto& p : c.sys.processes())
    c.out += fmt::format("{:>8} {:<5} {:>12} {}\n", p.tid, p.state, p.runtime_ms, p.name);
}

// The ASA's summary: one character per echo, then the success rate and, when any came back,
// the round-trip times.
std::string ping_report(const std::vector<PingResult>& probes) {
  std::string line;
  uint32_t ok = 0, min = 0, max = 0;
  uint64_t sum = 0;
  for (const auto& p : probes) {
    line += p.result;
    if (p.result != '!') continue;
    min = ok == 0 ? p.rtt_ms : std::min(min, p.rtt_ms);
    max = std::max(max, p.rtt_ms);
    sum += p.rtt_ms;
    ++ok;
  }
  size_t n = probes.size();
  std::string out = line + "\n";
  out += fmt::format("Success rate is {} percent ({}/{})", n ? ok * 100 / n : 0, ok, n);
  if (ok) out += fmt::format(", round-trip min/avg/max = {}/{}/{} ms", min, sum / ok, max);
  return out + "\n";
}

// "ping|traceroute IF ADDR": IF's kernel device into device; false (answered) when IF is no
// interface's name.
bool probe_device(Ctx& c, std::string& device) {
  if (!c.args.has("ifname")) return true;
  const config::Interface* itf = c.cfg.interface_by_nameif(c.args.str("ifname"));
  if (!itf) {
    c.session.invalid_input_at(c.out, c.args, "ifname");
    return false;
  }
  device = c.sys.device_for(itf->hw_name);
  return true;
}

void ping_cmd(Ctx& c) {
  PingRequest r;
  r.target = c.args.ip("address");
  if (!probe_device(c, r.device)) return;
  r.repeat = static_cast<int>(c.args.num("repeat", 5));
  r.size = static_cast<int>(c.args.num("size", 100));
  r.timeout_seconds = static_cast<int>(c.args.num("timeout", 2));
  c.out += "Type escape sequence to abort.\n";
  c.out += fmt::format("Sending {}, {}-byte ICMP Echos to {}, timeout is {} seconds:\n", r.repeat,
                       r.size, r.target.str(), r.timeout_seconds);
  System& sys = c.sys;
  c.session.defer([&sys, r]() -> std::string {
    auto probes = sys.ping(r);
    if (!probes) return fmt::format("ERROR: {}\n", probes.error());
    return ping_report(*probes);
  });
}

// One hop's line: the TTL, then each probe's time ("*" unanswered), the answering address
// before its first time and again whenever another router answers within the hop. An
// unreachable's letter follows its time. [U] the spacing of "*" lines and of a second address
// within one hop: no ASA sample shows them; the first-address layout follows the command
// reference's example ("  1  10.83.194.1 0 msec 10 msec 0 msec" less one leading space).
std::string trace_hop_line(const TraceHopResult& hop) {
  std::string line = fmt::format("{:>2} ", hop.ttl);
  std::optional<uint32_t> shown;
  for (const auto& p : hop.probes) {
    if (!p.answered) {
      line += " *";
      continue;
    }
    if (shown != p.from.value) line += " " + p.from.str();
    shown = p.from.value;
    line += fmt::format(" {} msec", p.rtt_ms);
    if (p.mark) line += fmt::format(" !{}", p.mark);
  }
  return line + "\n";
}

std::string trace_report(const std::vector<TraceHopResult>& hops) {
  std::string out;
  for (const auto& h : hops) out += trace_hop_line(h);
  return out;
}

// "source IF|ADDR": an interface's name, or the address of one of the box's interfaces. Fills
// the device and source address; false when it names neither.
bool trace_source(Ctx& c, const std::string& word, TraceRequest& r) {
  for (const auto& [hw, itf] : c.cfg.interfaces) {
    if (!itf.nameif || !itf.address) continue;
    bool by_name = *itf.nameif == word;
    bool by_address = itf.address->str() == word;
    if (!by_name && !by_address) continue;
    r.device = c.sys.device_for(hw);
    r.source = itf.address;
    return true;
  }
  return false;
}

void traceroute_cmd(Ctx& c) {
  TraceRequest r;
  r.target = c.args.ip("address");
  if (!probe_device(c, r.device)) return;
  if (c.args.has("source") && !trace_source(c, c.args.str("source"), r)) {
    c.session.invalid_input_at(c.out, c.args, "source");
    return;
  }
  r.timeout_seconds = static_cast<int>(c.args.num("timeout", 3));
  r.probes = static_cast<int>(c.args.num("probe", 3));
  r.min_ttl = static_cast<int>(c.args.num("min_ttl", 1));
  r.max_ttl = static_cast<int>(c.args.num("max_ttl", 30));
  r.port = static_cast<int>(c.args.num("port", 33434));
  r.use_icmp = c.args.has("use-icmp");
  // "numeric" is accepted and changes nothing: Rampart resolves no names, every hop prints as
  // its address already.
  if (r.min_ttl > r.max_ttl) {
    error(c, "Minimum TTL must be less than or equal to maximum TTL");  // [U] the ASA's words
    return;
  }
  c.out += "Type escape sequence to abort.\n";
  // [U] the blank line after the header, as remembered from the command reference's example.
  c.out += fmt::format("Tracing the route to {}\n\n", r.target.str());
  System& sys = c.sys;
  c.session.defer([&sys, r]() -> std::string {
    auto hops = sys.traceroute(r);
    if (!hops) return fmt::format("ERROR: {}\n", hops.error());
    return trace_report(*hops);
  });
}

// "more system:running-config": the running configuration with its secrets in clear, as the
// ASA prints it (privileged EXEC only; the way an administrator reads back a pre-shared key).
void more_running(Ctx& c) {
  RenderOptions opt;
  opt.reveal_secrets = true;
  c.out += render_running_config(c.cfg, opt);
}

// "show tech-support": the views a support case asks for, one after another under the ASA's
// headers. Each runs as its own command would, so secrets stay masked as there. The SA views
// make their text as deferred work (from a copy taken now): the whole is then one deferred
// work, which keeps the order.
void show_tech_support(Ctx& c) {
  struct Part {
    std::string text;
    Session::Work work;  // what follows text, when the command deferred it
  };
  std::vector<Part> parts(1);
  for (std::string_view cmd :
       {"show version", "show running-config", "show interface", "show route", "show cpu usage",
        "show memory", "show process", "show crypto isakmp sa", "show crypto ipsec sa"}) {
    parts.back().text += fmt::format("\n------------------ {} ------------------\n\n", cmd);
    parts.back().text += c.session.execute_internal(cmd).output;
    if (Session::Work w = c.session.take_deferred()) {
      parts.back().work = std::move(w);
      parts.emplace_back();
    }
  }
  if (parts.size() == 1) {
    c.out += parts.front().text;
    return;
  }
  c.session.defer([parts = std::move(parts)] {
    std::string out;
    for (const auto& p : parts) out += p.text + (p.work ? p.work() : std::string());
    return out;
  });
}

}  // namespace

void register_system_views(CommandTree& t) {
  t.add({kPrivAndConfig,
         "show nameif",
         {kHelpShow, "Show interface name and security level"},
         show_nameif});
  t.add({kPrivAndConfig,
         "show ip address",
         {kHelpShow, "Show IP configuration", "Show IP addresses of the interfaces"},
         show_ip_address});
  t.add({kPrivAndConfig,
         "show arp [<ifname:WORD>]",
         {kHelpShow, "Show the ARP table", "Name of interface"},
         show_arp});
  t.add({kPrivAndConfig,
         "show cpu usage",
         {kHelpShow, "Show CPU usage information", "Show CPU usage"},
         show_cpu_usage});
  t.add({kPrivAndConfig,
         "show cpu core",
         {kHelpShow, "Show CPU usage information", "Show CPU usage per core"},
         show_cpu_core});
  t.add({kPrivAndConfig, "show memory", {kHelpShow, "System memory utilization"}, show_memory});
  t.add({kPrivAndConfig,
         "show process",
         {kHelpShow, "Show the threads of the system"},
         show_process});
  t.add({mask_of(Mode::PrivExec),
         "more system:running-config",
         {"Display the contents of a file", "The running configuration, secrets included"},
         more_running});
  t.add({kPrivAndConfig,
         "show tech-support",
         {kHelpShow, "Show system information for Technical Support"},
         show_tech_support});
  // Our limits: at most 1000 echoes of at most 65535 bytes, each waited for at most an hour
  // (the ASA's own ranges, repeat narrowed so that one line cannot hold a session for days).
  t.add({kPrivAndConfig,
         "ping [<ifname:WORD>] <address:A.B.C.D> [repeat <repeat:1-1000>] [size <size:28-65535>] "
         "[timeout <timeout:0-3600>]",
         {"Send echo messages", "Name of the interface to send from", "Destination address",
          "Number of echo messages to send", "Number of echo messages (1-1000)",
          "Datagram size of the echo messages", "Size in bytes (28-65535)",
          "Seconds to wait for each reply", "Timeout in seconds (0-3600)"},
         ping_cmd});
  // The ASA's ranges; probes narrowed to 1-100 so that one line cannot hold a session for days
  // (100 probes x 255 hops x 3600 s is still long, but each probe is one datagram).
  t.add({kPrivAndConfig,
         "traceroute [<ifname:WORD>] <address:A.B.C.D> [source <source:WORD>] [{numeric:numeric}] "
         "[timeout <timeout:0-3600>] [probe <probe:1-100>] [ttl <min_ttl:1-255> <max_ttl:1-255>] "
         "[port <port:1-65535>] [{use-icmp:use-icmp}]",
         {"Trace route to destination", "Name of the interface to send from", "Destination address",
          "Specify source interface or IP address", "Source interface name or IP address",
          "Display numeric addresses", "Specify timeout", "Timeout in seconds (0-3600)",
          "Specify number of probes", "Number of probes per TTL (1-100)",
          "Specify minimum and maximum TTL", "Minimum TTL (1-255)", "Maximum TTL (1-255)",
          "Specify port number", "Port number (1-65535)", "Use ICMP probes"},
         traceroute_cmd});
}

}  // namespace rampart::cli
