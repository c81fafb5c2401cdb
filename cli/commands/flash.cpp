// The flash file system and booting: dir, show flash:/disk0:, copy, delete, boot system,
// show bootvar, reload.
#include <chrono>
#include <ctime>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "cli/render/writer.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kPriv = mask_of(Mode::PrivExec);
constexpr std::string_view kHelpCopy = "Copy from one file to another";
constexpr size_t kMaxBootImages = 4;  // the ASA keeps up to four boot system entries

// "disk0:/a/b", "disk0:a", "flash:/a", "disk0:", "/a" and "a" (the current directory is
// disk0:/) give the path below the flash root; ".." or an unknown file system gives nullopt.
std::optional<std::string> flash_path(std::string_view typed) {
  for (std::string_view fs : {"disk0:", "flash:"}) {
    if (typed.size() >= fs.size() &&
        std::equal(fs.begin(), fs.end(), typed.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      typed.remove_prefix(fs.size());
      break;
    }
  }
  if (typed.find(':') != std::string_view::npos) return std::nullopt;
  std::string out;
  size_t p = 0;
  while (p <= typed.size()) {
    size_t e = typed.find('/', p);
    if (e == std::string_view::npos) e = typed.size();
    std::string_view part = typed.substr(p, e - p);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + std::string(part);
    p = e + 1;
  }
  return out;
}

std::string shown(const std::string& rel) {
  return "disk0:/" + rel;
}

// Names starting with '.' are the box's own (".private" holds the SSH host key): no flash
// command names or lists them, and they answer as a missing file does on the ASA.
bool is_private(std::string_view rel) {
  size_t p = 0;
  while (p < rel.size()) {
    if (rel[p] == '.') return true;
    size_t e = rel.find('/', p);
    if (e == std::string_view::npos) break;
    p = e + 1;
  }
  return false;
}

std::string no_such_file(std::string_view verb, const std::string& rel) {
  return fmt::format("%Error {} {} (No such file or directory)\n", verb, shown(rel));
}

// The flash path a command opens, or nothing with the ASA's refusal printed and counted: an
// invalid path (the root too, unless root_ok), or a private file, which to the operator does not
// exist.
std::optional<std::string> path_to_open(Ctx& c, const std::string& typed, bool root_ok) {
  auto rel = flash_path(typed);
  if (!rel || (!root_ok && rel->empty())) {
    flash_error(c, fmt::format("%Error opening {} (Invalid path)\n", typed));
    return std::nullopt;
  }
  if (is_private(*rel)) {
    flash_error(c, no_such_file("opening", *rel));
    return std::nullopt;
  }
  return rel;
}

// Secrets in a configuration file shown by "more": the word after "pre-shared-key", after an
// aaa-server's or PIX/ASA 7 isakmp "key", and after "password"/"passwd" unless it is a hash
// (followed by encrypted/pbkdf2/nt-encrypted, as show running-config prints it) becomes *****.
std::string masked_line(std::string_view line) {
  std::vector<std::string_view> w;
  for (size_t p = 0; p < line.size();) {
    size_t b = line.find_first_not_of(' ', p);
    if (b == std::string_view::npos) break;
    size_t e = line.find(' ', b);
    if (e == std::string_view::npos) e = line.size();
    w.push_back(line.substr(b, e - b));
    p = e;
  }
  auto secret_after = [&](size_t i) {
    if (i + 1 >= w.size()) return false;
    std::string_view k = w[i];
    if (k == "pre-shared-key") return true;
    if (k == "key") return i == 0 || (i >= 1 && w[i - 1] == "isakmp");
    // "aaa-server G (IF) host A KEY [timeout N]": the word after the address.
    if (i >= 1 && w[i - 1] == "host" && w[0] == "aaa-server") return w[i + 1] != "timeout";
    if (k != "password" && k != "passwd") return false;
    return i + 2 >= w.size() ||
           (w[i + 2] != "encrypted" && w[i + 2] != "pbkdf2" && w[i + 2] != "nt-encrypted");
  };
  std::string out(line);
  for (size_t i = w.size(); i-- > 0;) {
    if (!secret_after(i)) continue;
    size_t at = static_cast<size_t>(w[i + 1].data() - line.data());
    out.replace(at, w[i + 1].size(), "*****");
  }
  return out;
}

std::string masked(std::string_view text) {
  std::string out;
  size_t p = 0;
  while (p < text.size()) {
    size_t e = text.find('\n', p);
    if (e == std::string_view::npos) e = text.size();
    out += masked_line(text.substr(p, e - p));
    if (e < text.size()) out += '\n';
    p = e + 1;
  }
  return out;
}

std::string base_name(std::string_view path) {
  size_t s = path.rfind('/');
  return std::string(s == std::string_view::npos ? path : path.substr(s + 1));
}

bool yes(std::string_view answer) {
  return answer.empty() || answer == "y" || answer == "Y" || answer == "yes";
}

std::string dir_time(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S %b %d %Y", &tm);
  return buf;
}

std::string usage_line(const FlashUsage& u, bool percent) {
  if (!percent) return fmt::format("{} bytes total ({} bytes free)\n", u.total, u.free);
  uint64_t pct = u.total ? u.free * 100 / u.total : 0;
  return fmt::format("{} bytes total ({} bytes free/{}% free)\n", u.total, u.free, pct);
}

void dir_cmd(Ctx& c) {
  std::string typed = c.args.has("path") ? c.args.str("path") : "disk0:/";
  auto rel = path_to_open(c, typed, true);
  if (!rel) return;
  auto list = c.sys.flash_list(*rel);
  if (!list) {
    flash_error(c, fmt::format("%Error opening {} ({})\n", shown(*rel), list.error()));
    return;
  }
  c.out += fmt::format("\nDirectory of {}{}\n\n", shown(*rel),
                       rel->empty() || list->size() != 1 || list->front().name != base_name(*rel)
                           ? (rel->empty() ? "" : "/")
                           : "");
  for (const auto& f : *list)
    c.out += fmt::format("{:<6} {:<5} {:<12} {}  {}\n", f.index, f.directory ? "drwx" : "-rwx",
                         f.size, dir_time(f.mtime), f.name);
  c.out += "\n" + usage_line(c.sys.flash_usage(), true);
}

// show flash: lists every file with its path below the root, as the ASA does.
void show_flash(Ctx& c) {
  c.out += "--#--  --length--  -----date/time------  path\n";
  std::vector<std::string> dirs{""};
  for (size_t i = 0; i < dirs.size(); ++i) {
    auto list = c.sys.flash_list(dirs[i]);
    if (!list) continue;
    for (const auto& f : *list) {
      std::string path = dirs[i].empty() ? f.name : dirs[i] + "/" + f.name;
      std::time_t tt = static_cast<std::time_t>(f.mtime);
      std::tm tm{};
      gmtime_r(&tt, &tm);
      char when[32];
      std::strftime(when, sizeof when, "%b %d %Y %H:%M:%S", &tm);
      c.out += fmt::format("{:>5}  {:<10}  {}  {}\n", f.index, f.size, when, path);
      if (f.directory) dirs.push_back(path);
    }
  }
  c.out += "\n" + usage_line(c.sys.flash_usage(), false);
}

void run_copy(Session& s, const std::string& from, const std::string& to_typed, std::string& out) {
  auto to = flash_path(to_typed);
  if (to && to->empty()) to = base_name(from);  // "copy tftp://h/x.bin disk0:" keeps the name
  if (!to || to->empty()) {
    out += fmt::format("%Error opening {} (Invalid path)\n", to_typed);
    return;
  }
  if (is_private(*to)) {
    out += no_such_file("opening", *to);
    return;
  }
  std::string source = from;
  bool remote = from.starts_with("tftp://");
  if (!remote) {
    auto rel = flash_path(from);
    if (!rel || rel->empty()) {
      out += fmt::format("%Error opening {} (Invalid path)\n", from);
      return;
    }
    if (is_private(*rel)) {
      out += no_such_file("opening", *rel);
      return;
    }
    source = *rel;
  }
  // The transfer runs while the daemon goes on (IKE, other sessions); the result follows.
  System& sys = s.appliance().sys();
  std::string dest = *to;
  s.defer([&sys, source, dest, from, remote] {
    auto t0 = std::chrono::steady_clock::now();
    auto n = sys.flash_copy(source, dest);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string shown_src = remote ? from : shown(source);
    if (!n) return fmt::format("\n%Error copying {} ({})\n", shown_src, n.error());
    // One '!' per block moved, as the ASA marks progress (printed once the copy is done).
    std::string bangs(std::min<uint64_t>(*n / 32768 + 1, 400), '!');
    return fmt::format(
        "\nAccessing {}...{}\nWriting file {}...\n{}\n{} bytes copied in {:.3f} secs ({} "
        "bytes/sec)\n",
        shown_src, bangs, shown(dest), bangs, *n, secs,
        secs > 0 ? static_cast<uint64_t>(static_cast<double>(*n) / secs) : *n);
  });
  (void)out;
}

void copy_cmd(Ctx& c) {
  std::string from = c.args.str("src"), to = c.args.str("dst");
  if (from == "running-config" || from == "startup-config") {
    flash_error(c, fmt::format("%Error opening {} (Not supported: use write memory)\n", to));
    return;
  }
  if (c.args.has("noconfirm")) {
    run_copy(c.session, from, to, c.out);
    return;
  }
  std::string src_name = base_name(from), dst_name = base_name(to);
  if (dst_name.empty() || dst_name.ends_with(':')) dst_name = src_name;
  c.session.ask(fmt::format("Source filename [{}]? ", src_name), false,
                [from, to, dst_name](Session& s, std::string_view a1, std::string&) {
                  std::string src = from;
                  if (!a1.empty())
                    src = from.substr(0, from.size() - base_name(from).size()) + std::string(a1);
                  s.ask(fmt::format("Destination filename [{}]? ", dst_name), false,
                        [src, to, dst_name](Session& s, std::string_view a2, std::string& out) {
                          std::string dst = to;
                          if (!flash_path(dst) || flash_path(dst)->empty() || !a2.empty())
                            dst = "disk0:/" + (a2.empty() ? dst_name : std::string(a2));
                          run_copy(s, src, dst, out);
                        });
                });
}

void delete_file(Session& s, const std::string& rel, std::string& out) {
  if (is_private(rel)) {
    out += "\n" + no_such_file("deleting", rel);
    return;
  }
  if (auto r = s.appliance().sys().flash_delete(rel); !r)
    out += fmt::format("\n%Error deleting {} ({})\n", shown(rel), r.error());
}

void delete_cmd(Ctx& c) {
  std::string typed = c.args.str("path");
  auto rel = flash_path(typed);
  if (!rel || rel->empty()) {
    flash_error(c, fmt::format("%Error deleting {} (Invalid path)\n", typed));
    return;
  }
  if (c.args.has("noconfirm")) {
    delete_file(c.session, *rel, c.out);
    return;
  }
  std::string r = *rel;
  c.session.ask(fmt::format("\nDelete filename [{}]? ", r), false,
                [r](Session& s, std::string_view a, std::string&) {
                  std::string target = a.empty() ? r : flash_path(a).value_or(r);
                  s.ask(fmt::format("\nDelete {}? [confirm]", shown(target)), false,
                        [target](Session& s, std::string_view a2, std::string& out) {
                          if (yes(a2)) delete_file(s, target, out);
                        });
                });
}

// "more disk0:/log/messages": a text file on the terminal (its last 256 KB when longer), paged.
void more_cmd(Ctx& c) {
  constexpr size_t kLimit = 256 * 1024;
  std::string typed = c.args.str("path");
  auto rel = path_to_open(c, typed, false);
  if (!rel) return;
  auto text = c.sys.flash_read(*rel, kLimit);
  if (!text) {
    flash_error(c, fmt::format("%Error opening {} ({})\n", shown(*rel), text.error()));
    return;
  }
  // A saved configuration holds its pre-shared keys in clear; more shows them masked, as show
  // running-config does (a real ASA prints them: here any file may be a configuration).
  c.out += masked(*text);
  if (!text->empty() && text->back() != '\n') c.out += "\n";
}

void boot_system(Ctx& c) {
  auto& list = c.cfg.system.boot_images;
  std::string typed = c.args.str("url");
  auto rel = flash_path(typed);
  if (!rel || rel->empty() || is_private(*rel)) {
    c.out += fmt::format("ERROR: {}: Invalid boot image path\n", typed);
    return;
  }
  std::string url = shown(*rel);
  auto it = std::find(list.begin(), list.end(), url);
  if (c.negated) {
    if (it != list.end()) list.erase(it);
    return;
  }
  // A firmware file on flash must carry the release key's signature (one not copied yet is
  // checked again at reload).
  if (auto check = c.sys.verify_image(*rel); check && !check->signature_error.empty()) {
    c.out += fmt::format("%ERROR: Signature not valid for file {}\n", url);
    return;
  }
  if (it != list.end()) return;
  if (list.size() >= kMaxBootImages) {
    c.out += fmt::format("ERROR: Only {} boot system entries are allowed\n", kMaxBootImages);
    return;
  }
  list.push_back(url);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
  return s;
}

// The boot system list of the saved configuration: what the next boot uses.
std::vector<std::string> saved_boot_images(System& sys) {
  std::vector<std::string> out;
  auto text = sys.read_startup();
  if (!text) return out;
  size_t p = 0;
  while (p < text->size()) {
    size_t e = text->find('\n', p);
    if (e == std::string::npos) e = text->size();
    std::string_view line(text->data() + p, e - p);
    if (line.starts_with("boot system ")) out.emplace_back(line.substr(12));
    p = e + 1;
  }
  return out;
}

// "verify disk0:/FILE", as the ASA verifies an image: both hashes, then the signature.
void verify_cmd(Ctx& c) {
  std::string typed = c.args.str("path");
  auto rel = path_to_open(c, typed, false);
  if (!rel) return;
  auto check = c.sys.verify_image(*rel);
  if (!check) {
    flash_error(c, fmt::format("%Error verifying {} ({})\n", shown(*rel), check.error()));
    return;
  }
  c.out += fmt::format(
      "Verifying file integrity of {}\n\nComputed Hash   SHA2: {}\nEmbedded Hash   SHA2: {}\n\n",
      shown(*rel), check->computed_sha256, check->embedded_sha256);
  if (check->signature_error.empty())
    c.out += "Digital signature successfully validated\n";
  else
    c.out += fmt::format("%ERROR: Signature not valid for file {} ({})\n", shown(*rel),
                         check->signature_error);
}

void show_bootvar(Ctx& c) {
  c.out += fmt::format("\nBOOT variable = {}\n", joined(saved_boot_images(c.sys)));
  c.out += fmt::format("Current BOOT variable = {}\n", joined(c.cfg.system.boot_images));
  c.out += "CONFIG_FILE variable = \nCurrent CONFIG_FILE variable = \n";
  BootStatus b = c.sys.boot_status();
  if (!b.slot.empty()) c.out += fmt::format("Running firmware: {} (slot {})\n", b.image, b.slot);
  if (!b.failed_image.empty())
    c.out += fmt::format("Last boot of {} failed; the previous firmware was booted instead\n",
                         b.failed_image);
}

void do_reload(Session& s, std::string& out) {
  System& sys = s.appliance().sys();
  std::vector<std::string> rel;
  for (const auto& url : saved_boot_images(sys))
    if (auto r = flash_path(url)) rel.push_back(*r);
  if (!rel.empty()) {
    auto next = sys.prepare_boot(rel);
    if (!next)
      out += fmt::format("%Warning: {}; booting the current firmware again\n", next.error());
  }
  out +=
      "\n***\n*** --- START GRACEFUL SHUTDOWN ---\nShutting down isakmp\nShutting down File "
      "system\n\n***\n*** --- SHUTDOWN NOW ---\n";
  sys.request_reload();
  s.close();
}

void ask_proceed(Session& s) {
  s.ask("Proceed with reload? [confirm]", false,
        [](Session& s, std::string_view a, std::string& out) {
          if (yes(a)) do_reload(s, out);
        });
}

bool config_modified(Session& s) {
  auto saved = s.appliance().sys().read_startup();
  // Compared with what write memory would save: the saved text holds the secrets in clear.
  return !saved || render_saved_config(s.appliance().config()) != *saved;
}

void reload_cmd(Ctx& c) {
  if (c.args.has("noconfirm")) {
    do_reload(c.session, c.out);
    return;
  }
  if (!config_modified(c.session)) {
    ask_proceed(c.session);
    return;
  }
  c.session.ask("System config has been modified. Save? [Y]es/[N]o: ", false,
                [](Session& s, std::string_view a, std::string& out) {
                  if (a.empty() || a[0] == 'y' || a[0] == 'Y') {
                    Reply r = s.execute_internal("write memory");
                    out += r.output;
                  }
                  ask_proceed(s);
                });
}

}  // namespace

