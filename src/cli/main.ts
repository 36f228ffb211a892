// sipscope CLI entry: parses argv and dispatches to commands. Exit codes: 0 ok, 1 lint errors found, 2 bad usage,
// unreadable input or unwritable output. Never writes to an input file.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { lastOption, parseArgs, UsageError, type ParsedArgs } from './args';
import { audioReport, audioToFile, requireAudioSelection, selectAudioStreams } from './commands/audio';
import { callsJson, callsOutput } from './commands/calls';
import { ChunkedWriter, isWriteError, writeErrorReason, writeOutputFile } from './format/chunked-writer';
import { writeExportJson } from './commands/export';
import { extractFormatFor, extractToFile } from './commands/extract';
import { ladderFormatFor, renderLadder, selectCalls } from './commands/ladder';
import { lintReport, type LintFormat } from './commands/lint';
import { rtpOutput, rtpPacketsOutput } from './commands/rtp';
import { statsLines } from './commands/stats';
import { natReport } from './commands/nat';
import { captureStats, compileFilter, DEFAULT_LINT_SETTINGS, type CallInfo, type CaptureModel, type RuleSeverity, type RuleSeveritySetting } from '../core/index';
import { InputError, loadCapture } from './load';
import { STDIN_PATH } from './stdin';
import { readTlsSecrets } from './tls-secrets';
import type { ImportOptions } from '../core/index';

