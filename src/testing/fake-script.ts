/**
 * Per-request-code faults for the fake: `fake.script(RequestCode.SEND_MESSAGE_V2, { times: 1, action:
 * { type: 'respond', code: 17 } })`. Rules are matched in the order they were added; a rule with
 * `times` retires after that many hits.
 */

/** What the fake does with a request a rule matched. */
export type ScriptAction =
  /** Handle normally, after `ms` milliseconds. */
  | { type: 'delay'; ms: number }
  /** Never answer (the client times out). */
  | { type: 'drop' }
  /** Answer with this response code (and remark) instead of handling. */
  | { type: 'respond'; code: number; remark?: string; extFields?: Record<string, string> }
  /** Answer GO_AWAY (1500), as a proxy that is shutting down. */
  | { type: 'goAway' }
  /** Close the connection without answering. */
  | { type: 'close' }
  /** Handle normally and write the same response twice. */
  | { type: 'twice' };

export interface ScriptRuleOptions {
  action: ScriptAction;
  /** How many matching requests the rule applies to; default every one. */
  times?: number;
  /** Only requests to this endpoint: `'namesrv'` or a broker name. Default any. */
  target?: string;
  /** Only requests whose topic (V1 `topic` or V2 `b` ext field) is this one. */
  topic?: string;
}

/** A rule in force; `remove()` retires it early. */
export interface ScriptRule {
  readonly code: number;
  readonly options: ScriptRuleOptions;
  /** Requests the rule has matched so far. */
  readonly hits: number;
  remove(): void;
}

interface Rule extends ScriptRule {
  hits: number;
  left: number;
}

export class FakeScript {
  private rules: Rule[] = [];

  add(code: number, options: ScriptRuleOptions): ScriptRule {
    if (options.times !== undefined && (!Number.isInteger(options.times) || options.times < 1)) {
      throw new RangeError(`script times must be a positive integer, got ${options.times}`);
    }
    const rule: Rule = {
      code,
      options,
      hits: 0,
      left: options.times ?? Infinity,
      remove: () => {
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
    this.rules.push(rule);
    return rule;
  }

  /** The action for one request, counting the hit; undefined when no rule matches. */
  take(code: number, target: string, topic: string | undefined): ScriptAction | undefined {
    for (const r of this.rules) {
      if (r.code !== code) continue;
      if (r.options.target !== undefined && r.options.target !== target) continue;
      if (r.options.topic !== undefined && r.options.topic !== topic) continue;
      r.hits++;
      if (--r.left <= 0) r.remove();
      return r.options.action;
    }
    return undefined;
  }

  clear(): void {
    this.rules = [];
  }
}
