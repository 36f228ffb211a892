#!/usr/bin/env bash
# record-tls-sample.sh — record samples/captures/tls/baresip-call-tls.pcap: a real SIP-over-TLS call between two
# baresip 1.0.0 instances (Debian package), decryptable with the callee's RSA private key published beside it.
#
#   alice  baresip  127.0.0.10 (TLS client, ephemeral port)  --SIP/TLS-->  bob  baresip  127.0.0.20:5061 (TLS server)
#   RTP/RTCP (plain, PCMA)   127.0.0.10:16000/16001  <------------------>  127.0.0.20:17000/17001
#
# Everything runs inside a private network namespace ($NS, created and deleted by this script) so nothing else on
# the host's loopback can interfere and the capture holds only this call: `tcpdump -i lo 'port 5061 or udp'`.
# TLS_RSA key exchange (so that the server's private key alone decrypts the session) is forced through OpenSSL's
# system-default SSL config: both baresips run with OPENSSL_CONF pointing to a config with MaxProtocol = TLSv1.2 and
# CipherString = AES256-SHA (TLS_RSA_WITH_AES_256_CBC_SHA); libre 1.1.0 has no cipher option of its own.
# bob auto-answers; audio is a 440 Hz sine (ausine) sent as PCMA over plain RTP (no SRTP); what each side receives
# goes to a wav file (aufile). alice hangs up after ~$TALK s (BYE over the same TLS connection), then both quit.
# SRTP=1 records baresip-call-tls-srtp.pcap instead: the same call with SRTP media (RTP/SAVP, baresip's srtp module)
# keyed by SDES (RFC 4568 a=crypto): the keys travel in the SDP inside TLS, so the media can be decrypted only after
# the signalling (sipscope audio does both).
#
# The callee's self-signed RSA-2048 certificate and key are generated once (openssl req -x509 -newkey rsa:2048
# -nodes) and kept in $OUT (baresip-call-tls.key / .crt): the key is PUBLISHED ON PURPOSE, it protects nothing and
# exists only to decrypt this sample. An existing pair is reused, so re-recording keeps the published key
# (REGEN_KEY=1 makes a new one).
#
# Needs (Debian 12): baresip tcpdump tshark openssl iproute2; root (network namespace, tcpdump). ~10 s.
# Idempotent: removes a leftover namespace of its own from an earlier aborted run, overwrites its outputs. Every wait is
# bounded (timeout); only the processes it started are stopped, by PID.
#
# Usage: scripts/record-tls-sample.sh          OUT=dir (default samples/captures/tls), WORK=dir (default
#        /tmp/sipscope-tls-sample: baresip configs and logs), TALK=seconds of call (default 4)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/samples/captures/tls}
WORK=${WORK:-/tmp/sipscope-tls-sample}
TALK=${TALK:-4}
NS=sipscope-tls-rec
SRTP=${SRTP:-0}
NAME=baresip-call-tls
[ "$SRTP" = 1 ] && NAME=baresip-call-tls-srtp
MEDIAENC=
[ "$SRTP" = 1 ] && MEDIAENC=';mediaenc=srtp-mand'
A_IP=127.0.0.10
B_IP=127.0.0.20
MODDIR=/usr/lib/baresip/modules