const USAGE = `sipscope - SIP calls, ladders and checks from pcap/pcapng captures

Usage:
  sipscope calls FILE [--summary] [--filter EXPR] [--json]
                                                  call list (one row per Call-ID); --summary: totals line only;
                                                  --json: the calls as in export (schema sipscope-calls)
  sipscope ladder FILE [--call CALL-ID]... [--filter EXPR] [-o OUT.html|OUT.svg|OUT.txt|OUT.mmd|OUT.puml|OUT.json]
                       [--format F] [--columns endpoint|ip] [--time absolute|relative|delta] [--max-messages N]
                       [--audio]
                                                  ladder diagram (text to stdout without -o); --audio embeds the
                                                  calls' decoded RTP audio in the HTML ladder
  sipscope export FILE --format json [--call CALL-ID]... [--filter EXPR] [-o OUT.json]
                                                  every SIP message, call and problem as one JSON document
  sipscope extract FILE [--call CALL-ID]... [--filter EXPR] -o OUT.pcap|OUT.pcapng [--no-rtp]
                                                  the selected calls' packets (SIP, RTP, RTCP) as a new capture
  sipscope audio FILE [--call CALL-ID]... [--filter EXPR] [--stream N]... -o OUT.wav|- [--mono]
                                                  the RTP audio of calls or streams (G.711, G.722, G.726, GSM, Opus, L16; SRTP with SDES keys) as a WAV
                                                  file: one channel per stream (stereo for a two-way call), aligned on
                                                  capture time, lost packets as silence
  sipscope stats FILE [--call CALL-ID]... [--filter EXPR] [--json]
                                                  SIP messages by method and status, retransmissions; calls by state,
                                                  ASR, ACD, post-dial delay, answer delay
  sipscope rtp FILE [--call CALL-ID]... [--filter EXPR] [--json] [--heuristic]
  sipscope rtp FILE --stream N --packets [--json] [--heuristic]
                                                  RTP streams (found through SDP; --heuristic: also unsignalled RTP):
                                                  packets, lost, max delta, jitter (RFC 3550), codec, DTMF, RTCP;
                                                  --stream N --packets: that stream packet by packet (delta, jitter,
                                                  sequence status) as Wireshark's RTP Stream Analysis
  sipscope nat FILE [--call CALL-ID]... [--filter EXPR] [--format text|json|sarif] [--trusted CIDR]...
                    [--min-severity S]
                                                  NAT diagnosis per call: declared (Via, Contact, SDP) vs observed
                                                  addresses and RTP, with the frames as evidence
  sipscope lint FILE... [--format text|json|sarif] [--min-severity error|warning|info|hint]
                        [--rule ID=off|error|warning|info|hint]... [--trusted CIDR]... [--sip-port N]...
                                                  RFC/NAT findings for SIP traces (.sip .siptrace .txt .log), .sdp,
                                                  and each SIP message of a capture (FILE:frame N:line:col)
  sipscope --help | --version

--call takes a Call-ID, a row number from 'calls' or a unique Call-ID prefix. --filter EXPR keeps the calls whose
fields match every term (case-insensitive substring): from:, to:, callid:, method:, state:, status: (status:4 = any
4xx); a bare term matches any field, -term negates, "quoted terms" keep their spaces. Example: 'status:4 -state:busy'.

FILE may be - for a capture piped into standard input (tcpdump -w - | sipscope calls -): it is spooled to a
temporary file, removed at the end. lint reads a trace piped into - as well (kubectl logs kamailio | sipscope lint -).

Capture commands also take --tls-key KEY.pem (RSA private key, TLS_RSA key exchange) and --tls-keylog FILE (NSS key
log: any TLS 1.0-1.3 session), both repeatable, to decrypt SIP over TLS. The key log named by SSLKEYLOGFILE and files
beside the capture (CAPTURE.key, .pem, .keylog, .sslkeylog, .keys, .keylog.txt, .log) holding a PEM private key or
key-log lines are used as well.

Exit codes: 0 ok, 1 errors found (lint), 2 usage error, unreadable input or unwritable output.
Environment: SIPSCOPE_THREADS=0 imports in one thread (calls reads the capture in a worker thread by default).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  // `sipscope extract --help`: the usage, as asked (before the options are checked).
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write('sipscope 0.1.0\n');
    return 0;
  }
  switch (command) {
    case 'calls': {
      const a = parseArgs(rest, { values: ['filter', ...TLS_OPTIONS], flags: ['summary', 'json'] });
      const file = onlyFile(a.positionals, 'calls');
      const filter = filterOption(a);
      // The call list shows no media: skip RTP analysis (the import to a complete call index).
      const cap = await loadCapture(file, { rtp: false, ...(await tlsOptions(a, file)) });
      try {
        const opts = { summary: a.flags.has('summary'), filter };
        const out = new ChunkedWriter(process.stdout);
        if (a.flags.has('json')) await out.writeAll(followedBy(callsJson(cap.model, opts), '\n'));
        else await out.writeAll(linesOf(callsOutput(cap.model, opts)));
      } finally {
        await cap.close();
      }
      return 0;
    }
    case 'ladder': {
      const a = parseArgs(rest, { values: ['call', 'filter', 'o', 'format', 'columns', 'time', 'max-messages', ...TLS_OPTIONS], flags: ['audio'], aliases: { output: 'o' } });
      const file = onlyFile(a.positionals, 'ladder');
      const filter = filterOption(a);
      const out = lastOption(a, 'o');
      guardOutput(file, out);
      const format = ladderFormatFor(out, lastOption(a, 'format'));
      if (a.flags.has('audio') && format !== 'html') throw new UsageError('--audio embeds the calls\' audio in an HTML ladder (-o OUT.html)');
      const columns = (lastOption(a, 'columns') ?? 'endpoint') as 'endpoint' | 'ip';
      if (columns !== 'endpoint' && columns !== 'ip') throw new UsageError('--columns must be endpoint or ip');
      const time = (lastOption(a, 'time') ?? 'relative') as 'absolute' | 'relative' | 'delta';
      if (!['absolute', 'relative', 'delta'].includes(time)) throw new UsageError('--time must be absolute, relative or delta');
      const max = Number(lastOption(a, 'max-messages') ?? 20000);
      if (!Number.isInteger(max) || max < 1) throw new UsageError('--max-messages must be a positive integer');
      const cap = await loadCapture(file, await tlsOptions(a, file));
      try {
        const r = renderLadder(cap.model, {
          title: nameOf(file),
          callIds: a.options.get('call') ?? [],
          filter,
          format,
          columns,
          time,
          max,
          audio: a.flags.has('audio'),
          onAudio: (lines) => process.stderr.write(lines.join('\n') + '\n'),
        });
        if (r.cut) process.stderr.write(`sipscope: ladder cut at ${max} messages (use --call or --max-messages)\n`);
        if (out) {
          await writeOutputFile(out, r.pieces);
          process.stderr.write(`sipscope: wrote ${r.messages}-message ladder to ${out}\n`);
        } else await new ChunkedWriter(process.stdout).writeAllAsync(endingWithLineFeed(r.pieces));
      } finally {
        await cap.close();
      }
      return 0;
    }
    case 'export': {
      const a = parseArgs(rest, { values: ['call', 'filter', 'format', 'o', ...TLS_OPTIONS], flags: [], aliases: { output: 'o' } });
      const file = onlyFile(a.positionals, 'export');
      const filter = filterOption(a);
      const format = lastOption(a, 'format') ?? 'json';
      if (format !== 'json') throw new UsageError(`export format '${format}' is not supported (use --format json)`);
      const out = lastOption(a, 'o');
      guardOutput(file, out);
      const cap = await loadCapture(file, await tlsOptions(a, file));
      try {
        await writeExportJson(cap.model, out, callSet(cap.model, a.options.get('call') ?? [], filter));
      } finally {
        await cap.close();
      }
      return 0;
    }
    case 'extract': {
      const a = parseArgs(rest, { values: ['call', 'filter', 'o', ...TLS_OPTIONS], flags: ['no-rtp'], aliases: { output: 'o' } });
      const file = onlyFile(a.positionals, 'extract');
      const out = lastOption(a, 'o');
      if (!out) throw new UsageError('extract needs -o OUT.pcap or -o OUT.pcapng');
      const format = extractFormatFor(out);
      if (!format) throw new UsageError(`extract writes a .pcap or .pcapng file, not '${out}'`);
      const callIds = a.options.get('call') ?? [];
      const filter = filterOption(a);
      if (callIds.length === 0 && !filter) throw new UsageError('extract needs --call (a Call-ID, a row number from `sipscope calls`, or a unique Call-ID prefix) or --filter');
      guardOutput(file, out);
      const media = !a.flags.has('no-rtp');
      // RTP analysis finds the streams (through SDP) only when they are wanted.
      const cap = await loadCapture(file, { rtp: media, ...(await tlsOptions(a, file)) });
      try {
        const r = await extractToFile(cap.model, out, callIds, { format, media, filter });
        const what = `${r.calls.length} call(s): ${r.messages} SIP message(s)${media ? `, ${r.streams} RTP stream(s)` : ''}`;
        process.stderr.write(`sipscope: wrote ${r.written.packets} packets (${what}) to ${out}\n`);
      } finally {
        await cap.close();
      }
      return 0;
    }
    case 'audio': {
      const a = parseArgs(rest, { values: ['call', 'filter', 'stream', 'o', ...TLS_OPTIONS], flags: ['mono'], aliases: { output: 'o' } });
      const file = onlyFile(a.positionals, 'audio');
      const out = lastOption(a, 'o');
      if (!out) throw new UsageError('audio needs -o OUT.wav (or -o - for standard output)');
      if (out !== '-' && !/\.wav$/i.test(out)) throw new UsageError(`audio writes a .wav file, not '${out}'`);
      const streamNumbers = (a.options.get('stream') ?? []).map(Number);
      if (streamNumbers.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError('--stream takes a stream number (the # column of `sipscope rtp`)');
      const callIds = a.options.get('call') ?? [];
      const filter = filterOption(a);
      requireAudioSelection({ callIds, filter, streamNumbers });
      if (out !== '-') guardOutput(file, out);
      const cap = await loadCapture(file, await tlsOptions(a, file));
      try {
        const streams = selectAudioStreams(cap.model, { callIds, filter, streamNumbers });
        const r = await audioToFile(cap.model, streams, out, { mono: a.flags.has('mono') });
        process.stderr.write(audioReport(cap.model, r, out === '-' ? 'standard output' : out).join('\n') + '\n');
      } finally {
        await cap.close();
      }
      return 0;
    }
    case 'stats': {
      const a = parseArgs(rest, { values: ['call', 'filter', ...TLS_OPTIONS], flags: ['json'] });
      const file = onlyFile(a.positionals, 'stats');
      const filter = filterOption(a);
      const cap = await loadCapture(file, { rtp: false, ...(await tlsOptions(a, file)) });
      try {
        const calls = callSet(cap.model, a.options.get('call') ?? [], filter);
        const stats = captureStats(cap.model, calls);
        const out = new ChunkedWriter(process.stdout);
        if (a.flags.has('json')) await out.writeAll([JSON.stringify(stats, null, 2), '\n']);
        else await out.writeAll(linesOf(statsLines(stats, calls ? `${calls.size} of ${cap.model.calls.length} calls` : undefined)));
      } finally {
        await cap.close();
      }
      return 0;
    }
    case 'rtp': {
      const a = parseArgs(rest, { values: ['call', 'filter', 'stream', ...TLS_OPTIONS], flags: ['json', 'heuristic', 'packets'] });
      const file = onlyFile(a.positionals, 'rtp');
      const filter = filterOption(a);
      const streamNumbers = (a.options.get('stream') ?? []).map(Number);
      const packets = a.flags.has('packets');
      if (packets !== (streamNumbers.length > 0)) throw new UsageError('--packets goes with --stream N (the # column of `sipscope rtp`)');
      if (streamNumbers.length > 1 || streamNumbers.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError('--stream takes one stream number (the # column of `sipscope rtp`)');
      const cap = await loadCapture(file, { rtpHeuristic: a.flags.has('heuristic'), ...(await tlsOptions(a, file)) });
      try {
        if (packets) {
          const n = streamNumbers[0]!;
          const stream = cap.model.streams[n - 1];
          if (!stream) throw new UsageError(`no RTP stream ${n} (the capture has ${cap.model.streams.length})`);
          await new ChunkedWriter(process.stdout).writeAll(await rtpPacketsOutput(cap.model, stream, { json: a.flags.has('json') }));
          return 0;
        }
        const calls = callSet(cap.model, a.options.get('call') ?? [], filter);
        await new ChunkedWriter(process.stdout).writeAll(followedBy(rtpOutput(cap.model, { json: a.flags.has('json'), calls }), '\n'));
      } finally {
        await cap.close();
      }
      return 0;
    }
    case 'nat': {
      const a = parseArgs(rest, { values: ['call', 'filter', 'format', 'trusted', 'min-severity', ...TLS_OPTIONS], flags: [] });
      const file = onlyFile(a.positionals, 'nat');
      const filter = filterOption(a);
      const format = (lastOption(a, 'format') ?? 'text') as LintFormat;
      if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError('--format must be text, json or sarif');
      const minSeverity = (lastOption(a, 'min-severity') ?? 'hint') as RuleSeverity;
      if (!['error', 'warning', 'info', 'hint'].includes(minSeverity)) throw new UsageError('--min-severity must be error, warning, info or hint');
      const cap = await loadCapture(file, await tlsOptions(a, file));
      try {
        const settings = { ...DEFAULT_LINT_SETTINGS, trustedNetworks: a.options.get('trusted') ?? [] };
        const calls = callSet(cap.model, a.options.get('call') ?? [], filter);
        const r = await natReport(cap.model, { format, settings, path: nameOf(file), minSeverity, calls });
        await new ChunkedWriter(process.stdout).writeAllAsync(r.pieces); // every format ends with a line feed
        return r.exitCode();
      } finally {
        await cap.close();
      }
    }
    case 'lint': {
      const a = parseArgs(rest, { values: ['format', 'min-severity', 'rule', 'trusted', 'sip-port', ...TLS_OPTIONS], flags: [] });
      if (a.positionals.length === 0) throw new UsageError('lint needs at least one FILE');
      const format = (lastOption(a, 'format') ?? 'text') as LintFormat;
      if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError('--format must be text, json or sarif');
      const minSeverity = (lastOption(a, 'min-severity') ?? 'info') as RuleSeverity;
      if (!['error', 'warning', 'info', 'hint'].includes(minSeverity)) throw new UsageError('--min-severity must be error, warning, info or hint');
      const severities: Record<string, RuleSeveritySetting> = {};
      for (const r of a.options.get('rule') ?? []) {
        const m = /^([a-z]+\/[a-z0-9-]+)=(off|error|warning|info|hint)$/.exec(r);
        if (!m) throw new UsageError(`--rule takes ID=off|error|warning|info|hint, got '${r}'`);
        severities[m[1]!] = m[2] as RuleSeveritySetting;
      }
      const ports = (a.options.get('sip-port') ?? []).map(Number);
      if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new UsageError('--sip-port must be a port number');
      const settings = {
        severities,
        trustedNetworks: a.options.get('trusted') ?? [],
        sipPorts: ports.length ? ports : DEFAULT_LINT_SETTINGS.sipPorts,
      };
      const r = await lintReport(a.positionals, { format, settings, minSeverity, captureOptions: (file) => tlsOptions(a, file) });
      await new ChunkedWriter(process.stdout).writeAll(r.pieces); // every format ends with a line feed (or is empty)
      return r.exitCode;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** Options of every capture command that name TLS secrets files. */
const TLS_OPTIONS = ['tls-key', 'tls-keylog'] as const;

/** ImportOptions.tls from --tls-key / --tls-keylog, SSLKEYLOGFILE and files beside the capture (noted on stderr). */
async function tlsOptions(a: ReturnType<typeof parseArgs>, file: string): Promise<Pick<ImportOptions, 'tls'>> {
  const r = await readTlsSecrets(file === STDIN_PATH ? undefined : file, { keys: a.options.get('tls-key') ?? [], keyLogs: a.options.get('tls-keylog') ?? [] });
  if (r === undefined) return {};
  process.stderr.write(`sipscope: TLS secrets from ${r.used.join(', ')}\n`);
  return { tls: r.input };
}

/** Each line of `lines` with its line end. */
function* linesOf(lines: Iterable<string>): Generator<string> {
  for (const l of lines) yield l + '\n';
}

/** The pieces of `pieces`, then a line feed unless the last piece ended with one (terminal output). */
async function* endingWithLineFeed(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let last = '';
  for await (const p of pieces) {
    if (p !== '') last = p;
    yield p;
  }
  if (!last.endsWith('\n')) yield '\n';
}

/** The pieces of `pieces`, then `tail`. */
function* followedBy(pieces: Iterable<string>, tail: string): Generator<string> {
  yield* pieces;
  yield tail;
}

/** The indexes of the calls --call and --filter select, or undefined when neither is given (every call). */
function callSet(model: CaptureModel, ids: readonly string[], filter: ((c: CallInfo) => boolean) | undefined): ReadonlySet<number> | undefined {
  if (ids.length === 0 && !filter) return undefined;
  return new Set(selectCalls(model, ids, filter).map((c) => c.index));
}

/** The call predicate of --filter (the last one given), or undefined without it. */
function filterOption(a: ParsedArgs): ((c: CallInfo) => boolean) | undefined {
  const text = lastOption(a, 'filter');
  if (text === undefined) return undefined;
  const filter = compileFilter(text);
  if (!filter) throw new UsageError('--filter needs at least one term (for example --filter state:failed)');
  return filter;
}

/** How reports name the capture: its path, or "standard input" for `-`. */
function nameOf(file: string): string {
  return file === STDIN_PATH ? 'standard input' : file;
}

function onlyFile(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one FILE`);
  return positionals[0]!;
}

