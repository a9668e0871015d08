/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL. */
import { runMigrations } from '#db/migrate.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'Invalid configuration: DATABASE_URL is required (npm start migrates the embedded database itself)\n',
  );
  process.exit(1);
}
await runMigrations(url);
process.stdout.write('Migrations applied\n');
