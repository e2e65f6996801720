#!/usr/bin/env bash
# Benchmark: `qualify impact` on this repository's own history against `git diff --name-only`
# for the same range (first commit .. working tree). Prints the median of N runs of each and the
# ratio. qualify does more: it parses every feature, maps paths through the components' globs and
# computes the regression scope; the ratio says what that costs over listing the paths.
#
#   bench/impact-vs-git-diff.sh [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-30}
cd "$root"
[ -x target/release/qualify ] || cargo build --release --bin qualify
base=$(git rev-list --max-parents=0 HEAD | tail -1)
python3 - "$base" "$n" <<'PY'
import subprocess, sys, time
base, n = sys.argv[1], int(sys.argv[2])
def median_ms(cmd):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2] * 1000
paths = len(subprocess.run(["git", "diff", "--name-only", base], capture_output=True, text=True).stdout.splitlines())
q = median_ms(["target/release/qualify", "impact", "--baseline", base, "--format", "json"])
g = median_ms(["git", "diff", "--name-only", base])
print(f"range:                 {base[:10]}..working tree, {paths} changed paths")
print(f"qualify impact:        {q:.1f} ms (median of {n})")
print(f"git diff --name-only:  {g:.1f} ms (median of {n})")
print(f"ratio:                 {q / g:.1f}x")
PY
