#!/usr/bin/env bash
# record-samples.sh -- record SIPScope's own sample captures (real SIPp / kamailio traffic, tcpdump).
#
#   scripts/record-samples.sh [TARGET...]      TARGET: mixed | proxy | register | loopback | lab | all
#                                              (default: loopback = mixed proxy register)
#
#   mixed     samples/captures/calls-mixed-outcomes.pcap   10 direct UDP calls, every common outcome, RTP
#   proxy     samples/captures/call-via-proxy-tcp.pcap     UAC --TCP--> kamailio --UDP--> UAS, 4 calls
#   register  samples/captures/register-auth.pcapng        REGISTER / 401 / REGISTER+Authorization / 200 (+ a 403)
#   lab       samples/captures/lab/*                       the NAT lab (network namespaces, Linux NAT), via
#                                                          $NATLAB (default /work/shared/lab/nat-lab.sh) all
#
# Loopback captures: every party binds its own 127.0.0.x address (caller .10:5060, callee .20:5070,
# proxy .30:5060) and tcpdump records `-i lo` filtered on those hosts, so nothing else on the host
# ends up in a sample and no packet leaves the machine.
# Bounded and idempotent: each SIPp run has -m N, -timeout and an outer `timeout`; tcpdump is stopped
# (by its PID) only after the SIPp runs have ended; outputs are rewritten from scratch; on exit only the
# processes this script started are stopped, by PID.
#
# Needs (Debian 12): sip-tester (sipp 3.6.1), kamailio, tcpdump, tshark (editcap, capinfos), iproute2 (ss), python3.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/samples/captures}
WORK=${WORK:-/tmp/sipscope-samples}
SIPPDIR=$ROOT/scripts/sipp
AUDIO=${AUDIO:-/usr/share/sip-tester/g711a.pcap}   # 236 PCMA packets, 30 ms, shipped with sip-tester
NATLAB=${NATLAB:-/work/shared/lab/nat-lab.sh}
CLIP=67                                             # packets per RTP clip: ~2 s, keeps every file < 300 KB

UAC_IP=127.0.0.10; UAC_PORT=5060; UAC_MP=16000
UAS_IP=127.0.0.20; UAS_PORT=5070; UAS_MP=17000
PRX_IP=127.0.0.30; PRX_PORT=5060
CAPFILTER="host $UAC_IP or host $UAS_IP or host $PRX_IP"
DOMAIN=sipscope.test

PIDS=()          # every background process this script started (timeout wrappers, tcpdump, kamailio)
FAILED=()

log()  { echo "[record-samples $(date +%T)] $*" >&2; }
fail() { log "FAILED: $*"; FAILED+=("$*"); }

# reap PID: wait for one of our background processes and drop it from PIDS (so that cleanup can
# never signal a recycled PID).  Returns the process's exit status.
reap() {
  local p=$1 rc q keep=()
  wait "$p"; rc=$?
  for q in "${PIDS[@]}"; do [ "$q" != "$p" ] && keep+=("$q"); done
  PIDS=("${keep[@]}")
  return $rc
}

