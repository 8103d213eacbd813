// Reads one org inside a single REPEATABLE READ, READ ONLY transaction, so every row of the file
// belongs to the same moment, and turns the rows into bulk-format objects in the format's order.
// Each table is read through a server-side cursor a page at a time; the next page is fetched
// while the current one is encoded. Posts, the bulk of any org, come as finished lines from one
// COPY, written by PostgreSQL exactly as the encoder would write them.
import { type BulkObject, type ChannelMembershipData, type TeamMembershipData, limits } from '@org-export/format';
import type pg from 'pg';
import { type CopyChunk, CopyOut } from './copy-out.ts';

/** Rows per FETCH: big enough that round trips do not dominate, small enough to stay a few MB. */
const PAGE_ROWS = 5000;
/** Users per membership lookup. */
const USER_PAGE_ROWS = 1000;

/** The tables of a post's line, with the names it carries. */
const POSTS_FROM = `FROM post p
                   JOIN channel c ON c.id = p.channel_id
                   JOIN team t ON t.id = c.team_id
                   JOIN chat_user u ON u.id = p.user_id`;

/**
 * A post the format refuses: the rules of validatePost the schema does not already enforce (the
 * names and the message are NOT NULL text). octet_length is free and bounds char_length, so the
 * characters of a message are counted only when it is long. Keep in step with validatePost.
 */
const POST_BREAKS_RULES = `((octet_length(p.message) > ${limits.POST_MESSAGE_MAX_RUNES} AND char_length(p.message) > ${limits.POST_MESSAGE_MAX_RUNES})
   OR p.create_at = 0 OR p.create_at NOT BETWEEN ${-Number.MAX_SAFE_INTEGER} AND ${Number.MAX_SAFE_INTEGER})`;

/**
 * A post's line as BulkEncoder writes it, byte for byte: JSON.stringify of
 * {"type":"post","post":{team, channel, user, message, create_at}} writes the keys in this order
 * and escapes strings as to_json does (the quote, the backslash and the control characters only:
 * \b \f \n \r \t by name, the rest as \u00xx in lower case; PostgreSQL text holds no lone
 * surrogates, the one thing only JSON.stringify would escape), and a safe integer prints as int8
 * does. With POST_BREAKS_RULES finding nothing every line validates, and lines stay far below
 * the 16 MiB limit (names of at most 64 characters, messages of at most 16,383). Checked against
 * the encoder in post-lines.test.ts.
 */
const POST_LINE = `'{"type":"post","post":{"team":' || to_json(t.name)::text || ',"channel":' || to_json(c.name)::text
  || ',"user":' || to_json(u.username)::text || ',"message":' || to_json(p.message)::text
  || ',"create_at":' || p.create_at::text || '}}'`;

/**
 * COPY's text format would escape the backslashes JSON is full of. CSV quotes a value only when it
 * holds the delimiter, the quote, CR or LF; to_json escapes every control character, so with these
 * two as delimiter and quote each line passes through unchanged, ended by a newline.
 */
const COPY_LINES = `(FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')`;

export type SnapshotCounts = {
  teams: number;
  channels: number;
  users: number;
  posts: number;
  /** Posts that break a rule of the format; with any, the export fails on the first of them. */
  postsBreakingRules: number;
};

export class OrgSnapshot {
  private cursors = 0;
  private backendPid = 0;

  constructor(
    private readonly client: pg.PoolClient | pg.Client,
    private readonly orgId: string,
    /** Posts created after this (ms since the epoch) are left out. */
    private readonly untilMs: number | null,
    /** Cancels what a backend runs, from another connection: how a COPY stopped early ends at once. */
    private readonly cancelBackend: (pid: number) => Promise<void> = async () => {},
  ) {
    if (untilMs !== null && !Number.isSafeInteger(untilMs)) throw new RangeError(`untilMs must be a whole number, not ${untilMs}`);
  }

  async begin(): Promise<void> {
    await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await this.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    this.backendPid = rows[0]!.pid;
  }

