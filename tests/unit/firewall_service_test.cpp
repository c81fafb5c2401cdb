// rampartd's firewall service against the real kernel, in a network namespace of its own (a
// forked child unshares one, so the host's rules and sysctls are never touched): the ruleset
// applied, forwarding only after it, no re-apply when nothing changed, and a ruleset the kernel
// refuses leaving the previous one in force.
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "firmware/daemon/firewall_service.hpp"
#include "platform/nft_set_elements.hpp"
#include "platform/nftables.hpp"
#include "tests/unit/firewall_fixture.hpp"
#include "tests/unit/ike_lab.hpp"
#include "tests/unit/scripted_aaa.hpp"

namespace firewall_service_test {

using namespace rampart;
using namespace rampart::test;

namespace {

// Runs body in a child in a fresh network namespace; its return value is the exit code.
// 77: no namespace (not root) - the test is skipped.
int in_namespace(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::unshare(CLONE_NEWNET) != 0) ::_exit(77);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

// Runs body there and checks that it returned 0 (each early return names its failed step);
// without a namespace (not root) the test is skipped with a warning.
void check_in_namespace(const std::function<int()>& body) {
  int rc = in_namespace(body);
  if (rc == 77) {
    WARN("no network namespace (not root): skipped");
    return;
  }
  CHECK(rc == 0);
}

// The lab's client, user cisco, up to its mode-config address; false when XAUTH refused it.
bool client_up(Lab& lab) {
  lab.phase1();
  lab.xauth("cisco", "cisco");
  if (lab.ack_status() != 1) return false;
  lab.mode_config();
  return true;
}

std::string sysctl(const char* path) {
  std::ifstream f(path);
  std::string v;
  f >> v;
  return v;
}

}  // namespace

TEST_CASE("firewall service: applies, then forwards; unchanged config is not re-applied",
          "[firewall][service]") {
  check_in_namespace([] {
    firmware::FirewallService fw(device_of);
    if (sysctl("/proc/sys/net/ipv4/ip_forward") != "0") return 1;
    auto cfg = small_firewall();
    fw.sync(cfg, nullptr);
    if (!fw.applied()) return 2;
    if (sysctl("/proc/sys/net/ipv4/ip_forward") != "1") return 3;
    if (sysctl("/proc/sys/net/netfilter/nf_conntrack_acct") != "1") return 4;
    auto nft = platform::Nftables::open();
    auto table = nft->output("list table ip rampart_fw");
    if (!table || table->find("acl_0_1_0") == std::string::npos) return 5;
    // Same configuration, or a change that compiles to the same ruleset: nothing applied.
    fw.sync(cfg, nullptr);
    cfg.access_lists["outside_in"].entries.push_back({config::AccessListEntry::Type::Remark,
                                                      true,
                                                      "",
                                                      {},
                                                      {},
                                                      {},
                                                      {},
                                                      {},
                                                      {},
                                                      {},
                                                      {},
                                                      false,
                                                      false,
                                                      "a remark"});
    fw.sync(cfg, nullptr);
    if (fw.applies() != 1) return 6;
    // A change replaces it; the hit keys follow the policy.
    cfg.access_lists["outside_in"].entries.push_back(ace(true, "icmp", any_a(), any_a()));
    fw.sync(cfg, nullptr);
    if (fw.applies() != 2) return 7;
    table = nft->output("list table ip rampart_fw");
    if (!table || table->find("meta l4proto icmp") == std::string::npos) return 10;
    if (!fw.acl_hits().empty() && fw.acl_hits().begin()->second != 0) return 8;
    if (fw.policy().acls.at("outside_in").aces.size() != 4) return 9;
    if (fw.acl_hits().size() != 6) return 11;  // every expanded line has a counter
    return 0;
  });
}

TEST_CASE(
    "firewall service: a ruleset the kernel refuses leaves the previous one, forwarding off "
    "until one is in force",
    "[firewall][service]") {
  check_in_namespace([] {
    // Device names longer than the kernel's IFNAMSIZ cannot be matched: nft refuses them.
    firmware::FirewallService bad(
        [](const std::string& hw) { return "averyveryverylongname" + device_of(hw); });
    bad.sync(small_firewall(), nullptr);
    if (bad.applied()) return 1;
    if (sysctl("/proc/sys/net/ipv4/ip_forward") != "0") return 2;
    firmware::FirewallService good(device_of);
    good.sync(small_firewall(), nullptr);
    if (!good.applied()) return 3;
    // The same configuration is not tried (nor logged) again; a changed one is, and refused.
    if (!bad.sync(small_firewall(), nullptr).empty()) return 6;
    auto changed = small_firewall();
    changed.firewall.same_security_inter = true;
    auto warnings = bad.sync(changed, nullptr);
    bool said = false;
    for (const auto& w : warnings) said = said || w.find("refused") != std::string::npos;
    if (!said) return 4;
    auto nft = platform::Nftables::open();
    auto table = nft->output("list table ip rampart_fw");
    if (!table || table->find("\"eth0\"") == std::string::npos) return 5;  // the good one
    return 0;
  });
}

TEST_CASE(
    "firewall service: each client's address is in the set of its filter ACL, the server's "
    "Filter-Id before its group-policy's",
    "[firewall][service][fw-vpnfilter]") {
  check_in_namespace([] {
    Lab lab;
    ScriptedAaa server;
    lab.env.aaa = &server;
    if (lab.console
            .run("access-list GP-F extended permit tcp any any eq ssh\n"
                 "access-list USER-F extended permit icmp any any\n"
                 "group-policy EZ attributes\nvpn-filter value GP-F\nexit\n"
                 "aaa-server RAD protocol radius\n"
                 "aaa-server RAD (outside) host 192.0.2.5\nkey s3cret\nexit\n"
                 "tunnel-group EZ general-attributes\nauthentication-server-group RAD\nexit\n")
            .find("ERROR") != std::string::npos)
      return 1;
    // alice: the server names USER-F and her address; bob: neither (EZ's GP-F, a pool address).
    server.script.authz.filter_acl = "USER-F";
    server.script.authz.framed_ip = config::Ipv4{0xcb007132};  // 203.0.113.50
    lab.phase1();
    lab.xauth("alice", "pw");
    if (lab.ack_status() != 1) return 2;
    lab.mode_config();
    server.script.authz = {};
    lab.peer = Initiator{};
    lab.peer.me = {config::Ipv4{0xc6336403}, 500};
    lab.peer.ci = {9, 9, 9, 9, 9, 9, 9, 3};
    lab.phase1();
    lab.xauth("bob", "pw");
    if (lab.ack_status() != 1) return 3;
    lab.mode_config();

    firmware::FirewallService fw(device_of);
    fw.sync(lab.console.cfg(), &lab.engine);
    if (!fw.applied()) return 4;
    const uint32_t alice = 0xcb007132, bob = 0xcb00710a;  // 203.0.113.50, .10
    if (fw.vpn_filter(alice) != "USER-F" || fw.vpn_filter(bob) != "GP-F") return 5;
    if (fw.vpn_group_policy(alice) != "EZ") return 6;
    auto nft = platform::Nftables::open();
    auto set = [&](const char* acl) {
      auto name = firewall::vpn_filter_set(fw.policy(), acl);
      if (name.empty()) return std::string("<none>");
      return nft->output("list set ip rampart_fw " + name).value_or("");
    };
    if (set("USER-F").find("203.0.113.50") == std::string::npos) return 7;
    if (set("USER-F").find("203.0.113.10") != std::string::npos) return 8;
    if (set("GP-F").find("203.0.113.10") == std::string::npos) return 9;
    if (set("GP-F").find("203.0.113.50") != std::string::npos) return 10;
    // alice leaves: USER-F, which no group-policy names, loses its set; bob stays in GP-F's.
    lab.engine.logoff_name("alice");
    fw.sync(lab.console.cfg(), &lab.engine);
    if (fw.policy().vpn_filter_acls.contains("USER-F")) return 11;
    if (set("GP-F").find("203.0.113.10") == std::string::npos) return 12;
    if (fw.vpn_filter(alice)) return 13;
    return 0;
  });
}

TEST_CASE(
    "firewall service: the client set follows the sessions journal, a client joining and "
    "leaving alone, a filter change whole",
    "[firewall][service][fw-vpnfilter]") {
  check_in_namespace([] {
    Lab lab;
    // The user's own address, which no pool holds (a pool's address needs no element of
    // vpn_clients: next test).
    if (lab.console
            .run("access-list GP-F extended permit tcp any any eq ssh\n"
                 "group-policy EZ attributes\nvpn-filter none\nexit\n"
                 "username cisco attributes\n"
                 "vpn-framed-ip-address 203.0.113.50 255.255.255.0\nexit\n")
            .find("ERROR") != std::string::npos)
      return 1;
    firmware::FirewallService fw(device_of);
    fw.sync(lab.console.cfg(), &lab.engine);
    if (!fw.applied()) return 2;
    auto nft = platform::Nftables::open();
    auto in_set = [&](const std::string& set) {
      return nft->output("list set ip rampart_fw " + set).value_or("").find("203.0.113.50") !=
             std::string::npos;
    };
    const uint32_t client = 0xcb007132;  // 203.0.113.50
    // A client joins: its elements alone (the ruleset is not applied again).
    if (!client_up(lab)) return 3;
    const uint64_t applies = fw.applies();
    fw.sync(lab.console.cfg(), &lab.engine);
    if (!in_set("vpn_clients") || fw.vpn_group_policy(client) != "EZ") return 4;
    if (fw.applies() != applies) return 5;
    // Nothing changed: nothing done.
    fw.sync(lab.console.cfg(), &lab.engine);
    if (fw.applies() != applies) return 6;
    // Its group-policy gets a filter: the ruleset again, the client in the filter's set.
    lab.console.run("group-policy EZ attributes\nvpn-filter value GP-F\nexit\n");
    fw.sync(lab.console.cfg(), &lab.engine);
    if (fw.vpn_filter(client) != "GP-F") return 7;
    if (!in_set(firewall::vpn_filter_set(fw.policy(), "GP-F"))) return 8;
    // It leaves: out of both sets.
    const std::string gp_f = firewall::vpn_filter_set(fw.policy(), "GP-F");
    lab.engine.logoff_name("cisco");
    fw.sync(lab.console.cfg(), &lab.engine);
    if (fw.vpn_filter(client) || in_set("vpn_clients") || in_set(gp_f)) return 9;
    return 0;
  });
}

// The vpn_pools set's rules are vpn_clients' (nothing leaves for the address but through a VPN
// device, nothing claims it from a physical interface): a pool's client costs no element.
TEST_CASE("firewall service: a pool's client is guarded by the pool's set, with no element",
          "[firewall][service][fw-vpnfilter]") {
  check_in_namespace([] {
    Lab lab;
    firmware::FirewallService fw(device_of);
    fw.sync(lab.console.cfg(), &lab.engine);
    if (!fw.applied()) return 1;
    auto nft = platform::Nftables::open();
    auto set = [&](const char* name) {
      return nft->output(std::string("list set ip rampart_fw ") + name).value_or("?");
    };
    if (set("vpn_pools").find("203.0.113.10/31") == std::string::npos) return 2;  // the pool
    if (!client_up(lab)) return 3;
    const uint64_t applies = fw.applies();
    fw.sync(lab.console.cfg(), &lab.engine);
    if (fw.vpn_group_policy(0xcb00710a) != "EZ") return 4;  // 203.0.113.10: a client
    if (set("vpn_clients").find("203.0.113.10") != std::string::npos) return 5;
    if (fw.applies() != applies) return 6;
    lab.engine.logoff_name("cisco");
    if (!fw.sync(lab.console.cfg(), &lab.engine).empty()) return 7;  // nothing to delete
    if (fw.vpn_group_policy(0xcb00710a) || fw.applies() != applies) return 8;
    return 0;
  });
}

// The kernel's set no longer what the service put there (an element removed by hand): the
// next change is refused and said, and the sync after applies the whole table from the
// service's state, though the policy did not change.
TEST_CASE("firewall service: a refused client change makes the whole table again",
          "[firewall][service][fw-vpnfilter]") {
  check_in_namespace([] {
    Lab lab;
    lab.console.run(
        "username cisco attributes\nvpn-framed-ip-address 203.0.113.50 "
        "255.255.255.0\nexit\n");
    firmware::FirewallService fw(device_of);
    fw.sync(lab.console.cfg(), &lab.engine);
    if (!fw.applied()) return 1;
    auto nft = platform::Nftables::open();
    if (!client_up(lab)) return 2;
    fw.sync(lab.console.cfg(), &lab.engine);
    const uint64_t applies = fw.applies();
    if (!nft->run("delete element ip rampart_fw vpn_clients { 203.0.113.50 }\n")) return 3;
    lab.engine.logoff_name("cisco");
    auto warnings = fw.sync(lab.console.cfg(), &lab.engine);
    bool said = false;
    for (const auto& w : warnings)
      said = said || w.find("delete element vpn_clients { 203.0.113.50 }") != std::string::npos;
    if (!said) return 4;
    if (fw.applies() != applies) return 5;
    fw.sync(lab.console.cfg(), &lab.engine);
    if (fw.applies() != applies + 1) return 6;  // the whole table, the policy unchanged
    fw.sync(lab.console.cfg(), &lab.engine);
    if (fw.applies() != applies + 1) return 7;  // and only once
    return 0;
  });
}

TEST_CASE(
    "nft set elements through netlink: one transaction, nft's add, a refused delete named and "
    "nothing of its batch kept",
    "[firewall][service]") {
  check_in_namespace([] {
    auto nft = platform::Nftables::open();
    if (!nft || !nft->run("add table ip t\nadd set ip t s { type ipv4_addr; }\n"
                          "add set ip t u { type ipv4_addr; }\n"))
      return 1;
    auto elements = platform::NftSetElements::open();
    if (!elements) return 2;
    auto set = [&](const char* name) {
      auto out = nft->output(std::string("list set ip t ") + name);
      return out ? *out : std::string("?");
    };
    using C = platform::SetElementChange;
    const uint32_t a = 0xCB00713D, b = 0xCB00713E;  // 203.0.113.61, .62
    std::vector<C> add = {{true, "s", a}, {true, "s", b}, {true, "u", a}};
    if (!elements->apply("t", add)) return 3;
    if (set("s").find("203.0.113.61, 203.0.113.62") == std::string::npos) return 4;
    if (set("u").find("203.0.113.61") == std::string::npos) return 5;
    if (!elements->apply("t", std::vector<C>{{true, "s", a}})) return 6;  // there already: kept
    // A delete of what is not there refuses the whole batch, and says which change.
    std::vector<C> bad = {{false, "s", a}, {false, "u", b}};
    auto r = elements->apply("t", bad);
    if (r || r.error().find("delete element u { 203.0.113.62 }") == std::string::npos) return 7;
    if (set("s").find("203.0.113.61") == std::string::npos) return 8;  // its first change undone
    // A set or table that does not exist: refused, not a crash nor a hang.
    if (elements->apply("t", std::vector<C>{{true, "nosuch", a}})) return 9;
    if (elements->apply("nosuch", std::vector<C>{{true, "s", a}})) return 10;
    std::vector<C> del = {{false, "s", a}, {false, "s", b}, {false, "u", a}};
    if (!elements->apply("t", del)) return 11;
    if (set("s").find("203.0.113") != std::string::npos) return 12;
    // Many at once (a "clear crypto isakmp sa" of thousands): every answer is read.
    std::vector<C> many;
    for (uint32_t net : {0xC0000200u, 0xC6336400u, 0xCB007100u})  // the documentation /24s
      for (uint32_t host = 1; host < 255; ++host) many.push_back({true, "s", net + host});
    if (auto m = elements->apply("t", many); !m) {
      std::fprintf(stderr, "%s\n", m.error().c_str());
      return 13;
    }
    if (set("s").find("203.0.113.254") == std::string::npos) return 14;  // the last of them
    return 0;
  });
}

}  // namespace firewall_service_test
