// README's compatibility line says exactly what the generated matrix in docs/compatibility.md says (the matrix is
// rewritten by `npm run test:compat`; this fails when README was not updated with it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function matrixResults(): Array<{ version: string; passed: number; failed: number }> {
  const doc = readFileSync(join(root, 'docs', 'compatibility.md'), 'utf8');
  const generated = doc.slice(doc.indexOf('<!-- compat:begin -->'), doc.indexOf('### Per test'));
  const rows: Array<{ version: string; passed: number; failed: number }> = [];
  for (const line of generated.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const m = /(\d+) passed, (\d+) failed/.exec(cells[cells.length - 2] ?? '');
    if (m) rows.push({ version: cells[1]!.split(' ')[0]!, passed: Number(m[1]), failed: Number(m[2]) });
  }
  return rows;
}

test('every version the matrix ran is in README with the same counts', () => {
  const rows = matrixResults();
  expect(rows.length).toBeGreaterThanOrEqual(3);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const r of rows) expect(readme).toContain(`${r.version}: ${r.passed} passed, ${r.failed} failed`);
});
