// Every rule of the format, each with a line that passes and one that fails.
import { describe, expect, it } from 'vitest';
import { type BulkError, validateBulk } from './index.ts';

const VERSION = { type: 'version', version: 1 };
const TEAM = { name: 'team-a', display_name: 'Team A', type: 'O', description: 'The first', allow_open_invite: true };
const CHANNEL = { team: 'team-a', name: 'town-square', display_name: 'Town Square', type: 'O', header: 'h', purpose: 'p' };
const USER = {
  username: 'alice.b',
  email: 'alice@example.com',
  nickname: 'Al',
  roles: 'system_user',
  locale: 'en',
  teams: [{ name: 'team-a', roles: 'team_user team_admin', channels: [{ name: 'town-square', roles: 'channel_user', notify_props: { desktop: 'all', mobile: 'default', mark_unread: 'mention' } }] }],
};
const POST = { team: 'team-a', channel: 'town-square', user: 'alice.b', message: 'hello', create_at: 1_700_000_000_000 };

const text = (lines: unknown[]) => lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';

async function check(lines: unknown[]) {
  return validateBulk([new TextEncoder().encode(text(lines))]);
}

/** Validates a file of the version line and `line`, returning the errors. */
async function errorsOf(line: unknown): Promise<BulkError[]> {
  return (await check([VERSION, line])).errors;
}

type Case = { rule: string; type: 'team' | 'channel' | 'user' | 'post'; good: Record<string, unknown>; bad: Record<string, unknown>; field: string; message?: RegExp };

const set = (base: Record<string, unknown>, patch: Record<string, unknown>) => ({ ...base, ...patch });
const without = (base: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key));

