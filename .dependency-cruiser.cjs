/**
 * The house's layering (docs/architecture.md), checked by `npm run lint:deps` and CI:
 * remoting/protocol (pure codec) -> remoting/header -> remoting -> message -> client -> producer | consumer -> index.
 * A violation prints the rule's name and fails the run.
 */
const CODEC = '^src/remoting/protocol/';
const ABOVE_CODEC = '^src/(remoting/(?!protocol/)|message/|client/|producer/|consumer/|index\\.ts|logger\\.ts|diagnostics\\.ts)';

module.exports = {
  forbidden: [
    {
      name: 'codec-is-pure',
      comment: 'The codec imports nothing above it and no sockets, timers or logging.',
      severity: 'error',
      from: { path: CODEC },
      to: {
        path: [ABOVE_CODEC, '^(node:)?(net|tls|timers|timers/promises|dgram|http|https)$'],
      },
    },
    {
      name: 'remoting-below-message',
      comment: 'The remoting layer (transport, headers, codec) knows nothing of messages, clients, producers or consumers.',
      severity: 'error',
      from: { path: '^src/remoting/' },
      to: { path: '^src/(message|client|producer|consumer)/' },
    },
    {
      name: 'message-below-client',
      comment: 'The message layer imports only the codec and errors (with the peer-text bound errors use).',
      severity: 'error',
      from: { path: '^src/message/' },
      to: { path: '^src/', pathNot: ['^src/message/', CODEC, '^src/errors\\.ts$', '^src/peer-text\\.ts$'] },
    },
    {
      name: 'client-not-producer',
      comment: 'The client owns the interfaces producers and consumers plug into; it never imports them.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/(producer|consumer)/' },
    },
    {
      name: 'producer-consumer-siblings',
      comment: 'Producer and consumer never import each other.',
      severity: 'error',
      from: { path: '^src/(producer|consumer)/' },
      to: { path: '^src/(producer|consumer)/', pathNot: '^src/$1/' },
    },
    {
      name: 'nothing-imports-the-facade',
      comment: 'src/index.ts is the public face: nothing inside src imports it.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'testing-is-a-face',
      comment: 'src/testing (rocketmq-ts/testing: FakeRocketMQ, fault tools) is for tests: only the CLI uses it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/testing/', '^src/cli/'] },
      to: { path: '^src/testing/' },
    },
    {
      name: 'bytebuffer-off-the-hot-path',
      comment: 'bytebuffer draws the hex dumps of the command-line tool; nothing on the client path imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: 'node_modules/bytebuffer/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles in src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'Every module in src/ is imported by something (index.ts is the root).',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: ['^src/index\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 7 has no JS compiler API for the cruiser: it parses with swc (syntax only, type imports included).
    parser: 'swc',


    reporterOptions: { text: { highlightFocused: true } },
  },
};
