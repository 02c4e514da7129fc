/**
 * Scripted faults for the OpenAI fake (fake-openai.ts): responders a test installs with
 * `respondWith`, each imitating one way a real provider goes wrong.
 */
import type { ServerResponse } from 'node:http';
import { defaultResponder, json, type RecordedRequest, type Responder } from './fake-openai.ts';

export const IMAGE_PATH = '/v1/images/generations';
export const CHAT_PATH = '/v1/chat/completions';

/** Never answers: the request stays open until the client gives up (or the fake closes). */
export const hang: Responder = () => undefined;

/** `status` the first `failures` times (all calls when `failures` is Infinity), then `then`. */
export function failTimes(failures: number, options: { status?: number; retryAfter?: string; then?: Responder } = {}): Responder {
  let served = 0;
  return (request, response) => {
    served += 1;
    if (served > failures) return (options.then ?? defaultResponder)(request, response);
    json(response, options.status ?? 503, { error: { message: 'upstream overloaded', type: 'server_error' } }, options.retryAfter !== undefined ? { 'retry-after': options.retryAfter } : {});
  };
}

/** Sends the status line and half a JSON body, then kills the TCP connection. */
export const resetMidResponse: Responder = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
  response.write('{"created":1,"data":[{"b64_json":"iVBORw0KGgo');
  // Flushed first, so the client has started reading a body when the connection dies.
  setTimeout(() => response.socket?.destroy(), 20);
};

/** Kills the connection before any byte of a response. */
export const resetBeforeResponse: Responder = (_request, response) => {
  response.socket?.destroy();
};

export type Garbage = 'not-json' | 'truncated-json' | 'wrong-shape' | 'html-200' | 'empty-200';

/** A 200 whose body is not what the OpenAI API sends. */
export function garbage(kind: Garbage): Responder {
  return (_request, response) => {
    switch (kind) {
      case 'not-json':
        return send(response, 200, 'application/json', 'OK, working on it');
      case 'truncated-json':
        return send(response, 200, 'application/json', '{"created":1,"data":[{"b64_json":"iVBOR');
      case 'wrong-shape':
        return json(response, 200, { result: { image: 'somewhere' }, choices: 'none' });
      case 'html-200':
        return send(response, 200, 'text/html', '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
      case 'empty-200':
        return send(response, 200, 'application/json', '');
    }
  };
}

/** What a load balancer sends when the provider behind it is down. */
export function htmlErrorPage(status = 502): Responder {
  return (_request, response) => send(response, status, 'text/html', `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`);
}

/** A valid answer dripped one byte every `intervalMs`: headers at once, body far slower than any timeout. */
export function slowDrip(intervalMs = 100): Responder {
  return (_request, response) => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'eventually' }, finish_reason: 'stop' }] });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    let offset = 0;
    const timer = setInterval(() => {
      if (offset >= body.length) {
        clearInterval(timer);
        response.end();
        return;
      }
      response.write(body[offset]);
      offset += 1;
    }, intervalMs);
    response.on('close', () => clearInterval(timer));
  };
}

/** Applies `fault` to one endpoint and answers the others normally. */
export function onPath(path: string, fault: Responder, otherwise: Responder = defaultResponder): Responder {
  return (request: RecordedRequest, response: ServerResponse) => (request.path === path ? fault : otherwise)(request, response);
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
}
