#!/usr/bin/env bash
# Compares `demo bench` with its peers in one session against one broker, and prints medians
# and ratios as a markdown table for the README. The peers:
#   kcat                      librdkafka's C command-line client (-P, -C)
#   Python confluent-kafka    Confluent's Python client, when Debian's python3-confluent-kafka is
#                             installed for /usr/bin/python3 (skipped with a note otherwise):
#                             bench/peers/confluent_python.py, the course's async and
#                             fire-and-forget loops
#   bare Confluent.Kafka      bench/BareClient: the shortest correct .NET loop of each kind,
#                             nothing of the project around it; the reference the demos must match
#
# The peers are yardsticks here, not dependencies of the project: only this script uses them
# (Debian/Ubuntu: sudo apt-get install kcat python3-confluent-kafka).
#
# The machine may be shared and noisy, so every contender runs --rounds times, interleaved
# round-robin (every contender once, then again), so that a slow spell hits all of them rather
# than one; the table shows medians, min and max, and ratios of medians.
#
# Run with -h for the options.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
script="eng/$(basename "${BASH_SOURCE[0]}")"

count=1000000
rounds=3
port=39500
size=100

# Topics the produce runs write to get this many partitions. `demo bench produce` against a
# `demo broker` in another process cannot create topics (the embedded broker has no CreateTopics),
# so its fresh topic is auto-created with the broker's default of 4; kcat's topics get the same,
# because the partition count changes producer throughput a lot (bigger batches with fewer).
produce_partitions=4

# Each embedded-broker partition keeps only its most recent ~5 MiB: the consume source topic gets
# enough partitions for every record to stay readable (the same rule `demo bench consume` uses:
# value + 30 bytes of key and overhead per record, 4 MiB per partition), and at least 32.
bytes_per_partition=$((4 * 1024 * 1024))

consume_topic="vs.consume"
# The embedded broker starts in this many seconds on a quiet machine; allow for a loaded one.
broker_start_timeout=30

