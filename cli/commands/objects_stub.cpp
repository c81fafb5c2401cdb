// TEMPORARY (slice B): a minimal "object network NAME" with host/subnet/range so the NAT
// commands can be exercised before slice A's objects land; removed when main is merged.
#include <algorithm>

#include "cli/commands/common.hpp"
#include "cli/render/writer.hpp"

namespace rampart::cli {

void register_objects_stub(CommandTree& t) {
  t.add({kConfig,
         "object network <name:WORD>",
         {"Configure an object", "Specifies a network object", "Name of the object"},
         [](Ctx& c) {
           auto& fw = c.cfg.firewall;
           const std::string& n = c.args.str("name");
           if (!fw.network_objects.contains(n)) {
             fw.network_objects[n].name = n;
             fw.object_order.push_back(n);
           }
           c.session.enter({Mode::ObjectNetwork, n});
         }});
  auto obj = [](Ctx& c) -> config::NetworkObject& {
    return c.cfg.firewall.network_objects[c.session.frame().name];
  };
  const ModeMask m = mask_of(Mode::ObjectNetwork);
  t.add({m,
         "host <a:A.B.C.D>",
         {"Enter this keyword to specify a single host object", "IP"},
         [obj](Ctx& c) {
           auto& o = obj(c);
           o.kind = config::NetworkObject::Kind::Host;
           o.address = c.args.ip("a");
         }});
  t.add({m,
         "subnet <a:A.B.C.D> <m:A.B.C.D>",
         {"Enter this keyword to specify a subnet", "IP", "Mask"},
         [obj](Ctx& c) {
           auto& o = obj(c);
           o.kind = config::NetworkObject::Kind::Subnet;
           o.address = c.args.ip("a");
           o.mask = c.args.mask("m");
         }});
  t.add({m,
         "range <a:A.B.C.D> <b:A.B.C.D>",
         {"Enter this keyword to specify a range", "First", "Last"},
         [obj](Ctx& c) {
           auto& o = obj(c);
           o.kind = config::NetworkObject::Kind::Range;
           o.address = c.args.ip("a");
           o.last = c.args.ip("b");
         }});
}

}  // namespace rampart::cli

namespace rampart::cli {

// TEMPORARY: the object definitions, so round trips can be tested before slice A lands.
void render_objects_stub(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& name : cfg.firewall.object_order) {
    auto it = cfg.firewall.network_objects.find(name);
    if (it == cfg.firewall.network_objects.end()) continue;
    const auto& o = it->second;
    w.line("object network " + name);
    using K = config::NetworkObject::Kind;
    if (o.kind == K::Host) w.sub("host " + o.address.str());
    if (o.kind == K::Subnet) w.sub(fmt::format("subnet {} {}", o.address.str(), o.mask.str()));
    if (o.kind == K::Range) w.sub(fmt::format("range {} {}", o.address.str(), o.last.str()));
  }
}

}  // namespace rampart::cli
