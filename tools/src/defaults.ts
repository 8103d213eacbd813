/** The database `./run start` embeds when DATABASE_URL is unset. Keep in sync with scripts/start.ts. */
export const EMBEDDED_DATABASE_URL = 'postgresql://orgexport:orgexport@127.0.0.1:54329/orgexport';
