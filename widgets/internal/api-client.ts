/** A problem+json body as the server sends it (RFC 9457 with a stable `code`). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/**
 * An API failure the widgets can branch on. `code` is the server's problem code, or
 * `network_error` when no answer came back at all, or `http_error` for a non-problem answer.
 */
export class LxApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(code: string, status: number, message: string, problem?: Problem) {
    super(message);
    this.name = 'LxApiError';
    this.code = code;
    this.status = status;
    this.problem = problem;
  }

  get requestId(): string | undefined {
    return this.problem?.requestId;
  }
}

export type TokenSource =
  string | (() => string | undefined | Promise<string | undefined>) | undefined;

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Talks to the Liberation Kit API with the license's publishable key and the learner token. */
export class ApiClient {
  constructor(
    readonly base: string,
    readonly license: string,
    readonly token: TokenSource = undefined,
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(
      path.replace(/^\//, ''),
      this.base.endsWith('/') ? this.base : this.base + '/',
    );
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Liberation-Key': this.license,
      ...options.headers,
    };
    const token = typeof this.token === 'function' ? await this.token() : this.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? null,
        credentials: 'omit',
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new LxApiError('network_error', 0, 'The server could not be reached.');
    }
    if (response.ok) {
      return (response.status === 204 ? undefined : await response.json()) as T;
    }
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('application/problem+json')) {
      const problem = (await response.json()) as Problem;
      return Promise.reject(
        new LxApiError(
          problem.code,
          response.status,
          problem.detail ?? problem.title ?? problem.code,
          problem,
        ),
      );
    }
    throw new LxApiError('http_error', response.status, `Unexpected HTTP ${response.status}.`);
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
}
