// What bench-export measures the export against: PostgreSQL writing the same rows as JSON itself
// (`COPY (SELECT json_build_object(...)) TO STDOUT`) piped into gzip at the export's level, one
// COPY per table in the export's order, all in one REPEATABLE READ snapshot as the export reads.
// Its text is not byte for byte the export's (json_build_object puts spaces around colons and
// COPY escapes backslashes), but the rows, the joins and the order are the same.

/** Keep in step with the queries of packages/worker/src/exports/snapshot.ts. */
function copyQueries(orgId: string): string[] {
  const org = `'${orgId}'::uuid`;
  const teams = `SELECT json_build_object('type', 'team', 'team', json_strip_nulls(json_build_object(
      'name', name, 'display_name', display_name, 'type', type, 'description', description, 'allow_open_invite', allow_open_invite)))
    FROM team WHERE org_id = ${org} ORDER BY name`;
  const channels = `SELECT json_build_object('type', 'channel', 'channel', json_strip_nulls(json_build_object(
      'team', t.name, 'name', c.name, 'display_name', c.display_name, 'type', c.type, 'header', c.header, 'purpose', c.purpose)))
    FROM channel c JOIN team t ON t.id = c.team_id WHERE c.org_id = ${org} ORDER BY t.name, c.name`;
  // Memberships are aggregated per user in one pass each, not in a subquery per user and team.
  const channelMemberships = `SELECT cm.user_id, c.team_id, json_agg(json_build_object('name', c.name, 'roles', cm.roles, 'notify_props', cm.notify_props) ORDER BY c.name) AS channels
    FROM channel_member cm JOIN channel c ON c.id = cm.channel_id WHERE cm.org_id = ${org} GROUP BY cm.user_id, c.team_id`;
  const teamMemberships = `SELECT tm.user_id, json_agg(json_build_object('name', t.name, 'roles', tm.roles, 'channels', cms.channels) ORDER BY t.name) AS teams
    FROM team_member tm JOIN team t ON t.id = tm.team_id LEFT JOIN (${channelMemberships}) cms ON cms.user_id = tm.user_id AND cms.team_id = tm.team_id
    WHERE tm.org_id = ${org} GROUP BY tm.user_id`;
  const users = `SELECT json_build_object('type', 'user', 'user', json_strip_nulls(json_build_object(
      'username', username, 'email', email, 'auth_service', auth_service, 'auth_data', auth_data, 'nickname', nickname,
      'first_name', first_name, 'last_name', last_name, 'position', position, 'roles', roles, 'locale', locale, 'theme', theme,
      'selected_font', selected_font, 'use_military_time', use_military_time, 'name_format', name_format,
      'collapse_previews', collapse_previews, 'message_display', message_display, 'channel_display_mode', channel_display_mode,
      'teams', tms.teams)))
    FROM chat_user u LEFT JOIN (${teamMemberships}) tms ON tms.user_id = u.id WHERE u.org_id = ${org} ORDER BY u.username`;
  const posts = `SELECT json_build_object('type', 'post', 'post', json_build_object(
      'team', t.name, 'channel', c.name, 'user', u.username, 'message', p.message, 'create_at', p.create_at))
    FROM post p JOIN channel c ON c.id = p.channel_id JOIN team t ON t.id = c.team_id JOIN chat_user u ON u.id = p.user_id
    WHERE p.org_id = ${org} ORDER BY p.id`;
  return [teams, channels, users, posts].map((query) => `COPY (${query}) TO STDOUT`);
}

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** A bash command line: psql's COPYs into `gzip -<level>`, written to `output`. */
export function baselineCommand(databaseUrl: string, orgId: string, level: number, output: string): string {
  if (!/^[0-9a-f-]{36}$/.test(orgId)) throw new Error(`not an org id: ${orgId}`);
  const statements = ['BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', ...copyQueries(orgId), 'COMMIT'];
  const psql = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', shellQuote(databaseUrl), ...statements.flatMap((statement) => ['-c', shellQuote(statement)])].join(' ');
  return `set -o pipefail; ${psql} | gzip -${level} > ${shellQuote(output)}`;
}
