// The box's RSA key pair: crypto key generate rsa, crypto key zeroize rsa,
// show crypto key mypubkey rsa. It is the SSH host key, as on the ASA.
#include <ctime>

#include "cli/commands/common.hpp"
#include "cli/commands/crypto_common.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kKeyName = "<Default-RSA-Key>";
constexpr uint32_t kDefaultModulus = 2048;

bool said_yes(std::string_view a) {
  return a == "yes" || a == "y" || a == "YES" || a == "Yes";
}

void generate(Session& s, int bits, std::string& out) {
  out += "Keypair generation process begin. Please wait...\n";
  System& sys = s.appliance().sys();
  // Large moduli take seconds: the daemon goes on meanwhile.
  s.defer([&sys, bits]() -> std::string {
    if (auto r = sys.generate_rsa_key(bits); !r)
      return fmt::format("ERROR: Key generation failed ({})\n", r.error());
    return {};
  });
}

void generate_cmd(Ctx& c) {
  int bits =
      static_cast<int>(c.args.has("bits") ? std::stoul(c.args.str("bits")) : kDefaultModulus);
  if (!c.sys.rsa_key() || c.args.has("noconfirm")) {
    generate(c.session, bits, c.out);
    return;
  }
  c.out += fmt::format("WARNING: You have a RSA keypair already defined named {}.\n\n", kKeyName);
  c.session.ask("Do you really want to replace them? [yes/no]: ", false,
                [bits](Session& s, std::string_view a, std::string& out) {
                  if (said_yes(a)) generate(s, bits, out);
                });
}

void zeroize(Session& s, std::string& out) {
  if (auto r = s.appliance().sys().zeroize_rsa_key(); !r)
    out += fmt::format("ERROR: {}\n", r.error());
}

void zeroize_cmd(Ctx& c) {
  if (c.args.has("noconfirm")) {
    zeroize(c.session, c.out);
    return;
  }
  c.out +=
      "WARNING: All RSA keys will be removed.\nWARNING: All device digital certificates issued "
      "using these keys will also be removed.\n\n";
  c.session.ask("Do you really want to remove these keys? [yes/no]: ", false,
                [](Session& s, std::string_view a, std::string& out) {
                  if (said_yes(a)) zeroize(s, out);
                });
}

void show_mypubkey(Ctx& c) {
  auto key = c.sys.rsa_key();
  if (!key) return;
  std::time_t t = static_cast<std::time_t>(key->generated);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[48];
  std::strftime(when, sizeof when, "%H:%M:%S UTC %b %e %Y", &tm);
  std::string w(when);
  if (auto dbl = w.find("  "); dbl != std::string::npos) w.erase(dbl, 1);  // "Dec 1", not "Dec  1"
  c.out += fmt::format("Key pair was generated at: {}\nKey name: {}\n", w, kKeyName);
  c.out += " Usage: General Purpose Key\n";
  c.out += fmt::format(" Modulus Size (bits): {}\n Storage: config\n Key Data:\n\n", key->bits);
  // 32-bit words in hex, eight to a line, as the ASA lays out the DER.
  const std::string& d = key->public_der;
  for (size_t i = 0; i < d.size(); i += 32) {
    std::string line = " ";
    for (size_t j = i; j < std::min(d.size(), i + 32); ++j) {
      if ((j - i) % 4 == 0) line += ' ';
      line += fmt::format("{:02x}", static_cast<uint8_t>(d[j]));
    }
    c.out += line + "\n";
  }
}

}  // namespace

void register_crypto_keys(CommandTree& t) {
  const std::vector<std::string_view> key{kHelpCrypto, "Long term key operations"};
  auto with = [&](std::initializer_list<std::string_view> more) {
    auto v = key;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig,
         "crypto key generate rsa [general-keys] [modulus {bits:1024|2048|3072|4096}] "
         "[{noconfirm:noconfirm}]",
         with({"Generate new keys", "Generate RSA keys",
               "Generate a general purpose RSA key pair for signing and encryption",
               "Provide number of modulus bits on the command line",
               "1024 bits|2048 bits|3072 bits|4096 bits",
               "Specify this keyword to suppress all interactive prompting"}),
         generate_cmd});
  t.add({kConfig, "crypto key zeroize rsa [{noconfirm:noconfirm}]",
         with({"Remove keys", "Remove RSA keys",
               "Specify this keyword to suppress all interactive prompting"}),
         zeroize_cmd});
  t.add({kAllModes & ~mask_of(Mode::UserExec),
         "show crypto key mypubkey rsa",
         {kHelpShow, "Show crypto information", "Show long term public keys",
          "Show public keys associated with this router", "Show RSA public keys"},
         show_mypubkey});
}

}  // namespace rampart::cli
