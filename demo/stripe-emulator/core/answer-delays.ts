/** Which API answers a delay applies to. */
export interface AnswerDelayRule {
  /** `GET`, `POST` or `DELETE`; any method when left out. */
  method?: string;
  /** The request path, e.g. `/v1/subscriptions/sub_123`; a string matches as a prefix. */
  path: string | RegExp;
  /** How many matching answers to delay; 1 by default. */
  count?: number;
  /** Send each delayed answer after this many ms; without it, only `release()` sends them. */
  ms?: number;
}

/** The answers one rule delays, as a test steers them. */
export interface DelayedAnswers {
  /** Resolves once the first matching answer is ready (Stripe has done the work) and held. */
  readonly reached: Promise<void>;
  /** Sends every answer held so far at once and stops delaying. */
  release(): void;
}

interface Rule {
  method: string | undefined;
  path: string | RegExp;
  left: number;
  ms: number | undefined;
  held: Set<() => void>;
  reached: () => void;
}

/**
 * Holds chosen answers after the request was carried out and before they are sent: the way a
 * slow network makes a read that Stripe served early arrive late. Tests use it to make two
 * requests finish in the order they need, without mocking the client.
 */
export class AnswerDelays {
  readonly #rules: Rule[] = [];

  add(rule: AnswerDelayRule): DelayedAnswers {
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const entry: Rule = {
      method: rule.method?.toUpperCase(),
      path: rule.path,
      left: rule.count ?? 1,
      ms: rule.ms,
      held: new Set(),
      reached,
    };
    this.#rules.push(entry);
    return {
      reached: reachedPromise,
      release: () => {
        this.#drop(entry);
        for (const send of [...entry.held]) send();
      },
    };
  }

  /** Resolves when the answer to this request may be sent (at once when no rule matches). */
  before(method: string, path: string): Promise<void> {
    const rule = this.#rules.find(
      (r) =>
        r.left > 0 &&
        (r.method === undefined || r.method === method) &&
        (typeof r.path === 'string' ? path.startsWith(r.path) : r.path.test(path)),
    );
    if (!rule) return Promise.resolve();
    rule.left -= 1;
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const send = (): void => {
        if (timer) clearTimeout(timer);
        rule.held.delete(send);
        if (rule.left <= 0 && rule.held.size === 0) this.#drop(rule);
        resolve();
      };
      rule.held.add(send);
      if (rule.ms !== undefined) timer = setTimeout(send, rule.ms);
      rule.reached();
    });
  }

  /** Sends everything held and forgets every rule. */
  clear(): void {
    for (const rule of this.#rules.splice(0)) for (const send of [...rule.held]) send();
  }

  #drop(rule: Rule): void {
    const index = this.#rules.indexOf(rule);
    if (index >= 0) this.#rules.splice(index, 1);
  }
}
