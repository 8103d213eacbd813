// One validator per object type. Each checks a parsed payload against the seed's rules and
// Mattermost's import validators (channels/app/imports/import_validators.go), reports every
// problem with its field path, and warns about fields this service does not store.
import {
  type JsonObject,
  type Report,
  describe,
  isObject,
  readArray,
  readBoolean,
  readInteger,
  readObject,
  readString,
  snippet,
  warnUnstored,
} from './check.ts';
import * as limits from './limits.ts';
import { exceedsRunes } from './text.ts';

const TEAM_FIELDS = new Set(['name', 'display_name', 'type', 'description', 'allow_open_invite']);
const CHANNEL_FIELDS = new Set(['team', 'name', 'display_name', 'type', 'header', 'purpose']);
const USER_FIELDS = new Set([
  'username', 'email', 'auth_service', 'auth_data', 'nickname', 'first_name', 'last_name', 'position', 'roles',
  'locale', 'teams', 'theme', 'selected_font', 'use_military_time', 'name_format', 'collapse_previews',
  'message_display', 'channel_display_mode',
]);
const USER_PREFERENCES = ['theme', 'selected_font', 'use_military_time', 'name_format', 'collapse_previews', 'message_display', 'channel_display_mode'];
const TEAM_MEMBERSHIP_FIELDS = new Set(['name', 'roles', 'channels']);
const CHANNEL_MEMBERSHIP_FIELDS = new Set(['name', 'roles', 'notify_props']);
const POST_FIELDS = new Set(['team', 'channel', 'user', 'message', 'create_at']);

const SCHEME_NAME = /^[a-z0-9_]{2,64}$/; // public/model/scheme.go IsValidSchemeName
const EMOJI_NAME = /^[a-zA-Z0-9+_-]+$/; // public/model/emoji.go IsValidEmojiName
// An address the way Mattermost's User.IsValid accepts it after lower-casing: one @, a local part
// and a domain without spaces or the characters net/mail would take as display-name syntax.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

export function validateVersion(report: Report, line: JsonObject): void {
  const version = line['version'];
  if (version === undefined || version === null) report.error('version', 'is required');
  else if (typeof version !== 'number') report.error('version', `must be the number 1, not ${typeof version === 'string' ? `the string ${snippet(version)}` : 'a ' + typeof version}`);
  else if (version !== 1) report.error('version', `must be 1 (this file says ${version})`);
  const info = readObject(report, line, 'info', 'info', false);
  if (info) {
    readString(report, info, 'generator', 'info.generator');
    readString(report, info, 'version', 'info.version');
    readString(report, info, 'created', 'info.created');
  }
}

export function validateTeam(report: Report, team: JsonObject): void {
  const name = readString(report, team, 'name', 'team.name', { required: true, maxBytes: limits.TEAM_NAME_MAX_BYTES });
  if (name !== undefined) checkTeamName(report, 'team.name', name);
  readString(report, team, 'display_name', 'team.display_name', { required: true, nonEmpty: true, maxRunes: limits.TEAM_DISPLAY_NAME_MAX_RUNES });
  readString(report, team, 'type', 'team.type', { required: true, oneOf: ['O', 'I'] });
  readString(report, team, 'description', 'team.description', { maxBytes: limits.TEAM_DESCRIPTION_MAX_BYTES });
  readBoolean(report, team, 'allow_open_invite', 'team.allow_open_invite');
  checkSchemeReference(report, team, 'team.scheme');
  warnUnstored(report, team, 'team', TEAM_FIELDS);
}

function checkTeamName(report: Report, path: string, name: string): void {
  const lower = name.toLowerCase();
  const reserved = limits.RESERVED_TEAM_NAME_PREFIXES.find((prefix) => lower.startsWith(prefix));
  if (reserved !== undefined) report.error(path, `must not start with the reserved word "${reserved}"`);
  else if (lower.length < limits.TEAM_NAME_MIN_LENGTH || !limits.TEAM_NAME_PATTERN.test(lower)) {
    report.error(path, `${snippet(name)} is not a valid team name: use 2 or more letters, digits and dashes (or one "__"), starting and ending with a letter or digit`);
  }
}

