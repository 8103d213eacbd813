// Argument checks beyond GraphQL's types: lengths, formats, ranges. A failure names the field.
import { z } from 'zod';
import { invalid } from './errors.ts';

export function parseInput<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.') || 'input';
  throw invalid(field, issue?.message ?? 'is not valid');
}

export const email = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').email('must be an email address');
export const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be 1 to 64 lower-case letters, digits and dashes, not starting or ending with a dash');
export const label = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const uuid = z.string().uuid('must be an id');
