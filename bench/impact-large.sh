#!/usr/bin/env bash
# Benchmark: `qualify impact` against `git diff --name-only` on a large repository, the case
# issue 12 measured (7-10x): 5,000 commits over 20,000 files in 100 components (2 globs each),
# built with git fast-import in a temporary folder. Two ranges: the whole history (every file
# changed) and a 6-path change (HEAD~1 plus edits in the working tree). Prints the median of N
# runs of each and the ratios; the goal is at most 1.5x.
#
#   bench/impact-large.sh [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-9}
[ -x "$root/target/release/qualify" ] || (cd "$root" && cargo build --release --bin qualify)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q repo && cd repo
python3 - <<'PY' | git fast-import --quiet
import random
random.seed(12)
FILES, COMMITS, COMPONENTS = 20000, 5000, 100
paths = [f"comp{i % COMPONENTS}/src/mod{i // COMPONENTS % 20}/file{i}.rs" for i in range(FILES)]
def blob(text):
    data = text.encode()
    return f"data {len(data)}\n".encode() + data + b"\n"
out = []
t = 1700000000
for c in range(COMMITS):
    out.append(f"commit refs/heads/main\ncommitter B <b@example.com> {t + c} +0000\n".encode())
    out.append(blob(f"commit {c}"))
    if c == 0:
        out.append(b"M 644 inline qualify.yaml\n")
        comps = "".join(
            f"  - id: comp{i}\n    paths: [\"comp{i}/src/**\", \"comp{i}/*.toml\"]\n    requirements: [URS-001]\n"
            for i in range(COMPONENTS))
        out.append(blob("version: 1\ncomponents:\n" + comps))
        out.append(b"M 644 inline requirements.yaml\n")
        out.append(blob("requirements:\n  - {id: URS-001, title: All, risk: medium}\n"))
        out.append(b"M 644 inline features/a.feature\n")
        out.append(blob("@OQ @URS-001\nFeature: A\n  Scenario: s\n    Given the adapter \"x\" is started\n"))
        for p in paths:
            out.append(f"M 644 inline {p}\n".encode())
            out.append(blob(f"// {p}\n"))
    else:
        for p in random.sample(paths, 4):
            out.append(f"M 644 inline {p}\n".encode())
            out.append(blob(f"// {p} @ {c}\n"))
    out.append(b"\n")
import sys
sys.stdout.buffer.write(b"".join(out))
PY
git checkout -q main
first=$(git rev-list --max-parents=0 HEAD)
# A 6-path change: the last commit (4 files) and two edits in the working tree.
for f in $(git ls-files 'comp7/src/*' | head -2); do echo "// edited" >> "$f"; done
q="$root/target/release/qualify"
python3 - "$q" "$first" "$n" <<'PY'
import subprocess, sys, time
q, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def median_ms(cmd):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2] * 1000
for label, base in [("whole history", first), ("6-path change", "HEAD~1")]:
    paths = len(subprocess.run(["git", "diff", "--name-only", base], capture_output=True, text=True).stdout.splitlines())
    qi = median_ms([q, "impact", "--baseline", base, "--format", "json"])
    g = median_ms(["git", "diff", "--name-only", base])
    print(f"{label}: {paths} changed paths")
    print(f"  qualify impact:        {qi:.1f} ms (median of {n})")
    print(f"  git diff --name-only:  {g:.1f} ms (median of {n})")
    print(f"  ratio:                 {qi / g:.2f}x (goal: at most 1.5x)")
PY