cleanup() {   # stop (TERM, then KILL after 3 s) every process still in PIDS -- ours only, by PID
  local p i alive
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for i in $(seq 1 30); do
    alive=0; for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() {
  local c missing=0
  for c in sipp tcpdump tshark editcap capinfos ss python3 "$@"; do
    command -v "$c" >/dev/null || { log "missing command: $c"; missing=1; }
  done
  [ -r "$AUDIO" ] || { log "missing $AUDIO (package sip-tester)"; missing=1; }
  return $missing
}

# refuse to run when something else already uses one of our loopback sockets
ports_free() {
  local spec busy=0
  for spec in "$@"; do
    if ss -Hlnu "src $spec" 2>/dev/null | grep -q . || ss -Hlnt "src $spec" 2>/dev/null | grep -q .; then
      log "address $spec already in use"; busy=1
    fi
  done
  return $busy
}

# wait_listen udp|tcp ADDR:PORT  (bounded: 5 s)
wait_listen() {
  local i; for i in $(seq 1 50); do
    ss -Hln"${1:0:1}" "src $2" 2>/dev/null | grep -q . && return 0; sleep 0.1
  done
  log "nothing listening on $1 $2"; return 1
}

# cap_start FILE [tcpdump options...] -> CAP_PID
cap_start() {
  local f=$1; shift
  rm -f "$f" "$f.log"
  tcpdump -i lo -n -s 0 -U --immediate-mode -Z root "$@" -w "$f" "$CAPFILTER" >"$f.log" 2>&1 &
  CAP_PID=$!; PIDS+=("$CAP_PID")
  local i; for i in $(seq 1 50); do grep -q 'listening on' "$f.log" && break; sleep 0.1; done
  grep -q 'listening on' "$f.log" || { log "tcpdump did not start: $(cat "$f.log")"; return 1; }
  sleep 0.3
}
cap_stop() {   # after every SIPp run has ended: let the last packets land, then stop tcpdump by PID
  sleep 0.5
  kill -TERM "$CAP_PID" 2>/dev/null; reap "$CAP_PID"
  grep -E 'packets (captured|dropped)' "$1.log" | tr '\n' ' ' >&2; echo >&2
}

# sipp_bg NAME TIMEOUT args...  -> SIPP_PID (the `timeout` wrapper; it passes the signal on to sipp)
sipp_bg() {
  local name=$1 t=$2; shift 2
  rm -f "$WORK/$name".{msg,err,log,out}
  timeout "$t" sipp -nostdin -trace_err -trace_msg -trace_logs -message_file "$WORK/$name.msg" \
      -error_file "$WORK/$name.err" -log_file "$WORK/$name.log" "$@" >"$WORK/$name.out" 2>&1 &
  SIPP_PID=$!; PIDS+=("$SIPP_PID")
}
sipp_fg() {
  local name=$1 t=$2; shift 2
  rm -f "$WORK/$name".{msg,err,log,out}
  timeout "$t" sipp -nostdin -trace_err -trace_msg -trace_logs -message_file "$WORK/$name.msg" \
      -error_file "$WORK/$name.err" -log_file "$WORK/$name.log" "$@" >"$WORK/$name.out" 2>&1
}
check_rc() {   # check_rc NAME RC
  if [ "$2" = 0 ]; then log "$1 ok"; else fail "$1 exited with $2 (see $WORK/$1.err / .out)"; fi
}

# mk_audio NAME SSRC SEQ0 TS0 [NPKTS]  -> $WORK/audio/NAME.pcap (distinct RTP stream per party and call)
mk_audio() {
  python3 "$SIPPDIR/mk-audio.py" "$AUDIO" "$WORK/audio/$1.pcap" "$2" "$3" "$4" "${5:-$CLIP}"
}

summary() {   # summary FILE
  local f=$1
  log "$(basename "$f"): $(capinfos -c -M "$f" | awk -F': *' '/Number of packets/{print $2}') packets," \
      "$(tshark -n -r "$f" -Y sip 2>/dev/null | wc -l) SIP messages," \
      "$(tshark -n -r "$f" -Y rtp -d udp.port==$UAC_MP,rtp -d udp.port==$UAS_MP,rtp 2>/dev/null | wc -l) RTP packets," \
      "$(stat -c %s "$f") bytes"
}

# verify FILE "CODES": the final (>= 200) SIP status codes in FILE, as a multiset, must be CODES
verify() {
  local f=$1 want got
  want=$(tr ' ' '\n' <<<"$2" | sort | tr '\n' ' ')
  got=$(tshark -n -r "$f" -Y 'sip.Status-Code >= 200' -T fields -e sip.Status-Code 2>/dev/null | sort | tr '\n' ' ')
  if [ "$got" = "$want" ]; then log "$(basename "$f"): final responses as expected: $got"
  else fail "$(basename "$f"): final responses [$got], expected [$want]"; fi
}

# ------------------------------------------------------------------ a. mixed outcomes, direct UDP
rec_mixed() {
  log "=== calls-mixed-outcomes.pcap ==="
  ports_free "$UAC_IP:$UAC_PORT" "$UAS_IP:$UAS_PORT" "$UAC_IP:$UAC_MP" "$UAS_IP:$UAS_MP" || { fail mixed; return 1; }
  # per-call streams; callee "early" sends 1 s of early media (183) then continues the same stream after 200
  mk_audio m-uac-1 A11CE001 1000 160000;   mk_audio m-uas-1 B0B00001 20000 3200000
  mk_audio m-uac-5 A11CE005 5000 480000;   mk_audio m-uas-5-183 B0B00005 50000 9600000 33
  mk_audio m-uas-5 B0B00005 50033 9608880
  mk_audio m-uac-6 A11CE006 6000 640000;   mk_audio m-uas-6 B0B00006 60000 12800000
  mk_audio m-uas-8 B0B00008 8000 25600000
  local a=$WORK/audio
  sipp_bg mixed-uas 150 -sf "$SIPPDIR/uas-mixed.xml" -i $UAS_IP -p $UAS_PORT -mi $UAS_IP -mp $UAS_MP \
      -key a_bob "$a/m-uas-1.pcap" -key a_early183 "$a/m-uas-5-183.pcap" -key a_early "$a/m-uas-5.pcap" \
      -key a_hangup "$a/m-uas-6.pcap" -key a_mute "$a/m-uas-8.pcap" -key ua "SIPp/3.6.1 sipscope-sample callee" \
      -m 10 -timeout 120s -timeout_error
  local uas=$SIPP_PID
  wait_listen udp $UAS_IP:$UAS_PORT || { fail "mixed: UAS did not start"; cleanup; return 1; }
  cap_start "$WORK/calls-mixed-outcomes.pcap" || { fail "mixed: tcpdump"; cleanup; return 1; }
  sipp_fg mixed-uac 150 -sf "$SIPPDIR/uac-mixed.xml" -inf "$SIPPDIR/calls-mixed.csv" \
      -i $UAC_IP -p $UAC_PORT -mi $UAC_IP -mp $UAC_MP \
      -key audio1 "$a/m-uac-1.pcap" -key audio2 "$a/m-uac-5.pcap" -key audio3 "$a/m-uac-6.pcap" -key audio4 "$a/m-uac-1.pcap" \
      -key domain $DOMAIN -key viap "" -key ruri_host $UAS_IP:$UAS_PORT -key ua "SIPp/3.6.1 sipscope-sample caller" \
      -m 10 -l 1 -r 2 -timeout 120s -timeout_error $UAS_IP:$UAS_PORT
  check_rc mixed-uac $?
  reap "$uas"; check_rc mixed-uas $?
  cap_stop "$WORK/calls-mixed-outcomes.pcap"
  cp "$WORK/calls-mixed-outcomes.pcap" "$OUT/calls-mixed-outcomes.pcap" && summary "$OUT/calls-mixed-outcomes.pcap"
  verify "$OUT/calls-mixed-outcomes.pcap" "200 200 486 404 200 487 200 200 200 200 480 200 200 603 503"
}

# ------------------------------------------------------------------ b. via kamailio, TCP -> UDP
rec_proxy() {
  log "=== call-via-proxy-tcp.pcap ==="
  command -v kamailio >/dev/null || { fail "proxy: kamailio not installed"; return 1; }
  ports_free "$UAC_IP:$UAC_PORT" "$UAS_IP:$UAS_PORT" "$PRX_IP:$PRX_PORT" "$UAC_IP:$UAC_MP" "$UAS_IP:$UAS_MP" || { fail proxy; return 1; }
  mk_audio p-uac-1 A11CE101 11000 1760000;  mk_audio p-uas-1 B0B00101 21000 3360000
  mk_audio p-uac-3 A11CE103 13000 2080000;  mk_audio p-uas-3 B0B00103 23000 3680000
  local a=$WORK/audio k=$WORK/kamailio
  mkdir -p "$k"; rm -f "$k/kamailio.pid"
  kamailio -f "$SIPPDIR/kamailio-sample-proxy.cfg" -DD -E -m 32 -M 4 -Y "$k" -P "$k/kamailio.pid" >"$k/kamailio.log" 2>&1 &
  local kam=$!; PIDS+=("$kam")
  wait_listen udp $PRX_IP:$PRX_PORT && wait_listen tcp $PRX_IP:$PRX_PORT || { fail "proxy: kamailio did not start (see $k/kamailio.log)"; cleanup; return 1; }
  sipp_bg proxy-uas 120 -sf "$SIPPDIR/uas-mixed.xml" -i $UAS_IP -p $UAS_PORT -mi $UAS_IP -mp $UAS_MP \
      -key a_bob "$a/p-uas-1.pcap" -key a_hangup "$a/p-uas-3.pcap" \
      -key a_early183 "$a/p-uas-1.pcap" -key a_early "$a/p-uas-1.pcap" -key a_mute "$a/p-uas-1.pcap" \
      -key ua "SIPp/3.6.1 sipscope-sample callee" -m 4 -timeout 90s -timeout_error
  local uas=$SIPP_PID
  wait_listen udp $UAS_IP:$UAS_PORT || { fail "proxy: UAS did not start"; cleanup; return 1; }
  cap_start "$WORK/call-via-proxy-tcp.pcap" || { fail "proxy: tcpdump"; cleanup; return 1; }
  sipp_fg proxy-uac 120 -sf "$SIPPDIR/uac-mixed.xml" -inf "$SIPPDIR/calls-proxy.csv" -t t1 \
      -i $UAC_IP -p $UAC_PORT -mi $UAC_IP -mp $UAC_MP \
      -key audio1 "$a/p-uac-1.pcap" -key audio2 "$a/p-uac-1.pcap" -key audio3 "$a/p-uac-3.pcap" -key audio4 "$a/p-uac-1.pcap" \
      -key domain $DOMAIN -key viap ";rport" -key ruri_host $DOMAIN -key ua "SIPp/3.6.1 sipscope-sample caller" \
      -m 4 -l 1 -r 2 -timeout 90s -timeout_error $PRX_IP:$PRX_PORT
  check_rc proxy-uac $?
  reap "$uas"; check_rc proxy-uas $?
  cap_stop "$WORK/call-via-proxy-tcp.pcap"
  # stop kamailio by the PID it wrote (same process as $kam with -DD), then reap it
  local kp; kp=$(cat "$k/kamailio.pid" 2>/dev/null)
  [ "$kp" = "$kam" ] || log "note: pidfile $kp != started PID $kam; stopping $kam"
  kill -TERM "$kam" 2>/dev/null; reap "$kam"
  cp "$WORK/call-via-proxy-tcp.pcap" "$OUT/call-via-proxy-tcp.pcap" && summary "$OUT/call-via-proxy-tcp.pcap"
  # every final response is seen on both hops
  verify "$OUT/call-via-proxy-tcp.pcap" "200 200 200 200 200 200 487 487 200 200 200 200 486 486"
}

# ------------------------------------------------------------------ c. REGISTER with digest auth, pcapng
rec_register() {
  log "=== register-auth.pcapng ==="
  ports_free "$UAC_IP:$UAC_PORT" "$UAS_IP:$UAS_PORT" || { fail register; return 1; }
  local nonce opaque
  nonce=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n'); opaque=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  sipp_bg reg-uas 60 -sf "$SIPPDIR/uas-registrar-auth.xml" -i $UAS_IP -p $UAS_PORT \
      -key realm $DOMAIN -key nonce "$nonce" -key opaque "$opaque" -key password s3cr3t-alice \
      -key ua "SIPp/3.6.1 sipscope-sample registrar" -m 2 -timeout 40s -timeout_error
  local uas=$SIPP_PID
  wait_listen udp $UAS_IP:$UAS_PORT || { fail "register: UAS did not start"; cleanup; return 1; }
  cap_start "$WORK/register-auth.pcap" --time-stamp-precision nano || { fail "register: tcpdump"; cleanup; return 1; }
  # alice (right password) -> 200; then mallory (wrong password) -> 403
  sipp_fg reg-uac-alice 30 -sf "$SIPPDIR/uac-register-auth.xml" -i $UAC_IP -p $UAC_PORT \
      -au alice -ap s3cr3t-alice -auth_uri "$DOMAIN" -key user alice \
      -key domain $DOMAIN -key ua "SIPp/3.6.1 sipscope-sample phone" -m 1 -timeout 20s -timeout_error $UAS_IP:$UAS_PORT
  check_rc reg-uac-alice $?
  sleep 0.5
  sipp_fg reg-uac-mallory 30 -sf "$SIPPDIR/uac-register-auth.xml" -i $UAC_IP -p $UAC_PORT \
      -au mallory -ap guess -auth_uri "$DOMAIN" -key user mallory \
      -key domain $DOMAIN -key ua "SIPp/3.6.1 sipscope-sample phone" -m 1 -timeout 20s -timeout_error $UAS_IP:$UAS_PORT
  check_rc reg-uac-mallory $?
  reap "$uas"; check_rc reg-uas $?
  cap_stop "$WORK/register-auth.pcap"
  # pcapng with nanosecond timestamps (if_tsresol = 9)
  editcap -F pcapng "$WORK/register-auth.pcap" "$OUT/register-auth.pcapng" && summary "$OUT/register-auth.pcapng"
  verify "$OUT/register-auth.pcapng" "401 200 401 403"
}

# ------------------------------------------------------------------ NAT lab (network namespaces)
rec_lab() {
  log "=== NAT lab -> $OUT/lab ==="
  [ -x "$NATLAB" ] || { fail "lab: $NATLAB not found"; return 1; }
  mkdir -p "$OUT/lab"
  rm -f "$OUT"/lab/*.pcap "$OUT"/lab/*.pcapng
  CAP="$OUT/lab" RUN="$WORK/natlab" "$NATLAB" all || fail "lab: nat-lab.sh exited with $?"
  local l
  while read -r l; do fail "lab: $l"; done < <(grep -v ' rc=0$' "$WORK/natlab/results.txt" | grep -v 'expected-fail')
}

need || exit 1
mkdir -p "$OUT" "$WORK/audio"
[ $# = 0 ] && set -- loopback
for t in "$@"; do
  case $t in
    mixed) rec_mixed ;;
    proxy) rec_proxy ;;
    register) rec_register ;;
    loopback) rec_mixed; rec_proxy; rec_register ;;
    lab) rec_lab ;;
    all) rec_mixed; rec_proxy; rec_register; rec_lab ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
cleanup
if [ ${#FAILED[@]} -gt 0 ]; then
  log "done with ${#FAILED[@]} failure(s):"; printf '  %s\n' "${FAILED[@]}" >&2; exit 1
fi
log "done"
