#include "control/config/model.hpp"

namespace rampart::config {

const Interface* Config::interface_by_nameif(const std::string& nameif) const {
  for (const auto& [name, itf] : interfaces)
    if (itf.nameif && *itf.nameif == nameif) return &itf;
  return nullptr;
}

}  // namespace rampart::config
