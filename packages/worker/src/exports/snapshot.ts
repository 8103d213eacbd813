// Reads one org inside a single REPEATABLE READ, READ ONLY transaction, so every row of the file
// belongs to the same moment, and turns the rows into bulk-format objects in the format's order.
// Each table is read through a server-side cursor a page at a time; the next page is fetched
// while the current one is encoded.
import type { BulkObject, ChannelMembershipData, TeamMembershipData } from '@org-export/format';
import type pg from 'pg';

/** Rows per FETCH: big enough that round trips do not dominate, small enough to stay a few MB. */
const PAGE_ROWS = 5000;
/** Users per membership lookup. */
const USER_PAGE_ROWS = 1000;

export type SnapshotCounts = { teams: number; channels: number; users: number; posts: number };

export class OrgSnapshot {
  private cursors = 0;

  constructor(
    private readonly client: pg.PoolClient | pg.Client,
    private readonly orgId: string,
    /** Posts created after this (ms since the epoch) are left out. */
    private readonly untilMs: number | null,
  ) {}

  async begin(): Promise<void> {
    await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async end(): Promise<void> {
    await this.client.query('ROLLBACK');
  }

  async counts(): Promise<SnapshotCounts> {
    const { rows } = await this.client.query<{ teams: number; channels: number; users: number; posts: string }>(
      `SELECT (SELECT count(*) FROM team WHERE org_id = $1)::int AS teams,
              (SELECT count(*) FROM channel WHERE org_id = $1)::int AS channels,
              (SELECT count(*) FROM chat_user WHERE org_id = $1)::int AS users,
              (SELECT count(*) FROM post WHERE org_id = $1 AND ($2::bigint IS NULL OR create_at <= $2))::bigint AS posts`,
      [this.orgId, this.untilMs],
    );
    const row = rows[0]!;
    return { teams: row.teams, channels: row.channels, users: row.users, posts: Number(row.posts) };
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

  /** Posts in id order, each with its team, channel and author by name. */
  async *posts(): AsyncGenerator<BulkObject[]> {
    const sql = `SELECT t.name, c.name, u.username, p.message, p.create_at
                   FROM post p
                   JOIN channel c ON c.id = p.channel_id
                   JOIN team t ON t.id = c.team_id
                   JOIN chat_user u ON u.id = p.user_id
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
