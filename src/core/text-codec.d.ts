// TextEncoder and TextDecoder exist in every runtime core code runs in (Node >= 11, browsers, web
// workers, the web extension host), but the ES lib core compiles against does not declare them
// (they come from the DOM and Node typings, which core must not see). Only what core uses.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
