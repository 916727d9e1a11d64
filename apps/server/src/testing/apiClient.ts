/** A thin client for the virtdeck API in tests and benchmarks: bearer token, JSON or XML bodies. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export function apiClient(baseUrl: string, token: string) {
  const call = async <T = unknown>(method: string, path: string, body?: { xml: string } | { json: unknown } | { raw: string; type: string }): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    let payload: string | undefined;
    if (body && 'xml' in body) {
      headers['Content-Type'] = 'application/xml';
      payload = body.xml;
    } else if (body && 'json' in body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['Content-Type'] = body.type;
      payload = body.raw;
    }
    const response = await fetch(new URL(path, baseUrl), { method, headers, body: payload, redirect: 'manual' });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
    return { status: response.status, body: (isJson ? JSON.parse(text) : text) as T, headers: response.headers };
  };
  return {
    call,
    get: <T = unknown>(path: string) => call<T>('GET', path),
    post: <T = unknown>(path: string, body?: Parameters<typeof call>[2]) => call<T>('POST', path, body),
    put: <T = unknown>(path: string, body?: Parameters<typeof call>[2]) => call<T>('PUT', path, body),
    delete: <T = unknown>(path: string) => call<T>('DELETE', path),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
