// pnpm admin <command> [options]: accounts, orgs, memberships and tokens for scripts and setup.
//   create-org --slug acme --name "Acme"
//   create-account --email a@b.c --password ... [--platform-admin]
//   set-password --email a@b.c --password ...
//   add-member --org acme --email a@b.c --role ORG_ADMIN
//   create-token --email a@b.c --name ci [--expires 2027-01-01T00:00:00Z]
// Uses DATABASE_URL, or the embedded database of ./run start.
import { parseArgs } from 'node:util';
import { OrgRole, Prisma, createDb } from '@org-export/db';
import { applyMigrations } from '@org-export/db/migrate';
import { addMember, createAccount, createOrg, createToken, setPassword } from './services/accounts.ts';

const EMBEDDED_DATABASE_URL = 'postgresql://orgexport:orgexport@127.0.0.1:54329/orgexport';
const USAGE = `usage: pnpm admin <command> [options]
  create-org --slug SLUG --name NAME
  create-account --email EMAIL --password PASSWORD [--platform-admin]
  set-password --email EMAIL --password PASSWORD
  add-member --org SLUG --email EMAIL --role ORG_ADMIN|REGIONAL_ADMIN|CHAPTER_OFFICER|MEMBER
  create-token --email EMAIL --name NAME [--expires ISO-DATE]`;

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    slug: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' },
    'platform-admin': { type: 'boolean', default: false }, org: { type: 'string' }, role: { type: 'string' }, expires: { type: 'string' },
  },
});

function need(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new Error(`--${name} is required\n${USAGE}`);
  return value;
}

const url = process.env['DATABASE_URL'] ?? EMBEDDED_DATABASE_URL;
const db = createDb(url, { maxConnections: 2 });
try {
  await applyMigrations(url);
  switch (command) {
    case 'create-org': {
      const slug = need('slug');
      if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(slug)) throw new Error('--slug must be lower-case letters, digits and dashes');
      const org = await createOrg(db, slug, need('name'));
      process.stdout.write(`created org ${org.slug} (${org.id})\n`);
      break;
    }
    case 'create-account': {
      const password = need('password');
      if (password.length < 8) throw new Error('--password must be at least 8 characters');
      const account = await createAccount(db, { email: need('email'), password, platformAdmin: values['platform-admin'] });
      process.stdout.write(`created account ${account.email} (${account.id})${account.isPlatformAdmin ? ', platform admin' : ''}\n`);
      break;
    }
    case 'set-password': {
      const password = need('password');
      if (password.length < 8) throw new Error('--password must be at least 8 characters');
      const account = await setPassword(db, need('email'), password);
      process.stdout.write(`set the password of ${account.email}\n`);
      break;
    }
    case 'add-member': {
      const role = need('role');
      if (!(role in OrgRole)) throw new Error(`--role must be one of ${Object.keys(OrgRole).join(', ')}`);
      await addMember(db, need('org'), need('email'), role as OrgRole);
      process.stdout.write(`${values.email} is ${role} of ${values.org}\n`);
      break;
    }
    case 'create-token': {
      const expires = values.expires ? new Date(values.expires) : undefined;
      if (expires && Number.isNaN(expires.getTime())) throw new Error('--expires must be an ISO date such as 2027-01-01T00:00:00Z');
      const { token } = await createToken(db, need('email'), need('name'), expires);
      // The token alone on stdout, so scripts can capture it.
      process.stdout.write(`${token}\n`);
      process.stderr.write('keep this token: it is not shown again\n');
      break;
    }
    default:
      throw new Error(USAGE);
  }
} catch (error) {
  const message =
    error instanceof Prisma.PrismaClientKnownRequestError
      ? error.code === 'P2002'
        ? 'that already exists'
        : error.code === 'P2025'
          ? 'no such org or account'
          : error.message
      : (error as Error).message;
  process.stderr.write(`admin: ${message}\n`);
  process.exitCode = command && command !== 'help' ? 1 : 2;
} finally {
  await db.$disconnect();
}
