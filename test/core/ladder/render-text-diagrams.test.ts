// Tests for the Mermaid and PlantUML renderers: golden output and escaping rules of each syntax.
import { describe, expect, it } from 'vitest';
import {
  buildLadder,
  escapeMermaidText,
  escapePlantUmlText,
  renderLadderMermaid,
  renderLadderPlantUml,
} from '../../../src/core/ladder';
import { msg, sevenMessageCall } from './fixtures';

describe('renderLadderMermaid', () => {
  const model = buildLadder(sevenMessageCall());

  it('renders the 7-message call (golden)', async () => {
    await expect(renderLadderMermaid(model)).toMatchFileSnapshot('../../golden/ladder/seven-message-call.mmd');
  });

  it('aliases participants and uses ->> for requests, -->> for responses', () => {
    const lines = renderLadderMermaid(model).trimEnd().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines[1]).toBe('    participant P0 as 192.168.1.10:5060');
    expect(lines.filter((l) => l.includes('->>')).length).toBe(7);
    expect(lines.filter((l) => /^ {4}P\d->>P\d: /.test(l)).length).toBe(3);
    expect(lines.filter((l) => /^ {4}P\d-->>P\d: /.test(l)).length).toBe(4);
  });

  it('adds time notes, title and autonumber on request', () => {
    const out = renderLadderMermaid(model, { time: 'delta', title: 'A; B', autonumber: true });
    expect(out).toContain('    title A#59; B\n    autonumber\n');
    expect(out).toContain('    Note left of P0: +0.237656\n    P1-->>P0: 180 Ringing\n');
  });

  it('escapes ; # % < > & " and directives so the lexer cannot be confused', () => {
    expect(escapeMermaidText('a;b#c%%d<br>e&f"g')).toBe('a#59;b#35;c#37;#37;d#60;br#62;e#38;f#34;g');
    expect(escapeMermaidText('wrap:x')).toBe('wrap#58;x');
    expect(escapeMermaidText('  \n ')).toBe('(empty)');
    const m = buildLadder([
      msg({ ipVersion: 6, src: '2001:db8::1', dst: '2001:db8::2', label: 'INVITE;x#y\nP0->>P1: injected' }),
    ]);
    const lines = renderLadderMermaid(m).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('    participant P0 as [2001:db8::1]:5060');
    expect(lines[3]).toBe('    P0->>P1: INVITE#59;x#35;y P0-#62;#62;P1: injected');
    for (const l of lines) expect(l.replace(/#\d+;/g, '')).not.toMatch(/[;#]/);
  });
});

describe('renderLadderPlantUml', () => {
  const model = buildLadder(sevenMessageCall());

  it('renders the 7-message call (golden)', async () => {
    await expect(renderLadderPlantUml(model)).toMatchFileSnapshot('../../golden/ladder/seven-message-call.puml');
  });

  it('uses quoted aliased participants and -> / -->', () => {
    const lines = renderLadderPlantUml(model).trimEnd().split('\n');
    expect(lines[0]).toBe('@startuml');
    expect(lines.at(-1)).toBe('@enduml');
    expect(lines[1]).toBe('participant "192.168.1.10:5060" as P0');
    expect(lines).toContain('P0 -> P1 : INVITE (SDP)');
    expect(lines).toContain('P1 --> P0 : 200 OK (SDP)');
    expect(lines.filter((l) => / -> /.test(l))).toHaveLength(3);
    expect(lines.filter((l) => / --> /.test(l))).toHaveLength(4);
  });

  it('adds time notes on request', () => {
    const out = renderLadderPlantUml(model, { time: 'relative', autonumber: true, title: 'T' });
    expect(out).toContain('@startuml\ntitle T\nautonumber\n');
    expect(out).toContain('P1 --> P0 : 180 Ringing\nnote left : 0.250001\n');
  });

  it('escapes quotes, tags, backslash escapes and doubled creole markup', () => {
    expect(escapePlantUmlText('a"b')).toBe('a<U+0022>b');
    expect(escapePlantUmlText('<b>x</b>')).toBe('<U+003C>b<U+003E>x<U+003C>/b<U+003E>');
    expect(escapePlantUmlText('a\\nb')).toBe('a<U+005C>nb');
    expect(escapePlantUmlText('**bold** and //it//')).toBe('<U+002A><U+002A>bold<U+002A><U+002A> and <U+002F><U+002F>it<U+002F><U+002F>');
    // single markup characters stay readable
    expect(escapePlantUmlText('481 Call/Transaction Does Not Exist')).toBe('481 Call/Transaction Does Not Exist');
    expect(escapePlantUmlText('%date()')).toBe('<U+0025>date()');
    const m = buildLadder([msg({ src: 'x"y', dst: '10.0.0.2', label: 'A\nB' })]);
    const out = renderLadderPlantUml(m);
    expect(out).toContain('participant "x<U+0022>y:5060" as P0');
    expect(out).toContain('P0 -> P1 : A B\n');
  });
});