void register_flash(CommandTree& t) {
  t.add({kPriv,
         "dir [<path:WORD>]",
         {"List files on a filesystem", "Directory or file name (disk0:, flash:)"},
         dir_cmd});
  for (std::string_view fs : {"flash:", "disk0:"})
    t.add({kPriv,
           fmt::format("show {}", fs),
           {kHelpShow, "Display information about the internal flash"},
           show_flash});
  t.add({kPriv,
         "copy [{noconfirm:/noconfirm}] <src:WORD> <dst:WORD>",
         {kHelpCopy, "Do not prompt for confirmation",
          "Source: disk0:/file, flash:/file or tftp://host/file", "Destination: disk0:/file"},
         copy_cmd});
  t.add({kPriv,
         "delete [{noconfirm:/noconfirm}] <path:WORD>",
         {"Delete a file", "Do not prompt for confirmation", "File to delete (disk0:/file)"},
         delete_cmd});
  t.add({kPriv,
         "more <path:WORD>",
         {"Display the contents of a file", "File (disk0:/file)"},
         more_cmd});
  t.add({kConfig,
         "boot system <url:WORD>",
         {"Modify system boot parameters", "System image file",
          "Image file on disk0: (disk0:/rampart-x.y.z.bin)"},
         boot_system});
  t.add({kConfig,
         "no boot system <url:WORD>",
         {kHelpNo, "Modify system boot parameters", "System image file", "Image file"},
         boot_system});
  t.add({kPriv,
         "verify <path:WORD>",
         {"Verify a file's integrity and signature", "Firmware file (disk0:/file)"},
         verify_cmd});
  t.add({kPriv, "show bootvar", {kHelpShow, "Show boot configuration"}, show_bootvar});
  t.add({kPriv,
         "reload [{noconfirm:noconfirm}]",
         {"Halt and reload system", "Reload without asking for confirmation"},
         reload_cmd});
}

void render_boot(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& url : cfg.system.boot_images) w.line("boot system " + url);
}

}  // namespace rampart::cli
