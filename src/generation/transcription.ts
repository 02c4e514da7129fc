/**
 * Voice to text: an OpenAI-compatible `POST {baseUrl}/audio/transcriptions` (multipart: file, model,
 * response_format=json → `{"text": …}`). The transcript is handed back to the caller only; it is
 * stored, redacted and within the prompt-text window, when it is then used as a prompt.
 */
import { z } from 'zod';
import type { Config } from '../config.ts';
import { ProviderError } from './provider.ts';
import { parseResponse, requestJson, type HttpRetryOptions } from './providers/http-client.ts';

export interface Transcriber {
  readonly name: string;
  readonly model: string;
  transcribe(audio: { bytes: Uint8Array; mimeType: string }, signal?: AbortSignal): Promise<{ text: string }>;
}

const transcription = z.object({ text: z.string() });

const EXTENSIONS: Record<string, string> = { 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/wav': 'wav' };

export function createOpenAiTranscriber(options: { baseUrl: string; apiKey?: string | undefined; model: string; http: HttpRetryOptions; name?: string }): Transcriber {
  const name = options.name ?? 'openai';
  const url = `${options.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`;
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  return {
    name,
    model: options.model,
    async transcribe(audio, signal) {
      const form = new FormData();
      form.set('model', options.model);
      form.set('response_format', 'json');
      // The provider decides the format by the file name's extension (Telegram voice is OGG/Opus).
      form.set('file', new Blob([new Uint8Array(audio.bytes)], { type: audio.mimeType }), `voice.${EXTENSIONS[audio.mimeType] ?? 'ogg'}`);
      const raw = await requestJson(url, { ...options.http, method: 'POST', headers, body: form, signal });
      const text = parseResponse(transcription, raw, name).text.trim();
      if (text === '') throw new ProviderError('malformed_response', `${name} heard no words in the recording`);
      return { text };
    },
  };
}

/** TRANSCRIPTION_PROVIDER as configured; undefined for `none`. */
export function createTranscriber(config: Pick<Config['providers'], 'transcription' | 'http'>): Transcriber | undefined {
  const entry = config.transcription;
  if (!entry) return undefined;
  const http: HttpRetryOptions = {
    timeoutMs: config.http.timeoutMs, maxRetries: config.http.maxRetries, deadlineMs: config.http.deadlineMs, baseDelayMs: 500, maxDelayMs: 8_000,
  };
  return createOpenAiTranscriber({ baseUrl: entry.baseUrl, apiKey: entry.apiKey, model: entry.model, http });
}
