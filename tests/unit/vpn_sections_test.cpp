// The VPN sections typed at the console: model, rendering in 9.x spelling, the errors.
#include <catch2/catch.hpp>

#include "control/aaa/password.hpp"
#include "tests/unit/session_helpers.hpp"

namespace vpn_sections_test {

using rampart::test::Console;

TEST_CASE("8.3 spellings are accepted and shown in the 8.4+ form") {
  Console c;
  c.run("interface GigabitEthernet0/0\nnameif outside\nexit");
  CHECK(c.run("crypto ipsec transform-set TRA esp-aes esp-sha-hmac") == "");
  CHECK(c.run("crypto isakmp enable outside") == "");
  c.run("crypto isakmp policy 10\nencryption aes\nexit");
  CHECK(c.section({"crypto ipsec ikev1"}) ==
        "crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac \n");
  CHECK(c.section({"crypto ikev1"}) ==
        "crypto ikev1 enable outside\ncrypto ikev1 policy 10\n authentication rsa-sig\n"
        " encryption aes\n hash sha\n group 2\n lifetime 86400\n");
  c.run("tunnel-group EZ type ipsec-ra\ntunnel-group EZ ipsec-attributes\npre-shared-key k1\nexit");
  CHECK(c.cfg().tunnel_groups.at("EZ").type == "remote-access");
  CHECK(c.section({"tunnel-group"}) ==
        "tunnel-group EZ type remote-access\ntunnel-group EZ ipsec-attributes\n"
        " ikev1 pre-shared-key *****\n");
  c.run("group-policy GP internal\ngroup-policy GP attributes\nvpn-tunnel-protocol IPSec");
  CHECK(*c.cfg().group_policies.at("GP").vpn_tunnel_protocol == std::vector<std::string>{"ikev1"});
}

TEST_CASE("crypto map entries render in the ASA order") {
  Console c;
  c.run("interface GigabitEthernet0/0\nnameif outside\nexit");
  c.run(
      "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 255.255.255.192");
  c.run("crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac");
  c.run(
      "crypto map M 20 set ikev1 transform-set TS\ncrypto map M 20 set peer 198.51.100.2\n"
      "crypto map M 20 match address L2L\ncrypto map M 20 set pfs\n"
      "crypto map M 20 set security-association lifetime seconds 3600\ncrypto map M interface "
      "outside");
  CHECK(c.section({"crypto map"}) ==
        "crypto map M 20 match address L2L\ncrypto map M 20 set pfs group2\n"
        "crypto map M 20 set peer 198.51.100.2 \ncrypto map M 20 set ikev1 transform-set TS\n"
        "crypto map M 20 set security-association lifetime seconds 3600\n"
        "crypto map M interface outside\n");
  c.run("no crypto map M 20 set pfs");
  CHECK(!c.cfg().crypto.maps.at("M").entries.at(20).settings.pfs_group);
  CHECK(c.run("crypto map M 30 set ikev1 transform-set NOPE")
            .starts_with("WARNING: transform set NOPE"));
  CHECK(c.run("crypto ipsec ikev1 transform-set BAD esp-null esp-none").starts_with("ERROR:"));
}

TEST_CASE("access lists: operands, port names, errors with the caret") {
  Console c;
  CHECK(c.run("access-list A extended permit tcp any host 192.0.2.10 eq 443") == "");
  CHECK(c.run("access-list A extended deny udp 192.0.2.0 255.255.255.0 any range 1000 2000") == "");
  CHECK(c.run("access-list S standard permit 192.0.2.0 255.255.255.0") == "");
  CHECK(c.run("access-list A remark web servers") == "");
  CHECK(c.section({"access-list"}) ==
        "access-list A extended permit tcp any host 192.0.2.10 eq https \n"
        "access-list A extended deny udp 192.0.2.0 255.255.255.0 any range 1000 2000 \n"
        "access-list A remark web servers\n"
        "access-list S standard permit 192.0.2.0 255.255.255.0\n");
  std::string prompt = "rampart(config)# ";
  std::string line = "access-list A extended permit tcp anyy any";
  CHECK(c.run(line) == std::string(prompt.size() + line.find("anyy"), ' ') +
                           "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(c.run("access-list A extended permit ip 192.0.2.1 255.255.255.0 any") ==
        "ERROR: IP address,mask <192.0.2.1,255.255.255.0> doesn't pair\n");
  c.run("no access-list A extended permit tcp any host 192.0.2.10 eq https");
  CHECK(c.cfg().access_lists.at("A").entries.size() == 2);
  c.run("no access-list A");
  CHECK(!c.cfg().access_lists.contains("A"));
}

TEST_CASE("pools, users, group-policy and AAA") {
  Console c;
  c.run("interface GigabitEthernet0/1\nnameif inside\nexit");
  CHECK(c.run("ip local pool P 203.0.113.10-203.0.113.12 mask 255.255.255.0") == "");
  CHECK(c.run("ip local pool Q 203.0.113.12-203.0.113.20").starts_with("ERROR: Range overlaps"));
  CHECK(c.run("ip local pool R 203.0.113.20-203.0.113.10").starts_with("ERROR:"));
  CHECK(c.run("show ip local pool P") ==
        "Begin           End             Mask            Free     Held     In use\n"
        "203.0.113.10    203.0.113.12    255.255.255.0      3        0        0\n\n"
        "Available Addresses:\n203.0.113.10\n203.0.113.11\n203.0.113.12\n");
  c.run(
      "username alice password pw1 privilege 15\nusername alice attributes\n"
      "vpn-framed-ip-address 203.0.113.99 255.255.255.0\nvpn-group-policy GP\nexit");
  const auto& u = c.cfg().users.at("alice");
  CHECK(u.privilege == 15);
  CHECK(rampart::aaa::verify_password(*u.password, "pw1"));
  CHECK(u.attributes.framed_ip->str() == "203.0.113.99");
  CHECK(c.run("username bob attributes") == "ERROR: User bob does not exist\n");
  c.run(
      "group-policy GP internal\ngroup-policy GP attributes\ndns-server value 192.0.2.53 "
      "192.0.2.54\n"
      "split-tunnel-policy tunnelspecified\nsplit-tunnel-network-list value S\nbanner value Hello\n"
      "banner value World\npfs enable\nvpn-idle-timeout none\nbackup-servers "
      "keep-client-config\nexit");
  CHECK(c.section({"group-policy"}) ==
        "group-policy GP internal\ngroup-policy GP attributes\n banner value Hello\n"
        " banner value World\n dns-server value 192.0.2.53 192.0.2.54\n vpn-idle-timeout none\n"
        " pfs enable\n split-tunnel-policy tunnelspecified\n split-tunnel-network-list value S\n"
        " backup-servers keep-client-config\n");
  CHECK(c.run("group-policy GP attributes\ndns-server value 192.0.2.999").find("^") !=
        std::string::npos);
  c.run(
      "exit\naaa-server RAD protocol radius\naaa-server RAD (inside) host 192.0.2.134\nkey "
      "radius-secret\n"
      "timeout 5\nexit\naaa authentication ssh console LOCAL");
  CHECK(c.section({"aaa-server", "aaa"}) ==
        "aaa-server RAD protocol radius\naaa-server RAD (inside) host 192.0.2.134\n timeout 5\n"
        " key *****\naaa authentication ssh console LOCAL\n");
  CHECK(c.run("aaa-server RAD (nowhere) host 192.0.2.1").starts_with("ERROR:"));
  CHECK(c.run("ssh version 1").starts_with("ERROR: SSH version 1 is not supported"));
}
}  // namespace vpn_sections_test
