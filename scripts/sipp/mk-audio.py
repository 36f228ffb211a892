#!/usr/bin/env python3
"""Make a per-party RTP clip for SIPp play_pcap_audio from sip-tester's g711a.pcap.

SIPp replays the packets' RTP header and payload verbatim, so every call that plays the
same file would share one SSRC / sequence / timestamp.  This copies the first N packets
(default: all) and rewrites SSRC, sequence and timestamp bases (fixing the UDP checksum),
so each direction of each call is a distinct stream, as with a real phone.

usage: mk-audio.py SRC.pcap OUT.pcap SSRC_HEX SEQ0 TS0 [NPKTS]
"""
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def main():
    src, out = sys.argv[1], sys.argv[2]
    ssrc, seq0, ts0 = int(sys.argv[3], 16), int(sys.argv[4]), int(sys.argv[5])
    limit = int(sys.argv[6]) if len(sys.argv) > 6 else None
    raw = open(src, 'rb').read()
    if struct.unpack('<I', raw[:4])[0] != 0xa1b2c3d4:
        sys.exit('expects a little-endian microsecond pcap')
    if struct.unpack('<I', raw[20:24])[0] != 1:
        sys.exit('expects an Ethernet pcap')
    res, off, n = [raw[:24]], 24, 0
    first = None
    while off + 16 <= len(raw) and (limit is None or n < limit):
        ts_s, ts_us, incl, _orig = struct.unpack('<IIII', raw[off:off + 16])
        pkt = bytearray(raw[off + 16:off + 16 + incl])
        off += 16 + incl
        ihl = (pkt[14] & 0x0f) * 4
        u = 14 + ihl          # UDP header
        r = u + 8             # RTP header
        seq, ts = struct.unpack('!HI', pkt[r + 2:r + 8])
        if first is None:
            first = (seq, ts)
        struct.pack_into('!HII', pkt, r + 2, (seq - first[0] + seq0) & 0xffff,
                         (ts - first[1] + ts0) & 0xffffffff, ssrc)
        struct.pack_into('!H', pkt, u + 6, 0)
        ulen = struct.unpack('!H', pkt[u + 4:u + 6])[0]
        pseudo = bytes(pkt[26:34]) + struct.pack('!BBH', 0, 17, ulen)
        struct.pack_into('!H', pkt, u + 6, csum(pseudo + bytes(pkt[u:u + ulen])) or 0xffff)
        res.append(struct.pack('<IIII', ts_s, ts_us, len(pkt), len(pkt)) + bytes(pkt))
        n += 1
    open(out, 'wb').write(b''.join(res))


if __name__ == '__main__':
    main()