function checkSchemeReference(report: Report, value: JsonObject, path: string): void {
  const scheme = readString(report, value, 'scheme', path);
  if (scheme !== undefined && !SCHEME_NAME.test(scheme)) report.error(path, `${snippet(scheme)} is not a valid scheme name (2 to 64 of a-z, 0-9, _)`);
}

export function validateChannel(report: Report, channel: JsonObject): void {
  readString(report, channel, 'team', 'channel.team', { required: true });
  const name = readString(report, channel, 'name', 'channel.name', { required: true, nonEmpty: true, maxBytes: limits.CHANNEL_NAME_MAX_BYTES });
  if (name !== undefined && !limits.CHANNEL_NAME_PATTERN.test(name.toLowerCase())) {
    report.error('channel.name', `${snippet(name)} is not a valid channel name: use letters, digits, dashes and underscores, starting with a letter or digit`);
  }
  readString(report, channel, 'display_name', 'channel.display_name', { maxRunes: limits.CHANNEL_DISPLAY_NAME_MAX_RUNES });
  readString(report, channel, 'type', 'channel.type', { required: true, oneOf: ['O', 'P'] });
  readString(report, channel, 'header', 'channel.header', { maxRunes: limits.CHANNEL_HEADER_MAX_RUNES });
  readString(report, channel, 'purpose', 'channel.purpose', { maxRunes: limits.CHANNEL_PURPOSE_MAX_RUNES });
  checkSchemeReference(report, channel, 'channel.scheme');
  readInteger(report, channel, 'deleted_at', 'channel.deleted_at', false);
  warnUnstored(report, channel, 'channel', CHANNEL_FIELDS);
}

export function checkUsername(report: Report, path: string, username: string): void {
  const lower = username.toLowerCase();
  if (!limits.USERNAME_PATTERN.test(lower)) {
    report.error(path, `${snippet(username)} is not a valid username: use letters, digits, ".", "-" and "_"`);
  } else if ((limits.RESTRICTED_USERNAMES as readonly string[]).includes(lower)) {
    report.error(path, `"${lower}" is reserved and cannot be a username`);
  }
}

/** Mattermost's IsValidUserRoles: whitespace-separated role names, and not "system_admin" alone. */
function checkRoles(report: Report, value: JsonObject, path: string, maxBytes?: number): string[] | undefined {
  const roles = readString(report, value, 'roles', path, maxBytes === undefined ? {} : { maxBytes });
  if (roles === undefined) return undefined;
  const names = roles.trim().split(/\s+/).filter((name) => name !== '');
  const bad = names.find((name) => !limits.ROLE_NAME_PATTERN.test(name));
  if (bad !== undefined) {
    report.error(path, `${snippet(bad)} is not a role name (1 to 64 of a-z, 0-9, _)`);
    return undefined;
  }
  if (names.length === 1 && names[0] === 'system_admin') {
    report.error(path, 'must not be "system_admin" alone; write "system_admin system_user"');
    return undefined;
  }
  return names;
}

