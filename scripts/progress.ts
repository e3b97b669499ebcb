/**
 * One progress line for long waits in scripts (jar resolution, broker boot, registration). On a terminal the
 * line is redrawn in place (cli-progress); on anything else (CI logs, files, pipes) it is printed once every
 * `nonTtyIntervalMs`. Normal lines go through unchanged, above the progress line.
 *
 * `scripts/rocketmq` marks its progress lines with an indent after its prefix ("[rocketmq]   still waiting ..."):
 * `line()` sends those to the progress line and everything else through as a message.
 */
import { SingleBar } from 'cli-progress';

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Interval of the repeated line when the stream is not a terminal (default 5000 ms). */
  nonTtyIntervalMs?: number;
}

export interface ProgressReporter {
  /** A line of harness output: a progress line updates the progress line, anything else is printed. */
  line(text: string): void;
  /** Starts the progress line, or changes its text. */
  progress(text: string): void;
  /** Prints a line (on a terminal, the progress line is cleared first and comes back with the next progress). */
  message(text: string): void;
  /** Ends the progress line. */
  done(): void;
}

const PROGRESS_LINE = /^\[rocketmq\] {3}(\S.*)$/;
/** The harness's own elapsed seconds in a progress line: "(12s)", "(12s; ...)" or "after 12s". */
const SECONDS = /(\(|after )(\d+)s\b/;

interface Payload {
  /** The text, `{s}` standing for the elapsed seconds. */
  template: string;
  /** Seconds the text said when it came, and when that was. */
  base: number;
  at: number;
}

function render(p: Payload): string {
  return p.template.replace('{s}', String(p.base + Math.floor((Date.now() - p.at) / 1000)));
}

export function createProgressReporter(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  let bar: SingleBar | undefined;

  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };

  const reporter: ProgressReporter = {
    progress(text) {
      // The elapsed time keeps counting between the harness's lines (it reports every few seconds).
      const m = SECONDS.exec(text);
      const payload: Payload = m
        ? { template: text.replace(SECONDS, `${m[1]}{s}s`), base: Number(m[2]), at: Date.now() }
        : { template: `${text} ({s}s)`, base: 0, at: Date.now() };
      if (bar) {
        bar.update(0, payload);
        return;
      }
      bar = new SingleBar({
        // cli-progress types the stream as NodeJS.WritableStream; it only calls write() and the readline cursor helpers
        stream: stream as unknown as NodeJS.WritableStream,
        format: (_opts, _params, p) => render(p as Payload),
        hideCursor: false,
        clearOnComplete: true,
        noTTYOutput: true,
        notTTYSchedule: options.nonTtyIntervalMs ?? 5000,
        fps: 2,
        linewrap: false,
        gracefulExit: false,
      });
      bar.start(1, 0, payload);
    },
    message(text) {
      stop();
      stream.write(`${text}\n`);
    },
    line(text) {
      const m = PROGRESS_LINE.exec(text);
      if (m) reporter.progress(`[rocketmq] ${m[1]}`);
      else reporter.message(text);
    },
    done: stop,
  };
  return reporter;
}
