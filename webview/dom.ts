// DOM helpers that only ever set text through textContent and attributes through setAttribute, so no string from
// a capture can become markup. (The webview never uses innerHTML.)

const SVG_NS = 'http://www.w3.org/2000/svg';

type Child = Node | string | undefined | null | false;

/** Create an HTML element with attributes (string values) and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Create an SVG element (in the SVG namespace) with attributes and children. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Create a custom element (e.g. a @vscode-elements component) with attributes and children. */
export function ce(tag: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Record<string, string | number | boolean | undefined>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Remove all children. */
export function clear(el: Element): void {
  while (el.lastChild) el.removeChild(el.lastChild);
}

/** Set text only when it changed (cheap re-renders of pooled rows). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
