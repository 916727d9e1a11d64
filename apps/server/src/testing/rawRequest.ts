import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request exactly as given: the path unnormalized (fetch and browsers resolve `..`
 * and re-encode), any Host header, any headers a browser would send (Origin, Sec-Fetch-*).
 */
export function rawRequest(baseUrl: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(baseUrl), { method: options.method ?? 'GET', path: options.path, headers: options.headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
