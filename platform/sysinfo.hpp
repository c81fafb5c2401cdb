// Facts about the machine for "show version": CPU, memory, serial number, uptime.
#pragma once

#include <cstdint>
#include <string>

namespace rampart::platform {

std::string cpu_model();  // "Intel(R) Xeon(R) ... 2 CPUs"
uint64_t memory_mb();
std::string serial_number();
// __DATE__ and __TIME__ ("Dec  1 2026", "14:20:11") as the ASA prints its build date
// ("Tue 01-Dec-26 14:20").
std::string build_date(
    const char* date,
    const char* time);  // DMI product serial if meaningful, else from /etc/machine-id
uint64_t uptime_seconds();

}  // namespace rampart::platform
