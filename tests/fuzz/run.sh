#!/usr/bin/env bash
# A long fuzzing session for one target (docs/fuzzing.md), under
# AddressSanitizer + UndefinedBehaviorSanitizer with libFuzzer (clang-14; the
# engine comes with Debian's libclang-rt-14-dev, which install-deps.sh's
# "fuzz" set installs).
#   tests/fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
# TARGET: protocol, server_url, config, bearer_challenge or http_reply.
# Inputs are at most 8 KiB (-max_len): the limits near 1 MiB have tests of
# their own, and small inputs keep the seed corpus small. New inputs go to
# build-fuzz/corpus/TARGET; at the end the ones that add
# coverage are merged into the seed corpus tests/fuzz/corpus/TARGET (commit
# them), and a crash leaves its input in build-fuzz/crashes/.
#   PAT_FUZZ_BUILD_DIR  build directory (default: <repo>/build-fuzz)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target=${1:?usage: tests/fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: tests/fuzz/run.sh TARGET SECONDS}
shift 2
build=${PAT_FUZZ_BUILD_DIR:-$root/build-fuzz}
seeds=$root/tests/fuzz/corpus/$target
[[ -d $seeds ]] || { echo "run.sh: no target named $target (no $seeds)" >&2; exit 2; }

"$root/packaging/install-deps.sh" fuzz
CXX=clang++-14 CC=clang-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPAT_FUZZ=ON -DPAT_SANITIZE=ON -DPAT_LINE_TABLES=ON -DPAT_BUILD_PATD=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${target}_fuzzer"

work=$build/corpus/$target
mkdir -p "$work" "$build/crashes"
# The replay target's proxies rule applies here too: the direct transport
# refuses a URL when a proxy variable is set.
export http_proxy= all_proxy= ALL_PROXY=
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$build/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$build/crashes/$target-" -max_len=8192 "$@" "$work" "$seeds"
# Keep what adds coverage, nothing else: -merge=1 copies into $seeds only
# the inputs of $work that reach new edges.
"$build/tests/fuzz/${target}_fuzzer" -merge=1 "$seeds" "$work" 2>&1 | tail -n 2