const cases: Case[] = [
  { rule: 'team name is required', type: 'team', good: TEAM, bad: without(TEAM, 'name'), field: 'team.name', message: /required/ },
  { rule: 'team name at most 64 bytes', type: 'team', good: set(TEAM, { name: 'a'.repeat(64) }), bad: set(TEAM, { name: 'a'.repeat(65) }), field: 'team.name', message: /64 bytes/ },
  { rule: 'team name format', type: 'team', good: set(TEAM, { name: 'TeamA' }), bad: set(TEAM, { name: 'team a' }), field: 'team.name', message: /not a valid team name/ },
  { rule: 'team name at least 2 characters', type: 'team', good: set(TEAM, { name: 'ab' }), bad: set(TEAM, { name: 'a' }), field: 'team.name' },
  { rule: 'team name has no leading dash', type: 'team', good: set(TEAM, { name: 'a-b' }), bad: set(TEAM, { name: '-ab' }), field: 'team.name' },
  { rule: 'team name not a reserved prefix', type: 'team', good: set(TEAM, { name: 'myadmin' }), bad: set(TEAM, { name: 'admins' }), field: 'team.name', message: /reserved word "admin"/ },
  { rule: 'team display name required', type: 'team', good: TEAM, bad: without(TEAM, 'display_name'), field: 'team.display_name' },
  { rule: 'team display name not empty', type: 'team', good: TEAM, bad: set(TEAM, { display_name: '' }), field: 'team.display_name' },
  { rule: 'team display name at most 64 characters', type: 'team', good: set(TEAM, { display_name: 'é'.repeat(64) }), bad: set(TEAM, { display_name: 'é'.repeat(65) }), field: 'team.display_name' },
  { rule: 'team type O or I', type: 'team', good: set(TEAM, { type: 'I' }), bad: set(TEAM, { type: 'P' }), field: 'team.type', message: /"O", "I"/ },
  { rule: 'team type required', type: 'team', good: TEAM, bad: without(TEAM, 'type'), field: 'team.type' },
  { rule: 'team description at most 255 bytes', type: 'team', good: set(TEAM, { description: 'x'.repeat(255) }), bad: set(TEAM, { description: 'é'.repeat(128) }), field: 'team.description', message: /255 bytes/ },
  { rule: 'team allow_open_invite is a boolean', type: 'team', good: set(TEAM, { allow_open_invite: false }), bad: set(TEAM, { allow_open_invite: 'yes' }), field: 'team.allow_open_invite' },
  { rule: 'team scheme name', type: 'team', good: set(TEAM, { scheme: 'my_scheme' }), bad: set(TEAM, { scheme: 'My Scheme' }), field: 'team.scheme' },
  { rule: 'team fields are strings', type: 'team', good: TEAM, bad: set(TEAM, { name: 12 }), field: 'team.name', message: /must be a string, not a number/ },

  { rule: 'channel team required', type: 'channel', good: CHANNEL, bad: without(CHANNEL, 'team'), field: 'channel.team' },
  { rule: 'channel name required', type: 'channel', good: CHANNEL, bad: without(CHANNEL, 'name'), field: 'channel.name' },
  { rule: 'channel name at most 64 bytes', type: 'channel', good: set(CHANNEL, { name: 'c'.repeat(64) }), bad: set(CHANNEL, { name: 'c'.repeat(65) }), field: 'channel.name' },
  { rule: 'channel name format', type: 'channel', good: set(CHANNEL, { name: 'Off_Topic-2' }), bad: set(CHANNEL, { name: '_off' }), field: 'channel.name', message: /not a valid channel name/ },
  { rule: 'channel display name optional, at most 64 characters', type: 'channel', good: without(CHANNEL, 'display_name'), bad: set(CHANNEL, { display_name: 'x'.repeat(65) }), field: 'channel.display_name' },
  { rule: 'channel type O or P', type: 'channel', good: set(CHANNEL, { type: 'P' }), bad: set(CHANNEL, { type: 'D' }), field: 'channel.type' },
  { rule: 'channel type required', type: 'channel', good: CHANNEL, bad: without(CHANNEL, 'type'), field: 'channel.type' },
  { rule: 'channel header at most 1024 characters', type: 'channel', good: set(CHANNEL, { header: '😀'.repeat(1024) }), bad: set(CHANNEL, { header: 'x'.repeat(1025) }), field: 'channel.header' },
  { rule: 'channel purpose at most 250 characters', type: 'channel', good: set(CHANNEL, { purpose: 'x'.repeat(250) }), bad: set(CHANNEL, { purpose: 'x'.repeat(251) }), field: 'channel.purpose' },

  { rule: 'username required', type: 'user', good: USER, bad: without(USER, 'username'), field: 'user.username' },
  { rule: 'username format', type: 'user', good: set(USER, { username: 'Bob_2.x-y' }), bad: set(USER, { username: 'bob smith' }), field: 'user.username', message: /not a valid username/ },
  { rule: 'username at most 64 bytes', type: 'user', good: set(USER, { username: 'u'.repeat(64) }), bad: set(USER, { username: 'u'.repeat(65) }), field: 'user.username' },
  { rule: 'username not reserved', type: 'user', good: set(USER, { username: 'channels' }), bad: set(USER, { username: 'Channel' }), field: 'user.username', message: /reserved/ },
  { rule: 'email required', type: 'user', good: USER, bad: without(USER, 'email'), field: 'user.email' },
  { rule: 'email at most 128 bytes', type: 'user', good: set(USER, { email: `${'e'.repeat(115)}@example.com` }), bad: set(USER, { email: `${'e'.repeat(117)}@example.com` }), field: 'user.email' },
  { rule: 'email is an address', type: 'user', good: set(USER, { email: 'Ünï@exämple.com' }), bad: set(USER, { email: 'not-an-address' }), field: 'user.email' },
  { rule: 'auth_service is known', type: 'user', good: set(USER, { auth_service: 'gitlab', auth_data: '42' }), bad: set(USER, { auth_service: 'myspace', auth_data: '42' }), field: 'user.auth_service' },
  { rule: 'auth_service needs auth_data', type: 'user', good: set(USER, { auth_service: '' }), bad: set(USER, { auth_service: 'ldap' }), field: 'user.auth_data' },
  { rule: 'auth_data needs auth_service', type: 'user', good: USER, bad: set(USER, { auth_data: 'x' }), field: 'user.auth_service' },
  { rule: 'auth_data at most 128 bytes', type: 'user', good: set(USER, { auth_service: 'saml', auth_data: 'd'.repeat(128) }), bad: set(USER, { auth_service: 'saml', auth_data: 'd'.repeat(129) }), field: 'user.auth_data' },
  { rule: 'password and auth_data exclude each other', type: 'user', good: set(USER, { password: 'secret-1' }), bad: set(USER, { password: 'secret-1', auth_service: 'saml', auth_data: 'x' }), field: 'user.password' },
  { rule: 'password at most 72 bytes', type: 'user', good: set(USER, { password: 'p'.repeat(72) }), bad: set(USER, { password: 'p'.repeat(73) }), field: 'user.password' },
  { rule: 'nickname at most 64 characters', type: 'user', good: set(USER, { nickname: 'n'.repeat(64) }), bad: set(USER, { nickname: 'n'.repeat(65) }), field: 'user.nickname' },
  { rule: 'first name at most 64 characters', type: 'user', good: set(USER, { first_name: 'f'.repeat(64) }), bad: set(USER, { first_name: 'f'.repeat(65) }), field: 'user.first_name' },
  { rule: 'last name at most 64 characters', type: 'user', good: set(USER, { last_name: 'l'.repeat(64) }), bad: set(USER, { last_name: 'l'.repeat(65) }), field: 'user.last_name' },
  { rule: 'position at most 128 characters', type: 'user', good: set(USER, { position: 'p'.repeat(128) }), bad: set(USER, { position: 'p'.repeat(129) }), field: 'user.position' },
  { rule: 'roles are role names', type: 'user', good: set(USER, { roles: 'system_admin system_user' }), bad: set(USER, { roles: 'system-user' }), field: 'user.roles', message: /role name/ },
  { rule: 'roles not system_admin alone', type: 'user', good: set(USER, { roles: ' system_user ' }), bad: set(USER, { roles: 'system_admin' }), field: 'user.roles' },
  { rule: 'locale at most 5 bytes', type: 'user', good: set(USER, { locale: 'pt-BR' }), bad: set(USER, { locale: 'pt-BRA' }), field: 'user.locale' },
  { rule: 'teams is an array', type: 'user', good: set(USER, { teams: [] }), bad: set(USER, { teams: { name: 'team-a' } }), field: 'user.teams', message: /array/ },
  { rule: 'team membership names its team', type: 'user', good: USER, bad: set(USER, { teams: [{ roles: 'team_user' }] }), field: 'user.teams[0].name' },
  { rule: 'team membership roles', type: 'user', good: USER, bad: set(USER, { teams: [{ name: 'team-a', roles: 'Team User' }] }), field: 'user.teams[0].roles' },
  { rule: 'channel membership names its channel', type: 'user', good: USER, bad: set(USER, { teams: [{ name: 'team-a', channels: [{ roles: 'channel_user' }] }] }), field: 'user.teams[0].channels[0].name' },
  { rule: 'channel notify desktop', type: 'user', good: USER, bad: set(USER, { teams: [{ name: 'team-a', channels: [{ name: 'c', notify_props: { desktop: 'loud' } }] }] }), field: 'user.teams[0].channels[0].notify_props.desktop' },
  { rule: 'channel notify mobile', type: 'user', good: USER, bad: set(USER, { teams: [{ name: 'team-a', channels: [{ name: 'c', notify_props: { mobile: 'always' } }] }] }), field: 'user.teams[0].channels[0].notify_props.mobile' },
  { rule: 'channel notify mark_unread', type: 'user', good: USER, bad: set(USER, { teams: [{ name: 'team-a', channels: [{ name: 'c', notify_props: { mark_unread: 'default' } }] }] }), field: 'user.teams[0].channels[0].notify_props.mark_unread' },
  { rule: 'guest roles go together', type: 'user', good: set(USER, { roles: 'system_guest', teams: [{ name: 'team-a', roles: 'team_guest' }] }), bad: set(USER, { roles: 'system_user', teams: [{ name: 'team-a', roles: 'team_guest' }] }), field: 'user.teams[0].roles', message: /system_guest/ },
  { rule: 'user notify props', type: 'user', good: set(USER, { notify_props: { desktop: 'mention', email: 'true' } }), bad: set(USER, { notify_props: { email: 'yes' } }), field: 'user.notify_props.email' },

  { rule: 'post team required', type: 'post', good: POST, bad: without(POST, 'team'), field: 'post.team' },
  { rule: 'post channel required', type: 'post', good: POST, bad: without(POST, 'channel'), field: 'post.channel' },
  { rule: 'post user required', type: 'post', good: POST, bad: without(POST, 'user'), field: 'post.user' },
  { rule: 'post message required', type: 'post', good: set(POST, { message: '' }), bad: without(POST, 'message'), field: 'post.message' },
  { rule: 'post message at most 16383 characters', type: 'post', good: set(POST, { message: '日'.repeat(16_383) }), bad: set(POST, { message: 'm'.repeat(16_384) }), field: 'post.message', message: /16383/ },
  { rule: 'post create_at required', type: 'post', good: POST, bad: without(POST, 'create_at'), field: 'post.create_at' },
  { rule: 'post create_at not 0', type: 'post', good: set(POST, { create_at: -5 }), bad: set(POST, { create_at: 0 }), field: 'post.create_at' },
  { rule: 'post create_at whole number', type: 'post', good: POST, bad: set(POST, { create_at: 1.5 }), field: 'post.create_at' },
  { rule: 'post create_at a number, not a string', type: 'post', good: POST, bad: set(POST, { create_at: '1700000000000' }), field: 'post.create_at' },
  { rule: 'post create_at exact in 53 bits', type: 'post', good: set(POST, { create_at: 2 ** 53 - 1 }), bad: set(POST, { create_at: 2 ** 60 }), field: 'post.create_at' },
  { rule: 'reply checked', type: 'post', good: set(POST, { replies: [{ user: 'bob', message: 'yo', create_at: 2 }] }), bad: set(POST, { replies: [{ user: 'bob', message: 'yo', create_at: 0 }] }), field: 'post.replies[0].create_at' },
  { rule: 'reaction not before its post', type: 'post', good: set(POST, { create_at: 5, reactions: [{ user: 'bob', emoji_name: '+1', create_at: 5 }] }), bad: set(POST, { create_at: 5, reactions: [{ user: 'bob', emoji_name: '+1', create_at: 4 }] }), field: 'post.reactions[0].create_at' },
];

