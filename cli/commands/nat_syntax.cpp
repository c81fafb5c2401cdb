#include "cli/commands/nat_syntax.hpp"

#include <charconv>

#include <fmt/format.h>

#include "control/config/well_known.hpp"

namespace rampart::cli::nat {

namespace {

// Reads words one at a time; fail() records the offset of the word that does not fit (or of
// the end of the line, when a word is missing).
struct Reader {
  const std::vector<Word>& w;
  size_t i = 0;

  bool done() const { return i >= w.size(); }
  std::string_view peek() const { return done() ? std::string_view{} : w[i].text; }
  std::string take() { return std::string(w[i++].text); }
  bool accept(std::string_view kw) {
    if (done() || w[i].text != kw) return false;
    ++i;
    return true;
  }
  ParseError fail() const {
    if (!done()) return {w[i].offset};
    return {w.empty() ? 0 : w.back().offset + w.back().text.size() + 1};
  }
};

// An object or group name: anything that is not one of the line's keywords.
bool is_keyword(std::string_view s) {
  for (std::string_view k : {"source", "destination", "service", "static", "dynamic", "dns",
                             "unidirectional", "no-proxy-arp", "route-lookup", "inactive",
                             "description", "net-to-net", "pat-pool", "after-auto", "interface"})
    if (s == k) return true;
  return false;
}

bool name_like(std::string_view s) {
  return !s.empty() && s.size() <= 64 && !is_keyword(s) && s.front() != '(';
}

std::optional<uint32_t> number(std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Optional "(real,mapped)" at the start of a line.
template <typename Rule>
bool read_interfaces(Reader& r, Rule& rule) {
  if (r.done() || !r.peek().starts_with("(")) return true;
  auto pair = interface_pair(r.peek());
  if (!pair) return false;
  r.take();
  rule.real_if = pair->first;
  rule.mapped_if = pair->second;
  return true;
}

rampart::expected<config::ObjectNat, ParseError> object_dynamic(Reader& r, config::ObjectNat n) {
  using M = config::ObjectNat::Mapped;
  n.type = config::ObjectNat::Type::Dynamic;
  if (r.accept("interface")) {
    n.mapped_kind = M::Interface;
  } else {
    bool pool = r.accept("pat-pool");
    if (!name_like(r.peek())) return rampart::unexpected(r.fail());
    n.mapped = r.take();
    n.mapped_kind = pool ? M::PatPool : config::Ipv4::parse(n.mapped) ? M::Address : M::Object;
    if (n.mapped_kind != M::Address) n.interface_fallback = r.accept("interface");
  }
  n.dns = r.accept("dns");
  if (!r.done()) return rampart::unexpected(r.fail());
  return n;
}

rampart::expected<config::ObjectNat, ParseError> object_static(Reader& r, config::ObjectNat n) {
  using M = config::ObjectNat::Mapped;
  n.type = config::ObjectNat::Type::Static;
  if (r.accept("interface")) {
    n.mapped_kind = M::Interface;
  } else {
    if (!name_like(r.peek())) return rampart::unexpected(r.fail());
    n.mapped = r.take();
    n.mapped_kind = config::Ipv4::parse(n.mapped) ? M::Address : M::Object;
  }
  // [net-to-net] [dns | service tcp|udp REAL MAPPED] [no-proxy-arp] [route-lookup], in order.
  n.net_to_net = r.accept("net-to-net");
  if (r.accept("dns")) {
    n.dns = true;
  } else if (r.accept("service")) {
    if (r.peek() != "tcp" && r.peek() != "udp") return rampart::unexpected(r.fail());
    n.service_protocol = r.take();
    auto real = parse_port(r.peek());
    if (!real) return rampart::unexpected(r.fail());
    r.take();
    auto mapped = parse_port(r.peek());
    if (!mapped) return rampart::unexpected(r.fail());
    r.take();
    n.real_port = *real;
    n.mapped_port = *mapped;
  }
  n.no_proxy_arp = r.accept("no-proxy-arp");
  n.route_lookup = r.accept("route-lookup");
  if (!r.done()) return rampart::unexpected(r.fail());
  return n;
}

// "source static|dynamic REAL MAPPED" with the dynamic forms "interface", "pat-pool OBJ
// [interface]" and "OBJ [interface]".
bool twice_source(Reader& r, config::TwiceNat& n) {
  if (!r.accept("source")) return false;
  if (r.accept("static"))
    n.source_type = config::TwiceNat::Type::Static;
  else if (r.accept("dynamic"))
    n.source_type = config::TwiceNat::Type::Dynamic;
  else
    return false;
  if (!name_like(r.peek())) return false;
  n.source_real = r.take();
  if (r.accept("interface")) {
    n.source_mapped = "interface";
    return true;
  }
  if (n.source_type == config::TwiceNat::Type::Dynamic) n.pat_pool = r.accept("pat-pool");
  if (!name_like(r.peek())) return false;
  n.source_mapped = r.take();
  if (n.source_type == config::TwiceNat::Type::Dynamic)
    n.interface_fallback = r.accept("interface");
  return true;
}

// The options after the source, in the ASA's order: [destination static MD RD]
// [service RS MS] [net-to-net] [dns] [unidirectional] [no-proxy-arp] [route-lookup] [inactive]
// [description TEXT].
bool twice_options(Reader& r, config::TwiceNat& n, const std::vector<Word>& words,
                   std::string_view line_end) {
  if (r.accept("destination")) {
    if (!r.accept("static") || !name_like(r.peek())) return false;
    n.destination_mapped = r.take();
    if (!name_like(r.peek())) return false;
    n.destination_real = r.take();
  }
  if (r.accept("service")) {
    if (!name_like(r.peek())) return false;
    n.service_real = r.take();
    if (!name_like(r.peek())) return false;
    n.service_mapped = r.take();
  }
  n.net_to_net = r.accept("net-to-net");
  n.dns = r.accept("dns");
  n.unidirectional = r.accept("unidirectional");
  n.no_proxy_arp = r.accept("no-proxy-arp");
  n.route_lookup = r.accept("route-lookup");
  n.inactive = r.accept("inactive");
  if (r.accept("description")) {
    if (r.done()) return false;
    // The rest of the line, as typed: offsets are relative to line_end's start.
    size_t from = words[r.i].offset - words.front().offset;
    std::string text(line_end.substr(from));
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
    if (text.size() > 200) return false;
    n.description = text;
    r.i = words.size();
  }
  return r.done();
}

}  // namespace

std::optional<std::pair<std::string, std::string>> interface_pair(std::string_view w) {
  if (w.size() < 5 || w.front() != '(' || w.back() != ')') return std::nullopt;
  std::string_view inner = w.substr(1, w.size() - 2);
  size_t comma = inner.find(',');
  if (comma == std::string_view::npos || comma == 0 || comma + 1 == inner.size() ||
      inner.find(',', comma + 1) != std::string_view::npos)
    return std::nullopt;
  return std::make_pair(std::string(inner.substr(0, comma)), std::string(inner.substr(comma + 1)));
}

// Names as in access-lists (control/config/well_known); port 0 is no NAT service port.
std::optional<uint16_t> parse_port(std::string_view w) {
  auto p = config::parse_port(w);
  if (!p || *p == 0) return std::nullopt;
  return p;
}

std::string port_text(uint16_t port, bool udp) {
  return config::port_name(port, udp);
}

rampart::expected<config::ObjectNat, ParseError> parse_object_nat(const std::vector<Word>& words) {
  Reader r{words};
  config::ObjectNat n;
  if (!read_interfaces(r, n)) return rampart::unexpected(r.fail());
  if (r.accept("dynamic")) return object_dynamic(r, n);
  if (r.accept("static")) return object_static(r, n);
  return rampart::unexpected(r.fail());
}

rampart::expected<TwiceNatLine, ParseError> parse_twice_nat(const std::vector<Word>& words) {
  Reader r{words};
  TwiceNatLine out;
  if (!read_interfaces(r, out.rule)) return rampart::unexpected(r.fail());
  out.after_auto = r.accept("after-auto");
  if (auto v = number(r.peek())) {
    if (*v < 1 || *v > 2147483647) return rampart::unexpected(r.fail());
    out.line = *v;
    r.take();
  }
  if (!twice_source(r, out.rule)) return rampart::unexpected(r.fail());
  if (words.empty()) return rampart::unexpected(r.fail());
  // The text from the first word on, so a description keeps its spacing.
  std::string_view all(
      words.front().text.data(),
      words.back().text.data() + words.back().text.size() - words.front().text.data());
  if (!twice_options(r, out.rule, words, all)) return rampart::unexpected(r.fail());
  return out;
}

std::string render(const config::ObjectNat& n) {
  using M = config::ObjectNat::Mapped;
  std::string s = fmt::format("nat ({},{}) {}", n.real_if, n.mapped_if,
                              n.type == config::ObjectNat::Type::Static ? "static" : "dynamic");
  switch (n.mapped_kind) {
    case M::Interface:
      s += " interface";
      break;
    case M::PatPool:
      s += " pat-pool " + n.mapped;
      break;
    case M::Object:
    case M::Address:
      s += " " + n.mapped;
      break;
  }
  if (n.interface_fallback) s += " interface";
  if (n.net_to_net) s += " net-to-net";
  if (n.dns) s += " dns";
  if (n.service_protocol) {
    bool udp = *n.service_protocol == "udp";
    s += fmt::format(" service {} {} {}", *n.service_protocol, port_text(n.real_port, udp),
                     port_text(n.mapped_port, udp));
  }
  if (n.no_proxy_arp) s += " no-proxy-arp";
  if (n.route_lookup) s += " route-lookup";
  return s;
}

std::string render(const config::TwiceNat& n, bool after_auto) {
  std::string s = fmt::format(
      "nat ({},{}){} source {} {}", n.real_if, n.mapped_if, after_auto ? " after-auto" : "",
      n.source_type == config::TwiceNat::Type::Static ? "static" : "dynamic", n.source_real);
  s += n.pat_pool ? " pat-pool " + n.source_mapped : " " + n.source_mapped;
  if (n.interface_fallback) s += " interface";
  if (n.destination_mapped && n.destination_real)
    s += fmt::format(" destination static {} {}", *n.destination_mapped, *n.destination_real);
  if (n.service_real && n.service_mapped)
    s += fmt::format(" service {} {}", *n.service_real, *n.service_mapped);
  if (n.net_to_net) s += " net-to-net";
  if (n.dns) s += " dns";
  if (n.unidirectional) s += " unidirectional";
  if (n.no_proxy_arp) s += " no-proxy-arp";
  if (n.route_lookup) s += " route-lookup";
  if (n.inactive) s += " inactive";
  if (n.description) s += " description " + *n.description;
  return s;
}

bool is_identity(const config::TwiceNat& n) {
  bool dest_same = !n.destination_mapped || n.destination_mapped == n.destination_real;
  return n.source_type == config::TwiceNat::Type::Static && n.source_real == n.source_mapped &&
         dest_same;
}

bool is_identity(const config::ObjectNat& n, const config::NetworkObject& real) {
  using M = config::ObjectNat::Mapped;
  if (n.type != config::ObjectNat::Type::Static) return false;
  if (n.mapped_kind == M::Object) return n.mapped == real.name;
  if (n.mapped_kind == M::Address)
    return real.kind == config::NetworkObject::Kind::Host &&
           config::Ipv4::parse(n.mapped) == real.address;
  return false;
}

}  // namespace rampart::cli::nat
