// Golden findings over the realistic samples (samples/sip, samples/sdp): rule ids, severities and counts as documented
// in samples/sip/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintDocument } from '../../../src/core/rules/run';

const root = join(__dirname, '../../../samples');

const GOLDEN: Record<string, Record<string, number>> = {
  'sip/nat-call.sngrep.txt': { 'nat/via-rport:warning': 2, 'nat/private-via:warning': 2, 'nat/private-contact:warning': 2, 'nat/private-sdp:warning': 1, 'nat/private-sdp:hint': 1 },
  'sip/register-no-rport.ngrep.txt': { 'nat/via-rport:warning': 1, 'nat/private-via:warning': 1, 'nat/private-contact:warning': 2, 'nat/response-received:warning': 1 },
  'sip/asterisk-pjsip.log': { 'nat/private-via:info': 2, 'nat/private-contact:info': 3 },
  'sip/asterisk-chan-sip.log': { 'sip/line-endings:info': 2, 'nat/private-via:info': 1, 'nat/private-contact:warning': 1, 'nat/response-received:warning': 1 },
  'sip/kamailio-syslog.log': {
    'nat/private-route:warning': 1,
    'nat/via-rport:warning': 1,
    'nat/private-via:warning': 1,
    'nat/private-contact:warning': 1,
    'nat/private-sdp:warning': 1,
    'nat/private-sdp:hint': 1,
    'nat/response-received:warning': 1,
  },
  'sip/freeswitch-siptrace.log': { 'nat/via-rport:warning': 1, 'nat/private-via:warning': 1, 'nat/private-contact:warning': 1, 'nat/private-sdp:warning': 1, 'nat/private-sdp:hint': 1 },
  'sip/options-ping.tcpdump.txt': {},
  'sip/register-clean.sip': {},
  'sip/invite-defects.sip': {
    'sip/content-length:error': 1,
    'sip/max-forwards:warning': 1,
    'sip/compact-form:hint': 6,
    'nat/via-rport:warning': 1,
    'nat/private-via:warning': 1,
    'nat/private-contact:warning': 1,
    'nat/private-sdp:warning': 1,
    'nat/private-sdp:hint': 1,
  },
  'sip/lf-only-paste.sip': { 'sip/line-endings:info': 2, 'sip/content-length:info': 1 },
  'sdp/webrtc-offer.sdp': {},
  'sdp/ice-host-only.sdp': { 'nat/ice-candidates:warning': 1 },
  'sdp/phone-offer-private.sdp': { 'nat/private-sdp:warning': 2, 'nat/private-sdp:hint': 1 },
};

describe('samples lint as documented', () => {
  for (const [file, want] of Object.entries(GOLDEN)) {
    it(file, () => {
      const doc = new Uint8Array(readFileSync(join(root, file)));
      const { findings } = lintDocument(doc, file.endsWith('.sdp') ? 'sdp' : 'sip');
      const got: Record<string, number> = {};
      for (const f of findings) got[`${f.ruleId}:${f.severity}`] = (got[`${f.ruleId}:${f.severity}`] ?? 0) + 1;
      expect(got).toEqual(want);
    });
  }

  it('trustedNetworks silences the LAN sample', () => {
    const doc = new Uint8Array(readFileSync(join(root, 'sip/asterisk-chan-sip.log')));
    const { findings } = lintDocument(doc, 'sip', { severities: {}, trustedNetworks: ['192.168.0.0/16'], sipPorts: [5060, 5061] });
    expect(findings.filter((f) => f.ruleId.startsWith('nat/'))).toEqual([]);
  });
});