log() { printf '[record-tls] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (ip netns, tcpdump)"
for c in baresip tcpdump tshark openssl ip ss timeout mkfifo; do command -v "$c" >/dev/null || die "$c not installed"; done
[ -f "$MODDIR/g711.so" ] && [ -f "$MODDIR/ausine.so" ] && [ -f "$MODDIR/aufile.so" ] || die "baresip modules missing in $MODDIR"

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
# libre does not bind its outgoing TCP/TLS socket: make the kernel pick 127.0.0.10 (not 127.0.0.1) towards bob
nsx ip route replace table local local "$B_IP" dev lo src "$A_IP"
# likewise bob's RTP socket is not bound to 127.0.0.20: make his packets towards alice come from 127.0.0.20
nsx ip route replace table local local "$A_IP" dev lo src "$B_IP"

# ---- callee certificate (self-signed RSA-2048, published with the sample) ----
KEY=$OUT/$NAME.key
CRT=$OUT/$NAME.crt
if [ "${REGEN_KEY:-0}" = 1 ] || [ ! -s "$KEY" ] || [ ! -s "$CRT" ]; then
  log "generating the callee's self-signed RSA-2048 key + certificate"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout "$KEY" -out "$CRT" \
    -subj "/O=SIPScope sample (private key published on purpose)/CN=$B_IP" \
    -addext "subjectAltName=IP:$B_IP" 2>"$WORK/openssl-req.log"
fi
chmod 644 "$KEY" "$CRT"   # published files, not secrets
openssl x509 -in "$CRT" -noout -pubkey | cmp -s - <(openssl pkey -in "$KEY" -pubout) || die "$KEY does not match $CRT"
cat "$CRT" "$KEY" >"$WORK/bob-cert.pem"     # baresip sip_certificate: certificate + key in one PEM

# ---- OpenSSL config: TLS 1.2 at most, TLS_RSA_WITH_AES_256_CBC_SHA only ----
cat >"$WORK/openssl.cnf" <<'EOF'
openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MaxProtocol = TLSv1.2
CipherString = AES256-SHA:@SECLEVEL=0
EOF

# ---- baresip configs ----
mkconf() {  # $1 = name, $2 = ip, $3 = rtp port range, $4 = extra config lines
  local d=$WORK/$1
  mkdir -p "$d"
  cat >"$d/config" <<EOF
poll_method		poll
sip_listen		$2:5060
sip_trans_def		tls
sip_cafile		$CRT
$4
audio_player		aufile,$WORK/$1-rx.wav
audio_source		ausine,440
ausrc_srate		48000
ausrc_channels		2
audio_alert		aufile,/dev/null
module_path		$MODDIR
module			g711.so
$([ "$SRTP" = 1 ] && printf 'module\t\t\tsrtp.so\n')
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
mkconf alice "$A_IP" 16000-16001 ""
mkconf bob "$B_IP" 17000-17001 "sip_certificate		$WORK/bob-cert.pem"
# regint=0: no registrar, direct call. audio_codecs: PCMA only.
echo "<sip:alice@$A_IP;transport=tls>;regint=0;audio_codecs=PCMA$MEDIAENC;answermode=manual" >"$WORK/alice/accounts"
echo "<sip:bob@$B_IP;transport=tls>;regint=0;audio_codecs=PCMA$MEDIAENC;answermode=auto" >"$WORK/bob/accounts"

# ---- record ----
PCAP_RAW=$WORK/$NAME.raw.pcap
export OPENSSL_CONF=$WORK/openssl.cnf
timeout 60 ip netns exec "$NS" tcpdump -i lo -U -s 0 -w "$PCAP_RAW" 'port 5061 or udp' 2>"$WORK/tcpdump.log" &
TCPDUMP=$!; PIDS+=("$TCPDUMP")
for _ in $(seq 50); do grep -q 'listening on' "$WORK/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$WORK/tcpdump.log" || die "tcpdump did not start: $(cat "$WORK/tcpdump.log")"

# bob: answers automatically; quits by itself after 30 s at most (normally stopped below, by PID, after the call)
timeout 40 ip netns exec "$NS" baresip -f "$WORK/bob" -t 30 </dev/null >"$WORK/bob.log" 2>&1 &
BOB=$!; PIDS+=("$BOB")
for _ in $(seq 50); do nsx ss -ltn "sport = :5061" | grep -q "$B_IP:5061" && break; sleep 0.1; done
nsx ss -ltn "sport = :5061" | grep -q "$B_IP:5061" || die "bob is not listening on $B_IP:5061 (see $WORK/bob.log)"

# alice: dials at once (her account has transport=tls: INVITE over TLS to 127.0.0.20:5061); her menu commands
# come through a FIFO held open by this shell (fd 3): /hangup $TALK s after the call is established, then /quit.
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
kill -TERM "$TCPDUMP" 2>/dev/null || true   # timeout passes SIGTERM on to tcpdump
wait "$TCPDUMP" || true
PIDS=()

# ---- check before publishing: TLS_RSA suite, and the whole call decrypts ----
SUITE=$(tshark -r "$PCAP_RAW" -Y 'tls.handshake.type == 2' -T fields -e tls.handshake.ciphersuite 2>/dev/null | sort -u)
[ "$SUITE" = 0x0035 ] || die "Server Hello cipher suite is '$SUITE', not 0x0035 (TLS_RSA_WITH_AES_256_CBC_SHA); OPENSSL_CONF ignored?"
SIPS=$(tshark -r "$PCAP_RAW" -o "uat:rsa_keys:\"$KEY\",\"\"" -Y sip -T fields -e sip.Request-Line -e sip.Status-Line 2>/dev/null)
printf '%s\n' "$SIPS" >&2
printf '%s\n' "$SIPS" | grep -q '^BYE ' && printf '%s\n' "$SIPS" | grep -q '^INVITE ' \
  || die "the decrypted capture lacks the INVITE or the BYE ($PCAP_RAW kept)"

cp "$PCAP_RAW" "$OUT/$NAME.pcap"
log "wrote $OUT/$NAME.pcap ($(stat -c %s "$OUT/$NAME.pcap") bytes, $(tshark -r "$OUT/$NAME.pcap" 2>/dev/null | wc -l) packets, $(printf '%s\n' "$SIPS" | wc -l) SIP messages)"
