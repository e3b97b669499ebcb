import { createConsoleLogger } from '../../../src/logger';
import { boundPeerText, MAX_PEER_TEXT_CHARS } from '../../../src/peer-text';
import { RemotingProtocolError } from '../../../src/errors';
import { parseAddress } from '../../../src/remoting/address';
import { captureStderr } from '../../helpers/capture-stderr';

describe('peer-supplied text is bounded in messages and logs', () => {
  test('short text is unchanged; long text keeps its head and notes the full length', () => {
    expect(boundPeerText('abc')).toBe('abc');
    const long = 'r'.repeat(200_000);
    const cut = boundPeerText(long);
    expect(cut.startsWith('r'.repeat(MAX_PEER_TEXT_CHARS))).toBe(true);
    expect(cut.length).toBeLessThan(MAX_PEER_TEXT_CHARS + 64);
    expect(cut).toContain('200000 chars');
  });

  test('a surrogate pair at the cut is not split', () => {
    const s = 'a'.repeat(9) + '\u{1F600}' + 'b'.repeat(100);
    const cut = boundPeerText(s, 10);
    expect(cut.startsWith('a'.repeat(9) + '...')).toBe(true);
  });

  test('the console logger cuts long string fields and error messages', () => {
    const remark = 'x'.repeat(200_000);
    const lines = captureStderr(() =>
      createConsoleLogger('debug').warn('broker said no', { remark, err: new RemotingProtocolError(remark), topic: 't'.repeat(50_000) }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(10_000);
    expect(lines[0]).toContain('truncated, 200000 chars');
    expect(lines[0]).toContain('truncated, 50000 chars');
  });

  test('a broker address from a route body is cut in the error it causes', () => {
    const addr = 'h'.repeat(100_000);
    let message = '';
    try {
      parseAddress(addr);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('truncated, 100000 chars');
    expect(message.length).toBeLessThan(1000);
  });
});
