#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each for a share
# of a bounded time. Exits non-zero when a target crashes, trips a sanitizer or an invariant; the
# input that did it is kept in build/fuzz/findings/<target>/ (docs/architecture.md, "Fuzzing").
#
#   scripts/fuzz.sh            60 seconds in all, split across the targets
#   scripts/fuzz.sh 3600       an hour; the corpus grows in build/fuzz/corpus/ between runs
#   FUZZ_TARGETS="fuzz_lanwire" scripts/fuzz.sh 600   only some targets
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-60}

echo "=== fuzz: configure and build" >&2
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

build=build/fuzz
read -r -a targets <<<"${FUZZ_TARGETS:-$(tr ';' ' ' <"$build/fuzz-targets.txt")}"
per=$((total / ${#targets[@]}))
[ "$per" -ge 1 ] || per=1

# Seeds: the examples of docs/protocol.md (made afresh) and the hand-written ones in fuzz/seeds/.
seeds=$build/seeds
rm -rf "$seeds"
python3 fuzz/seeds.py docs/protocol.md "$seeds" >&2

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
for target in "${targets[@]}"; do
  name=${target#fuzz_}
  corpus=$build/corpus/$target
  findings=$build/findings/$target
  mkdir -p "$corpus" "$findings"
  dirs=("$corpus")
  for d in "$seeds/$name" "fuzz/seeds/$name"; do
    [ -d "$d" ] && dirs+=("$d")
  done
  # The protocol's JSON targets get its keys and names as a dictionary (fuzz/protocol.dict).
  dict=()
  case $target in fuzz_request | fuzz_clientjson) dict=(-dict=fuzz/protocol.dict) ;; esac
  echo "=== fuzz: $target for ${per}s" >&2
  log=$build/$target.log
  if "$build/fuzz/$target" -max_total_time="$per" -timeout=5 -rss_limit_mb=2048 \
      -max_len=16384 -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" "${dirs[@]}" \
      >"$log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|^#[0-9]+[[:space:]]+DONE' "$log" |
      sed "s/^/$target: /" >&2
  else
    tail -60 "$log" >&2
    echo "fuzz: $target failed; the input is in $findings/ (replay: $build/fuzz/$target FILE)" >&2
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in ${failed[*]}" >&2
  exit 1
fi
