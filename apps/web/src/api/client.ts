import type { ErrorBody, GuestSummary } from '@virtdeck/server/api';

/** An API failure, carrying the server's `{ code, message, diagnostics? }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, url: string, init: { body?: string; contentType?: string } = {}): Promise<T> {
  const response = await fetch(url, {
    method,
    body: init.body,
    headers: init.contentType ? { 'Content-Type': init.contentType } : undefined,
    credentials: 'same-origin',
  });
  const isJson = response.headers.get('content-type')?.includes('application/json');
  const payload: unknown = isJson ? await response.json() : await response.text();
  if (!response.ok) {
    const body = isJson ? (payload as ErrorBody) : { code: 'internal' as const, message: `${response.status} ${response.statusText}` };
    throw new ApiError(response.status, body);
  }
  return payload as T;
}

export type GuestAction = 'start' | 'destroy';

export const api = {
  listGuests: () => request<GuestSummary[]>('GET', '/api/domains'),
  guestXml: (name: string) => request<string>('GET', `/api/domains/${encodeURIComponent(name)}/xml`),
  act: (name: string, action: GuestAction) => request<GuestSummary>('POST', `/api/domains/${encodeURIComponent(name)}/${action}`),
};