  async end(): Promise<void> {
    await this.client.query('ROLLBACK');
  }

  async counts(): Promise<SnapshotCounts> {
    const { rows } = await this.client.query<{ teams: number; channels: number; users: number; posts: string; breaking: string }>(
      `SELECT (SELECT count(*) FROM team WHERE org_id = $1)::int AS teams,
              (SELECT count(*) FROM channel WHERE org_id = $1)::int AS channels,
              (SELECT count(*) FROM chat_user WHERE org_id = $1)::int AS users,
              posts.total AS posts, posts.breaking
         FROM (SELECT count(*) AS total, count(*) FILTER (WHERE ${POST_BREAKS_RULES}) AS breaking
                 FROM post p WHERE p.org_id = $1 AND ($2::bigint IS NULL OR p.create_at <= $2)) posts`,
      [this.orgId, this.untilMs],
    );
    const row = rows[0]!;
    return { teams: row.teams, channels: row.channels, users: row.users, posts: Number(row.posts), postsBreakingRules: Number(row.breaking) };
  }

  /** Yields pages of rows (as arrays) of `sql`, keeping one FETCH in flight ahead. */
  private async *pages(sql: string, params: unknown[], pageRows = PAGE_ROWS): AsyncGenerator<unknown[][]> {
    const name = `snapshot_${++this.cursors}`;
    await this.client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = () => this.client.query<unknown[]>({ text: `FETCH FORWARD ${pageRows} FROM ${name}`, rowMode: 'array' });
    try {
      let next = fetch();
      for (;;) {
        const page = await next;
        if (page.rows.length === 0) return;
        if (page.rows.length === pageRows) next = fetch();
        yield page.rows;
        if (page.rows.length < pageRows) return;
      }
    } finally {
      await this.client.query(`CLOSE ${name}`);
    }
  }

  async *teams(): AsyncGenerator<BulkObject[]> {
    for await (const rows of this.pages('SELECT name, display_name, type, description, allow_open_invite FROM team WHERE org_id = $1 ORDER BY name', [this.orgId])) {
      yield rows.map(([name, displayName, type, description, allowOpenInvite]) => ({
        type: 'team',
        team: {
          name: name as string,
          display_name: displayName as string,
          type: type as 'O' | 'I',
          ...(description === null ? {} : { description: description as string }),
          ...(allowOpenInvite === null ? {} : { allow_open_invite: allowOpenInvite as boolean }),
        },
      }));
    }
  }

  async *channels(): AsyncGenerator<BulkObject[]> {
    const sql = `SELECT t.name, c.name, c.display_name, c.type, c.header, c.purpose
                   FROM channel c JOIN team t ON t.id = c.team_id
                  WHERE c.org_id = $1 ORDER BY t.name, c.name`;
    for await (const rows of this.pages(sql, [this.orgId])) {
      yield rows.map(([team, name, displayName, type, header, purpose]) => ({
        type: 'channel',
        channel: {
          team: team as string,
          name: name as string,
          display_name: displayName as string,
          type: type as 'O' | 'P',
          ...(header === null ? {} : { header: header as string }),
          ...(purpose === null ? {} : { purpose: purpose as string }),
        },
      }));
    }
  }

