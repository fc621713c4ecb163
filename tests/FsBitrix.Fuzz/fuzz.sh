#!/usr/bin/env bash
# Coverage-guided fuzzing with SharpFuzz and afl++ (Debian: apt-get install afl++). Not part of `.ci/run` (it is long).
#   tests/FsBitrix.Fuzz/fuzz.sh esl|cdr [SECONDS=600]
# Findings go to ${FUZZ_OUT:-/tmp/fsbitrix-fuzz}/<target>/findings; a crash replays with
#   dotnet <out>/bin/FsBitrix.Fuzz.dll <target> <findings>/default/crashes/<file>
set -euo pipefail
target=${1:?usage: fuzz.sh esl|cdr [SECONDS]}
seconds=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../../shared/fixtures" && pwd)
out=${FUZZ_OUT:-/tmp/fsbitrix-fuzz}/$target
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 69; }

rm -rf "$out/bin" "$out/corpus" && mkdir -p "$out/corpus"
dotnet build "$here" -c Release -o "$out/bin" -nologo -v q
[ -x "$out/tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools" >/dev/null
# The readers under test are instrumented; the rest of .NET is not (it only adds noise to the coverage map).
"$out/tools/sharpfuzz" "$out/bin/FsBitrix.Esl.dll"
"$out/tools/sharpfuzz" "$out/bin/FsBitrix.Core.dll"

# Seeds from the real captures: afl-fuzz works best with small inputs, so ESL captures are cut to their first 4 KB.
case $target in
  esl) for f in "$shared"/esl/protocol/* "$shared"/esl/scenarios/*.raw "$shared"/esl/peers/*; do
         [ -f "$f" ] && head -c 4096 "$f" > "$out/corpus/$(basename "$f")"
       done ;;
  cdr) for f in "$shared"/cdr/*/log/*.cdr.xml; do cp "$f" "$out/corpus/$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"; done ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
afl-fuzz -i "$out/corpus" -o "$out/findings" -m none -t 10000 -V "$seconds" -- dotnet "$out/bin/FsBitrix.Fuzz.dll" "$target"
grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|edges_found|total_edges|stability) " "$out/findings/default/fuzzer_stats"
