// Facts about the machine for "show version": CPU, memory, serial number, uptime.
#pragma once

#include <cstdint>
#include <string>

namespace rampart::platform {

std::string cpu_model();  // "Intel(R) Xeon(R) ... 2 CPUs"
uint64_t memory_mb();
std::string serial_number();  // DMI product serial if meaningful, else from /etc/machine-id
uint64_t uptime_seconds();

}  // namespace rampart::platform
