#include "platform/nftables.hpp"

#include <nftables/libnftables.h>

#include <charconv>
#include <utility>

namespace rampart::platform {

namespace {

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

uint64_t number_after(std::string_view line, std::string_view word) {
  auto p = line.find(word);
  if (p == std::string_view::npos) return 0;
  p += word.size();
  while (p < line.size() && line[p] == ' ') ++p;
  uint64_t v = 0;
  std::from_chars(line.data() + p, line.data() + line.size(), v);
  return v;
}

}  // namespace

rampart::expected<Nftables, std::string> Nftables::open() {
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (!ctx) return rampart::unexpected(std::string("cannot create an nftables context"));
  // Both streams go to buffers: errors are returned to the caller, never printed by the library.
  if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
    nft_ctx_free(ctx);
    return rampart::unexpected(std::string("cannot buffer nftables output"));
  }
  return Nftables(ctx);
}

Nftables::Nftables(Nftables&& o) noexcept : ctx_(std::exchange(o.ctx_, nullptr)) {}

Nftables& Nftables::operator=(Nftables&& o) noexcept {
  if (this != &o) {
    if (ctx_) nft_ctx_free(ctx_);
    ctx_ = std::exchange(o.ctx_, nullptr);
  }
  return *this;
}

Nftables::~Nftables() {
  if (ctx_) nft_ctx_free(ctx_);
}

rampart::expected<std::string, std::string> Nftables::execute(const std::string& script, bool dry) {
  nft_ctx_set_dry_run(ctx_, dry);
  int rc = nft_run_cmd_from_buffer(ctx_, script.c_str());
  nft_ctx_set_dry_run(ctx_, false);
  // Reading a buffer also empties it for the next command.
  const char* buffered = nft_ctx_get_output_buffer(ctx_);
  std::string out = buffered ? buffered : "";
  std::string err = trimmed(nft_ctx_get_error_buffer(ctx_));
  if (rc != 0)
    return rampart::unexpected(err.empty() ? std::string("nftables refused the commands") : err);
  return out;
}

rampart::expected<void, std::string> Nftables::run(const std::string& script) {
  auto r = execute(script, false);
  if (!r) return rampart::unexpected(r.error());
  return {};
}

rampart::expected<void, std::string> Nftables::check(const std::string& script) {
  auto r = execute(script, true);
  if (!r) return rampart::unexpected(r.error());
  return {};
}

rampart::expected<std::string, std::string> Nftables::output(const std::string& command) {
  return execute(command, false);
}

rampart::expected<std::map<std::string, CounterValue>, std::string> Nftables::counters(
    std::string_view family, std::string_view table) {
  // A missing table is not an error here: nothing applied yet means no hits.
  std::string probe = "list tables " + std::string(family);
  auto tables = execute(probe, false);
  if (!tables) return rampart::unexpected(tables.error());
  if (tables->find("table " + std::string(family) + " " + std::string(table) + "\n") ==
      std::string::npos)
    return std::map<std::string, CounterValue>{};
  auto text =
      execute("list counters table " + std::string(family) + " " + std::string(table), false);
  if (!text) return rampart::unexpected(text.error());
  return parse_counters(*text);
}

std::map<std::string, CounterValue> parse_counters(std::string_view text) {
  std::map<std::string, CounterValue> out;
  std::string current;
  size_t p = 0;
  while (p < text.size()) {
    size_t e = text.find('\n', p);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(p, e - p);
    p = e + 1;
    size_t s = line.find_first_not_of(" \t");
    if (s == std::string_view::npos) continue;
    line = line.substr(s);
    if (line.starts_with("counter ") && line.ends_with("{")) {
      std::string_view name = line.substr(8, line.size() - 9);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
        name = name.substr(1, name.size() - 2);
      current = std::string(name);
      continue;
    }
    if (!current.empty() && line.starts_with("packets ")) {
      out[current] = {number_after(line, "packets "), number_after(line, "bytes ")};
      current.clear();
    }
  }
  return out;
}

}  // namespace rampart::platform
