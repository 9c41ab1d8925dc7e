#!/usr/bin/env bash
# Runs the whole test command (.ci/run) N times (default 3), each in a fresh clone of HEAD, while a busy loop keeps
# one core busy: the suite must pass on a loaded machine, every time. Prints per run pass/fail, the wall time and
# every failing test; exits non-zero if any run failed.
#
#   ops/test-under-load.sh [--no-load] [N]
#
#   --no-load   the same runs without the busy loop (to compare the times both ways)
#   N           how many runs (default 3)
#
# TEST_UNDER_LOAD_COMMAND='...' runs that command in each clone instead of `bash .ci/run` (a cheap dry run, e.g.
# "mvn -B verify -pl ops -am -Dtest=OutOfMemoryTest -Dsurefire.failIfNoSpecifiedTests=false").
# TEST_UNDER_LOAD_KEEP=1 keeps the clones and their logs (their folder is printed).
set -euo pipefail

usage()
{
    echo "usage: $0 [--no-load] [N]" >&2
    exit 2
}

load=1
runs=3
while [ $# -gt 0 ]; do
    case "$1" in
        --no-load) load=0 ;;
        -h|--help) usage ;;
        *[!0-9]*|'') usage ;;
        *) runs=$1 ;;
    esac
    shift
done
[ "$runs" -ge 1 ] || usage

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
head=$(git -C "$repo" rev-parse HEAD)
command=${TEST_UNDER_LOAD_COMMAND:-bash .ci/run}
work=$(mktemp -d "${TMPDIR:-/tmp}/flashgate-under-load.XXXXXX")
busy_pid=
failed=0

cleanup()
{
    if [ -n "$busy_pid" ]; then
        kill "$busy_pid" 2>/dev/null || true
        wait "$busy_pid" 2>/dev/null || true
    fi
    if [ "${TEST_UNDER_LOAD_KEEP:-0}" = 1 ]; then
        echo "kept: $work"
    elif [ "$failed" -gt 0 ]; then
        rm -rf "$work"/run-*/ # the clones; the failed runs' logs stay for a look
        echo "logs kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The failing tests of one run: surefire's per-class FAILURE lines and the summary's failure and error lines.
failures_of()
{
    local log=$1
    {
        grep -E 'Tests run:.*(FAILURE|ERROR)!? .*-- in ' "$log" | sed -E 's/.* -- in /  class: /' || true
        sed -n '/^\[ERROR\] \(Failures\|Errors\):/,/^\[INFO\]/p' "$log" | grep -E '^\[ERROR\]   ' |
            sed -E 's/^\[ERROR\]   /  /' || true
        grep -E '^\[ERROR\] Failed to execute goal' "$log" | head -1 | cut -c1-300 | sed -E 's/^/  /' || true
    } | awk '!seen[$0]++'
}

if [ "$load" = 1 ]; then
    # One core busy for the whole time, as another build or a noisy neighbour would keep it.
    sh -c 'while :; do :; done' &
    busy_pid=$!
    echo "busy loop: pid $busy_pid"
fi

echo "$runs run(s) of '$command' at $head ($([ "$load" = 1 ] && echo 'one core busy' || echo 'no load')); work in $work"
summary=()
for i in $(seq 1 "$runs"); do
    clone="$work/run-$i"
    git clone --quiet --no-hardlinks "$repo" "$clone"
    git -C "$clone" checkout --quiet --detach "$head"
    log="$work/run-$i.log"
    start=$(date +%s)
    if (cd "$clone" && CI=true bash -c "$command" </dev/null >"$log" 2>&1); then
        result=pass
    else
        result=FAIL
        failed=$((failed + 1))
    fi
    seconds=$(($(date +%s) - start))
    line="run $i: $result in $((seconds / 60))m$((seconds % 60))s"
    summary+=("$line")
    echo "$line"
    if [ "$result" = FAIL ]; then
        failures_of "$log"
    fi
    if [ "${TEST_UNDER_LOAD_KEEP:-0}" != 1 ]; then
        rm -rf "$clone"
        [ "$result" = FAIL ] || rm -f "$log"
    fi
done

echo "---"
printf '%s\n' "${summary[@]}"
echo "$failed of $runs run(s) failed"
[ "$failed" -eq 0 ]
