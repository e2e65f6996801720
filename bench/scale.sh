#!/usr/bin/env bash
# Benchmark: the scale figures of issue 12, as ratios measured side by side in one run.
#
#   bench/scale.sh [N] [--outline] [--qualify PATH]
#
# Generates a campaign of N scenarios (default 10000), each ONE "echo" request to the fixture
# process adapter (tests/fixtures/campaign/adapter.py, `isolation: shared`: one adapter process
# for the whole campaign) and ONE JSON match of the response. With --outline the N scenarios are
# the rows of a single Scenario Outline's Examples table instead of 100 scenarios per file.
# Then, each under /usr/bin/time -v (wall time and peak RSS):
#
#   direct      the same N requests streamed lock-step through the same adapter process by a
#               small Python driver (what the campaign costs at the very least);
#   run         `qualify run` (reports included: report.html and report.pdf are sealed);
#   verify      `qualify verify` of the package, against `sha256sum -c` over the same files;
#   render      `qualify render` (HTML + PDF) of the package, against the campaign's time.
#
# Prints seconds, peak MB, ms and KB per scenario, and the ratios. It asserts nothing: the
# figures are recorded in docs/performance.md. Uses target/release/qualify (built if missing),
# or the binary given with --qualify (to compare two builds).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=10000
outline=0
qualify="$root/target/release/qualify"
while [ $# -gt 0 ]; do
  case "$1" in
    --outline) outline=1 ;;
    --qualify) qualify=$2; shift ;;
    *) n=$1 ;;
  esac
  shift
done
if [ "$qualify" = "$root/target/release/qualify" ] && [ ! -x "$qualify" ]; then
  cargo build --release --manifest-path "$root/Cargo.toml" --bin qualify
fi
adapter="$root/tests/fixtures/campaign/adapter.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/features"
cat > "$work/qualify.yaml" <<YAML
adapters:
  sut:
    kind: process
    command: ["python3", "$adapter"]
    isolation: shared
YAML
printf 'requirements:\n  - {id: URS-001, title: Bench, risk: low}\n' > "$work/requirements.yaml"
python3 - "$work/features" "$n" "$outline" <<'PY'
import sys
out, n, outline = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
request = '{"serial": "SN-%06d", "values": [1, 2, 3]}'
match = '{"serial": "#regex SN-[0-9]{6}", "values": "#array"}'
if outline:
    with open(f"{out}/outline.feature", "w") as fh:
        fh.write("@OQ @URS-001\nFeature: outline bench\n\n  Scenario Outline: row <i>\n")
        fh.write('    When I send an "echo" request to "sut" with:\n      """\n')
        fh.write('      {"serial": "<serial>", "values": [1, 2, 3]}\n      """\n')
        fh.write('    Then the response matches:\n      """\n      %s\n      """\n\n' % match)
        fh.write("    Examples:\n      | i | serial |\n")
        for i in range(n):
            fh.write(f"      | {i} | SN-{i:06} |\n")
else:
    per_file = 100
    for f in range((n + per_file - 1) // per_file):
        with open(f"{out}/bench_{f:04}.feature", "w") as fh:
            fh.write("@OQ @URS-001\nFeature: bench %d\n\n" % f)
            for i in range(f * per_file, min(n, (f + 1) * per_file)):
                fh.write(f'  Scenario: generated {i}\n    When I send an "echo" request to "sut" with:\n')
                fh.write('      """\n      %s\n      """\n' % (request % i))
                fh.write('    Then the response matches:\n      """\n      %s\n      """\n\n' % match)
PY
cat > "$work/direct.py" <<'PY'
# The same requests, lock-step through the same adapter: hello, N echo requests, shutdown.
import json, subprocess, sys
n, adapter = int(sys.argv[1]), sys.argv[2]
p = subprocess.Popen(["python3", adapter], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
def call(rid, kind, body):
    p.stdin.write(json.dumps({"id": str(rid), "kind": kind, "body": body}) + "\n")
    p.stdin.flush()
    return json.loads(p.stdout.readline())
call(0, "hello", {"protocol": 1})
for i in range(n):
    r = call(i + 1, "echo", {"serial": "SN-%06d" % i, "values": [1, 2, 3]})
    assert r["result"]["serial"] == "SN-%06d" % i
call(n + 1, "shutdown", {})
p.stdin.close()
p.wait()
PY

# $1 = label, rest = command: runs it under /usr/bin/time -v in $work, sets $secs and $mb.
timed() {
  local label=$1
  shift
  ( cd "$work" && /usr/bin/time -v "$@" > "$work/$label.out" 2> "$work/$label.time" ) || true
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$work/$label.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$work/$label.time" | awk '{print $NF}')
  secs=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$wall")
  mb=$(python3 -c "print(round($rss / 1024, 1))")
}

kind=$([ "$outline" = 1 ] && echo "one outline of $n Examples rows" || echo "$n scenarios in files of 100")
echo "campaign: $kind; one request and one match each; isolation: shared; $(nproc) cores"
echo "qualify:  $qualify"

timed direct python3 "$work/direct.py" "$n" "$adapter"
direct_s=$secs
timed run "$qualify" run --progress quiet --concurrency 1
run_s=$secs run_mb=$mb
grep -E "passed|failed" "$work/run.out" | tail -2 || true
pkg=$(ls -d "$work"/evidence/*/ | head -1)
pkg=${pkg%/}
files=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['files']))" "$pkg/manifest.json")
python3 - "$pkg" > "$work/SHA256SUMS" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1] + "/manifest.json"))["files"]:
    print(f"{f['sha256']}  {f['path']}")
PY
timed verify "$qualify" verify "$pkg"
verify_s=$secs verify_mb=$mb
grep -E "^(verified|VERIFIED|result|package)" "$work/verify.out" | head -2 || true
( cd "$pkg" && /usr/bin/time -v sha256sum -c --quiet "$work/SHA256SUMS" > "$work/sha.out" 2> "$work/sha.time" ) || true
sha_s=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$(grep 'Elapsed (wall clock)' "$work/sha.time" | awk '{print $NF}')")
timed render "$qualify" render "$pkg" --out "$work/rendered"
render_s=$secs render_mb=$mb

python3 - <<PY
n = $n
rows = [
    ("direct (same requests, same adapter)", $direct_s, None),
    ("qualify run (reports included)", $run_s, $run_mb),
    ("qualify verify ($files files)", $verify_s, $verify_mb),
    ("sha256sum -c (same files)", $sha_s, None),
    ("qualify render (HTML + PDF)", $render_s, $render_mb),
]
print(f"{'':40} {'seconds':>9} {'peak MB':>9}")
for name, s, mb in rows:
    print(f"{name:40} {s:9.2f} {mb if mb is not None else '':>9}")
print(f"run per scenario:        {1000 * $run_s / n:.3f} ms, {1024 * $run_mb / n:.1f} KB of peak RSS")
print(f"run / direct:            {$run_s / max($direct_s, 0.01):.1f}x   (issue 12 goal: at most 10x)")
print(f"verify / sha256sum -c:   {$verify_s / max($sha_s, 0.01):.2f}x  (goal: at most 1/1.5 = 0.67x)")
print(f"render / run:            {100 * $render_s / max($run_s, 0.01):.0f} %    (goal: at most 10 %)")
PY
