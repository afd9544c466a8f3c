// Builds the Teams app package: teams/manifest.json + teams/color.png + teams/outline.png zipped into
// teams/build/incident-bot.zip. A minimal "stored" (no compression) zip writer: no extra npm packages.
// TEAMS_CLIENT_ID (the bot's Entra app id) replaces the placeholder app/bot id and TEAMS_BOT_DOMAIN the
// example domain; both are required: a package with the zero GUID installs and then never answers.
// Missing icons are generated (192x192 colour, 32x32 white-on-transparent outline).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'teams');

// ------------------------------------------------------------------ PNG

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** An RGBA PNG of `size` x `size`; `pixel(x, y)` returns [r, g, b, a]. */
export function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A warning triangle: red background (colour icon) / white on transparent (outline icon). */
function inTriangle(x: number, y: number, size: number): boolean {
  const m = size * 0.15;
  const top = m;
  const bottom = size - m;
  if (y < top || y > bottom) return false;
  const half = ((y - top) / (bottom - top)) * (size / 2 - m);
  return Math.abs(x + 0.5 - size / 2) <= half;
}

export function colorIcon(): Buffer {
  return png(192, (x, y) => (inTriangle(x, y, 192) ? [255, 255, 255, 255] : [178, 34, 34, 255]));
}

export function outlineIcon(): Buffer {
  return png(32, (x, y) => (inTriangle(x, y, 32) ? [255, 255, 255, 255] : [0, 0, 0, 0]));
}

// ------------------------------------------------------------------ ZIP (stored)

export function zip(files: { name: string; data: Buffer }[], date = new Date(Date.UTC(2026, 0, 1))): Buffer {
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(f.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, f.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + f.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// ------------------------------------------------------------------ package

export class PackageError extends Error {}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO = '00000000-0000-0000-0000-000000000000';
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i;

/** The two values a real package needs, checked; the reasons it cannot be built otherwise. */
export function packageSettings(env: NodeJS.ProcessEnv): { id: string; domain: string } {
  const id = env.TEAMS_CLIENT_ID?.trim() ?? '';
  const domain = env.TEAMS_BOT_DOMAIN?.trim() ?? '';
  const problems: string[] = [];
  if (!GUID.test(id) || id === ZERO)
    problems.push(
      id
        ? `TEAMS_CLIENT_ID "${id}" is not an Entra app id (a GUID such as 0b6fe6d1-fece-44f7-9a48-56465e2d5ab8).`
        : "TEAMS_CLIENT_ID is missing: the bot's Entra app id (Azure bot registration -> Configuration).",
    );
  if (!HOST.test(domain) || /(^|\.)example\.com$/i.test(domain))
    problems.push(
      domain
        ? `TEAMS_BOT_DOMAIN "${domain}" is not a host name (write it without https:// or a path, e.g. incident-bot.acme.com).`
        : 'TEAMS_BOT_DOMAIN is missing: the public host of the messaging endpoint, e.g. incident-bot.acme.com.',
    );
  if (problems.length) throw new PackageError(problems.join('\n'));
  return { id: id.toLowerCase(), domain: domain.toLowerCase() };
}

export function buildPackage(
  env: NodeJS.ProcessEnv = process.env,
  outDir = join(dir, 'build'),
): { path: string; bytes: number; manifest: string } {
  const { id, domain } = packageSettings(env);
  const colorPath = join(dir, 'color.png');
  const outlinePath = join(dir, 'outline.png');
  if (!existsSync(colorPath)) writeFileSync(colorPath, colorIcon());
  if (!existsSync(outlinePath)) writeFileSync(outlinePath, outlineIcon());
  let manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
  manifest = manifest.replaceAll(ZERO, id).replaceAll('incident-bot.example.com', domain);
  JSON.parse(manifest); // fail loudly on a broken manifest
  const out = join(outDir, 'incident-bot.zip');
  mkdirSync(dirname(out), { recursive: true });
  const data = zip([
    { name: 'manifest.json', data: Buffer.from(manifest, 'utf8') },
    { name: 'color.png', data: readFileSync(colorPath) },
    { name: 'outline.png', data: readFileSync(outlinePath) },
  ]);
  writeFileSync(out, data);
  return { path: out, bytes: data.length, manifest };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const r = buildPackage();
    console.log(`wrote ${r.path} (${r.bytes} bytes)`);
  } catch (e) {
    if (!(e instanceof PackageError)) throw e;
    console.error(
      `teams:package: not built:\n${e.message}\nUsage: TEAMS_CLIENT_ID=<app id> TEAMS_BOT_DOMAIN=<host> npm run teams:package`,
    );
    process.exit(2);
  }
}
