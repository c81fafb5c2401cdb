// show crypto accelerator statistics / clear crypto accelerator statistics: the ESP crypto
// backends as the ASA shows its crypto engines, one [Accelerator N] section each (0: OpenSSL,
// the software engine; 1: intel-ipsec-mb, the multi-buffer engine), with what they count.
// [U] No ASA sample of this command was found in the reference corpora: the section and line
// wordings follow the ASA 8.x layout as remembered ([Global Statistics], [Accelerator N],
// [Input statistics], [Output statistics]); the ASA's capability, Diffie-Hellman, RSA, DSA,
// SSL, RNG and HMAC sections are left out because the dataplane does not count those.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "dataplane/crypto/backend.hpp"
#include "dataplane/crypto/stats.hpp"
#include "dataplane/forward/io_choice.hpp"

namespace rampart::cli {

namespace crypto = dataplane::crypto;

namespace {

struct Engine {
  int slot;
  crypto::Backend* backend;  // null: the library cannot run here
  crypto::BackendKind kind;
};

std::vector<Engine> engines() {
  return {{0, &crypto::openssl(), crypto::BackendKind::OpenSsl},
          {1, crypto::ipsec_mb(), crypto::BackendKind::IpsecMb}};
}

void engine_section(std::string& o, const Engine& e) {
  const crypto::EngineStats s = crypto::stats(e.kind);
  bool active = e.backend && &crypto::active() == e.backend;
  o += fmt::format("[Accelerator {}]\n", e.slot);
  // [U] "Standby" for a usable engine that new SAs are not keyed for, "Not present" when the
  // library cannot run on this CPU.
  o += fmt::format("   Status: {}\n", active ? "Active" : e.backend ? "Standby" : "Not present");
  if (e.kind == crypto::BackendKind::OpenSsl)
    o += fmt::format("   Software crypto engine: {}\n", e.backend->description());  // [U]
  else
    o += fmt::format("   Multi-buffer crypto engine: {}\n",  // [U]
                     e.backend ? e.backend->description() : "intel-ipsec-mb");
  o += fmt::format("   Slot: {}\n", e.slot);
  o += fmt::format("   Active time: {} seconds\n", crypto::active_seconds(e.kind));
  o += fmt::format("   Total crypto transforms: {}\n", s.transforms);
  o += fmt::format("   Total dropped packets: {}\n", s.auth_failed + s.errors);
  o += fmt::format("   Batches submitted: {}\n", s.batches);  // [U] ours: runs of the engine
  o += "   [Input statistics]\n";
  o += fmt::format("      Input packets: {}\n      Input bytes: {}\n", s.in_packets, s.in_bytes);
  o += fmt::format("      Input hashed packets: {}\n      Input hashed bytes: {}\n",
                   s.in_hashed_packets, s.in_hashed_bytes);
  o += fmt::format("      Decrypted packets: {}\n      Decrypted bytes: {}\n", s.decrypted_packets,
                   s.decrypted_bytes);
  o += fmt::format("      Authentication failures: {}\n", s.auth_failed);  // [U]
  o += "   [Output statistics]\n";
  o += fmt::format("      Output packets: {}\n      Output bad packets: {}\n", s.out_packets,
                   s.out_bad_packets);
  o += fmt::format("      Output bytes: {}\n", s.out_bytes);
  o += fmt::format("      Output hashed packets: {}\n      Output hashed bytes: {}\n",
                   s.out_hashed_packets, s.out_hashed_bytes);
  o += fmt::format("      Encrypted packets: {}\n      Encrypted bytes: {}\n", s.encrypted_packets,
                   s.encrypted_bytes);
}

void show_statistics(Ctx& c) {
  std::string& o = c.out;
  auto list = engines();
  crypto::EngineStats sum;
  int usable = 0;
  for (const Engine& e : list) {
    if (!e.backend) continue;
    ++usable;
    crypto::EngineStats s = crypto::stats(e.kind);
    sum.in_packets += s.in_packets;
    sum.in_bytes += s.in_bytes;
    sum.out_packets += s.out_packets;
    sum.out_bad_packets += s.out_bad_packets;
    sum.out_bytes += s.out_bytes;
  }
  o += "\nCrypto Accelerator Status\n-------------------------\n";
  o += "[Global Statistics]\n";
  o += fmt::format("   Number of active accelerators: {}\n", usable);
  o += fmt::format("   Number of non-operational accelerators: {}\n",
                   static_cast<int>(list.size()) - usable);
  o += fmt::format("   Input packets: {}\n   Input bytes: {}\n", sum.in_packets, sum.in_bytes);
  o += fmt::format("   Output packets: {}\n   Output error packets: {}\n   Output bytes: {}\n",
                   sum.out_packets, sum.out_bad_packets, sum.out_bytes);
  o += fmt::format("   Selection: {}\n", crypto::selection_reason());  // [U] ours: why
  // [U] ours: the I/O that feeds the engines their batches (AF_PACKET ring blocks, AF_XDP
  // socket batches).
  o += fmt::format("   Packet I/O: {}\n", dataplane::io_status());
  for (const Engine& e : list) engine_section(o, e);
}

}  // namespace

// One line for show version, beside the ASA's "Encryption hardware device" line. [U] wording.
std::string crypto_engine_line() {
  return fmt::format("Encryption hardware device : {} ({})\n", crypto::active().description(),
                     crypto::selection_reason());
}

void register_crypto_accelerator(CommandTree& t) {
  t.add({kPrivAndConfig,
         "show crypto accelerator statistics",
         {kHelpShow, "Show crypto information", "Show crypto accelerator information",
          "Show the crypto engines' statistics"},
         show_statistics});
  t.add({kPrivAndConfig,
         "clear crypto accelerator statistics",
         {kHelpClear, "Clear crypto information", "Clear crypto accelerator information",
          "Clear the crypto engines' statistics"},
         [](Ctx&) {
           crypto::clear_stats(crypto::BackendKind::OpenSsl);
           crypto::clear_stats(crypto::BackendKind::IpsecMb);
         }});
}

}  // namespace rampart::cli
