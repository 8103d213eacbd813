// The small vocabulary every object validator is written in. One Report is reused for every
// line of a file, so checking a valid line allocates nothing beyond what JSON.parse made.
import { exceedsBytes, exceedsRunes, runeLength, utf8Length } from './text.ts';

export type JsonObject = Record<string, unknown>;

/** Collects what is wrong with, or will be lost from, the line being checked. */
export class Report {
  line = 0;
  type = '';
  errorsOnLine = 0;

  constructor(
    private readonly onError: (line: number, type: string, field: string, message: string) => void,
    private readonly onWarning: (line: number, type: string, message: string) => void,
  ) {}

  begin(line: number, type: string): void {
    this.line = line;
    this.type = type;
    this.errorsOnLine = 0;
  }

  error(field: string, message: string): void {
    this.errorsOnLine++;
    this.onError(this.line, this.type, field, message);
  }

  warn(message: string): void {
    this.onWarning(this.line, this.type, message);
  }
}

/** Names a JSON value's type the way a person reading the file would. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an object field. Missing and null mean the same, as in Mattermost's importer. */
export function readObject(report: Report, parent: JsonObject, key: string, path: string, required: boolean): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) report.error(path, 'is required');
    return undefined;
  }
  if (!isObject(value)) {
    report.error(path, `must be an object, not ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function readArray(report: Report, parent: JsonObject, key: string, path: string, required = false): unknown[] | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) report.error(path, 'is required');
    return undefined;
  }
  if (!Array.isArray(value)) {
    report.error(path, `must be an array, not ${describe(value)}`);
    return undefined;
  }
  return value;
}

type StringRules = {
  required?: boolean;
  /** An empty string counts as missing. */
  nonEmpty?: boolean;
  maxBytes?: number;
  maxRunes?: number;
  oneOf?: readonly string[];
};

/** Reads a string field and checks the rules given; returns it only when it passed. */
export function readString(report: Report, parent: JsonObject, key: string, path: string, rules: StringRules = {}): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (rules.required) report.error(path, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    report.error(path, `must be a string, not ${describe(value)}`);
    return undefined;
  }
  if (rules.nonEmpty && value === '') {
    report.error(path, 'must not be empty');
    return undefined;
  }
  if (rules.maxBytes !== undefined && exceedsBytes(value, rules.maxBytes)) {
    report.error(path, `must be at most ${rules.maxBytes} bytes (it is ${utf8Length(value)})`);
    return undefined;
  }
  if (rules.maxRunes !== undefined && exceedsRunes(value, rules.maxRunes)) {
    report.error(path, `must be at most ${rules.maxRunes} characters (it is ${runeLength(value)})`);
    return undefined;
  }
  if (rules.oneOf !== undefined && !rules.oneOf.includes(value)) {
    report.error(path, `must be one of ${rules.oneOf.map((option) => JSON.stringify(option)).join(', ')}, not ${snippet(value)}`);
    return undefined;
  }
  return value;
}

export function readBoolean(report: Report, parent: JsonObject, key: string, path: string): boolean | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    report.error(path, `must be true or false, not ${describe(value)}`);
    return undefined;
  }
  return value;
}

/**
 * Reads an integer field. Go decodes these into int64; JavaScript numbers are exact only up
 * to 2^53, so larger values are refused rather than silently rounded.
 */
export function readInteger(report: Report, parent: JsonObject, key: string, path: string, required: boolean): number | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) report.error(path, 'is required');
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    report.error(path, `must be a whole number, not ${describe(value) === 'a number' ? String(value) : describe(value)}`);
    return undefined;
  }
  if (!Number.isSafeInteger(value)) {
    report.error(path, `must be between -(2^53-1) and 2^53-1 (it is ${value})`);
    return undefined;
  }
  return value;
}

/** Warns once per line about each field this service does not keep. */
export function warnUnstored(report: Report, value: JsonObject, path: string, stored: ReadonlySet<string>): void {
  for (const key in value) {
    if (!stored.has(key) && value[key] !== null && value[key] !== undefined) {
      report.warn(`${path}.${key} is not stored by this service and is left out on import`);
    }
  }
}

/** The start of a value, for messages. */
export function snippet(value: string, max = 40): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