export function validateUser(report: Report, user: JsonObject): void {
  const username = readString(report, user, 'username', 'user.username', { required: true, nonEmpty: true, maxBytes: limits.USERNAME_MAX_BYTES });
  if (username !== undefined) checkUsername(report, 'user.username', username);
  const email = readString(report, user, 'email', 'user.email', { required: true, nonEmpty: true, maxBytes: limits.EMAIL_MAX_BYTES });
  if (email !== undefined && !EMAIL.test(email.toLowerCase())) report.error('user.email', `${snippet(email)} is not an email address`);

  const authService = readString(report, user, 'auth_service', 'user.auth_service', { oneOf: limits.AUTH_SERVICES });
  const authData = readString(report, user, 'auth_data', 'user.auth_data', { maxBytes: limits.AUTH_DATA_MAX_BYTES });
  readString(report, user, 'password', 'user.password', { nonEmpty: true, maxBytes: limits.PASSWORD_MAX_BYTES });
  if (user['auth_data'] != null && user['password'] != null) report.error('user.password', 'must be left out when auth_data is given');
  const hasService = typeof user['auth_service'] === 'string' && user['auth_service'] !== '';
  const hasData = typeof user['auth_data'] === 'string' && user['auth_data'] !== '';
  if (authService !== undefined || authData !== undefined) {
    if (hasService && !hasData) report.error('user.auth_data', `is required when auth_service is "${authService}"`);
    if (!hasService && hasData) report.error('user.auth_service', 'is required when auth_data is given');
  }

  readString(report, user, 'nickname', 'user.nickname', { maxRunes: limits.NICKNAME_MAX_RUNES });
  readString(report, user, 'first_name', 'user.first_name', { maxRunes: limits.PERSON_NAME_MAX_RUNES });
  readString(report, user, 'last_name', 'user.last_name', { maxRunes: limits.PERSON_NAME_MAX_RUNES });
  readString(report, user, 'position', 'user.position', { maxRunes: limits.POSITION_MAX_RUNES });
  const systemRoles = checkRoles(report, user, 'user.roles', limits.USER_ROLES_MAX_BYTES);
  readString(report, user, 'locale', 'user.locale', { maxBytes: limits.LOCALE_MAX_BYTES });
  for (const key of USER_PREFERENCES) readString(report, user, key, `user.${key}`);
  checkUserNotifyProps(report, user);
  readString(report, user, 'email_interval', 'user.email_interval', { oneOf: ['immediately', 'fifteen', 'hour'] });

  const isGuest = systemRoles?.includes('system_guest') ?? false;
  const teams = readArray(report, user, 'teams', 'user.teams');
  if (teams) {
    teams.forEach((team, index) => validateTeamMembership(report, team, `user.teams[${index}]`, systemRoles === undefined ? undefined : isGuest));
  }
  warnUnstored(report, user, 'user', USER_FIELDS);
}

function checkUserNotifyProps(report: Report, user: JsonObject): void {
  const props = readObject(report, user, 'notify_props', 'user.notify_props', false);
  if (!props) return;
  const path = 'user.notify_props';
  readString(report, props, 'desktop', `${path}.desktop`, { oneOf: limits.USER_NOTIFY_LEVELS });
  readString(report, props, 'mobile', `${path}.mobile`, { oneOf: limits.USER_NOTIFY_LEVELS });
  for (const key of ['desktop_sound', 'email', 'channel']) readString(report, props, key, `${path}.${key}`, { oneOf: ['true', 'false'] });
  readString(report, props, 'mobile_push_status', `${path}.mobile_push_status`, { oneOf: ['online', 'away', 'offline'] });
  readString(report, props, 'comments', `${path}.comments`, { oneOf: ['any', 'root', 'never'] });
}

/** `guest` is undefined when the user's own roles are not known to be valid. */
function validateTeamMembership(report: Report, value: unknown, path: string, guest: boolean | undefined): void {
  if (!isObject(value)) return report.error(path, `must be an object, not ${describe(value)}`);
  readString(report, value, 'name', `${path}.name`, { required: true, nonEmpty: true });
  const roles = checkRoles(report, value, `${path}.roles`);
  if (roles !== undefined && guest !== undefined) checkGuestRoles(report, `${path}.roles`, guest, roles, 'team');
  readString(report, value, 'theme', `${path}.theme`);
  const channels = readArray(report, value, 'channels', `${path}.channels`);
  if (channels) channels.forEach((channel, index) => validateChannelMembership(report, channel, `${path}.channels[${index}]`, guest));
  warnUnstored(report, value, path, TEAM_MEMBERSHIP_FIELDS);
}

/** import_validators.go: a system guest must be a team/channel guest and nobody else may be one. */
function checkGuestRoles(report: Report, path: string, guest: boolean, roles: string[], scope: 'team' | 'channel'): void {
  const guestRole = `${scope}_guest`;
  const hasGuest = roles.includes(guestRole);
  if (guest && roles.length > 0 && (!hasGuest || roles.includes(`${scope}_user`) || roles.includes(`${scope}_admin`))) {
    report.error(path, `a user with the system_guest role must have exactly "${guestRole}" here`);
  } else if (!guest && hasGuest) {
    report.error(path, `"${guestRole}" is only for users with the system_guest role`);
  }
}

