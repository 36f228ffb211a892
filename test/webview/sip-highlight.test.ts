// Tests for the detail pane's SIP/SDP tokenizer: start lines, headers with params, folding, SDP lines; and that
// the tokens always concatenate back to the original text (nothing is lost or invented).
import { describe, expect, it } from 'vitest';
import { splitLines, tokenizeHeaderValue, tokenizeSdp, tokenizeSipHead, tokenizeStartLine } from '../../webview/sip-highlight';

const join = (lines: { text: string }[][]): string => lines.map((l) => l.map((t) => t.text).join('')).join('\n');

describe('SIP tokenizer', () => {
  it('splits request and status lines', () => {
    expect(tokenizeStartLine('INVITE sip:bob@example.com SIP/2.0').map((t) => [t.kind, t.text])).toEqual([
      ['method', 'INVITE'],
      ['text', ' '],
      ['uri', 'sip:bob@example.com'],
      ['text', ' '],
      ['version', 'SIP/2.0'],
    ]);
    const status = tokenizeStartLine('SIP/2.0 486 Busy Here');
    expect(status.map((t) => t.kind)).toEqual(['version', 'text', 'status', 'text', 'reason']);
    expect(status[2]).toMatchObject({ text: '486', statusClass: 4 });
    expect(tokenizeStartLine('garbage')).toEqual([{ kind: 'text', text: 'garbage' }]);
  });

  it('tokenizes headers, params outside quotes/brackets, folded lines, and keeps every character', () => {
    const head =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport=5060\r\nFrom: "A;b" <sip:a@x;transport=tcp>;tag=9\r\nSubject: first\r\n second line\r\nX-Weird: <script>alert(1)</script>\r\n\r\n';
    const lines = tokenizeSipHead(head);
    expect(join(lines)).toBe(splitLines(head).join('\n'));
    const via = lines[1]!;
    expect(via[0]).toEqual({ kind: 'header-name', text: 'Via' });
    expect(via.filter((t) => t.kind === 'param').map((t) => t.text)).toEqual(['branch=z9hG4bK1', 'rport=5060']);
    const from = lines[2]!;
    expect(from.filter((t) => t.kind === 'param').map((t) => t.text)).toEqual(['tag=9']);
    expect(lines[4]!.map((t) => t.kind)).not.toContain('header-name'); // continuation
    expect(lines[5]!.find((t) => t.kind === 'header-value')?.text).toBe('<script>alert(1)</script>');
  });

  it('splits comma-separated values', () => {
    expect(tokenizeHeaderValue('INVITE, ACK,BYE').map((t) => t.text)).toEqual(['INVITE', ',', ' ACK', ',', 'BYE']);
  });

  it('tokenizes SDP lines with attribute names', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n';
    const lines = tokenizeSdp(sdp);
    expect(join(lines)).toBe(splitLines(sdp).join('\n'));
    expect(lines[3]!.map((t) => [t.kind, t.text])).toEqual([
      ['sdp-type', 'a'],
      ['punct', '='],
      ['sdp-attr', 'rtpmap'],
      ['punct', ':'],
      ['sdp-value', '0 PCMU/8000'],
    ]);
    expect(lines[4]!.map((t) => t.kind)).toEqual(['sdp-type', 'punct', 'sdp-attr']);
  });
});

describe('a header of 600 000 characters', () => {
  it('is tokenised whole (its tokens are not spread into one call)', () => {
    const value = Array.from({ length: 100_000 }, (_, i) => `p${i}=v`).join(';');
    const lines = tokenizeSipHead(`INVITE sip:a@b SIP/2.0\r\nX-Big: ${value}`);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.map((t) => t.text).join('')).toBe(`X-Big: ${value}`);
  });
});

