// `incident-bot audit verify …` and `incident-bot audit keygen --out DIR`.
import { AuditKeyError, writeKeyPair } from '../ops/audit-key.js';
import { type CliResult, ok, parse, result, str, UsageError } from './args.js';
import { auditVerify } from './audit-verify.js';
import { cliDatabase, withPostgres } from './cli-database.js';

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export async function auditCommand(rest: string[], env: NodeJS.ProcessEnv, help: string): Promise<CliResult> {
  const [sub, ...args] = rest;
  if (sub === '--help' || sub === '-h') return ok(help);
  if (sub === 'keygen') {
    const { values } = parse(args, { out: { type: 'string' } }, 0);
    if (values.help) return ok(help);
    const out = str(values.out);
    if (!out) throw new UsageError('Say where to write the key pair: --out DIR.');
    try {
      const k = writeKeyPair(out);
      return ok(
        [
          `Wrote ${k.privateFile} (private: mode 0600) and ${k.publicFile} (public), key id ${k.keyId}.`,
          'Point AUDIT_SIGNING_KEY_FILE at the private key; keep it off the database host and out of its backups.',
          'Give the public key to whoever audits: `incident-bot audit verify --db FILE --pubkey audit-signing-key.pub.pem`.',
        ].join('\n'),
      );
    } catch (e) {
      if (e instanceof AuditKeyError) return result(1, e.message);
      const err = e as NodeJS.ErrnoException;
      if (err.code) return result(1, `Cannot write the key pair into ${out}: ${err.code}.`);
      throw e;
    }
  }
  if (sub !== 'verify')
    throw new UsageError(
      sub
        ? `Unknown audit command "${sub}": use "audit verify" or "audit keygen".`
        : 'Say what to do: "audit verify" or "audit keygen".',
    );
  const { values } = parse(
    args,
    {
      db: { type: 'string' },
      file: { type: 'string' },
      head: { type: 'string' },
      pubkey: { type: 'string', multiple: true },
      checkpoint: { type: 'string', multiple: true },
    },
    0,
  );
  if (values.help) return ok(help);
  const file = str(values.file);
  const db = str(values.db);
  const pubkeys = list(values.pubkey);
  const checkpoints = list(values.checkpoint);
  if (file && db) throw new UsageError('Give either --db or --file, not both.');
  if (values.head !== undefined && !file) throw new UsageError('--head only applies with --file.');
  if (checkpoints.length && file)
    throw new UsageError('--checkpoint applies to --db (an export carries its own).');
  const head = str(values.head);
  if (file) {
    const r = auditVerify({ file, pubkeys, ...(head ? { expectHead: head } : {}) });
    return result(r.code, r.output);
  }
  const target = cliDatabase(db, env);
  const r =
    target.kind === 'postgres'
      ? await withPostgres(
          target,
          env,
          (pg) => auditVerify({ db: pg, label: target.label, pubkeys, checkpoints }),
          (message) => ({ code: 2, output: message }),
        )
      : auditVerify({ dbPath: target.path, pubkeys, checkpoints });
  return result(r.code, r.output);
}