  /** Users with their team memberships and, inside each, their channel memberships. */
  async *users(): AsyncGenerator<BulkObject[]> {
    const sql = `SELECT id, username, email, auth_service, auth_data, nickname, first_name, last_name, position, roles, locale,
                        theme, selected_font, use_military_time, name_format, collapse_previews, message_display, channel_display_mode
                   FROM chat_user WHERE org_id = $1 ORDER BY username`;
    for await (const rows of this.pages(sql, [this.orgId], USER_PAGE_ROWS)) {
      const ids = rows.map((row) => row[0] as string);
      const teamRows = await this.client.query<unknown[]>({
        text: `SELECT tm.user_id, t.id, t.name, tm.roles FROM team_member tm JOIN team t ON t.id = tm.team_id
                WHERE tm.user_id = ANY($1::uuid[]) ORDER BY tm.user_id, t.name`,
        values: [ids],
        rowMode: 'array',
      });
      const channelRows = await this.client.query<unknown[]>({
        text: `SELECT cm.user_id, c.team_id, c.name, cm.roles, cm.notify_props FROM channel_member cm JOIN channel c ON c.id = cm.channel_id
                WHERE cm.user_id = ANY($1::uuid[]) ORDER BY cm.user_id, c.name`,
        values: [ids],
        rowMode: 'array',
      });
      const teamsByUser = new Map<string, (TeamMembershipData & { teamId: string })[]>();
      for (const [userId, teamId, name, roles] of teamRows.rows) {
        const list = teamsByUser.get(userId as string) ?? [];
        list.push({ teamId: teamId as string, name: name as string, ...(roles === null ? {} : { roles: roles as string }) });
        teamsByUser.set(userId as string, list);
      }
      for (const [userId, teamId, name, roles, notifyProps] of channelRows.rows) {
        const team = teamsByUser.get(userId as string)?.find((candidate) => candidate.teamId === teamId);
        // A channel membership outside the user's teams cannot be written in this format.
        if (!team) continue;
        const membership: ChannelMembershipData = { name: name as string };
        if (roles !== null) membership.roles = roles as string;
        if (notifyProps !== null) membership.notify_props = notifyProps as ChannelMembershipData['notify_props'];
        (team.channels ??= []).push(membership);
      }
      yield rows.map((row) => {
        const [id, username, email, authService, authData, nickname, firstName, lastName, position, roles, locale, theme, selectedFont, useMilitaryTime, nameFormat, collapsePreviews, messageDisplay, channelDisplayMode] = row;
        const user: Record<string, unknown> = { username, email };
        const optional = {
          auth_service: authService, auth_data: authData, nickname, first_name: firstName, last_name: lastName, position, roles, locale,
          theme, selected_font: selectedFont, use_military_time: useMilitaryTime, name_format: nameFormat, collapse_previews: collapsePreviews,
          message_display: messageDisplay, channel_display_mode: channelDisplayMode,
        };
        for (const [key, value] of Object.entries(optional)) if (value !== null) user[key] = value;
        const teams = teamsByUser.get(id as string);
        if (teams) user['teams'] = teams.map(({ teamId: _teamId, ...membership }) => membership);
        return { type: 'user', user } as BulkObject;
      });
    }
  }

  /**
   * Posts in id order as finished lines, written by PostgreSQL (see POST_LINE). Only for a
   * snapshot whose counts found no post breaking the rules; otherwise `posts()` finds and names
   * the first.
   */
  async *postLines(): AsyncGenerator<CopyChunk> {
    // COPY takes no parameters: the org id goes in as a quoted literal, the cut-off as the integer
    // the constructor checked it to be.
    const until = this.untilMs === null ? '' : `AND p.create_at <= ${this.untilMs}`;
    const sql = `COPY (SELECT ${POST_LINE} ${POSTS_FROM}
                        WHERE p.org_id = ${this.client.escapeLiteral(this.orgId)} ${until}
                        ORDER BY p.id) TO STDOUT ${COPY_LINES}`;
    const pid = this.backendPid;
    const copy = new CopyOut(sql, () => this.cancelBackend(pid));
    this.client.query(copy);
    yield* copy.chunks();
  }

  /** Posts in id order, each with its team, channel and author by name. */
  async *posts(): AsyncGenerator<BulkObject[]> {
    const sql = `SELECT t.name, c.name, u.username, p.message, p.create_at ${POSTS_FROM}
                  WHERE p.org_id = $1 AND ($2::bigint IS NULL OR p.create_at <= $2)
                  ORDER BY p.id`;
    for await (const rows of this.pages(sql, [this.orgId, this.untilMs])) {
      yield rows.map(([team, channel, user, message, createAt]) => ({
        type: 'post',
        post: { team: team as string, channel: channel as string, user: user as string, message: message as string, create_at: Number(createAt) },
      }));
    }
  }
}