function validateChannelMembership(report: Report, value: unknown, path: string, guest: boolean | undefined): void {
  if (!isObject(value)) return report.error(path, `must be an object, not ${describe(value)}`);
  readString(report, value, 'name', `${path}.name`, { required: true, nonEmpty: true });
  const roles = checkRoles(report, value, `${path}.roles`);
  if (roles !== undefined && guest !== undefined) checkGuestRoles(report, `${path}.roles`, guest, roles, 'channel');
  const props = readObject(report, value, 'notify_props', `${path}.notify_props`, false);
  if (props) {
    readString(report, props, 'desktop', `${path}.notify_props.desktop`, { oneOf: limits.CHANNEL_NOTIFY_LEVELS });
    readString(report, props, 'mobile', `${path}.notify_props.mobile`, { oneOf: limits.CHANNEL_NOTIFY_LEVELS });
    readString(report, props, 'mark_unread', `${path}.notify_props.mark_unread`, { oneOf: limits.CHANNEL_MARK_UNREAD_LEVELS });
  }
  readBoolean(report, value, 'favorite', `${path}.favorite`);
  warnUnstored(report, value, path, CHANNEL_MEMBERSHIP_FIELDS);
}

export function validatePost(report: Report, post: JsonObject): void {
  readString(report, post, 'team', 'post.team', { required: true });
  readString(report, post, 'channel', 'post.channel', { required: true });
  readString(report, post, 'user', 'post.user', { required: true });
  checkMessageAndTime(report, post, 'post');
  // Most posts hold only the stored fields; look further only when there is more.
  if (hasOtherFields(post, POST_FIELDS)) {
    checkPostExtras(report, post, 'post');
    warnUnstored(report, post, 'post', POST_FIELDS);
  }
}

function hasOtherFields(value: JsonObject, stored: ReadonlySet<string>): boolean {
  for (const key in value) if (!stored.has(key)) return true;
  return false;
}

function checkMessageAndTime(report: Report, post: JsonObject, path: string): number | undefined {
  readString(report, post, 'message', `${path}.message`, { required: true, maxRunes: limits.POST_MESSAGE_MAX_RUNES });
  const createAt = readInteger(report, post, 'create_at', `${path}.create_at`, true);
  if (createAt === 0) {
    report.error(`${path}.create_at`, 'must not be 0');
    return undefined;
  }
  return createAt;
}

/** Replies, reactions, props and attachments: checked like Mattermost does, not stored here. */
function checkPostExtras(report: Report, post: JsonObject, path: string): void {
  const createAt = typeof post['create_at'] === 'number' ? post['create_at'] : undefined;
  const props = readObject(report, post, 'props', `${path}.props`, false);
  if (props && exceedsRunes(JSON.stringify(props), limits.POST_PROPS_MAX_RUNES)) {
    report.error(`${path}.props`, `must be at most ${limits.POST_PROPS_MAX_RUNES} characters as JSON`);
  }
  readBoolean(report, post, 'is_pinned', `${path}.is_pinned`);
  checkStringList(report, post, 'flagged_by', `${path}.flagged_by`);
  const reactions = readArray(report, post, 'reactions', `${path}.reactions`);
  reactions?.forEach((reaction, index) => checkReaction(report, reaction, `${path}.reactions[${index}]`, createAt));
  const replies = readArray(report, post, 'replies', `${path}.replies`);
  replies?.forEach((reply, index) => {
    const replyPath = `${path}.replies[${index}]`;
    if (!isObject(reply)) return report.error(replyPath, 'must be an object');
    readString(report, reply, 'user', `${replyPath}.user`, { required: true });
    checkMessageAndTime(report, reply, replyPath);
    checkPostExtras(report, reply, replyPath);
  });
  const attachments = readArray(report, post, 'attachments', `${path}.attachments`);
  attachments?.forEach((attachment, index) => {
    const attachmentPath = `${path}.attachments[${index}]`;
    if (!isObject(attachment)) return report.error(attachmentPath, 'must be an object');
    const file = readString(report, attachment, 'path', `${attachmentPath}.path`, { required: true, nonEmpty: true });
    if (file !== undefined && file.split(/[\\/]/).includes('..')) report.error(`${attachmentPath}.path`, 'must not leave the data directory');
  });
  const followers = readArray(report, post, 'thread_followers', `${path}.thread_followers`);
  followers?.forEach((follower, index) => {
    if (!isObject(follower)) return report.error(`${path}.thread_followers[${index}]`, 'must be an object');
    readString(report, follower, 'user', `${path}.thread_followers[${index}].user`, { required: true, nonEmpty: true });
  });
}

