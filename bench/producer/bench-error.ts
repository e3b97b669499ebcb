import { RocketMQError, type RocketMQErrorOptions } from '../../src/errors';

/** A benchmark set-up or measurement failure (not a client error): a worker that died, a bad option, a build. */
export class BenchError extends RocketMQError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_BENCH', message, options);
  }
}
