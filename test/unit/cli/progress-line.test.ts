import { ProgressLine } from '../../../src/cli/progress-line';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('ProgressLine', () => {
  it('draws a bar on a terminal and ends the line on stop', () => {
    const tty = fakeStream(true);
    const p = new ProgressLine(4, tty);
    p.tick();
    p.tick();
    p.stop();
    expect(tty.text).toMatch(/^\r\[#{15}\.{15}\] {2}50% 2\/4 \d+ msg\/s\x1b\[K\n$/);
    p.stop();
    expect(tty.text.match(/\n/g)).toHaveLength(1);
  });

  it('writes nothing to a pipe or for a single message', () => {
    const pipe = fakeStream(false);
    const p = new ProgressLine(10, pipe);
    p.tick();
    p.stop();
    const one = fakeStream(true);
    const q = new ProgressLine(1, one);
    q.tick();
    q.stop();
    expect(pipe.text + one.text).toBe('');
  });
});
