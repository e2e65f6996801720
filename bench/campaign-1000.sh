#!/usr/bin/env bash
# Benchmark: a campaign of N generated scenarios (default 1000) against the fixture process
# adapter. Prints wall time, scenarios per second and peak memory (max RSS) of qualify.
#
#   bench/campaign-1000.sh [N] [CONCURRENCY]
#
# Uses target/release/qualify (built if missing). Each scenario starts a fresh adapter process,
# sends 3 requests and makes 3 assertions, so the figure includes process start-up per scenario.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
conc=${2:-4}
[ -x "$root/target/release/qualify" ] || cargo build --release --manifest-path "$root/Cargo.toml" --bin qualify
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/features"
cat > "$work/qualify.yaml" <<YAML
adapters:
  sut:
    kind: process
    command: ["python3", "$root/tests/fixtures/campaign/adapter.py"]
YAML
printf 'requirements:\n  - {id: URS-001, title: Bench, risk: low}\n' > "$work/requirements.yaml"
python3 - "$work/features" "$n" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
per_file = 100
for f in range((n + per_file - 1) // per_file):
    with open(f"{out}/bench_{f:03}.feature", "w") as fh:
        fh.write("@OQ @URS-001\nFeature: bench %d\n\n" % f)
        for i in range(f * per_file, min(n, (f + 1) * per_file)):
            fh.write(f"""  Scenario: generated {i}
    Given the adapter "sut" is started
    When I send an "add" request to "sut" with:
      | a   | b |
      | {i} | 1 |
    Then the response field "sum" equals {i + 1}
    When I send an "echo" request to "sut" with:
      \"\"\"
      {{"serial": "SN-{i:06}", "values": [1, 2, 3]}}
      \"\"\"
    Then the response matches:
      \"\"\"
      {{"serial": "#regex SN-[0-9]{{6}}", "values": "#array"}}
      \"\"\"
    And the response field "values[2]" is within 0.1 of 3

""")
PY
cd "$work"
/usr/bin/time -v "$root/target/release/qualify" run --progress quiet --concurrency "$conc" > run.out 2> time.out || true
cat run.out
wall=$(grep "Elapsed (wall clock)" time.out | awk '{print $NF}')
rss=$(grep "Maximum resident set size" time.out | awk '{print $NF}')
secs=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$wall")
echo "scenarios:        $n (concurrency $conc)"
echo "wall time:        ${secs} s"
python3 -c "print(f'throughput:       {$n/$secs:.1f} scenarios/s')"
echo "peak memory:      $((rss / 1024)) MiB (max RSS of qualify)"
pkg=$(ls -d evidence/*/ | head -1)
echo "package size:     $(du -sh "$pkg" | cut -f1) in $(find "$pkg" -type f | wc -l) files"
