// Property: whatever valid objects go through the encoder come back from the decoder unchanged,
// and whatever the encoder writes validates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BulkObject, collectBytes, decodeBulk, encodeBulk, validateBulk } from './index.ts';

const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const alnum = (min: number, max: number) => fc.string({ unit: nameChars, minLength: min, maxLength: max });
const teamName = fc.tuple(alnum(1, 20), fc.option(fc.constant('-x'), { nil: '' })).map(([head, tail]) => `z${head}${tail}9`);
const channelName = alnum(1, 40);
const username = fc.tuple(alnum(1, 20), fc.constantFrom('', '.', '_', '-')).map(([name, sep]) => `u${name}${sep}1`);
const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Drops undefined fields, which JSON leaves out too. */
function clean<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const team = fc.record({ name: teamName, display_name: text(20).filter((value) => value.length > 0), type: fc.constantFrom('O', 'I'), description: optional(fc.string({ maxLength: 60 })), allow_open_invite: optional(fc.boolean()) });
const channel = fc.record({ team: teamName, name: channelName, display_name: optional(text(30)), type: fc.constantFrom('O', 'P'), header: optional(text(100)), purpose: optional(text(100)) });
const notifyLevel = fc.constantFrom('default', 'all', 'mention', 'none');
const user = fc.record({
  username,
  email: fc.tuple(username, alnum(1, 10)).map(([local, domain]) => `${local}@${domain}.example`),
  nickname: optional(text(30)),
  first_name: optional(text(30)),
  last_name: optional(text(30)),
  position: optional(text(60)),
  roles: optional(fc.constantFrom('system_user', 'system_admin system_user')),
  locale: optional(fc.constantFrom('en', 'de', 'pt-BR')),
  teams: optional(
    fc.array(
      fc.record({
        name: teamName,
        roles: optional(fc.constantFrom('team_user', 'team_user team_admin')),
        channels: optional(fc.array(fc.record({ name: channelName, roles: optional(fc.constant('channel_user')), notify_props: optional(fc.record({ desktop: notifyLevel, mobile: notifyLevel, mark_unread: fc.constantFrom('all', 'mention') })) }), { maxLength: 3 })),
      }),
      { maxLength: 3 },
    ),
  ),
});
const post = fc.record({ team: teamName, channel: channelName, user: username, message: fc.string({ unit: 'binary', maxLength: 300 }), create_at: fc.integer({ min: 1, max: 2 ** 45 }) });

const file = fc
  .tuple(fc.array(team, { maxLength: 4 }), fc.array(channel, { maxLength: 4 }), fc.array(user, { maxLength: 4 }), fc.array(post, { maxLength: 8 }))
  .map(([teams, channels, users, posts]) =>
    clean<BulkObject[]>([
      { type: 'version', version: 1 },
      ...teams.map((value) => ({ type: 'team' as const, team: value })),
      ...channels.map((value) => ({ type: 'channel' as const, channel: value })),
      ...users.map((value) => ({ type: 'user' as const, user: value })),
      ...posts.map((value) => ({ type: 'post' as const, post: value })),
    ]),
  );

describe('round trip', () => {
  it('decodes what it encodes, plain and gzipped, and it validates', async () => {
    await fc.assert(
      fc.asyncProperty(file, fc.boolean(), fc.integer({ min: 1, max: 4096 }), async (objects, gzip, chunkBytes) => {
        const bytes = await collectBytes(encodeBulk(objects, { gzip, chunkBytes }));
        const back: BulkObject[] = [];
        for await (const batch of decodeBulk([bytes])) {
          expect(batch.errors).toEqual([]);
          back.push(...batch.objects.map((entry) => entry.object));
        }
        expect(back).toEqual(objects);
        const report = await validateBulk([bytes]);
        expect(report.valid).toBe(true);
        expect(report.counts.post).toBe(objects.filter((object) => object.type === 'post').length);
      }),
      { numRuns: 150 },
    );
  });
});
