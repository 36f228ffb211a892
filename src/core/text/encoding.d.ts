// Ambient declarations for the WHATWG Encoding API (TextDecoder/TextEncoder), which every JS runtime the core
// runs in provides (Node >= 11, browsers, web workers). Declared here because the core's tsconfig has no DOM lib
// and no @types/node, on purpose, so that DOM and Node APIs stay compile errors in src/core.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  constructor();
  encode(input?: string): Uint8Array;
  encodeInto(src: string, dest: Uint8Array): { read: number; written: number };
}
