#!/usr/bin/env bash
# Benchmark: Sparkplug B as protobuf (today) against the JSON payloads MQTT carried before.
#
#   bench/sparkplug.sh [R] [N]
#
# 1. Codec throughput: builds and runs crates/sparkplug-b/examples/throughput.rs in release, which
#    encodes and decodes a DDATA and an NBIRTH N times (default 200,000) as protobuf and the same
#    documents as JSON (serde_json), and prints messages/s, µs/message and protobuf ÷ JSON.
# 2. Campaign: the bundled MQTT campaign (qualify-mqtt.yaml, features-mqtt/: the OQ suite with the
#    reference bridge in MQTT mode) R times (default 3; 0 skips it) with this tree (protobuf) and
#    with the tree of the commit before the Sparkplug work (JSON on the wire; a temporary
#    `git worktree add --detach`, removed at exit). Both are release builds of qualify and
#    qualify-bridge and run the same command against a fresh mosquitto on a free loopback port
#    per run; prints the median wall time of each and the ratio protobuf ÷ JSON, of the wall
#    time and of the time per scenario (the Sparkplug work added scenarios to the suite).
#
# JSON_REV=<commit> chooses the JSON version; by default the parent of the commit that added
# crates/sparkplug-b (today that is `git merge-base sparkplug main`, and it stays right after the
# branch is merged). The JSON tree is built into this tree's target/ (its dependencies are reused;
# its binaries are copied aside before this tree's are built, so target/release ends up with this
# tree's). Two release builds take a while on a small machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
n=${2:-200000}
[[ $runs =~ ^[0-9]+$ && $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/sparkplug.sh [R] [N]" >&2; exit 2; }
cd "$root"

echo "== codec throughput (release), $(nproc) cores"
cargo build --release --quiet -p sparkplug-b --example throughput
"$root/target/release/examples/throughput" "$n"
[ "$runs" -gt 0 ] || exit 0

mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || { echo "mosquitto is not installed (apt-get install mosquitto)" >&2; exit 2; }
if [ -z "${JSON_REV:-}" ]; then
  added=$(git log --diff-filter=A --format=%H -- crates/sparkplug-b/Cargo.toml | tail -1)
  [ -n "$added" ] || { echo "crates/sparkplug-b is not in this history: set JSON_REV" >&2; exit 2; }
  JSON_REV=$(git rev-parse "$added^")
fi
work=$(mktemp -d)
broker_pid=
json_tree="$work/json-tree"
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null
  if [ -d "$json_tree" ]; then git -C "$root" worktree remove --force "$json_tree" || true; fi
  git -C "$root" worktree prune || true
  rm -rf "$work"
}
trap cleanup EXIT

# $1 = tree, $2 = where its binaries go.
build() {
  echo "building $1 (release)" >&2
  (cd "$1" && CARGO_TARGET_DIR="$root/target" cargo build --release --quiet \
    -p qualify -p qualify-bridge --bin qualify --bin qualify-bridge)
  mkdir -p "$2"
  cp "$root/target/release/qualify" "$root/target/release/qualify-bridge" "$2/"
}
git worktree add --quiet --detach "$json_tree" "$JSON_REV"
build "$json_tree" "$work/json/bin"
build "$root" "$work/protobuf/bin"

free_port() {
  python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# $1 = folder: starts a mosquitto of its own there and waits until it accepts connections.
start_broker() {
  port=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" > "$1/mosquitto.conf"
  "$mosquitto" -c "$1/mosquitto.conf" > "$1/mosquitto.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 200); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "mosquitto did not start: $(cat "$1/mosquitto.log")" >&2
  exit 1
}

stop_broker() {
  kill "$broker_pid" 2>/dev/null || true
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=
}

# qualify-mqtt.yaml of tree $1 as shipped, but for the broker's port, the release bridge $2 and
# absolute feature/requirement paths, written to folder $3; like tests/integration/
# bundled_mqtt_suite.rs it gives generous timeouts (each wait ends when its answer comes, so they
# cost nothing unless the loaded machine would otherwise time out).
write_config() {
  python3 - "$1" "$2" "$3" "$port" <<'PY'
import re, sys
tree, bridge, out, port = sys.argv[1:]
text = open(f"{tree}/qualify-mqtt.yaml").read()
assert text.count("mqtt://127.0.0.1:1883") == 2, "qualify-mqtt.yaml no longer names the broker twice"
text = text.replace("mqtt://127.0.0.1:1883", f"mqtt://127.0.0.1:{port}")
text = text.replace("target/debug/qualify-bridge", bridge)
text = re.sub(r"(?m)^features: .*$", f"features: {tree}/features-mqtt", text)
text = re.sub(r"(?m)^requirements: .*$", f"requirements: {tree}/requirements.yaml", text)
text = re.sub(r"timeouts: \{start_ms: \d+, request_ms: \d+, shutdown_ms: \d+\}",
              "timeouts: {start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}", text)
open(f"{out}/qualify-mqtt.yaml", "w").write(text)
PY
  # Scenarios read data files as ${project_dir}/features/data/...
  ln -s "$1/features" "$3/features"
}

# $1 = json|protobuf, $2 = run number: one campaign; appends its wall time to $work/$1.secs.
run_campaign() {
  local tree=$root dir="$work/$1/run-$2" start end code=0
  [ "$1" = json ] && tree=$json_tree
  mkdir -p "$dir"
  start_broker "$dir"
  write_config "$tree" "$work/$1/bin/qualify-bridge" "$dir"
  start=$(date +%s.%N)
  (cd "$tree" && "$work/$1/bin/qualify" --config "$dir/qualify-mqtt.yaml" run --progress quiet \
    --out "$dir/evidence" > "$dir/run.out" 2>&1) || code=$?
  end=$(date +%s.%N)
  stop_broker
  local secs summary
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$end")
  summary=$(grep -E "scenarios: " "$dir/run.out" | tail -1 || true)
  printf '  %-8s run %s: %7s s  %s\n' "$1" "$2" "$secs" "${summary:-(no summary: see below)}"
  if [ "$code" -ne 0 ]; then
    echo "the $1 campaign failed (exit $code); its output:" >&2
    tail -40 "$dir/run.out" >&2
    exit 1
  fi
  echo "$secs ${summary%% *}" >> "$work/$1.secs"
}

echo
echo "== bundled MQTT campaign, $runs runs each: protobuf = $(git rev-parse --short HEAD)" \
  "(this tree$(git diff --quiet HEAD || echo ', with uncommitted changes')), JSON = $(git rev-parse --short "$JSON_REV")"
for i in $(seq "$runs"); do
  # Alternated, so a change of load on the machine hits both alike.
  run_campaign json "$i"
  run_campaign protobuf "$i"
done
# Each version runs its own bundled suite: the Sparkplug work added scenarios (gap, stale bdSeq,
# aliases), so the time per scenario is given beside the wall time.
python3 - "$work/json.secs" "$work/protobuf.secs" <<'PY'
import statistics, sys
(json_s, json_n), (pb_s, pb_n) = (
    (statistics.median(float(l.split()[0]) for l in open(p)), int(open(p).readline().split()[1]))
    for p in sys.argv[1:])
print(f"  median JSON:      {json_s:.2f} s for {json_n} scenarios ({json_s / json_n:.3f} s/scenario)")
print(f"  median protobuf:  {pb_s:.2f} s for {pb_n} scenarios ({pb_s / pb_n:.3f} s/scenario)")
print(f"  ratio protobuf ÷ JSON: {pb_s / json_s:.2f} (campaign wall time), "
      f"{(pb_s / pb_n) / (json_s / json_n):.2f} (per scenario)")
PY