function checkReaction(report: Report, reaction: unknown, path: string, parentCreateAt: number | undefined): void {
  if (!isObject(reaction)) return report.error(path, 'must be an object');
  readString(report, reaction, 'user', `${path}.user`, { required: true, nonEmpty: true });
  const emoji = readString(report, reaction, 'emoji_name', `${path}.emoji_name`, { required: true, nonEmpty: true, maxRunes: limits.EMOJI_NAME_MAX_RUNES });
  if (emoji !== undefined && !EMOJI_NAME.test(emoji)) report.error(`${path}.emoji_name`, `${snippet(emoji)} is not an emoji name`);
  const createAt = readInteger(report, reaction, 'create_at', `${path}.create_at`, true);
  if (createAt === 0) report.error(`${path}.create_at`, 'must not be 0');
  else if (createAt !== undefined && parentCreateAt !== undefined && createAt < parentCreateAt) {
    report.error(`${path}.create_at`, 'must not be earlier than the post it reacts to');
  }
}

function checkStringList(report: Report, value: JsonObject, key: string, path: string): string[] | undefined {
  const list = readArray(report, value, key, path);
  if (!list) return undefined;
  for (let index = 0; index < list.length; index++) {
    if (typeof list[index] !== 'string') {
      report.error(`${path}[${index}]`, 'must be a string');
      return undefined;
    }
  }
  return list as string[];
}

// Mattermost line types this service checks but does not store. Each reports errors like the
// stored types do, and the caller adds one warning that the line is left out.

export function validateScheme(report: Report, scheme: JsonObject): void {
  const name = readString(report, scheme, 'name', 'scheme.name', { required: true });
  if (name !== undefined && !SCHEME_NAME.test(name)) report.error('scheme.name', `${snippet(name)} is not a valid scheme name (2 to 64 of a-z, 0-9, _)`);
  readString(report, scheme, 'display_name', 'scheme.display_name', { required: true, nonEmpty: true, maxBytes: 128 });
  readString(report, scheme, 'description', 'scheme.description', { maxBytes: 1024 });
  const scope = readString(report, scheme, 'scope', 'scheme.scope', { required: true, oneOf: ['team', 'channel'] });
  const teamRoles = ['default_team_admin_role', 'default_team_user_role', 'default_team_guest_role'];
  const channelRoles = ['default_channel_admin_role', 'default_channel_user_role', 'default_channel_guest_role'];
  for (const key of [...teamRoles, ...channelRoles]) {
    const role = readObject(report, scheme, key, `scheme.${key}`, false);
    if (role) validateRole(report, role, `scheme.${key}`);
    else if (scope === 'team' || (scope === 'channel' && channelRoles.includes(key))) {
      if (scheme[key] == null) report.error(`scheme.${key}`, `is required for a ${scope} scheme`);
    }
  }
  if (scope === 'channel') {
    for (const key of teamRoles) if (scheme[key] != null) report.error(`scheme.${key}`, 'must be left out for a channel scheme');
  }
}

