// Public API of the ladder (call flow) view model: build once from MessageInfo, render as text, SVG, HTML,
// Mermaid or PlantUML, or lay out for the webview with the pure geometry helpers.
export type {
  LadderArrow,
  LadderCall,
  LadderColumn,
  LadderColumnMode,
  LadderIcmp,
  LadderModel,
  LadderRow,
  LadderStream,
  LadderTimeMode,
  StatusClass,
} from './model';
export { arrowFlagsText, arrowLabel, formatClock, formatDateTime, formatRowTime, icmpAnswerText, icmpNote, isLostArrow } from './model';
export type { LadderIcmpAnswers } from './icmp';
export { icmpErrorText, matchIcmpAnswers, ICMP_ANSWER_WINDOW_SEC, MAX_STREAM_ICMP } from './icmp';
export type { BuildLadderOptions } from './build';
export { buildLadder } from './build';
export type { ArrowGeometry, LadderGeometryOptions, LadderLayout, StreamLabelSlot } from './geometry';
export {
  arrowGeometry,
  arrowY,
  clampZoom,
  estimateTextWidth,
  headerBox,
  ladderHeight,
  layoutLadder,
  rowAtY,
  rowSpan,
  rowTop,
  streamBox,
  streamLabelBaseline,
  streamLabelSlots,
  timePosition,
  visibleRows,
} from './geometry';
export { escapeHtml, escapeXml, sanitiseXmlText, toSingleLine } from './escape';
export type { AsciiLadderOptions } from './render-ascii';
export { renderLadderAscii } from './render-ascii';
export type { LadderTheme, SvgLadderOptions } from './render-svg';
export { CALL_COLORS, joinPieces, LADDER_SVG_CLASS, ladderSvgPieces, renderLadderSvg } from './render-svg';
export type { HtmlLadderOptions, HtmlMessageSlot } from './render-html';
export { HTML_REPORT_AUDIO_CSP, HTML_REPORT_CSP, htmlMessageSection, ladderHtmlPieces, ladderHtmlText, messageAnchor, renderLadderHtml } from './render-html';
export type { MermaidLadderOptions } from './render-mermaid';
export { escapeMermaidText, renderLadderMermaid } from './render-mermaid';
export type { PlantUmlLadderOptions } from './render-plantuml';
export { escapePlantUmlText, renderLadderPlantUml } from './render-plantuml';
