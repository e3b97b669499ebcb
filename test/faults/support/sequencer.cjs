'use strict';
// Runs the fault suite in a fixed order: helper self-tests (no broker) first, then scenario files by their
// numeric prefix (s1-..., s2-...), so a failing early scenario is reported before the long soak.
const Sequencer = require('@jest/test-sequencer').default;

function rank(p) {
  const base = p.split(/[\\/]/).pop();
  const m = /^s(\d+)-/.exec(base);
  return m ? Number(m[1]) : 0;
}

class FaultSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = FaultSequencer;
