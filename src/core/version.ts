// Gatescope's version, written into traces as their producer. esbuild replaces GATESCOPE_VERSION
// with package.json's version (esbuild.js `define`); unbundled code (unit tests) reads 'dev'.
declare const GATESCOPE_VERSION: string | undefined;

export const VERSION: string = typeof GATESCOPE_VERSION === 'string' ? GATESCOPE_VERSION : 'dev';
