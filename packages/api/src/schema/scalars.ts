import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.ts';

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC (2026-11-22T09:30:00.000Z).',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string such as 2026-11-22T09:30:00Z', { extensions: { code: 'VALIDATION_FAILED' } });
    return date;
  },
  parseLiteral: (node) => {
    const date = node.kind === Kind.STRING ? new Date(node.value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string such as 2026-11-22T09:30:00Z', { extensions: { code: 'VALIDATION_FAILED' } });
    return date;
  },
});

builder.scalarType('SafeInt', {
  description: 'A whole number up to 2^53 - 1 (counts and byte sizes), sent as a JSON number.',
  serialize: (value) => {
    const number = typeof value === 'bigint' ? Number(value) : value;
    if (!Number.isSafeInteger(number)) throw new Error(`SafeInt out of range: ${String(value)}`);
    return number;
  },
  parseValue: (value) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new GraphQLError('SafeInt must be a whole number', { extensions: { code: 'VALIDATION_FAILED' } });
    return value;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
