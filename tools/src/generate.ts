// Fills one org with generated teams, channels, users, memberships and posts, through COPY, so
// a million posts take seconds, not minutes. Names follow the bulk format's rules, so whatever
// this writes exports to a valid file.
import { createHash, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type GenerateOptions = {
  slug: string;
  name?: string;
  teams: number;
  channels: number;
  users: number;
  posts: number;
  /** Same seed, same data (ids aside). */
  seed?: number;
  /** Delete an org with this slug first. Without it an existing org is an error. */
  replace?: boolean;
  onProgress?: (message: string) => void;
};

export type GenerateResult = { orgId: string; teams: number; channels: number; users: number; teamMembers: number; channelMembers: number; posts: number };

/** A small, fast, seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['budget', 'meeting', 'agenda', 'volunteers', 'newsletter', 'event', 'minutes', 'report', 'chapter', 'region', 'thanks', 'schedule', 'draft', 'review', 'café', 'naïve', 'Zürich', '東京', 'Ἀθῆναι', '🎉', '👍', 'ok'];
const FIRST = ['Ana', 'Björn', 'Chloé', 'Dmitri', 'Eun-ji', 'Femi', 'Gita', 'Hugo', 'Inés', 'Jun', 'Kofi', 'Lena', 'Mateo', 'Nia', 'Omar', 'Priya'];
const LAST = ['Silva', 'Okafor', 'Müller', 'Kowalski', 'Nakamura', 'García', 'Haddad', 'Ivanova', 'Dubois', 'Chen', "O'Neil", 'Novak'];
const NOTIFY = [null, { desktop: 'default', mobile: 'default', mark_unread: 'all' }, { desktop: 'mention', mobile: 'none', mark_unread: 'mention' }, { desktop: 'all', mobile: 'mention', mark_unread: 'all' }];

/** Escapes a value for COPY's text format. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (char) => (char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r'));
}

async function copyRows(client: pg.PoolClient | pg.Client, sql: string, rows: Iterable<string>): Promise<void> {
  async function* chunks() {
    let pending = '';
    for (const row of rows) {
      pending += row;
      if (pending.length > 256 * 1024) {
        yield pending;
        pending = '';
      }
    }
    if (pending) yield pending;
  }
  await pipeline(chunks, client.query(copyFrom(sql)));
}

export async function generateOrg(client: pg.PoolClient | pg.Client, options: GenerateOptions): Promise<GenerateResult> {
  const next = random(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const say = options.onProgress ?? (() => {});
  const existing = await client.query<{ id: string }>('SELECT id FROM org WHERE slug = $1', [options.slug]);
  if (existing.rows[0]) {
    if (!options.replace) throw new Error(`an org with slug "${options.slug}" exists; pass --replace to generate it again`);
    say(`deleting org ${options.slug}`);
    await client.query('DELETE FROM org WHERE id = $1', [existing.rows[0].id]);
  }
  const orgId = randomUUID();
  await client.query('INSERT INTO org (id, slug, name) VALUES ($1, $2, $3)', [orgId, options.slug, options.name ?? options.slug]);

  const teamIds: string[] = [];
  const teamRows: string[] = [];
  for (let index = 0; index < options.teams; index++) {
    const id = randomUUID();
    teamIds.push(id);
    const name = `team-${String(index + 1).padStart(3, '0')}`;
    teamRows.push(`${id}\t${orgId}\t${name}\t${copyText(`Team ${index + 1} ${pick(WORDS)}`)}\t${index % 3 === 2 ? 'I' : 'O'}\t${copyText(index % 2 ? `About ${pick(WORDS)}` : null)}\t${index % 2 ? 't' : '\\N'}\n`);
  }
  await copyRows(client, 'COPY team (id, org_id, name, display_name, type, description, allow_open_invite) FROM STDIN', teamRows);

  // Channels go round-robin over teams; each remembers its team.
  const channels: { id: string; team: number }[] = [];
  const channelRows: string[] = [];
  for (let index = 0; index < options.channels; index++) {
    const id = randomUUID();
    const team = index % Math.max(1, options.teams);
    channels.push({ id, team });
    const name = index < options.teams ? 'town-square' : `channel-${index + 1}`;
    channelRows.push(`${id}\t${orgId}\t${teamIds[team]}\t${name}\t${copyText(`${pick(WORDS)} ${index + 1}`)}\t${index % 4 === 3 ? 'P' : 'O'}\t${copyText(index % 2 ? `Header: ${pick(WORDS)} ☕` : null)}\t${copyText(index % 3 ? null : `Purpose ${pick(WORDS)}`)}\n`);
  }
  await copyRows(client, 'COPY channel (id, org_id, team_id, name, display_name, type, header, purpose) FROM STDIN', channelRows);
  const channelsByTeam = teamIds.map((_, team) => channels.filter((channel) => channel.team === team));
  say(`${options.teams} teams, ${options.channels} channels`);

  const userIds: string[] = [];
  const userRows: string[] = [];
  const teamMemberRows: string[] = [];
  const channelMemberRows: string[] = [];
  /** For each user, the channels they may post in. */
  const userChannels: string[][] = [];
  for (let index = 0; index < options.users; index++) {
    const id = randomUUID();
    userIds.push(id);
    const first = pick(FIRST);
    const last = pick(LAST);
    const username = `user${String(index + 1).padStart(5, '0')}`;
    const roles = index === 0 ? 'system_admin system_user' : 'system_user';
    userRows.push(`${id}\t${orgId}\t${username}\t${username}@example.org\t${copyText(first)}\t${copyText(last)}\t${copyText(index % 5 ? null : `${pick(WORDS)} lead`)}\t${roles}\t${index % 7 ? 'en' : 'pt-BR'}\n`);
    const mine: string[] = [];
    if (teamIds.length > 0) {
      const teamCount = 1 + Math.floor(next() * Math.min(3, teamIds.length));
      const first = Math.floor(next() * teamIds.length);
      for (let offset = 0; offset < teamCount; offset++) {
        const team = (first + offset) % teamIds.length;
        teamMemberRows.push(`${teamIds[team]}\t${id}\t${orgId}\t${index % 50 === 0 ? 'team_user team_admin' : 'team_user'}\n`);
        const available = channelsByTeam[team] ?? [];
        const joined = Math.min(available.length, 1 + Math.floor(next() * 4));
        const start = Math.floor(next() * available.length);
        for (let c = 0; c < joined; c++) {
          const channel = available[(start + c) % available.length]!;
          mine.push(channel.id);
          const notify = pick(NOTIFY);
          channelMemberRows.push(`${channel.id}\t${id}\t${orgId}\tchannel_user\t${notify ? copyText(JSON.stringify(notify)) : '\\N'}\n`);
        }
      }
    }
    userChannels.push(mine);
  }
  await copyRows(client, 'COPY chat_user (id, org_id, username, email, first_name, last_name, position, roles, locale) FROM STDIN', userRows);
  await copyRows(client, 'COPY team_member (team_id, user_id, org_id, roles) FROM STDIN', teamMemberRows);
  await copyRows(client, 'COPY channel_member (channel_id, user_id, org_id, roles, notify_props) FROM STDIN', channelMemberRows);
  say(`${options.users} users, ${teamMemberRows.length} team and ${channelMemberRows.length} channel memberships`);

  const posters = userIds.map((id, index) => ({ id, channels: userChannels[index] ?? [] })).filter((user) => user.channels.length > 0);
  let posts = 0;
  if (options.posts > 0 && posters.length === 0) throw new Error('posts need at least one user in a channel (give --teams, --channels and --users)');
  const start = Date.UTC(2024, 0, 1);
  function* postRows(): Generator<string> {
    for (let index = 0; index < options.posts; index++) {
      const user = posters[Math.floor(next() * posters.length)]!;
      const channel = user.channels[Math.floor(next() * user.channels.length)]!;
      const words = 3 + Math.floor(next() * 25);
      let message = pick(WORDS);
      for (let w = 1; w < words; w++) message += ` ${pick(WORDS)}`;
      if (index % 97 === 0) message += '\nsecond line\twith a tab';
      const hash = createHash('sha256').update(message).digest('hex');
      // Distinct per post, so (channel, create_at, message) never collides.
      const createAt = start + index * 1000 + Math.floor(next() * 1000);
      posts++;
      if (posts % 200_000 === 0) say(`${posts} posts`);
      yield `${orgId}\t${channel}\t${user.id}\t${copyText(message)}\t\\\\x${hash}\t${createAt}\n`;
    }
  }
  await copyRows(client, 'COPY post (org_id, channel_id, user_id, message, message_hash, create_at) FROM STDIN', postRows());
  await client.query('ANALYZE team, channel, chat_user, team_member, channel_member, post');
  return { orgId, teams: options.teams, channels: options.channels, users: options.users, teamMembers: teamMemberRows.length, channelMembers: channelMemberRows.length, posts };
}
