// Test helper: decode with spandsp (libspandsp.so.2: the G.726 and GSM 06.10 codecs of baresip and of Wireshark's RTP
// player) through Python's ctypes, as the reference the audio decoders are compared with. Tests that use it skip when
// libspandsp or Python 3 is missing (`hasSpandsp`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasSpandsp = spawnSync('python3', ['-c', 'import ctypes; ctypes.CDLL("libspandsp.so.2")']).status === 0;

const PY = `
import ctypes, sys
sp = ctypes.CDLL('libspandsp.so.2')
codec, arg, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
code = open(d + '/in', 'rb').read()
out = (ctypes.c_int16 * (len(code) * 8 + 320))()
if codec == 'g726':
    sp.g726_init.restype = ctypes.c_void_p
    sp.g726_init.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    sp.g726_decode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    k = sp.g726_decode(sp.g726_init(None, arg * 1000, 0, 2), out, code, len(code))  # linear, RFC 3551 packing
else:
    sp.gsm0610_init.restype = ctypes.c_void_p
    sp.gsm0610_init.argtypes = [ctypes.c_void_p, ctypes.c_int]
    sp.gsm0610_decode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    k = sp.gsm0610_decode(sp.gsm0610_init(None, 2), out, code, len(code))  # RFC 3551 frames
open(d + '/out', 'wb').write(bytes(out)[:k * 2])
`;

/**
 * spandsp's decode of `code`: 'g726' at `kbps` kbit/s (linear PCM, RFC 3551 §4.5.4 packing), or 'gsm' (GSM 06.10,
 * 33-byte RFC 3551 §4.5.8 frames). Throws when the Python run fails.
 */
export function spandspDecode(codec: 'g726' | 'gsm', code: Uint8Array, kbps = 0): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'sipscope-spandsp-'));
  try {
    writeFileSync(join(dir, 'in'), code);
    const r = spawnSync('python3', ['-c', PY, codec, String(kbps), dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`spandsp ${codec} decode failed: ${r.stderr}`);
    const raw = new Uint8Array(readFileSync(join(dir, 'out')));
    return new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
