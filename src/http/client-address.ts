/**
 * The address a request came from: the socket's peer, or with `trustProxyHops` = n (n reverse
 * proxies in front, each appending to X-Forwarded-For) the n-th address from the right of that
 * header, which the nearest trusted proxy wrote. Entries left of it are the client's own claims.
 */
export function clientAddress(request: Request, serverContext: unknown, trustProxyHops: number): string | null {
  if (trustProxyHops > 0) {
    const forwarded = (request.headers.get('x-forwarded-for') ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
    const entry = forwarded[forwarded.length - trustProxyHops];
    if (entry) return entry;
  }
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req;
  return req?.socket?.remoteAddress ?? null;
}
