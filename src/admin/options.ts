import type { OptionValues } from './command.ts';
import { usageError } from './errors.ts';

/** An integer option within bounds, or a usage error that says which. */
export function intOption(values: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const text = String(raw);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw usageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}").`);
  return value;
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** One of a fixed set, case-insensitive; the error lists the choices. */
export function choice<T extends string>(value: string, name: string, choices: readonly T[]): T {
  const found = choices.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!found) throw usageError(`${name} must be one of ${choices.join(', ')} (got "${value}").`);
  return found;
}
