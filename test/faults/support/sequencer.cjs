'use strict';
// Runs the fault suite in a fixed order: helper self-tests (no broker) first, then scenario files by their
// numeric prefix (s1-..., s2-...), so a failing early scenario is reported before the long soak; the consumer
// scenarios (c1-..., c2-...) after those.
const Sequencer = require('@jest/test-sequencer').default;

function rank(p) {
  const base = p.split(/[\\/]/).pop();
  const m = /^([sc])(\d+)-/.exec(base);
  if (!m) return 0;
  return (m[1] === 'c' ? 100 : 0) + Number(m[2]);
}

class FaultSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = FaultSequencer;
