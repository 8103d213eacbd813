// Project rules no off-the-shelf linter checks for us. Exits 1 listing every violation.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.mjs'], {
  encoding: 'utf8',
})
  .split('\n')
  // Deleted but not yet committed files are still listed by git.
  .filter((file) => file && !file.includes('/generated/') && existsSync(file));

const rules = [
  {
    why: 'focused tests skip the rest of the suite',
    applies: (file) => /\.test\.tsx?$/.test(file),
    bad: /\b(?:it|test|describe)\.only\(/,
  },
  {
    why: 'the format package runs in browsers too: no node: modules outside its CLI',
    applies: (file) => file.startsWith('packages/format/src/') && !/\/cli(\.test)?\.ts$/.test(file) && !file.endsWith('.test.ts'),
    bad: /from ['"]node:/,
  },
  {
    why: 'the format package imports nothing of ours',
    applies: (file) => file.startsWith('packages/format/'),
    bad: /from ['"]@org-export\//,
  },
  {
    why: 'packages expose their surface through package.json#exports; no deep imports',
    applies: (file) => !file.startsWith('packages/db/'),
    bad: /from ['"]@org-export\/[a-z-]+\/src\//,
  },
];

const problems = [];
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const rule of rules) {
    if (!rule.applies(file)) continue;
    lines.forEach((line, index) => {
      if (rule.bad.test(line)) problems.push(`${file}:${index + 1}: ${rule.why}\n    ${line.trim()}`);
    });
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
