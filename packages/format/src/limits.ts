// Limits the seed calls "validated" without spelling out, taken from Mattermost's server code
// (repository mattermost/mattermost, directory server/). "bytes" are UTF-8 bytes (Go's len),
// "runes" are code points (Go's utf8.RuneCountInString). Keep in sync with FORMAT.md.

/** public/model/team.go TeamNameMaxLength (bytes). */
export const TEAM_NAME_MAX_BYTES = 64;
/** public/model/team.go TeamNameMinLength. */
export const TEAM_NAME_MIN_LENGTH = 2;
/** public/model/team.go TeamDisplayNameMaxRunes. */
export const TEAM_DISPLAY_NAME_MAX_RUNES = 64;
/** public/model/team.go TeamDescriptionMaxLength (bytes). */
export const TEAM_DESCRIPTION_MAX_BYTES = 255;
/** public/model/utils.go reservedName; a team name may not even start with one (IsReservedTeamName). */
export const RESERVED_TEAM_NAME_PREFIXES = [
  'admin', 'api', 'channel', 'claim', 'error', 'files', 'help', 'landing', 'login', 'mfa',
  'oauth', 'plug', 'plugins', 'post', 'signup', 'boards', 'playbooks',
] as const;
/** public/model/team.go IsValidTeamName, applied to the lower-cased name. */
export const TEAM_NAME_PATTERN = /^[a-z0-9]+([a-z\-0-9]+|(__)?)[a-z0-9]+$/;

/** public/model/channel.go ChannelNameMaxLength (bytes). */
export const CHANNEL_NAME_MAX_BYTES = 64;
/** public/model/channel.go ChannelDisplayNameMaxRunes. */
export const CHANNEL_DISPLAY_NAME_MAX_RUNES = 64;
/** public/model/channel.go ChannelHeaderMaxRunes. */
export const CHANNEL_HEADER_MAX_RUNES = 1024;
/** public/model/channel.go ChannelPurposeMaxRunes. */
export const CHANNEL_PURPOSE_MAX_RUNES = 250;
/** public/model/utils.go IsValidChannelIdentifier, applied to the lower-cased name. */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9]+([a-z\-_0-9]+|(__)?)[a-z0-9]*$/;

/** public/model/user.go UserNameMaxLength (bytes). */
export const USERNAME_MAX_BYTES = 64;
/** public/model/user.go IsValidUsername (validChars), applied to the lower-cased username. */
export const USERNAME_PATTERN = /^[a-z0-9.\-_]+$/;
/** public/model/user.go restrictedUsernames. */
export const RESTRICTED_USERNAMES = ['all', 'channel', 'matterbot', 'system'] as const;
/** public/model/user.go UserEmailMaxLength (bytes). */
export const EMAIL_MAX_BYTES = 128;
/** public/model/user.go UserAuthDataMaxLength (bytes). */
export const AUTH_DATA_MAX_BYTES = 128;
/** public/model/user.go UserPasswordMaxLength (bytes). */
export const PASSWORD_MAX_BYTES = 72;
/** public/model/user.go UserNicknameMaxRunes. */
export const NICKNAME_MAX_RUNES = 64;
/** public/model/user.go UserFirstNameMaxRunes and UserLastNameMaxRunes. */
export const PERSON_NAME_MAX_RUNES = 64;
/** public/model/user.go UserPositionMaxRunes. */
export const POSITION_MAX_RUNES = 128;
/** public/model/user.go UserRolesMaxLength (bytes), checked by User.IsValid when applied. */
export const USER_ROLES_MAX_BYTES = 256;
/** public/model/user.go UserLocaleMaxLength (bytes). */
export const LOCALE_MAX_BYTES = 5;
/** channels/app/imports/import_validators.go ValidateUserImportData: allowed auth_service values. */
export const AUTH_SERVICES = ['', 'email', 'gitlab', 'saml', 'ldap', 'google', 'office365', 'openid'] as const;

/** public/model/role.go IsValidRoleName: each whitespace-separated token of a roles string. */
export const ROLE_NAME_PATTERN = /^[a-z0-9_]{1,64}$/;

/** public/model/post.go PostMessageMaxRunesV2 (65535 / 4), the server's default maximum post size. */
export const POST_MESSAGE_MAX_RUNES = 16_383;
/** public/model/post.go PostPropsMaxRunes. */
export const POST_PROPS_MAX_RUNES = 800_000;
/** public/model/emoji.go EmojiNameMaxLength. */
export const EMOJI_NAME_MAX_RUNES = 64;
/** public/model/channel.go ChannelGroupMinUsers / ChannelGroupMaxUsers (a direct channel has exactly 2). */
export const GROUP_CHANNEL_MIN_MEMBERS = 3;
export const GROUP_CHANNEL_MAX_MEMBERS = 8;

/** channels/app/import.go maxScanTokenSize: Mattermost reads lines of at most 16 MiB. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Channel membership notify props (import_validators.go ValidateUserChannelsImportData). */
export const CHANNEL_NOTIFY_LEVELS = ['default', 'all', 'mention', 'none'] as const;
export const CHANNEL_MARK_UNREAD_LEVELS = ['all', 'mention'] as const;
/** User-level notify props (ValidateUserImportData); note: no "default" here. */
export const USER_NOTIFY_LEVELS = ['all', 'mention', 'none'] as const;
