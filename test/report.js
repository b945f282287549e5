// Prints an integration report (written by test/integration/runner.ts inside the extension host)
// the way mocha's spec reporter does, ending with mocha's "N passing" / "N failing" lines.
'use strict';

function printReport(report) {
  console.log(`\n  VS Code ${report.vscodeVersion} extension host\n`);
  let lastSuite = '';
  for (const t of report.tests) {
    const suite = t.title.slice(0, -1).join(' › ');
    if (suite !== lastSuite) {
      console.log(`  ${suite}`);
      lastSuite = suite;
    }
    const name = t.title[t.title.length - 1];
    if (t.state === 'passed') console.log(`    ✔ ${name} (${t.durationMs}ms)`);
    else if (t.state === 'pending') console.log(`    - ${name}`);
    else console.log(`    ✘ ${name}`);
  }
  console.log('');
  console.log(`  ${report.passes} passing`);
  if (report.pending) console.log(`  ${report.pending} pending`);
  if (report.failures) console.log(`  ${report.failures} failing`);
  const failed = report.tests.filter((t) => t.state === 'failed');
  failed.forEach((t, i) => console.log(`\n  ${i + 1}) ${t.title.join(' › ')}:\n     ${String(t.error).split('\n').join('\n     ')}`));
  if (report.fatal) console.log(`\n  runner error: ${report.fatal}`);
  const ok = report.failures === 0 && !report.fatal && report.passes > 0;
  if (report.passes === 0 && !report.failures) console.log('  no integration test ran');
  return ok ? 0 : 1;
}

module.exports = { printReport };
