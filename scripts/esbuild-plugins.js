// esbuild plugins shared by esbuild.js and the scripts that bundle tests or benchmarks.
'use strict';
module.exports = { plugins: [] };
