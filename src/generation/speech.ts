/**
 * Text to speech for spoken replies: an OpenAI-compatible `POST {baseUrl}/audio/speech` (JSON: model,
 * input, voice, response_format=opus) answering the audio bytes, OGG/Opus, which Telegram plays
 * as a voice message. Off unless SPEECH_PROVIDER is set.
 */
import type { Config } from '../config.ts';
import { sniffMedia } from '../media/sniff.ts';
import { ProviderError } from './provider.ts';
import { request, type HttpRetryOptions } from './providers/http-client.ts';

export interface SpeechSynthesizer {
  readonly name: string;
  readonly model: string;
  /** The longest input the provider takes (OpenAI: 4096 characters). */
  readonly maxInput: number;
  speak(text: string, signal?: AbortSignal): Promise<{ bytes: Uint8Array; mimeType: string }>;
}

export function createOpenAiSpeech(options: { baseUrl: string; apiKey?: string | undefined; model: string; voice: string; http: HttpRetryOptions; name?: string }): SpeechSynthesizer {
  const name = options.name ?? 'openai';
  const url = `${options.baseUrl.replace(/\/+$/, '')}/audio/speech`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'audio/ogg, audio/*', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) };
  return {
    name,
    model: options.model,
    maxInput: 4096,
    async speak(text, signal) {
      const body = JSON.stringify({ model: options.model, input: text, voice: options.voice, response_format: 'opus' });
      const answer = await request(url, { ...options.http, method: 'POST', headers, body, signal });
      // Whatever the headers say, only an Ogg recording can go to Telegram as a voice message.
      const sniffed = sniffMedia(answer.bytes);
      if (sniffed?.mimeType !== 'audio/ogg') throw new ProviderError('malformed_response', `${name} answered /audio/speech with something that is not Ogg audio`);
      return { bytes: answer.bytes, mimeType: 'audio/ogg' };
    },
  };
}

/** SPEECH_PROVIDER as configured; undefined for `none` (the default: no spoken replies). */
export function createSpeech(config: Pick<Config['providers'], 'speech' | 'http'>): SpeechSynthesizer | undefined {
  const entry = config.speech;
  if (!entry) return undefined;
  const http: HttpRetryOptions = {
    timeoutMs: config.http.timeoutMs, maxRetries: config.http.maxRetries, deadlineMs: config.http.deadlineMs, baseDelayMs: 500, maxDelayMs: 8_000,
  };
  return createOpenAiSpeech({ baseUrl: entry.baseUrl, apiKey: entry.apiKey, model: entry.model, voice: entry.voice, http });
}
