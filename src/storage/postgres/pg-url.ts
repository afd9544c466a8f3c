// Whether a PostgreSQL connection string can be used, checked before anything connects: a password with an
// unencoded `/`, `?` or `#` makes the URL unreadable (or silently cuts it), and the bridge's worker would only
// find out on its own thread. Parsed by node-postgres itself (the exact parser the bridge uses), and the
// answer never repeats the string: it may hold a password.
import pg from 'pg';

const ENCODE =
  'percent-encode special characters in the password (/ as %2F, # as %23, ? as %3F, @ as %40, % as %25)';

/** Null when `url` can be used; else why not, as a clause to follow "DATABASE_URL " (no part of the value). */
export function connectionStringProblem(url: string): string | null {
  // A fragment means nothing to PostgreSQL: pg would drop everything after it, password and host included.
  if (url.includes('#')) return `contains "#", which ends a URL: ${ENCODE}`;
  try {
    // Parses the string as the bridge will (a Client only connects when told to).
    new pg.Client({ connectionString: url });
    return null;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_INVALID_URL') return `cannot be read as a URL: ${ENCODE}`;
    // sslrootcert, sslcert or sslkey naming a file that cannot be read: the code, not the path.
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      return `names an SSL certificate or key file that cannot be read (${code})`;
    return 'is not a connection string node-postgres can use';
  }
}
