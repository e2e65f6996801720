#!/usr/bin/env bash
# Benchmark: the same publish-and-match campaign through the mqtt adapter and through the process
# adapter, one after the other on this machine. Prints both throughputs and their ratio.
#
#   bench/mqtt-vs-process.sh [N] [CONCURRENCY]
#
# N scenarios (default 1000), one message each:
# - mqtt: subscribe to bench/<i>, publish a JSON reading there (QoS 1, acknowledged by the
#   broker), and match it as it comes back through a mosquitto broker this script starts on a
#   free loopback port (and stops);
# - process: send the same reading as an "echo" request to the fixture process adapter
#   (tests/fixtures/campaign/adapter.py, a fresh python3 process per scenario, the default
#   isolation) and match the reply;
# - process-reset: the same with `isolation: reset` (pooled processes, reset per scenario), which
#   takes process start-up out of the figure.
# Both use the same match document and concurrency. Uses target/release/qualify (built if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
conc=${2:-4}
[ -x "$root/target/release/qualify" ] || cargo build --release --manifest-path "$root/Cargo.toml" --bin qualify
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || { echo "mosquitto is not installed (apt-get install mosquitto)" >&2; exit 2; }
work=$(mktemp -d)
broker_pid=
cleanup() { [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" > "$work/mosquitto.conf"
"$mosquitto" -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.05
done

# $1 = mqtt|process|process-reset: writes a project with N generated scenarios under $work/$1.
make_project() {
  local kind=${1%-reset} dir="$work/$1"
  mkdir -p "$dir/features"
  printf 'requirements:\n  - {id: URS-001, title: Bench, risk: low}\n' > "$dir/requirements.yaml"
  if [ "$kind" = mqtt ]; then
    printf 'adapters:\n  broker:\n    kind: mqtt\n    url: mqtt://127.0.0.1:%s\n' "$port" > "$dir/qualify.yaml"
  else
    printf 'adapters:\n  sut:\n    kind: process\n    command: ["python3", "%s"]\n' \
      "$root/tests/fixtures/campaign/adapter.py" > "$dir/qualify.yaml"
    [ "$1" = process-reset ] && printf '    isolation: reset\n' >> "$dir/qualify.yaml"
  fi
  python3 - "$dir/features" "$n" "$kind" <<'PY'
import sys
out, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
per_file = 100
match = '{"serial": "#regex SN-[0-9]{6}", "values": "#array", "line": 1}'
for f in range((n + per_file - 1) // per_file):
    with open(f"{out}/bench_{f:03}.feature", "w") as fh:
        fh.write("@OQ @URS-001\nFeature: bench %d\n\n" % f)
        for i in range(f * per_file, min(n, (f + 1) * per_file)):
            body = '{"serial": "SN-%06d", "values": [1, 2, %d], "line": 1}' % (i, i)
            if kind == "mqtt":
                steps = f'''    Given I subscribe to "bench/{i}" on "broker"
    When I publish to "bench/{i}" on "broker":
      """
      {body}
      """
    Then a message on "bench/{i}" from "broker" arrives within 5 s matching:
      """
      {match}
      """
'''
            else:
                steps = f'''    When I send an "echo" request to "sut" with:
      """
      {body}
      """
    Then the response matches:
      """
      {match}
      """
'''
            fh.write(f"  Scenario: message {i}\n{steps}\n")
PY
}

# $1 = mqtt|process: runs the campaign, prints the figures, leaves the wall time in $secs.
run_campaign() {
  local dir="$work/$1"
  cd "$dir"
  /usr/bin/time -v "$root/target/release/qualify" run --progress quiet --concurrency "$conc" > run.out 2> time.out || true
  local wall rss
  wall=$(grep "Elapsed (wall clock)" time.out | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" time.out | awk '{print $NF}')
  secs=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$wall")
  echo "== $1"
  grep -E "scenarios:" run.out || cat run.out
  echo "wall time:        ${secs} s"
  python3 -c "print(f'throughput:       {$n/$secs:.1f} messages/s (scenarios/s)')"
  echo "peak memory:      $((rss / 1024)) MiB (max RSS of qualify)"
  cd "$root"
}

make_project mqtt
make_project process
make_project process-reset
echo "$n publish-and-match scenarios, concurrency $conc, $(nproc) cores"
run_campaign mqtt
mqtt_secs=$secs
run_campaign process
process_secs=$secs
run_campaign process-reset
reset_secs=$secs
python3 -c "print(f'ratio:            mqtt / process = {$process_secs/$mqtt_secs:.2f}; mqtt / process-reset = {$reset_secs/$mqtt_secs:.2f}')"
