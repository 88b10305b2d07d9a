import { AuthenticationError, OperationalError, UserError } from '../core/errors';

/** A minimal client of the SmartView HTTP API for CLI commands that act on a running server. */
export interface ClientOptions {
  url?: string;
  token?: string;
}

export class ApiClient {
  readonly base: string;
  private readonly token: string;

  constructor(opts: ClientOptions) {
    const token = opts.token ?? process.env.SMARTVIEW_TOKEN;
    if (!token) {
      throw new UserError('token_required', 'This command talks to a running server: give an API token with --token or SMARTVIEW_TOKEN (create one with: smartview tokens create --user <name> --name cli)');
    }
    this.token = token;
    this.base = (opts.url ?? process.env.SMARTVIEW_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  }

  async request(method: string, path: string, body?: { json?: unknown; text?: string; contentType?: string; headers?: Record<string, string> }): Promise<Response> {
    const headers: Record<string, string> = { ...body?.headers, authorization: `Bearer ${this.token}` };
    let payload: string | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.text !== undefined) {
      headers['content-type'] = body.contentType ?? 'text/plain';
      payload = body.text;
    }
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, body: payload });
    } catch (err) {
      throw new OperationalError('server_unreachable', `Cannot reach the SmartView server at ${this.base} (${(err as Error).cause ? String((err as { cause: Error }).cause.message) : (err as Error).message}). Is it running? Set --url or SMARTVIEW_URL.`);
    }
    if (res.ok) return res;
    let code = 'http_error';
    let message = `${res.status} ${res.statusText}`;
    let details: Record<string, unknown> | undefined;
    try {
      const b = (await res.json()) as { error?: { code: string; message: string; details?: Record<string, unknown> } };
      if (b.error) ({ code, message, details } = b.error);
    } catch (err) {
      message += ` (the body was not the error format: ${(err as Error).message})`;
    }
    if (res.status === 401) throw new AuthenticationError(`${message} (check the API token)`, code);
    throw new UserError(code, message, details, res.status);
  }

  async json<T>(method: string, path: string, body?: { json?: unknown; text?: string; contentType?: string; headers?: Record<string, string> }): Promise<T> {
    const res = await this.request(method, path, body);
    return (await res.json()) as T;
  }
}
