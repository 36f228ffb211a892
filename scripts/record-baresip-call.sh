#!/usr/bin/env bash
# record-baresip-call.sh g722|srtp|opus|g726|gsm — record a real call between two baresip instances (Debian package) for the
# audio decoder's tests and as a sample to listen to:
#   g722  samples/captures/baresip-call-g722.pcap: HD voice, G.722 (RTP payload type 9) both ways;
#   srtp  samples/captures/baresip-call-srtp.pcap: PCMA encrypted with SRTP (RFC 3711, baresip's srtp module,
#         mediaenc=srtp-mand: RTP/SAVP) keyed by SDES (RFC 4568 a=crypto, AES_CM_128_HMAC_SHA1_80), each side's key
#         in its own SDP, in clear: what a capture of SIP (plain, or TLS with its keys) carries to decrypt the media;
#   opus  samples/captures/baresip-call-opus.pcap: Opus (RFC 7587, opus/48000/2, dynamic payload type) both ways;
#   g726  samples/captures/baresip-call-g726.pcap: G.726 ADPCM at 32 kbit/s (G726-32/8000, RFC 3551 §4.5.4) both ways;
#   gsm   samples/captures/baresip-call-gsm.pcap: GSM 06.10 full rate (RTP payload type 3, RFC 3551 §4.5.8) both ways.
#
#   alice  baresip  127.0.0.10:5060  --SIP/UDP-->  bob  baresip  127.0.0.20:5060
#   (S)RTP/(S)RTCP  127.0.0.10:16000/16001  <---->  127.0.0.20:17000/17001
#
# Everything runs inside a private network namespace ($NS, created and deleted by this script), so the capture holds
# only this call (`tcpdump -i lo udp`). bob auto-answers; each side sends a sine (ausine, 48 kHz: alice 440 Hz, bob 880 Hz);
# alice hangs up after ~$TALK s, then both quit.
#
# Needs (Debian 12): baresip tcpdump tshark iproute2; root (network namespace, tcpdump). ~10 s. Idempotent: removes
# a leftover namespace of its own, overwrites its output. Every wait is bounded; only its own processes are stopped.
#
# Usage: scripts/record-baresip-call.sh g722|srtp|opus|g726|gsm     OUT=dir (default samples/captures), WORK=dir (default
#        /tmp/sipscope-<variant>-sample), TALK=seconds of call (default 3)
set -euo pipefail

VARIANT=${1:-}
case "$VARIANT" in
  g722) MODULES='g722.so'; CODECS='audio_codecs=G722/16000/1'; PT=9 ;;
  srtp) MODULES='g711.so srtp.so'; CODECS='audio_codecs=PCMA;mediaenc=srtp-mand'; PT=8 ;;
  opus) MODULES='opus.so'; CODECS='audio_codecs=opus/48000/2'; PT=96 ;;
  g726) MODULES='g726.so'; CODECS='audio_codecs=G726-32/8000/1'; PT=96 ;;
  gsm) MODULES='gsm.so'; CODECS='audio_codecs=GSM'; PT=3 ;;
  *) echo "usage: $0 g722|srtp|opus|g726|gsm" >&2; exit 2 ;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/samples/captures}
WORK=${WORK:-/tmp/sipscope-$VARIANT-sample}
TALK=${TALK:-3}
NS=sipscope-$VARIANT-rec
NAME=baresip-call-$VARIANT
A_IP=127.0.0.10
B_IP=127.0.0.20
MODDIR=/usr/lib/baresip/modules

