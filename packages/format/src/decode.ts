// The streaming decoder and validator: bytes in, typed objects and errors out, a chunk at a time.
import { type ByteSource, type Gunzip, plainBytes } from './bytes.ts';
import { MAX_LINE_BYTES } from './limits.ts';
import { utf8Length } from './text.ts';
import type { BulkCounts, BulkError, BulkObject, BulkWarning } from './types.ts';
import { BulkValidator, type ValidatorListener } from './validator.ts';

export type DecodeOptions = {
  /** How to gunzip a gzipped source; the platform's DecompressionStream by default. */
  gunzip?: Gunzip;
  /** Longest line accepted, in UTF-8 bytes; Mattermost's 16 MiB by default. */
  maxLineBytes?: number;
};

export type DecodedObject = { line: number; object: BulkObject };

/** What one chunk of input held. Errors and warnings are in line order. */
export type DecodedBatch = { objects: DecodedObject[]; errors: BulkError[]; warnings: BulkWarning[] };

/**
 * Splits decoded text into lines and hands each to a validator. Holds at most one partial line,
 * and never more than `maxLineBytes` of it.
 */
class LineSplitter {
  private carry = '';
  private skipping = false;
  private line = 0;

  constructor(
    private readonly validator: BulkValidator,
    private readonly maxLineBytes: number,
    private readonly onObject: (line: number, object: BulkObject) => void,
  ) {}

  push(text: string): void {
    let start = 0;
    let newline = text.indexOf('\n');
    if (newline === -1) {
      this.extendCarry(text);
      return;
    }
    if (this.skipping) {
      this.skipping = false;
      this.carry = '';
    } else {
      this.emit(this.carry + text.slice(0, newline));
      this.carry = '';
    }
    start = newline + 1;
    newline = text.indexOf('\n', start);
    while (newline !== -1) {
      this.emit(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.extendCarry(text.slice(start));
  }

  end(): void {
    if (this.skipping) return;
    // A final line without a newline counts; the empty string after a final newline does not.
    if (this.carry.length > 0) this.emit(this.carry);
    this.carry = '';
  }

  private extendCarry(text: string): void {
    if (this.skipping || text.length === 0) return;
    this.carry += text;
    // A UTF-16 unit is at least one UTF-8 byte, so this many units is surely too long.
    if (this.carry.length > this.maxLineBytes) {
      this.line++;
      this.validator.lineTooLong(this.line, this.maxLineBytes);
      this.carry = '';
      this.skipping = true;
    }
  }

  private emit(raw: string): void {
    this.line++;
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (text.length * 3 > this.maxLineBytes && utf8Length(text) > this.maxLineBytes) {
      this.validator.lineTooLong(this.line, this.maxLineBytes);
      return;
    }
    const object = this.validator.acceptText(text, this.line);
    if (object !== undefined) this.onObject(this.line, object);
  }
}

/**
 * Decodes a plain or gzipped bulk file, yielding per chunk of input the valid stored objects,
 * the errors and the warnings found in it. Lines of types this service does not store are
 * checked and warned about, not yielded.
 */
export async function* decodeBulk(source: ByteSource, options: DecodeOptions = {}): AsyncGenerator<DecodedBatch, BulkCounts> {
  let batch: DecodedBatch = { objects: [], errors: [], warnings: [] };
  const ready: DecodedBatch[] = [];
  const listener: ValidatorListener = {
    error: (error) => batch.errors.push(error),
    warning: (warning) => batch.warnings.push(warning),
  };
  const flush = () => {
    if (batch.objects.length + batch.errors.length + batch.warnings.length === 0) return;
    ready.push(batch);
    batch = { objects: [], errors: [], warnings: [] };
  };
  // The validator runs inside `run`; batches are handed out between chunks.
  const iterator = runInSteps(source, options, listener, (line, object) => batch.objects.push({ line, object }), flush);
  for (;;) {
    const step = await iterator.next();
    flush();
    while (ready.length > 0) yield ready.shift() as DecodedBatch;
    if (step.done) return { ...step.value.counts };
  }
}

async function* runInSteps(
  source: ByteSource,
  options: DecodeOptions,
  listener: ValidatorListener,
  onObject: (line: number, object: BulkObject) => void,
  flush: () => void,
): AsyncGenerator<void, BulkValidator> {
  // ignoreBOM keeps a byte order mark in the text, so line 1 fails as it does in Mattermost.
  const validator = new BulkValidator(listener);
  const splitter = new LineSplitter(validator, options.maxLineBytes ?? MAX_LINE_BYTES, onObject);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const chunk of plainBytes(source, options.gunzip)) {
    splitter.push(decoder.decode(chunk, { stream: true }));
    flush();
    yield;
  }
  splitter.push(decoder.decode());
  splitter.end();
  validator.finish();
  return validator;
}

export type ValidateOptions = DecodeOptions & {
  /** Errors kept in the report; the rest are only counted. */
  maxErrors?: number;
  /** Warnings kept in the report; the rest are only counted. */
  maxWarnings?: number;
};

export type ValidationReport = {
  valid: boolean;
  /** The first `maxErrors` errors, in line order. */
  errors: BulkError[];
  /** The first `maxWarnings` warnings, in line order. */
  warnings: BulkWarning[];
  errorCount: number;
  warningCount: number;
  /** Valid objects of each stored type. */
  counts: BulkCounts;
  lines: number;
};

/** Validates a whole plain or gzipped file in constant memory. */
export async function validateBulk(source: ByteSource, options: ValidateOptions = {}): Promise<ValidationReport> {
  const maxErrors = options.maxErrors ?? 1000;
  const maxWarnings = options.maxWarnings ?? 1000;
  const errors: BulkError[] = [];
  const warnings: BulkWarning[] = [];
  let errorCount = 0;
  let warningCount = 0;
  const steps = runInSteps(
    source,
    options,
    {
      error(error) {
        if (errorCount++ < maxErrors) errors.push(error);
      },
      warning(warning) {
        if (warningCount++ < maxWarnings) warnings.push(warning);
      },
    },
    () => {},
    () => {},
  );
  let step = await steps.next();
  while (!step.done) step = await steps.next();
  const validator = step.value;
  return { valid: errorCount === 0, errors, warnings, errorCount, warningCount, counts: { ...validator.counts }, lines: validator.lines };
}
