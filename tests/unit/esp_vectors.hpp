// The scapy ESP vectors (tests/vectors/esp_scapy.txt, made by make_esp_vectors.py): per
// transform, keys, SPI, sequence number, IV, the inner IPv4 packet and the ESP packet from the
// SPI on. Shared by the ESP SA tests and the packet worker's.
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "dataplane/esp/esp_sa.hpp"

namespace rampart::test {

using Bytes = std::vector<uint8_t>;

inline Bytes hex(const std::string& s) {
  Bytes b;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    b.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return b;
}

struct EspVector {
  std::map<std::string, std::string> f;
  Bytes get(const std::string& k) const { return hex(f.at(k)); }
  uint32_t spi() const { return static_cast<uint32_t>(std::stoul(f.at("spi"), nullptr, 16)); }
  uint32_t seq() const { return static_cast<uint32_t>(std::stoul(f.at("seq"))); }
};

inline std::vector<EspVector> load_esp_vectors() {
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/tests/vectors/esp_scapy.txt");
  std::vector<EspVector> out;
  EspVector cur;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') {
      if (!cur.f.empty()) out.push_back(cur), cur = {};
      continue;
    }
    auto eq = line.find(" = ");
    cur.f[line.substr(0, eq)] = eq + 3 <= line.size() ? line.substr(eq + 3) : "";
    if (line.back() == '=') cur.f[line.substr(0, line.size() - 2)] = "";
  }
  if (!cur.f.empty()) out.push_back(cur);
  return out;
}

// The transform's ASA name ("esp-aes-256 esp-sha256-hmac") to the dataplane's keys.
inline dataplane::EspKeys esp_keys_for(const EspVector& v) {
  using dataplane::EspAuth;
  using dataplane::EspCipher;
  const std::string& t = v.f.at("transform");
  dataplane::EspKeys k;
  k.cipher = t.starts_with("esp-null")          ? EspCipher::Null
             : t.starts_with("esp-des ")        ? EspCipher::Des
             : t.starts_with("esp-3des")        ? EspCipher::TripleDes
             : t.starts_with("esp-aes-gcm-128") ? EspCipher::AesGcm128
             : t.starts_with("esp-aes-gcm-256") ? EspCipher::AesGcm256
             : t.starts_with("esp-aes-192")     ? EspCipher::AesCbc192
             : t.starts_with("esp-aes-256")     ? EspCipher::AesCbc256
                                                : EspCipher::AesCbc128;
  k.auth = t.ends_with("esp-md5-hmac")      ? EspAuth::HmacMd5
           : t.ends_with("esp-sha-hmac")    ? EspAuth::HmacSha1
           : t.ends_with("esp-sha256-hmac") ? EspAuth::HmacSha256
           : t.ends_with("esp-sha384-hmac") ? EspAuth::HmacSha384
           : t.ends_with("esp-sha512-hmac") ? EspAuth::HmacSha512
                                            : EspAuth::None;
  k.encryption = v.get("enc_key");
  k.integrity = v.get("auth_key");
  return k;
}

}  // namespace rampart::test
