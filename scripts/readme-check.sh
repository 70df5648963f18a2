#!/usr/bin/env bash
# Runs every command block of README.md the way a user would, from the repository root, so that the
# README cannot drift from what works. CI runs it through `mvn -B verify` (the examples module's
# integration-test phase, after the runnable jars are built).
#
#   scripts/readme-check.sh [README.md]
#
# Each ```bash block must follow a hidden line that says how to run it:
#   <!-- readme-check: run TEXT -->     run to the end (10 min at most); exit status 0 and TEXT in
#                                       its output
#   <!-- readme-check: start TEXT -->   start in the background and go on once TEXT is in its output
#                                       (3 min at most); it runs until the next stop
#   <!-- readme-check: follow TEXT -->  run until TEXT is in its output (3 min at most), then stop
#                                       it as Ctrl-C would
#   <!-- readme-check: skip REASON -->  not run; the reason is printed
# and a line of its own <!-- readme-check: stop --> stops everything started and waits for it to
# end (60 s, then SIGKILL). A block is stopped with SIGTERM to its process group: Java programs run
# their shutdown hooks as on Ctrl-C, and, unlike SIGINT, it is not ignored by programs that a
# non-interactive shell (CI, Maven) started in the background. A block without a readme-check line
# fails the check. Commands run as written: the brokers' ports (9092, 9093) must be free.
set -uo pipefail
# Job control: each block started in the background gets a process group of its own.
set -m
root="$(cd "$(dirname "$0")/.." && pwd)"
readme="${1:-$root/README.md}"
cd "$root" || exit 2
work="$(mktemp -d)"
passed=0
failed=0
started=()   # process group ids of blocks started in the background
block_no=0

say() { echo "readme-check: $*"; }

# A checkpoint left by an earlier check belongs to that check's broker, not to the one started now.
rm -rf target/eo-job

# Runs the command "$@" every 0.1 s until it succeeds, for at most $1 seconds, saying every 10 s
# what it waits for ($2). Returns 1 on timeout.
wait_until() {
  local limit="$1" what="$2" start=$SECONDS said=0 waited
  shift 2
  until "$@"; do
    waited=$((SECONDS - start))
    if ((waited >= limit)); then
      return 1
    fi
    if ((waited >= said + 10)); then
      said=$waited
      say "  still waiting ($waited s) for $what"
    fi
    sleep 0.1
  done
}

text_or_ended() { grep -qsF -- "$3" "$2" || ! kill -0 "$1" 2>/dev/null; }

# Waits until the output file $2 of the process $1 contains $3, for at most $4 seconds. Returns 0
# once found; 1 on timeout, or if the process ended without printing it.
wait_for_text() {
  wait_until "$4" "'$3'" text_or_ended "$1" "$2" "$3" && grep -qsF -- "$3" "$2"
}

group_ended() { ! kill -0 -- "-$1" 2>/dev/null; }

# Stops a process group as Ctrl-C would, then waits up to 60 s for it to end (SIGKILL after that).
stop_group() {
  kill -TERM -- "-$1" 2>/dev/null || return 0
  if ! wait_until 60 "process group $1 to end" group_ended "$1"; then
    say "  process group $1 still running 60 s after SIGTERM: killing it"
    kill -KILL -- "-$1" 2>/dev/null
  fi
}

stop_started() {
  local pgid
  for pgid in "${started[@]}"; do
    stop_group "$pgid"
  done
  started=()
}
trap stop_started EXIT
# Stopped itself (CI's time limit, Ctrl-C), it still stops what it started, through the EXIT trap.
trap 'exit 143' TERM INT

pass() { passed=$((passed + 1)); say "PASS block $block_no ($1)"; }
fail() {
  failed=$((failed + 1))
  say "FAIL block $block_no ($1): $2"
  say "  its output (last 40 lines, all of it in $3):"
  tail -n 40 "$3" | sed 's/^/    | /'
}

# Runs one block with the directive $1 and its argument $2; the block's text is in $3.
run_block() {
  local mode="$1" text="$2" script="$3" log="$work/block-$block_no.log" pid
  local first_line
  first_line="$(head -n 1 "$script")"
  say "block $block_no: $mode: $first_line"
  case "$mode" in
    skip)
      say "SKIP block $block_no: $text"
      return
      ;;
    run)
      if timeout 600 bash -eo pipefail "$script" >"$log" 2>&1 </dev/null; then
        if grep -qsF -- "$text" "$log"; then
          pass "$first_line"
        else
          fail "$first_line" "its output lacks '$text'" "$log"
        fi
      else
        fail "$first_line" "exit status $?" "$log"
      fi
      ;;
    start | follow)
      bash -eo pipefail "$script" >"$log" 2>&1 </dev/null &
      pid=$!
      if wait_for_text "$pid" "$log" "$text" 180; then
        pass "$first_line"
      else
        fail "$first_line" "'$text' not in its output within 180 s, or it ended first" "$log"
      fi
      if [[ "$mode" == follow ]]; then
        stop_group "$pid"
      else
        started+=("$pid")
      fi
      ;;
    *)
      fail "$first_line" "unknown readme-check mode '$mode'" "$script"
      ;;
  esac
}

directive='^<!-- readme-check: ([a-z]+) ?(.*) -->$'
mode=""
text=""
in_block=0
script=""
line_no=0
while IFS= read -r line || [[ -n "$line" ]]; do
  line_no=$((line_no + 1))
  if ((in_block)); then
    if [[ "$line" == '```' ]]; then
      in_block=0
      block_no=$((block_no + 1))
      if [[ -z "$mode" ]]; then
        echo "(no command run)" >"$work/none.log"
        fail "README line $block_line" "no readme-check line before it" "$work/none.log"
      else
        run_block "$mode" "$text" "$script"
      fi
      mode=""
      text=""
    else
      printf '%s\n' "$line" >>"$script"
    fi
  elif [[ "$line" =~ $directive ]]; then
    if [[ "${BASH_REMATCH[1]}" == stop ]]; then
      say "stop: stopping everything started"
      stop_started
    else
      mode="${BASH_REMATCH[1]}"
      text="${BASH_REMATCH[2]}"
    fi
  elif [[ "$line" == '```bash' ]]; then
    in_block=1
    block_line=$line_no
    script="$work/block-$((block_no + 1)).sh"
    : >"$script"
  fi
done <"$readme"
stop_started

say "$passed passed, $failed failed"
if ((failed > 0 || passed == 0)); then
  exit 1
fi
rm -rf "$work"
