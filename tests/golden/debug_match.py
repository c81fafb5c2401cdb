#!/usr/bin/env python3
"""Holds a debug transcript against a seed's debug lines, in order.

Usage: debug_match.py GOLDEN TRANSCRIPT [MIN_PERCENT] [--no-notes]

GOLDEN is a pattern file (syntax at the top of tests/golden/seed000_debug.txt). TRANSCRIPT is
what a console session printed. The seed lines are matched to transcript lines by a longest
common subsequence (same words, same order; transcript lines the seed has not are ignored).
Prints the seed lines that did not match (with their note, when the golden file gives one:
what the line needs that the peer under test does not do) and the percentage of all seed
lines that did; exits 1 when that is below MIN_PERCENT (default 95). The share of the lines
without a note is printed too; it is never what the exit status is decided on. The notes are
about the golden file's own peer (vpnc for seed 000): --no-notes leaves them out for another.
"""
import re
import sys

STAMP = re.compile(r"^[A-Z][a-z]{2} [ 0-9]?[0-9] [0-9:]{8} ")
TOKENS = {"{ip}": r"\d{1,3}(?:\.\d{1,3}){3}", "{hex}": r"[0-9A-Fa-f]+", "{n}": r"\d+",
          "{name}": r"\S+", "{*}": r".*?"}


def normal(line):
    return " ".join(STAMP.sub("", line.rstrip("\r\n")).split())


def compile_pattern(text):
    out, i = "", 0
    for m in re.finditer(r"\{ip\}|\{hex\}|\{n\}|\{name\}|\{\*\}", text):
        out += re.escape(text[i:m.start()]) + TOKENS[m.group()]
        i = m.end()
    return re.compile(out + re.escape(text[i:]) + "$")


def read_golden(path):
    """(text, pattern, run, why): why is the line's " ## " note, "" when it has none."""
    seeds = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            line, _, why = line.partition(" ## ")
            run = line.startswith("+ ")
            text = normal(line[2:] if run else line)
            seeds.append((text, compile_pattern(text), run, why.strip()))
    return seeds


def collapse_runs(out, seeds):
    """A run of transcript lines that all match one "+ " seed line becomes its first line."""
    runs = [p for _, p, run, _ in seeds if run]
    kept = []
    for line in out:
        if kept and any(p.match(line) and p.match(kept[-1]) for p in runs):
            continue
        kept.append(line)
    return kept


def lcs_matches(seeds, out):
    n, m = len(seeds), len(out)
    hit = [[bool(seeds[i][1].match(out[j])) for j in range(m)] for i in range(n)]
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            dp[i][j] = max(dp[i + 1][j], dp[i][j + 1], dp[i + 1][j + 1] + 1 if hit[i][j] else 0)
    matched, i, j = set(), 0, 0
    while i < n and j < m:
        if hit[i][j] and dp[i][j] == dp[i + 1][j + 1] + 1:
            matched.add(i)
            i, j = i + 1, j + 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    return matched


def main():
    notes = "--no-notes" not in sys.argv
    args = [a for a in sys.argv[1:] if a != "--no-notes"]
    if len(args) < 2:
        print(__doc__)
        return 2
    seeds = read_golden(args[0])
    if not notes:
        seeds = [(text, p, run, "") for text, p, run, _ in seeds]
    minimum = float(args[2]) if len(args) > 2 else 95.0
    with open(args[1], encoding="utf-8", errors="replace") as f:
        out = [normal(l) for l in f if normal(l)]
    matched = lcs_matches(seeds, collapse_runs(out, seeds))
    for k, (text, _, _, why) in enumerate(seeds):
        if k not in matched:
            print(f"unmatched seed line {k + 1}: {text}" + (f"\n    ({why})" if why else ""))
    pct = 100.0 * len(matched) / len(seeds)
    print(f"seed lines matched: {len(matched)} of {len(seeds)} ({pct:.1f} %), need {minimum:g} %")
    # Told, never counted instead: the lines with a note need what this peer does not do.
    plain = [k for k, seed in enumerate(seeds) if not seed[3]]
    if len(plain) < len(seeds):
        hit = sum(1 for k in plain if k in matched)
        print(f"of the {len(plain)} lines without a note: {hit} matched "
              f"({100.0 * hit / len(plain):.1f} %)")
    return 0 if pct >= minimum else 1


if __name__ == "__main__":
    sys.exit(main())
