/** HeaderSink's own number formatting matches Java's. */
import { HeaderSink } from '../../../../src/remoting/protocol/header-sink';

describe('HeaderSink.decimal', () => {
  it.each([0, 7, 9, 10, 99, 100, 310, 479, 65535, 1e9, 2147483647, -1, -10, -479, -2147483648])('%d as Java writes it', (v) => {
    const sink = new HeaderSink(16);
    sink.decimal(v);
    expect(sink.buf.toString('latin1', 0, sink.pos)).toBe(String(v));
  });
});
