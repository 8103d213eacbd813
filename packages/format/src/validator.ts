// Checks a file line by line: each line one JSON object, the version line first and once, the
// stored types in the seed's order, and each object against its own rules. Holds no state
// beyond a few counters, so memory does not grow with the file.
import { type JsonObject, Report, describe, isObject, readObject, snippet } from './check.ts';
import {
  validateBot,
  validateChannel,
  validateDirectChannel,
  validateDirectPost,
  validateEmoji,
  validatePost,
  validateRole,
  validateScheme,
  validateTeam,
  validateUser,
  validateVersion,
} from './objects.ts';
import type { BulkCounts, BulkError, BulkObject, BulkWarning, MattermostOnlyType } from './types.ts';
import { MATTERMOST_ONLY_TYPES } from './types.ts';

/** Position of each stored type in a file; a line may not follow one of a higher rank. */
const RANK = { version: 0, team: 1, channel: 2, user: 3, post: 4 } as const;
const RANKED = ['version', 'team', 'channel', 'user', 'post'] as const;
type StoredType = keyof typeof RANK;

const EXTRA_VALIDATORS: Record<MattermostOnlyType, (report: Report, payload: JsonObject) => void> = {
  scheme: validateScheme,
  role: (report, payload) => validateRole(report, payload),
  bot: validateBot,
  emoji: validateEmoji,
  direct_channel: validateDirectChannel,
  direct_post: validateDirectPost,
};

const STORED_VALIDATORS: Record<Exclude<StoredType, 'version'>, (report: Report, payload: JsonObject) => void> = {
  team: validateTeam,
  channel: validateChannel,
  user: validateUser,
  post: validatePost,
};

export type ValidatorListener = {
  error(error: BulkError): void;
  warning(warning: BulkWarning): void;
};

export class BulkValidator {
  readonly counts: BulkCounts = { team: 0, channel: 0, user: 0, post: 0 };
  /** Lines seen so far, blank ones included. */
  lines = 0;
  private readonly report: Report;
  private versionLine = 0;
  private highestRank = 0;
  private highestRankLine = 0;

  constructor(listener: ValidatorListener) {
    this.report = new Report(
      (line, type, field, message) => listener.error({ line, type, field, message }),
      (line, type, message) => listener.warning({ line, type, message }),
    );
  }

  /** Checks one line of text (without its newline); returns the object when it is valid and stored. */
  acceptText(text: string, line: number): BulkObject | undefined {
    this.lines = line;
    const report = this.report;
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) {
      report.begin(line, '');
      report.error('json', 'the line is empty; every line must hold exactly one JSON object');
      this.noteFirstLine(line, '');
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      report.begin(line, '');
      const reason = error instanceof Error ? error.message : String(error);
      const spread = text.trimStart().startsWith('{') && !text.trimEnd().endsWith('}');
      report.error('json', spread ? 'is not a complete JSON object (an object may not be spread over several lines)' : `is not valid JSON: ${reason}`);
      this.noteFirstLine(line, '');
      return undefined;
    }
    return this.acceptValue(value, line);
  }

  /** Checks one already parsed line. */
  acceptValue(value: unknown, line: number): BulkObject | undefined {
    this.lines = line;
    const report = this.report;
    if (!isObject(value)) {
      report.begin(line, '');
      report.error('json', `must be a JSON object, not ${describe(value)}`);
      this.noteFirstLine(line, '');
      return undefined;
    }
    const type = value['type'];
    if (typeof type !== 'string') {
      report.begin(line, '');
      report.error('type', type == null ? 'is required' : `must be a string, not ${describe(type)}`);
      this.noteFirstLine(line, '');
      return undefined;
    }
    report.begin(line, type);
    if (type === 'version') return this.acceptVersion(value, line);
    this.noteFirstLine(line, type);

    const rank = RANK[type as StoredType] as number | undefined;
    if (rank !== undefined) {
      if (rank < this.highestRank) {
        report.error('type', `${type} lines must come before ${RANKED.slice(rank + 1).join(', ')} lines, but line ${this.highestRankLine} is a ${RANKED[this.highestRank]}`);
      } else if (rank > this.highestRank) {
        this.highestRank = rank;
        this.highestRankLine = line;
      }
      const payload = readObject(report, value, type, type, true);
      if (payload) STORED_VALIDATORS[type as Exclude<StoredType, 'version'>](report, payload);
      if (report.errorsOnLine > 0) return undefined;
      this.counts[type as keyof BulkCounts]++;
      return value as BulkObject;
    }

    const extra = EXTRA_VALIDATORS[type as MattermostOnlyType] as ((report: Report, payload: JsonObject) => void) | undefined;
    if (extra !== undefined && Object.hasOwn(EXTRA_VALIDATORS, type)) {
      const payload = readObject(report, value, type, type, true);
      if (payload) extra(report, payload);
      if (report.errorsOnLine === 0) report.warn(`${type} lines are Mattermost data this service does not store; this line is left out on import`);
      return undefined;
    }
    report.error('type', `${snippet(type)} is not a line type; expected one of ${RANKED.join(', ')} (or Mattermost's ${MATTERMOST_ONLY_TYPES.join(', ')})`);
    return undefined;
  }

  /** Reports a line that is longer than any reader will take; its content is never held. */
  lineTooLong(line: number, maxBytes: number): void {
    this.lines = line;
    this.report.begin(line, '');
    this.report.error('json', `the line is longer than ${maxBytes} bytes, the most Mattermost reads`);
    this.noteFirstLine(line, '');
  }

  /** Call after the last line. */
  finish(): void {
    if (this.lines === 0) {
      this.report.begin(1, '');
      this.report.error('type', 'the file is empty; line 1 must be a version line such as {"type":"version","version":1}');
    }
  }

  private acceptVersion(value: JsonObject, line: number): BulkObject | undefined {
    const report = this.report;
    if (this.versionLine > 0) {
      report.error('type', `the version line may appear only once, and line ${this.versionLine} was one`);
      return undefined;
    }
    if (line !== 1) {
      report.error('type', 'the version line must be line 1');
      return undefined;
    }
    this.versionLine = line;
    validateVersion(report, value);
    return report.errorsOnLine > 0 ? undefined : (value as BulkObject);
  }

  private noteFirstLine(line: number, type: string): void {
    if (line === 1) {
      this.versionLine = -1;
      this.report.begin(1, type);
      this.report.error('type', 'line 1 must be the version line, such as {"type":"version","version":1}');
    }
  }
}
