#include "control/ike/message_rules.hpp"

#include <array>
#include <span>

#include <fmt/format.h>

namespace rampart::ike {

namespace {

enum class Crypt : uint8_t { Plain, Encrypted, Either };

struct PayloadRule {
  PayloadType type;
  uint8_t min, max;
};

struct MessageRule {
  MessageKind kind;
  Crypt crypt;
  bool hash_first;
  std::span<const PayloadRule> payloads;
};

using P = PayloadType;
constexpr uint8_t kMany = 255;  // vendor IDs, NAT-D (one per local address), notifies

// Main mode with pre-shared keys (RFC 2409 5.4; NAT-D in messages 3 and 4, RFC 3947 3.2).
constexpr PayloadRule kMM12[] = {{P::SA, 1, 1}, {P::VendorId, 0, kMany}};
constexpr PayloadRule kMM34[] = {{P::KE, 1, 1},
                                 {P::Nonce, 1, 1},
                                 {P::VendorId, 0, kMany},
                                 {P::NatD, 0, kMany},
                                 {P::NatDDraft, 0, kMany}};
constexpr PayloadRule kMM56[] = {
    {P::ID, 1, 1}, {P::Hash, 1, 1}, {P::Notify, 0, kMany}, {P::VendorId, 0, kMany}};
// Aggressive mode (RFC 2409 5.4): NAT-D goes in messages 2 and 3.
constexpr PayloadRule kAM1[] = {
    {P::SA, 1, 1}, {P::KE, 1, 1}, {P::Nonce, 1, 1}, {P::ID, 1, 1}, {P::VendorId, 0, kMany}};
constexpr PayloadRule kAM2[] = {
    {P::SA, 1, 1},   {P::KE, 1, 1},           {P::Nonce, 1, 1},    {P::ID, 1, 1},
    {P::Hash, 1, 1}, {P::VendorId, 0, kMany}, {P::NatD, 0, kMany}, {P::NatDDraft, 0, kMany}};
constexpr PayloadRule kAM3[] = {{P::Hash, 1, 1},
                                {P::Notify, 0, kMany},
                                {P::VendorId, 0, kMany},
                                {P::NatD, 0, kMany},
                                {P::NatDDraft, 0, kMany}};
// Quick mode (RFC 2409 5.5): KE with PFS, client IDs in pairs, NAT-OA (RFC 3947 5.1).
constexpr PayloadRule kQM12[] = {{P::Hash, 1, 1},  {P::SA, 1, 1},        {P::Nonce, 1, 1},
                                 {P::KE, 0, 1},    {P::ID, 0, 2},        {P::Notify, 0, kMany},
                                 {P::NatOA, 0, 2}, {P::NatOADraft, 0, 2}};
constexpr PayloadRule kQM3[] = {{P::Hash, 1, 1}};
constexpr PayloadRule kTransaction[] = {{P::Hash, 1, 1}, {P::Attribute, 1, 1}};
constexpr PayloadRule kInformational[] = {
    {P::Hash, 0, 1}, {P::Notify, 0, kMany}, {P::Delete, 0, kMany}};

// AM3 travels encrypted or not (RFC 2409 5.4 leaves it to the implementation); an
// informational message is plain only before the IKE SA exists.
constexpr MessageRule kRules[] = {
    {MessageKind::MM1, Crypt::Plain, false, kMM12},
    {MessageKind::MM2, Crypt::Plain, false, kMM12},
    {MessageKind::MM3, Crypt::Plain, false, kMM34},
    {MessageKind::MM4, Crypt::Plain, false, kMM34},
    {MessageKind::MM5, Crypt::Encrypted, false, kMM56},
    {MessageKind::MM6, Crypt::Encrypted, false, kMM56},
    {MessageKind::AM1, Crypt::Plain, false, kAM1},
    {MessageKind::AM2, Crypt::Plain, false, kAM2},
    {MessageKind::AM3, Crypt::Either, false, kAM3},
    {MessageKind::QM1, Crypt::Encrypted, true, kQM12},
    {MessageKind::QM2, Crypt::Encrypted, true, kQM12},
    {MessageKind::QM3, Crypt::Encrypted, true, kQM3},
    {MessageKind::Transaction, Crypt::Encrypted, true, kTransaction},
    {MessageKind::Informational, Crypt::Either, true, kInformational},
};

const MessageRule& rule_of(MessageKind k) {
  for (const auto& r : kRules)
    if (r.kind == k) return r;
  return kRules[0];
}

}  // namespace

std::string_view name_of(MessageKind k) {
  constexpr std::array<std::string_view, 14> names{
      "MM1", "MM2", "MM3", "MM4", "MM5", "MM6",         "AM1",
      "AM2", "AM3", "QM1", "QM2", "QM3", "Transaction", "Informational"};
  return names[static_cast<size_t>(k)];
}

std::optional<RuleViolation> check_sa_limits(const SaPayload& sa) {
  auto too = [](std::string what) {
    return RuleViolation{kPayloadMalformed, fmt::format("SA payload with {}", what)};
  };
  if (sa.proposals.size() > SaLimits::kMaxProposals)
    return too(fmt::format("{} proposals", sa.proposals.size()));
  size_t transforms = 0, bytes = 12;  // the SA body: DOI and situation
  for (const auto& p : sa.proposals) {
    if (p.spi.size() > SaLimits::kMaxSpi) return too(fmt::format("an SPI of {}", p.spi.size()));
    transforms += p.transforms.size();
    bytes += 8 + p.spi.size();
    for (const auto& t : p.transforms) {
      if (t.attributes.size() > SaLimits::kMaxAttributes)
        return too(fmt::format("{} attributes in a transform", t.attributes.size()));
      bytes += 8;
      for (const auto& a : t.attributes) {
        if (a.data.size() > SaLimits::kMaxAttributeData)
          return too(fmt::format("a {}-byte attribute", a.data.size()));
        bytes += 4 + (a.short_form ? 0 : a.data.size());
      }
    }
  }
  if (transforms > SaLimits::kMaxTransforms) return too(fmt::format("{} transforms", transforms));
  if (bytes > SaLimits::kMaxBytes) return too(fmt::format("{} bytes", bytes));
  return std::nullopt;
}

std::optional<RuleViolation> check_message(MessageKind kind, bool encrypted,
                                           const std::vector<Payload>& payloads) {
  const MessageRule& rule = rule_of(kind);
  if (rule.crypt == Crypt::Plain && encrypted)
    return RuleViolation{kPayloadMalformed, fmt::format("{} must not be encrypted", name_of(kind))};
  if (rule.crypt == Crypt::Encrypted && !encrypted)
    return RuleViolation{kPayloadMalformed, fmt::format("{} must be encrypted", name_of(kind))};
  // RFC 2409 5.5/5.7: HASH immediately follows the header of every protected message; a plain
  // informational message (before the IKE SA exists) has none.
  bool need_hash = rule.hash_first && (rule.payloads.front().min > 0 || encrypted);
  if (need_hash && (payloads.empty() || type_of(payloads.front()) != PayloadType::Hash))
    return RuleViolation{kPayloadMalformed,
                         fmt::format("{} does not start with a HASH payload", name_of(kind))};
  for (const Payload& p : payloads) {
    PayloadType t = type_of(p);
    bool allowed = false;
    for (const auto& pr : rule.payloads) allowed = allowed || pr.type == t;
    if (!allowed)
      return RuleViolation{kInvalidPayloadType,
                           fmt::format("{} with unexpected {} ({}) payload", name_of(kind),
                                       asa_name(t), static_cast<unsigned>(t))};
  }
  for (const Payload& p : payloads)
    if (const auto* sa = std::get_if<SaPayload>(&p))
      if (auto bad = check_sa_limits(*sa)) return bad;
  for (const auto& pr : rule.payloads) {
    size_t n = 0;
    for (const Payload& p : payloads) n += type_of(p) == pr.type;
    if (n < pr.min)
      return RuleViolation{kPayloadMalformed,
                           fmt::format("{} without {} payload", name_of(kind), asa_name(pr.type))};
    if (n > pr.max)
      return RuleViolation{kPayloadMalformed, fmt::format("{} with {} {} payloads", name_of(kind),
                                                          n, asa_name(pr.type))};
  }
  return std::nullopt;
}

}  // namespace rampart::ike
