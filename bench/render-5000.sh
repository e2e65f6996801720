#!/usr/bin/env bash
# Benchmark: render the report (HTML and PDF/A) of a package of N scenarios (default 5000).
# Prints the package size, wall time and peak memory (max RSS) of `qualify render`.
#
#   bench/render-5000.sh [N]
#
# The package comes from a real campaign of N generated scenarios (bench/campaign-1000.sh's
# generator), so it has the attachments and assertions of a real run; the campaign itself is not
# timed here. Uses target/release/qualify (built if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5000}
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
printf 'requirements:\n  - {id: URS-001, title: Bench, risk: low}\n  - {id: URS-002, title: Never covered, risk: low}\n' > "$work/requirements.yaml"
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

""")
PY
cd "$work"
echo "running the campaign of $n scenarios (not timed)..."
"$root/target/release/qualify" run --progress quiet --concurrency 4 > run.out 2>&1 || true
tail -3 run.out
pkg=$(ls -d evidence/*/ | head -1)
/usr/bin/time -v "$root/target/release/qualify" render "$pkg" --out "$work/out" > render.out 2> time.out
wall=$(grep "Elapsed (wall clock)" time.out | awk '{print $NF}')
rss=$(grep "Maximum resident set size" time.out | awk '{print $NF}')
secs=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$wall")
pages=$(pdfinfo "$work/out/report.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}' || echo "?")
echo "scenarios:        $n"
echo "results.json:     $(du -h "$pkg/results.json" | cut -f1)"
echo "report.html:      $(du -h "$work/out/report.html" | cut -f1)"
echo "report.pdf:       $(du -h "$work/out/report.pdf" | cut -f1), $pages pages"
echo "render wall time: ${secs} s"
echo "peak memory:      $((rss / 1024)) MiB (max RSS of qualify render)"
