#!/usr/bin/env bash
# Coverage-guided fuzzing with SharpFuzz and afl++ (Debian: apt-get install afl++). Not part of `.ci/run` (it is long).
#   tests/FsBitrix.Fuzz/fuzz.sh esl|cdr|events|install [SECONDS=600]
# Findings go to ${FUZZ_OUT:-/tmp/fsbitrix-fuzz}/<target>/findings; a crash replays with
#   dotnet <out>/bin/FsBitrix.Fuzz.dll <target> <findings>/default/crashes/<file>
set -euo pipefail
target=${1:?usage: fuzz.sh esl|cdr|events|install [SECONDS]}
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
"$out/tools/sharpfuzz" "$out/bin/fsbitrix.dll"

# Seeds from the real captures: afl-fuzz works best with small inputs, so ESL captures are cut to their first 4 KB.
case $target in
  esl) for f in "$shared"/esl/protocol/* "$shared"/esl/scenarios/*.raw "$shared"/esl/peers/*; do
         [ -f "$f" ] && head -c 4096 "$f" > "$out/corpus/$(basename "$f")"
       done ;;
  cdr) for f in "$shared"/cdr/*/log/*.cdr.xml; do cp "$f" "$out/corpus/$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"; done ;;
  # The endpoints' inputs: the first byte picks the Content-Type (0 form, 1 JSON), the rest is the body, in the shapes
  # bitrix24-api.md §3.2 and bitrix24-app-mode.md §2.1–2.2 document.
  events)
    printf '0event=ONEXTERNALCALLSTART&event_handler_id=7&data%%5BPHONE_NUMBER%%5D=%%2B79161234567&data%%5BPHONE_NUMBER_INTERNATIONAL%%5D=%%2B79161234567&data%%5BEXTENSION%%5D=101&data%%5BUSER_ID%%5D=1&data%%5BCALL_LIST_ID%%5D=0&data%%5BLINE_NUMBER%%5D=&data%%5BIS_MOBILE%%5D=0&data%%5BCALL_ID%%5D=externalCall.abc.123&data%%5BCRM_ENTITY_TYPE%%5D=LEAD&data%%5BCRM_ENTITY_ID%%5D=12&ts=1765000000&auth%%5Bdomain%%5D=b24.example&auth%%5Bapplication_token%%5D=tok' > "$out/corpus/click.form"
    printf '0event=ONEXTERNALCALLBACKSTART&data[PHONE_NUMBER]=8+916+123-45-67&data[TEXT]=call+me&data[CRM_ENTITY_TYPE]=CONTACT&data[CRM_ENTITY_ID]=3&ts=1765000001&auth[application_token]=tok' > "$out/corpus/callback.form"
    printf '1{"event":"ONEXTERNALCALLSTART","event_handler_id":"7","data":{"PHONE_NUMBER":"+79161234567","EXTENSION":"101","USER_ID":"1","CALL_ID":"externalCall.abc.123","IS_MOBILE":false,"CRM_CREATED_ENTITIES":[]},"ts":"1765000000","auth":{"domain":"b24.example","application_token":"tok"}}' > "$out/corpus/click.json" ;;
  install)
    printf '0event=ONAPPINSTALL&data%%5BVERSION%%5D=1&data%%5BACTIVE%%5D=Y&data%%5BINSTALLED%%5D=Y&data%%5BLANGUAGE_ID%%5D=en&ts=1765000000&auth%%5Baccess_token%%5D=a1&auth%%5Bexpires_in%%5D=3600&auth%%5Bscope%%5D=telephony%%2Cuser&auth%%5Bdomain%%5D=b24.example&auth%%5Bserver_endpoint%%5D=https%%3A%%2F%%2Foauth.bitrix.info%%2Frest%%2F&auth%%5Bstatus%%5D=L&auth%%5Bclient_endpoint%%5D=https%%3A%%2F%%2Fb24.example%%2Frest%%2F&auth%%5Bmember_id%%5D=m1&auth%%5Buser_id%%5D=1&auth%%5Brefresh_token%%5D=r1&auth%%5Bapplication_token%%5D=tok' > "$out/corpus/onappinstall.form"
    printf '0AUTH_ID=a1&AUTH_EXPIRES=3600&REFRESH_ID=r1&SERVER_ENDPOINT=https%%3A%%2F%%2Foauth.bitrix.info%%2Frest%%2F&status=L&PLACEMENT=DEFAULT&PLACEMENT_OPTIONS=%%7B%%7D&member_id=m1&APPLICATION_TOKEN=tok&APPLICATION_SCOPE=telephony&DOMAIN=b24.example&PROTOCOL=1&LANG=en&APP_SID=x' > "$out/corpus/page.form"
    printf '1{"event":"ONAPPINSTALL","data":{"VERSION":"1","ACTIVE":"Y"},"auth":{"access_token":"a1","refresh_token":"r1","expires_in":"3600","member_id":"m1","domain":"b24.example","client_endpoint":"http://127.0.0.1/rest/","application_token":"tok","user_id":"1"}}' > "$out/corpus/onappinstall.json" ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
afl-fuzz -i "$out/corpus" -o "$out/findings" -m none -t 10000 -V "$seconds" -- dotnet "$out/bin/FsBitrix.Fuzz.dll" "$target"
grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|edges_found|total_edges|stability) " "$out/findings/default/fuzzer_stats"