usage() {
  cat <<EOF
Usage: $script [--count N] [--rounds R] [--port P] [--size BYTES]

Benchmarks \`demo bench\` (Release build) against kcat, Python confluent-kafka (when
installed) and a bare Confluent.Kafka loop (bench/BareClient) on one embedded broker started
here, running the contenders interleaved, and prints per-round figures and a markdown table
with medians, min, max and each demo row's ratios to the bare loop, Python and kcat of the
same kind. The peers are comparison tools, not project dependencies.

Options:
  --count N       Records per run (default $count)
  --rounds R      Runs of each contender, interleaved (default $rounds)
  --port P        Port of the embedded broker's first listener; it uses P, P+1, P+2 (default $port)
  --size BYTES    Value size of each record (default $size)
  -h, --help      Show this text

Example:
  $script --count 1000000 --rounds 5

Exit codes: 0 every run succeeded, 1 a run failed (named at the end) or the build/broker
failed, 2 usage error or a missing tool.
EOF
}

die() { echo "$script: $*" >&2; exit 1; }
usage_error() { echo "$script: $*" >&2; echo "Run $script --help for the options." >&2; exit 2; }

# An integer within bounds, or a usage error that names the option and the bad value.
check_number() {
  local name="$1" value="$2" min="$3" max="$4"
  [[ "$value" =~ ^[0-9]+$ ]] || usage_error "$name '$value' is not a whole number"
  # Compare as strings of digits first so a huge value cannot overflow bash arithmetic.
  if (( ${#value} > ${#max} )) || (( 10#$value < min || 10#$value > max )); then
    usage_error "$name $value must be between $min and $max"
  fi
}

parse_args() {
  while (( $# > 0 )); do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --count|--rounds|--port|--size)
        (( $# >= 2 )) || usage_error "$1 needs a value"
        case "$1" in
          --count) count="$2" ;;
          --rounds) rounds="$2" ;;
          --port) port="$2" ;;
          --size) size="$2" ;;
        esac
        shift 2 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  # The demo takes --count as a 32-bit int; a record must fit librdkafka's default
  # message.max.bytes (1,000,000) with room to spare; the broker needs P, P+1 and P+2.
  check_number --count "$count" 1 2147483647
  check_number --rounds "$rounds" 1 100
  check_number --port "$port" 1 65533
  check_number --size "$size" 1 100000
  count=$((10#$count)) rounds=$((10#$rounds)) port=$((10#$port)) size=$((10#$size))
}

check_tools() {
  if ! command -v kcat >/dev/null; then
    echo "$script: kcat is not installed. It is only the yardstick for this comparison, not a project dependency." >&2
    echo "Install it with: sudo apt-get install kcat" >&2
    exit 2
  fi
  command -v dotnet >/dev/null || { echo "$script: the .NET SDK (dotnet) is needed to build the demo; see README.md" >&2; exit 2; }
  command -v python3 >/dev/null || { echo "$script: python3 is needed (input file, JSON results, medians)" >&2; exit 2; }
  # Debian's package installs for the system interpreter; another python3 on PATH may lack it.
  if /usr/bin/python3 -c "import confluent_kafka" 2>/dev/null; then
    python_peer=1
  else
    python_peer=0
    python_note="Python confluent-kafka skipped: /usr/bin/python3 cannot import confluent_kafka (sudo apt-get install python3-confluent-kafka)"
    echo "$script: $python_note" >&2
  fi
}

# ---------------------------------------------------------------------------------------------
# Setup: build, input file, broker

work=""
broker_pid=""
python_peer=0
python_note=""

cleanup() {
  # The broker runs in its own session (setsid), so Ctrl+C on this script does not reach it:
  # stop its whole process group here, whichever way the script ends.
  if [[ -n "$broker_pid" ]] && kill -0 "$broker_pid" 2>/dev/null; then
    kill -TERM -- "-$broker_pid" 2>/dev/null || kill -TERM "$broker_pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
      kill -0 "$broker_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$broker_pid" 2>/dev/null || true
  fi
  [[ -n "$work" ]] && rm -rf "$work"
  return 0
}

build_demo() {
  # Its own output directory: the launcher's .demo/bin may be rebuilt or in use meanwhile.
  echo "Building the demo (Release) ..." >&2
  if ! dotnet build "$root/src/KafkaDemos/KafkaDemos.csproj" -c Release -o "$work/bin" --nologo >"$work/build.log" 2>&1; then
    grep -E ": error " "$work/build.log" | sort -u >&2 || tail -30 "$work/build.log" >&2
    die "the build failed"
  fi
  demo_dll="$work/bin/demo.dll"
  if ! dotnet build "$root/bench/BareClient/BareClient.csproj" -c Release -o "$work/bare" --nologo >"$work/build-bare.log" 2>&1; then
    grep -E ": error " "$work/build-bare.log" | sort -u >&2 || tail -30 "$work/build-bare.log" >&2
    die "the build of bench/BareClient failed"
  fi
  bare_dll="$work/bare/bare-client.dll"
}

# One line per record, KEY:VALUE, as kcat -P -K: reads it: key = record number, value = msg_<n>
# padded with dots (or cut) to --size bytes, the same records `demo bench` produces.
generate_input() {
  echo "Writing $count input records of $size bytes ..." >&2
  python3 - "$work/records.txt" "$count" "$size" <<'EOF'
import sys
path, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w", buffering=1 << 20) as f:
    for start in range(0, count, 100_000):
        f.writelines(f"{i}:{('msg_%d' % i)[:size].ljust(size, '.')}\n" for i in range(start, min(start + 100_000, count)))
EOF
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Before the build, to fail fast: something already listening would also answer the readiness
# check in the broker's place.
check_ports() {
  local p
  for p in "$port" $((port + 1)) $((port + 2)); do
    ! port_open "$p" || usage_error "port $p is already in use; pick other ports with --port"
  done
}

start_broker() {
  local topics=(--topic "$consume_topic:$consume_partitions")
  local r
  for ((r = 1; r <= rounds; r++)); do topics+=(--topic "vs.kcat.p$r:$produce_partitions"); done

  # setsid: a session and process group of its own, so cleanup can stop the broker and anything
  # it started in one signal. (A script without job control has no process-group leader
  # children, so setsid runs the broker in place and $! is the broker's pid.)
  broker_cmd=(dotnet "$demo_dll" broker --port "$port" "${topics[@]}")
  setsid "${broker_cmd[@]}" >"$work/broker.log" 2>&1 </dev/null &
  broker_pid=$!

  # Ready = the banner is out (the declared topics exist; the listeners open before they are
  # created) and a TCP connect succeeds.
  local deadline=$((SECONDS + broker_start_timeout))
  until grep -q "bootstrap servers:" "$work/broker.log" && port_open "$port"; do
    if ! kill -0 "$broker_pid" 2>/dev/null; then
      cat "$work/broker.log" >&2
      die "the embedded broker exited before it was ready (its output is above)"
    fi
    if (( SECONDS >= deadline )); then
      cat "$work/broker.log" >&2
      die "the embedded broker did not accept connections on 127.0.0.1:$port within ${broker_start_timeout} s"
    fi
    sleep 0.2
  done
  bootstrap="127.0.0.1:$port,127.0.0.1:$((port + 1)),127.0.0.1:$((port + 2))"
}

# ---------------------------------------------------------------------------------------------
# The contenders' commands. Both clients get the same producer settings (the project's
# appsettings.json values, passed explicitly so no config file or environment changes them).

producer_settings=(-X linger.ms=5 -X acks=all -X queue.buffering.max.messages=20000)
# kcat's fetch settings: prefetch up to a million records per partition (more than a partition
# holds here, so its fetches never pause) and answer a fetch within 10 ms when a partition has
# nothing new. `demo bench consume` gets the same effect from its defaults (a 20,000-record queue
# with fetch.queue.backoff.ms=10, which kcat's bundled librdkafka 2.0 does not have).
consumer_settings=(-X queued.min.messages=1000000 -X fetch.wait.max.ms=10)

kcat_produce_cmd() { cmd=(kcat -P -b "$bootstrap" -t "$1" -K: -l "$work/records.txt" "${producer_settings[@]}"); }
# -f formats every record (key and value) as text, as a consumer that looks at them would.
kcat_consume_cmd() { cmd=(kcat -C -b "$bootstrap" -t "$consume_topic" -o beginning -e -q -f '%k %s\n' "${consumer_settings[@]}"); }
demo_produce_cmd() {
  cmd=(dotnet "$demo_dll" bench produce --mode "$1" --count "$count" --size "$size" --partitions "$produce_partitions"
       -b "$bootstrap" "${producer_settings[@]}" -o json)
}
demo_consume_cmd() { cmd=(dotnet "$demo_dll" bench consume --topic "$consume_topic" --count "$count" -b "$bootstrap" -o json); }
# The bare loops and Python write to fresh topics, auto-created with the broker's 4 partitions
# like the demo's; the bare consumer reads the same source topic as kcat -C and the demo, with the
# demo's consumer throughput settings.
bare_produce_cmd() { cmd=(dotnet "$bare_dll" "produce-$1" -b "$bootstrap" -t "$2" -n "$count" --size "$size" "${producer_settings[@]}"); }
bare_consume_cmd() {
  cmd=(dotnet "$bare_dll" consume -b "$bootstrap" -t "$consume_topic" -n "$count"
       -X queued.min.messages=20000 -X fetch.queue.backoff.ms=10 -X fetch.wait.max.ms=10 -X dotnet.consumer.consume.result.fields=none)
}
python_produce_cmd() {
  cmd=(/usr/bin/python3 "$root/bench/peers/confluent_python.py" "produce-$1" -b "$bootstrap" -t "$2" -n "$count" --size "$size" "${producer_settings[@]}")
}

# A command as it can be pasted into a shell or README: temp paths shortened to the names the
# notes explain, and only arguments that need it single-quoted.
show_cmd() {
  local arg out=()
  for arg in "$@"; do
    arg="${arg//"$work/bin/"/}"
    arg="${arg//"$work/bare/"/}"
    arg="${arg//"$root/"/}"
    arg="${arg//"$work/"/}"
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then out+=("$arg"); else out+=("'${arg//\'/\'\\\'\'}'"); fi
  done
  echo "${out[*]}"
}

# ---------------------------------------------------------------------------------------------
# Runs

failures=()

# Runs cmd[] with stdout to $1 and stderr to $2; sets status and wall (seconds, whole process).
run_timed() {
  local out="$1" err="$2" start end
  status=0
  start=$(date +%s.%N)
  "${cmd[@]}" >"$out" 2>"$err" || status=$?
  end=$(date +%s.%N)
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }')
}

# records msg_per_s cpu_us_per_msg elapsed_s partitions failed not_delivered of the bench_result
# event in a `demo bench -o json` output, or exit 1 if there is none.
demo_result() {
  python3 - "$1" <<'EOF'
import json, sys
result = None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.strip()
    if not line.startswith("{"):
        continue
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("event") == "bench_result":
        result = event
if result is None or not isinstance(result.get("msg_per_s"), (int, float)):
    sys.exit(1)
field = lambda name, default="": default if result.get(name) is None else result[name]
print(field("records", 0), field("msg_per_s"), field("cpu_us_per_msg", "-"), field("elapsed_s", "-"),
      field("partitions", "-"), field("failed", 0), field("not_delivered", 0), field("peak_working_set_mb", "-"))
EOF
}

fail() { # round contender reason [log file]
  failures+=("round $1, $2: $3")
  printf '  %-22s FAILED: %s\n' "$2" "$3"
  if [[ -n "${4:-}" && -s "$4" ]]; then tail -5 "$4" | sed 's/^/      | /'; fi
}

record() { # round contender msg/s cpu wall [peak MB]
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$3" "$4" "$5" "${6:--}" >>"$work/results.tsv"
}

run_kcat() { # round contender
  local r="$1" name="$2"
  run_timed /dev/null "$work/run.err"
  if (( status != 0 )); then fail "$r" "$name" "kcat exited with $status" "$work/run.err"; return; fi
  # kcat reports delivery and partition errors on stderr; -e can still end with 0 after them.
  if grep -q "ERROR\|Delivery failed" "$work/run.err"; then fail "$r" "$name" "kcat reported errors" "$work/run.err"; return; fi
  local rate
  rate=$(awk -v n="$count" -v w="$wall" 'BEGIN { printf "%.1f", n / w }')
  printf '  %-22s %10.0f msg/s  %d records in %.3f s wall (whole process)\n' "$name" "$rate" "$count" "$wall"
  record "$r" "$name" "$rate" "-" "$wall"
}

run_demo() { # round contender expected-partitions ("" = any)
  local r="$1" name="$2" partitions="$3" fields
  run_timed "$work/run.out" "$work/run.err"
  if (( status != 0 )); then
    cat "$work/run.out" >>"$work/run.err"
    fail "$r" "$name" "demo exited with $status" "$work/run.err"; return
  fi
  if ! fields=$(demo_result "$work/run.out"); then fail "$r" "$name" "no bench_result in its JSON output" "$work/run.out"; return; fi
  local records rate cpu elapsed got failed not_delivered peak
  read -r records rate cpu elapsed got failed not_delivered peak <<<"$fields"
  if [[ "$records" != "$count" || "$failed" != "0" || "$not_delivered" != "0" ]]; then
    fail "$r" "$name" "$records of $count records, $failed failed, $not_delivered not delivered" "$work/run.out"; return
  fi
  if [[ -n "$partitions" && "$got" != "$partitions" ]]; then
    fail "$r" "$name" "its topic has $got partitions, kcat's $partitions: not comparable"; return
  fi
  printf '  %-22s %10.0f msg/s  %d records in %.3f s timed (process %.3f s wall), CPU %s us/record, peak %s MB\n' \
    "$name" "$rate" "$records" "$elapsed" "$wall" "$cpu" "$peak"
  record "$r" "$name" "$rate" "$cpu" "$wall" "$peak"
}

# A peer that prints "records=N elapsed_s=S msg_per_s=R cpu_us_per_msg=C failed=F" (bench/BareClient,
# bench/peers/confluent_python.py), timed from its first record to its last, like the demo's.
run_peer() { # round contender
  local r="$1" name="$2" line
  run_timed "$work/run.out" "$work/run.err"
  if (( status != 0 )); then
    cat "$work/run.out" >>"$work/run.err"
    fail "$r" "$name" "exited with $status" "$work/run.err"; return
  fi
  line=$(grep -m1 '^records=' "$work/run.out") || { fail "$r" "$name" "no result line" "$work/run.err"; return; }
  local records rate cpu elapsed failed
  records=$(sed -E 's/.*records=([0-9]+).*/\1/' <<<"$line")
  elapsed=$(sed -E 's/.*elapsed_s=([0-9.]+).*/\1/' <<<"$line")
  rate=$(sed -E 's/.*msg_per_s=([0-9.]+).*/\1/' <<<"$line")
  cpu=$(sed -E 's/.*cpu_us_per_msg=([0-9.]+).*/\1/' <<<"$line")
  failed=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$line")
  if [[ "$records" != "$count" || "$failed" != "0" ]]; then
    fail "$r" "$name" "$records of $count records, $failed failed or not delivered" "$work/run.out"; return
  fi
  printf '  %-22s %10.0f msg/s  %d records in %.3f s timed (process %.3f s wall), CPU %s us/record\n' \
    "$name" "$rate" "$records" "$elapsed" "$wall" "$cpu"
  record "$r" "$name" "$rate" "$cpu" "$wall"
}

# Fills the consume source topic once, untimed, and checks the broker kept every record: both
# consumers then read exactly the same data in every round.
fill_consume_topic() {
  echo "Filling $consume_topic ($consume_partitions partitions) with kcat -P ..." >&2
  kcat_produce_cmd "$consume_topic"
  "${cmd[@]}" 2>"$work/fill.err" || { cat "$work/fill.err" >&2; die "filling $consume_topic failed"; }
  kcat_consume_cmd
  local kept
  kept=$("${cmd[@]}" 2>"$work/fill.err" | wc -l) || { cat "$work/fill.err" >&2; die "reading $consume_topic back failed"; }
  (( kept == count )) || die "$consume_topic holds $kept of $count records after filling (the broker keeps ~5 MiB per partition)"
}

run_rounds() {
  local r
  : >"$work/results.tsv"
  for ((r = 1; r <= rounds; r++)); do
    echo "Round $r of $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
    kcat_produce_cmd "vs.kcat.p$r";                          run_kcat "$r" "kcat -P"
    if (( python_peer )); then
      python_produce_cmd fire-and-forget "vs.py.ff.$r";      run_peer "$r" "Python fire-and-forget"
    fi
    bare_produce_cmd fire-and-forget "vs.bare.ff.$r";        run_peer "$r" "bare fire-and-forget"
    demo_produce_cmd fire-and-forget;                        run_demo "$r" "demo fire-and-forget" "$produce_partitions"
    if (( python_peer )); then
      python_produce_cmd async "vs.py.async.$r";             run_peer "$r" "Python async"
    fi
    bare_produce_cmd async "vs.bare.async.$r";               run_peer "$r" "bare async"
    demo_produce_cmd async;                                  run_demo "$r" "demo async" "$produce_partitions"
    kcat_consume_cmd;                                        run_kcat "$r" "kcat -C"
    bare_consume_cmd;                                        run_peer "$r" "bare consume"
    demo_consume_cmd;                                        run_demo "$r" "demo consume" ""
  done
}

# ---------------------------------------------------------------------------------------------
# Report

print_machine() {
  local cpu_model
  cpu_model=$(grep -m1 "model name" /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
  echo "Machine: $(nproc) CPUs${cpu_model:+ ($cpu_model)}, $(uname -sr), load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "demo:    $(dotnet "$demo_dll" --version 2>/dev/null | paste -sd ',' | sed 's/,/, /g') (Release build)"
  echo "kcat:    $(kcat -V 2>&1 | grep -m1 '^Version' || echo unknown)"
  if (( python_peer )); then
    echo "Python:  $(/usr/bin/python3 -c 'import confluent_kafka as c; print("confluent-kafka", c.version()[0], "on librdkafka", c.libversion()[0])')"
  else
    echo "Python:  $python_note"
  fi
}

print_commands() {
  echo "Commands (records.txt: '<n>:msg_<n>' padded with dots to $size bytes, one line per record;"
  echo "          demo.dll: the Release build of src/KafkaDemos):"
  echo "  broker:               $(show_cmd "${broker_cmd[@]}")"
  echo "  fill:                 kcat -P as below with -t $consume_topic, once before the rounds"
  kcat_produce_cmd "vs.kcat.p1";     echo "  kcat -P:              $(show_cmd "${cmd[@]}")   (round r: -t vs.kcat.p<r>)"
  demo_produce_cmd fire-and-forget;  echo "  demo fire-and-forget: $(show_cmd "${cmd[@]}")"
  demo_produce_cmd async;            echo "  demo async:           $(show_cmd "${cmd[@]}")"
  kcat_consume_cmd;                  echo "  kcat -C:              $(show_cmd "${cmd[@]}") > /dev/null"
  demo_consume_cmd;                  echo "  demo consume:         $(show_cmd "${cmd[@]}")"
  bare_produce_cmd async "vs.bare.async.1"; echo "  bare async:           $(show_cmd "${cmd[@]}")   (fire-and-forget: produce-fire-and-forget)"
  bare_consume_cmd;                  echo "  bare consume:         $(show_cmd "${cmd[@]}")"
  if (( python_peer )); then
    python_produce_cmd async "vs.py.async.1"; echo "  Python async:         $(show_cmd "${cmd[@]}")   (fire-and-forget: produce-fire-and-forget)"
  fi
}

print_table() {
  python3 - "$work/results.tsv" "$rounds" <<'EOF'
import statistics, sys
path, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for line in open(path):
    name, _round, rate, cpu, _wall, peak = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append((float(rate), None if cpu == "-" else float(cpu), None if peak == "-" else float(peak)))
# Each row and the rows it is compared with: the bare loop, Python and kcat of the same kind.
order = [
    ("kcat -P", None, None, None),
    ("Python fire-and-forget", None, None, "kcat -P"),
    ("bare fire-and-forget", None, None, "kcat -P"),
    ("demo fire-and-forget", "bare fire-and-forget", "Python fire-and-forget", "kcat -P"),
    ("Python async", None, None, "kcat -P"),
    ("bare async", None, None, "kcat -P"),
    ("demo async", "bare async", "Python async", "kcat -P"),
    ("kcat -C", None, None, None),
    ("bare consume", None, None, "kcat -C"),
    ("demo consume", "bare consume", None, "kcat -C"),
]
median = lambda name: statistics.median(r for r, _, _ in rows[name]) if rows.get(name) else None
def ratio(name, base):
    if base is None or median(base) is None or median(name) is None:
        return "-"
    return f"{median(name) / median(base):.2f}x"
print("| contender | median msg/s | min | max | vs bare loop | vs Python | vs kcat | CPU us/record | peak MB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, bare, python, kcat in order:
    runs = rows.get(name, [])
    if not runs:
        continue
    label = name if len(runs) == rounds else f"{name} ({len(runs)} of {rounds} runs)"
    rates = [r for r, _, _ in runs]
    cpus = [c for _, c, _ in runs if c is not None]
    peaks = [p for _, _, p in runs if p is not None]
    cpu = f"{statistics.median(cpus):.2f}" if cpus else "-"
    peak = f"{max(peaks):.0f}" if peaks else "-"
    print(f"| {label} | {median(name):,.0f} | {min(rates):,.0f} | {max(rates):,.0f} | {ratio(name, bare)} | {ratio(name, python)} | {ratio(name, kcat)} | {cpu} | {peak} |")
EOF
}

print_notes() {
  cat <<EOF
Notes:
* kcat, Python confluent-kafka and bench/BareClient are yardsticks here, not project dependencies.
* Ratios are of medians and compare like with like: each demo row to the bare Confluent.Kafka loop of its
  kind, to Python confluent-kafka of its kind (produce only), and to kcat in its direction.${python_note:+
* $python_note}
* kcat's msg/s is $count records / wall time of the whole kcat process, which includes starting,
  connecting, fetching metadata and (kcat -P) reading records.txt; the demo's msg/s covers its timed
  section only (after start-up and topic set-up), which favours the demo.
* kcat -P has no per-message callback mode: it only counts failed deliveries, so it is the analogue of
  fire-and-forget. demo async (a callback per record) has no kcat counterpart; its ratio is still to kcat -P.
* kcat -C runs with queued.min.messages=1000000 and fetch.wait.max.ms=10, so its fetches never
  pause; demo bench consume reads with the course's auto-commit consumer (demo consume --commit auto,
  in a group of its own, timed from its first record) and its own throughput defaults (named in its
  note: a 20,000-record queue, fetch.queue.backoff.ms=10, fetch.wait.max.ms=10, no header or timestamp
  copies); the bare consumer assigns the partitions with the same settings. All read the same $count
  records of $consume_topic ($consume_partitions partitions) from the beginning in every round.
* Produce topics have $produce_partitions partitions for every client; the producers use linger.ms=5, acks=all,
  queue.buffering.max.messages=20000 (the project's appsettings.json values).
* Broker: the project's embedded broker (librdkafka's mock cluster, in memory, 3 brokers) in a separate
  process, reached through its TCP relays: not Apache Kafka. The figures compare the clients' cost.
* The bare loops and Python are timed like the demo, from their first record to their last (flush or last
  record read), and report their own CPU time per record; kcat is not measured for CPU.
* peak MB: the demo process's peak working set in its timed section (the peers: not measured).
EOF
}

main() {
  parse_args "$@"
  check_tools
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  consume_partitions=$(( (count * (size + 30) + bytes_per_partition - 1) / bytes_per_partition ))
  (( consume_partitions >= 32 )) || consume_partitions=32

  work="$(mktemp -d -t bench-vs-kcat.XXXXXX)"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  check_ports
  build_demo
  generate_input
  start_broker
  fill_consume_topic

  echo
  echo "$count records of $size bytes per run, rounds: $rounds, broker $bootstrap"
  run_rounds

  echo
  print_machine
  echo
  print_commands
  echo
  print_table
  echo
  print_notes

  if (( ${#failures[@]} > 0 )); then
    echo
    echo "Failed runs (left out of the table):" >&2
    printf '  %s\n' "${failures[@]}" >&2
    exit 1
  fi
}

main "$@"