export function validateRole(report: Report, role: JsonObject, path = 'role'): void {
  const name = readString(report, role, 'name', `${path}.name`, { required: true });
  if (name !== undefined && !limits.ROLE_NAME_PATTERN.test(name)) report.error(`${path}.name`, `${snippet(name)} is not a role name (1 to 64 of a-z, 0-9, _)`);
  readString(report, role, 'display_name', `${path}.display_name`, { required: true, nonEmpty: true, maxBytes: 128 });
  readString(report, role, 'description', `${path}.description`, { maxBytes: 1024 });
  checkStringList(report, role, 'permissions', `${path}.permissions`);
}

export function validateEmoji(report: Report, emoji: JsonObject): void {
  const name = readString(report, emoji, 'name', 'emoji.name', { required: true, nonEmpty: true, maxRunes: limits.EMOJI_NAME_MAX_RUNES });
  if (name !== undefined && !EMOJI_NAME.test(name)) report.error('emoji.name', `${snippet(name)} is not an emoji name`);
  readString(report, emoji, 'image', 'emoji.image', { required: true, nonEmpty: true });
}

export function validateBot(report: Report, bot: JsonObject): void {
  const username = readString(report, bot, 'username', 'bot.username', { required: true, nonEmpty: true, maxBytes: limits.USERNAME_MAX_BYTES });
  if (username !== undefined) checkUsername(report, 'bot.username', username);
  readString(report, bot, 'owner', 'bot.owner', { required: true, nonEmpty: true });
  readString(report, bot, 'display_name', 'bot.display_name', { maxRunes: limits.NICKNAME_MAX_RUNES });
}

function checkMembers(report: Report, value: JsonObject, path: string, allowed: 'direct' | 'post'): string[] | undefined {
  // Newer files name the members "participants" (objects with a username); older ones "members".
  let members: string[] | undefined;
  let key = 'members';
  if (value['participants'] != null) {
    key = 'participants';
    const participants = readArray(report, value, 'participants', `${path}.participants`);
    if (!participants) return undefined;
    members = [];
    for (let index = 0; index < participants.length; index++) {
      const participant = participants[index];
      if (!isObject(participant)) return report.error(`${path}.participants[${index}]`, 'must be an object'), undefined;
      const username = readString(report, participant, 'username', `${path}.participants[${index}].username`, { required: true });
      if (username === undefined) return undefined;
      members.push(username);
    }
  } else {
    key = allowed === 'post' ? 'channel_members' : 'members';
    members = checkStringList(report, value, key, `${path}.${key}`);
    if (members === undefined) {
      if (value[key] == null) report.error(`${path}.${key}`, 'is required');
      return undefined;
    }
  }
  const count = members.length;
  if (count !== 2 && (count < limits.GROUP_CHANNEL_MIN_MEMBERS || count > limits.GROUP_CHANNEL_MAX_MEMBERS)) {
    report.error(`${path}.${key}`, `must name 2 people (a direct message) or 3 to 8 (a group message), not ${count}`);
    return undefined;
  }
  return members;
}

export function validateDirectChannel(report: Report, channel: JsonObject): void {
  const members = checkMembers(report, channel, 'direct_channel', 'direct');
  readString(report, channel, 'header', 'direct_channel.header', { maxRunes: limits.CHANNEL_HEADER_MAX_RUNES });
  const favoritedBy = checkStringList(report, channel, 'favorited_by', 'direct_channel.favorited_by');
  if (members && favoritedBy) {
    const outsider = favoritedBy.find((name) => !members.includes(name));
    if (outsider !== undefined) report.error('direct_channel.favorited_by', `${snippet(outsider)} is not a member of this channel`);
  }
}

export function validateDirectPost(report: Report, post: JsonObject): void {
  const members = checkMembers(report, post, 'direct_post', 'post');
  readString(report, post, 'user', 'direct_post.user', { required: true });
  checkMessageAndTime(report, post, 'direct_post');
  checkPostExtras(report, post, 'direct_post');
  const flaggedBy = Array.isArray(post['flagged_by']) ? (post['flagged_by'] as unknown[]) : undefined;
  if (members && flaggedBy) {
    const outsider = flaggedBy.find((name) => typeof name === 'string' && !members.includes(name));
    if (typeof outsider === 'string') report.error('direct_post.flagged_by', `${snippet(outsider)} is not a member of this channel`);
  }
}