log() { printf '[record-%s] %s\n' "$VARIANT" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (ip netns, tcpdump)"
for c in baresip tcpdump tshark ip ss timeout mkfifo; do command -v "$c" >/dev/null || die "$c not installed"; done
for m in $MODULES ausine.so aufile.so; do [ -f "$MODDIR/$m" ] || die "baresip module $m missing in $MODDIR"; done

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
nsx() { ip netns exec "$NS" "$@"; }
# baresip's RTP sockets are not bound to its address: make each side's packets come from its own 127.0.0.x
nsx ip route replace table local local "$B_IP" dev lo src "$A_IP"
nsx ip route replace table local local "$A_IP" dev lo src "$B_IP"

mkconf() {  # $1 = name, $2 = ip, $3 = rtp port range, $4 = sine frequency
  local d=$WORK/$1
  mkdir -p "$d"
  cat >"$d/config" <<EOF
poll_method		poll
sip_listen		$2:5060
sip_trans_def		udp
audio_player		aufile,$WORK/$1-rx.wav
audio_source		ausine,$4
ausrc_srate		48000
ausrc_channels		2
auplay_srate		16000
auplay_channels		1
audio_alert		aufile,/dev/null
module_path		$MODDIR
$(for m in $MODULES; do printf 'module\t\t\t%s\n' "$m"; done)
module			ausine.so
module			aufile.so
module			account.so
module			menu.so
module			stdio.so
module_app		contact.so
answermode		auto
rtp_ports		$3
rtcp_mux		no
net_interface		$2
EOF
  : >"$d/contacts"
}
mkconf alice "$A_IP" 16000-16001 440
mkconf bob "$B_IP" 17000-17001 880
echo "<sip:alice@$A_IP>;regint=0;$CODECS;answermode=manual" >"$WORK/alice/accounts"
echo "<sip:bob@$B_IP>;regint=0;$CODECS;answermode=auto" >"$WORK/bob/accounts"

PCAP_RAW=$WORK/$NAME.raw.pcap
timeout 60 ip netns exec "$NS" tcpdump -i lo -U -s 0 -w "$PCAP_RAW" udp 2>"$WORK/tcpdump.log" &
TCPDUMP=$!; PIDS+=("$TCPDUMP")
for _ in $(seq 50); do grep -q 'listening on' "$WORK/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$WORK/tcpdump.log" || die "tcpdump did not start: $(cat "$WORK/tcpdump.log")"

timeout 40 ip netns exec "$NS" baresip -f "$WORK/bob" -t 30 </dev/null >"$WORK/bob.log" 2>&1 &
BOB=$!; PIDS+=("$BOB")
for _ in $(seq 50); do nsx ss -lun "sport = :5060" | grep -q "$B_IP:5060" && break; sleep 0.1; done
nsx ss -lun "sport = :5060" | grep -q "$B_IP:5060" || die "bob is not listening on $B_IP:5060 (see $WORK/bob.log)"

mkfifo "$WORK/alice.in"
timeout 40 ip netns exec "$NS" baresip -f "$WORK/alice" -e "/dial sip:bob@$B_IP" <"$WORK/alice.in" >"$WORK/alice.log" 2>&1 &
ALICE=$!; PIDS+=("$ALICE")
exec 3>"$WORK/alice.in"
for _ in $(seq 100); do grep -q 'Call established' "$WORK/alice.log" && break; sleep 0.1; done
grep -q 'Call established' "$WORK/alice.log" || log "WARNING: call not established after 10 s (see $WORK/alice.log, $WORK/bob.log)"
sleep "$TALK"
( printf '/hangup\n' >&3 ) 2>/dev/null || log "alice is gone before /hangup (see $WORK/alice.log)"
for _ in $(seq 50); do grep -q 'terminated (duration' "$WORK/alice.log" && break; sleep 0.1; done
sleep 1
( printf '/quit\n' >&3 ) 2>/dev/null || true
exec 3>&-
wait "$ALICE" || log "alice exited with status $? (see $WORK/alice.log)"
sleep 0.5
kill -TERM "$BOB" 2>/dev/null || true
wait "$BOB" || true
sleep 0.5
kill -TERM "$TCPDUMP" 2>/dev/null || true
wait "$TCPDUMP" || true
PIDS=()

# ---- check before publishing: a whole call, the codec both ways (and for SRTP, SDES keys in the SDP) ----
SIPS=$(tshark -r "$PCAP_RAW" -Y sip -T fields -e sip.Request-Line -e sip.Status-Line 2>/dev/null)
printf '%s\n' "$SIPS" >&2
printf '%s\n' "$SIPS" | grep -q '^INVITE ' && printf '%s\n' "$SIPS" | grep -q '^BYE ' || die "no INVITE or BYE in $PCAP_RAW"
MEDIA=$(tshark -r "$PCAP_RAW" -Y "rtp.p_type == $PT" 2>/dev/null | wc -l)
[ "$MEDIA" -gt 50 ] || die "only $MEDIA RTP packets of payload type $PT in $PCAP_RAW"
if [ "$VARIANT" = srtp ]; then
  tshark -r "$PCAP_RAW" -Y sdp -T fields -e sdp.media_attr 2>/dev/null | grep -q 'crypto:' || die "no a=crypto in the SDP of $PCAP_RAW"
fi

cp "$PCAP_RAW" "$OUT/$NAME.pcap"
log "wrote $OUT/$NAME.pcap ($(stat -c %s "$OUT/$NAME.pcap") bytes, $MEDIA RTP packets of payload type $PT, $(printf '%s\n' "$SIPS" | wc -l) SIP messages)"
