import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './broker-pair';
import { faultProfile } from './profile';

/**
 * Each scenario records its figures here (one JSON file per scenario, outside the harness run directory
 * which `start` wipes); the global teardown prints them all, and docs/reliability.md quotes the last run.
 */
export const FIGURES_DIR = path.join(REPO_ROOT, '.rocketmq', 'faults-figures');

export function recordFigures(scenario: string, figures: Record<string, unknown>): void {
  fs.mkdirSync(FIGURES_DIR, { recursive: true });
  const doc = { scenario, profile: faultProfile().name, at: new Date().toISOString(), ...figures };
  fs.writeFileSync(path.join(FIGURES_DIR, `${scenario}.json`), JSON.stringify(doc, null, 2) + '\n');
}

export function readAllFigures(): Record<string, unknown>[] {
  if (!fs.existsSync(FIGURES_DIR)) return [];
  return fs
    .readdirSync(FIGURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(FIGURES_DIR, f), 'utf8')) as Record<string, unknown>);
}