/** Refuse to write the output over the input capture (the same path, or the same file by another name or link). */
function guardOutput(input: string, out: string | undefined): void {
  if (!out) return;
  if (resolve(out) === resolve(input)) throw new UsageError('output file must not be the input capture');
  try {
    const i = statSync(input);
    const o = statSync(out);
    if (i.ino === o.ino && i.dev === o.dev) throw new UsageError('output file must not be the input capture');
  } catch (e) {
    if (e instanceof UsageError) throw e; // otherwise one of them does not exist yet: nothing to overwrite
  }
}

/** The reader of our output went away (`sipscope calls big.pcap | head`): nothing more to say, as Unix tools do. */
const isBrokenPipe = (e: unknown): boolean => (e as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
// A broken pipe also surfaces as an 'error' event on stdout, which would otherwise end the process with a stack trace.
process.stdout.on('error', (e) => {
  if (isBrokenPipe(e)) process.exit(process.exitCode ?? 0);
  failedOutput(e);
});

/** Our output could not be written (disk full under `> out.txt`...): say why, exit 2. */
function failedOutput(e: unknown): never {
  process.stderr.write(`sipscope: cannot write the output: ${writeErrorReason(e)}\n`);
  process.exit(2);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`sipscope: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (e instanceof InputError) {
      process.stderr.write(`sipscope: ${e.message}\n`);
      process.exitCode = 2;
    } else if (isBrokenPipe(e)) {
      process.exit(process.exitCode ?? 0);
    } else if (isWriteError(e)) {
      failedOutput(e);
    } else {
      process.stderr.write(`sipscope: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
