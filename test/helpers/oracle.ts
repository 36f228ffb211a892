// The tshark oracle files beside the corpus captures (`<capture>.oracle.json`, made by make-oracles.sh; format in
// ../shared/corpus/MANIFEST.md): one type for the message rows the tests compare, and the reader.
import { readFileSync } from 'node:fs';

/** One SIP message as tshark dissected it (the fields the tests read; the file has more). */
export interface OracleMessage {
  frame: number;
  ip_version: number;
  src: string;
  src_port: number;
  dst: string;
  dst_port: number;
  transport: string;
  start_line: string;
  kind: string;
  method: string | null;
  status_code: number | null;
  call_id: string | null;
  cseq_seq: number | null;
  cseq_method: string | null;
  from_tag: string | null;
  to_tag: string | null;
  via_top: { raw: string; branch: string | null; received: string | null; rport_present: boolean; rport: number | null } | null;
}

/** The oracle next to `capture` (same name, `.oracle.json` instead of `.pcap`/`.pcapng`/`.cap`). */
export function oraclePathOf(capture: string): string {
  return capture.replace(/\.(pcap|pcapng|cap)$/, '.oracle.json');
}

/** The messages of the oracle file at `path`. Throws when it is missing or not JSON (a broken corpus). */
export function readOracleMessages(path: string): OracleMessage[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { messages: OracleMessage[] }).messages;
}
