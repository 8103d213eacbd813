// The objects of the bulk format, one per line, with the format's own snake_case field
// names. FORMAT.md describes each field and its rules.

/** Line 1 of every file. */
export type VersionLine = { type: 'version'; version: 1; info?: VersionInfo };

/** Who wrote the file; Mattermost's exporter fills it, nothing requires it. */
export type VersionInfo = { generator?: string; version?: string; created?: string; additional?: unknown };

export type TeamLine = { type: 'team'; team: TeamData };

export type TeamData = {
  name: string;
  display_name: string;
  /** "O" open, "I" invite only. */
  type: 'O' | 'I';
  description?: string;
  allow_open_invite?: boolean;
};

export type ChannelLine = { type: 'channel'; channel: ChannelData };

export type ChannelData = {
  team: string;
  name: string;
  /** Mattermost uses the name when this is missing or empty. */
  display_name?: string;
  /** "O" public, "P" private. */
  type: 'O' | 'P';
  header?: string;
  purpose?: string;
};

export type UserLine = { type: 'user'; user: UserData };

export type UserData = {
  username: string;
  email: string;
  auth_service?: string;
  auth_data?: string;
  nickname?: string;
  first_name?: string;
  last_name?: string;
  position?: string;
  roles?: string;
  locale?: string;
  teams?: TeamMembershipData[];
  theme?: string;
  selected_font?: string;
  use_military_time?: string;
  name_format?: string;
  collapse_previews?: string;
  message_display?: string;
  channel_display_mode?: string;
};

export type TeamMembershipData = { name: string; roles?: string; channels?: ChannelMembershipData[] };

export type ChannelMembershipData = { name: string; roles?: string; notify_props?: ChannelNotifyProps };

export type ChannelNotifyProps = {
  desktop?: 'default' | 'all' | 'mention' | 'none';
  mobile?: 'default' | 'all' | 'mention' | 'none';
  mark_unread?: 'all' | 'mention';
  [other: string]: unknown;
};

export type PostLine = { type: 'post'; post: PostData };

export type PostData = {
  team: string;
  channel: string;
  user: string;
  message: string;
  /** Milliseconds since the Unix epoch. */
  create_at: number;
};

/** The objects this service stores, in the order they must appear in a file. */
export type BulkObject = VersionLine | TeamLine | ChannelLine | UserLine | PostLine;

export type BulkObjectType = BulkObject['type'];

/** Line types Mattermost writes that this service checks but does not store. */
export const MATTERMOST_ONLY_TYPES = ['scheme', 'role', 'bot', 'emoji', 'direct_channel', 'direct_post'] as const;

export type MattermostOnlyType = (typeof MATTERMOST_ONLY_TYPES)[number];

/** A rule a line breaks. `line` is 1-based; `field` is a path such as `user.teams[0].name`. */
export type BulkError = { line: number; type: string; field: string; message: string };

/** Something in a valid file that this service will not keep. */
export type BulkWarning = { line: number; type: string; message: string };

/** Objects of each stored type. */
export type BulkCounts = { team: number; channel: number; user: number; post: number };
