// The part of the WebAssembly JS API the GRU kernel uses. lib ES2022 with types [] declares none
// of it, yet every runtime the core targets (Node, VS Code's web extension host, webviews) has it.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}