describe('object rules', () => {
  it.each(cases)('$rule', async ({ type, good, bad, field, message }) => {
    expect(await errorsOf({ type, [type]: good }), 'the passing case').toEqual([]);
    const errors = await errorsOf({ type, [type]: bad });
    expect(errors.map((error) => error.field)).toContain(field);
    const error = errors.find((candidate) => candidate.field === field)!;
    expect(error.line).toBe(2);
    expect(error.type).toBe(type);
    if (message) expect(error.message).toMatch(message);
  });
});

describe('file rules', () => {
  it('accepts a file in the seed order and counts its objects', async () => {
    const report = await check([VERSION, { type: 'team', team: TEAM }, { type: 'channel', channel: CHANNEL }, { type: 'user', user: USER }, { type: 'post', post: POST }, { type: 'post', post: POST }]);
    expect(report).toMatchObject({ valid: true, errors: [], counts: { team: 1, channel: 1, user: 1, post: 2 }, lines: 6 });
  });

  it('requires the version line first', async () => {
    const report = await check([{ type: 'team', team: TEAM }, VERSION]);
    expect(report.errors).toEqual([
      { line: 1, type: 'team', field: 'type', message: expect.stringMatching(/line 1 must be the version line/) },
      { line: 2, type: 'version', field: 'type', message: 'the version line must be line 1' },
    ]);
  });

  it('allows the version line only once', async () => {
    const report = await check([VERSION, { type: 'team', team: TEAM }, VERSION]);
    expect(report.errors).toEqual([{ line: 3, type: 'version', field: 'type', message: 'the version line may appear only once, and line 1 was one' }]);
  });

  it.each([
    [{ type: 'version', version: 2 }, 'must be 1 (this file says 2)'],
    [{ type: 'version', version: '1' }, 'must be the number 1, not the string "1"'],
    [{ type: 'version' }, 'is required'],
  ])('requires version 1: %j', async (line, message) => {
    expect((await check([line])).errors).toEqual([{ line: 1, type: 'version', field: 'version', message }]);
  });

  it('reads the info object of the version line', async () => {
    const info = { generator: 'mattermost', version: '10.5.0', created: '2026-01-01T00:00:00Z', additional: { anything: [1] } };
    expect((await check([{ ...VERSION, info }])).valid).toBe(true);
    const report = await check([{ ...VERSION, info: { generator: 7 } }]);
    expect(report.errors).toEqual([{ line: 1, type: 'version', field: 'info.generator', message: 'must be a string, not a number' }]);
  });

  it('keeps teams, channels, users and posts in that order', async () => {
    const report = await check([VERSION, { type: 'channel', channel: CHANNEL }, { type: 'team', team: TEAM }, { type: 'post', post: POST }, { type: 'user', user: USER }]);
    expect(report.errors.map((error) => [error.line, error.field, error.message])).toEqual([
      [3, 'type', 'team lines must come before channel, user, post lines, but line 2 is a channel'],
      [5, 'type', 'user lines must come before post lines, but line 4 is a post'],
    ]);
  });

  it('refuses an empty file, blank lines, arrays and objects spread over lines', async () => {
    expect((await validateBulk([])).errors).toEqual([{ line: 1, type: '', field: 'type', message: expect.stringMatching(/the file is empty/) }]);
    const report = await validateBulk([new TextEncoder().encode('{"type":"version","version":1}\n\n[1]\n{"type": "team",\n "team": {}}\n')]);
    expect(report.errors.map((error) => [error.line, error.field])).toEqual([
      [2, 'json'],
      [3, 'json'],
      [4, 'json'],
      [5, 'json'],
    ]);
    expect(report.errors[0]!.message).toMatch(/empty/);
    expect(report.errors[1]!.message).toBe('must be a JSON object, not an array');
    expect(report.errors[2]!.message).toMatch(/spread over several lines/);
  });

  it('needs a type and knows every type', async () => {
    const report = await check([VERSION, { team: TEAM }, { type: 'teams', teams: TEAM }, { type: 'team', team: null }]);
    expect(report.errors.map((error) => [error.line, error.field, error.message.slice(0, 22)])).toEqual([
      [2, 'type', 'is required'],
      [3, 'type', '"teams" is not a line '],
      [4, 'team', 'is required'],
    ]);
  });

  it('checks Mattermost-only lines and warns that they are not stored', async () => {
    const good = [
      { type: 'scheme', scheme: { name: 'team_scheme', display_name: 'S', scope: 'channel', default_channel_admin_role: { name: 'a', display_name: 'A' }, default_channel_user_role: { name: 'u', display_name: 'U' }, default_channel_guest_role: { name: 'g', display_name: 'G' } } },
      { type: 'role', role: { name: 'custom_role', display_name: 'Custom', permissions: ['create_post'] } },
      { type: 'bot', bot: { username: 'helper-bot', owner: 'alice.b', display_name: 'Helper' } },
      { type: 'emoji', emoji: { name: 'party_parrot', image: 'data/emoji/parrot.gif' } },
      { type: 'direct_channel', direct_channel: { members: ['alice.b', 'bob'], favorited_by: ['bob'] } },
      { type: 'direct_post', direct_post: { channel_members: ['alice.b', 'bob', 'carol'], user: 'bob', message: 'hi', create_at: 3 } },
    ];
    const report = await check([VERSION, ...good]);
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((warning) => [warning.line, warning.type])).toEqual(good.map((line, index) => [index + 2, line.type]));
    expect(report.warnings[0]!.message).toMatch(/not store/);

    const bad = await check([
      VERSION,
      { type: 'emoji', emoji: { name: 'no spaces', image: 'x.png' } },
      { type: 'direct_channel', direct_channel: { members: ['alice.b'] } },
      { type: 'direct_post', direct_post: { channel_members: ['a', 'b'], user: 'a', message: 'x', create_at: 1, flagged_by: ['c'] } },
      { type: 'bot', bot: { username: 'b' } },
    ]);
    expect(bad.errors.map((error) => [error.line, error.field])).toEqual([
      [2, 'emoji.name'],
      [3, 'direct_channel.members'],
      [4, 'direct_post.flagged_by'],
      [5, 'bot.owner'],
    ]);
    expect(bad.warnings).toEqual([]);
  });

  it('warns about fields of stored objects that are not kept', async () => {
    const report = await check([VERSION, { type: 'post', post: { ...POST, is_pinned: true, props: { attachments: [] } } }]);
    expect(report.valid).toBe(true);
    expect(report.warnings.map((warning) => warning.message)).toEqual([
      'post.is_pinned is not stored by this service and is left out on import',
      'post.props is not stored by this service and is left out on import',
    ]);
  });
});
