/**
 * A photo set from a zip (or a dropped folder): one class per top-level folder, or per folder of
 * `dataset/` as "Export images (.zip)" writes it (datasetZip.ts). The zip's central directory is
 * read first, alone (the end of the file), and a zip that declares more than MAX_PHOTO_SET_BYTES
 * uncompressed or more than MAX_PHOTO_SET_FILES files is refused before anything is unpacked. Each
 * entry is then read from its own slice of the file (stored or deflated, inflated in chunks and
 * stopped past its declared size, CRC-32 checked): a bad entry is refused alone, the others load.
 * Pure (Blob, File, fflate): runs on the page, in a worker and in Node.
 *
 * Reusable parts: readZipDirectory (limits, entries), readZipEntry (one entry's bytes), ZipRefused.
 */
import { Inflate } from 'fflate';
import type { ImageRejection } from '../../worker/protocol';
import { MAX_FILE_BYTES } from './meta';

/** "more than 1 GB uncompressed" (decimal: 10⁹ bytes) is refused */
export const MAX_PHOTO_SET_BYTES = 1_000_000_000;
/** "more than 5,000 files" is refused (folder entries are not files) */
export const MAX_PHOTO_SET_FILES = 5000;

/** One class of a photo set: its name (a folder's) and its files. */
export interface PhotoSetGroup {
  name: string;
  files: File[];
}

/** A file refused before the worker saw it (an unreadable zip entry), with the drops' reason. */
export interface PhotoSetRefusal {
  name: string;
  code: ImageRejection;
}

export type PhotoSetErrorCode = 'photoSetTooBig' | 'photoSetTooManyFiles' | 'photoSetCorrupt' | 'photoSetEmpty' | 'photoSetFailed';

/** Why a whole zip was refused (nothing of it is loaded). */
export class ZipRefused extends Error {
  constructor(readonly code: PhotoSetErrorCode, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'ZipRefused';
  }
}

/** Why one entry was refused (the rest load). */
export class EntryRefused extends Error {
  constructor(readonly code: ImageRejection) {
    super(code);
  }
}

export interface ZipEntry {
  /** the path in the zip (`dataset/cat/0001.jpg`; folders end with `/`) */
  name: string;
  /** 0 stored, 8 deflated (others are refused when read) */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  /** declared uncompressed size */
  size: number;
  /** where its local header starts */
  offset: number;
}

export interface ZipLimits {
  maxBytes: number;
  maxFiles: number;
}
const LIMITS: ZipLimits = { maxBytes: MAX_PHOTO_SET_BYTES, maxFiles: MAX_PHOTO_SET_FILES };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const utf8 = new TextDecoder('utf-8');

async function bytesOf(blob: Blob, start: number, end: number): Promise<DataView> {
  if (start < 0 || end > blob.size || start > end) throw new ZipRefused('photoSetCorrupt', 'out of range');
  return new DataView(await blob.slice(start, end).arrayBuffer());
}
const u64 = (view: DataView, at: number) => Number(view.getBigUint64(at, true));

/** The end-of-central-directory record: the directory's place and entry count (zip64 followed). */
async function findDirectory(blob: Blob): Promise<{ offset: number; size: number; count: number }> {
  const tailStart = Math.max(0, blob.size - 22 - 0xffff);
  const tail = await bytesOf(blob, tailStart, blob.size);
  for (let at = tail.byteLength - 22; at >= 0; at--) {
    if (tail.getUint32(at, true) !== EOCD || at + 22 + tail.getUint16(at + 20, true) !== tail.byteLength) continue;
    let count = tail.getUint16(at + 10, true);
    let size = tail.getUint32(at + 12, true);
    let offset = tail.getUint32(at + 16, true);
    if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && at >= 20 && tail.getUint32(at - 20, true) === ZIP64_LOCATOR) {
      const record = await bytesOf(blob, u64(tail, at - 12), u64(tail, at - 12) + 56);
      if (record.getUint32(0, true) !== ZIP64_EOCD) throw new ZipRefused('photoSetCorrupt', 'zip64 record');
      [count, size, offset] = [u64(record, 32), u64(record, 40), u64(record, 48)];
    }
    if (offset + size > tailStart + at) throw new ZipRefused('photoSetCorrupt', 'directory out of range');
    return { offset, size, count };
  }
  throw new ZipRefused('photoSetCorrupt', 'no end of central directory');
}

/** Sizes and offset from a zip64 extra field (id 1), for the fields the header marks 0xFFFFFFFF. */
function zip64Sizes(view: DataView, at: number, end: number, entry: ZipEntry): void {
  for (let p = at; p + 4 <= end; ) {
    const id = view.getUint16(p, true);
    const length = view.getUint16(p + 2, true);
    if (id === 1) {
      let q = p + 4;
      const take = () => (q + 8 <= p + 4 + length ? ((q += 8), u64(view, q - 8)) : Infinity);
      if (entry.size === 0xffffffff) entry.size = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.offset === 0xffffffff) entry.offset = take();
      return;
    }
    p += 4 + length;
  }
}

/**
 * The zip's entries, from its central directory alone, after checking the limits: more than
 * `maxFiles` files (entries not ending in `/`) or more than `maxBytes` declared uncompressed is refused.
 * @throws ZipRefused photoSetTooManyFiles, photoSetTooBig, photoSetCorrupt (not a zip, a broken directory)
 */
export async function readZipDirectory(blob: Blob, limits: ZipLimits = LIMITS): Promise<ZipEntry[]> {
  const { offset, size, count } = await findDirectory(blob);
  // Every entry takes at least 46 bytes of directory: a count that cannot fit, or one far past the
  // limit (folders included), is refused before the directory is read.
  if (count > 2 * limits.maxFiles + 1000) throw new ZipRefused('photoSetTooManyFiles', String(count));
  if (count * 46 > size) throw new ZipRefused('photoSetCorrupt', 'directory too short');
  const view = await bytesOf(blob, offset, offset + size);
  const entries: ZipEntry[] = [];
  let files = 0;
  let bytes = 0;
  for (let at = 0, k = 0; k < count; k++) {
    if (at + 46 > view.byteLength || view.getUint32(at, true) !== CENTRAL) throw new ZipRefused('photoSetCorrupt', `directory entry ${k}`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const end = at + 46 + nameLength + extraLength + view.getUint16(at + 32, true);
    if (end > view.byteLength) throw new ZipRefused('photoSetCorrupt', `directory entry ${k}`);
    const entry: ZipEntry = {
      name: utf8.decode(new Uint8Array(view.buffer, at + 46, nameLength)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      offset: view.getUint32(at + 42, true),
    };
    zip64Sizes(view, at + 46 + nameLength, at + 46 + nameLength + extraLength, entry);
    if (!entry.name.endsWith('/')) files++;
    bytes += entry.size;
    if (files > limits.maxFiles) throw new ZipRefused('photoSetTooManyFiles', String(files));
    if (bytes > limits.maxBytes) throw new ZipRefused('photoSetTooBig', String(bytes));
    entries.push(entry);
    at = end;
  }
  return entries;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let k = 0; k < bytes.length; k++) crc = CRC_TABLE[(crc ^ bytes[k]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Inflates `data` in 64 KiB steps, stopping as soon as the output passes `size` (a lying entry). */
function inflateCapped(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let length = 0;
  let ended = false;
  const inflate = new Inflate((chunk, final) => {
    if (length + chunk.length > size) throw new EntryRefused('corrupt');
    out.set(chunk, length);
    length += chunk.length;
    ended ||= final;
  });
  const STEP = 64 * 1024;
  for (let at = 0; at < data.length && !ended; at += STEP) inflate.push(data.subarray(at, at + STEP), at + STEP >= data.length);
  if (length !== size) throw new EntryRefused('corrupt');
  return out;
}

/**
 * One entry's bytes, at most `maxBytes` (declared larger: tooLarge, unread).
 * @throws EntryRefused tooLarge, or corrupt (encrypted, another compression, a bad header, size or CRC)
 */
export async function readZipEntry(blob: Blob, entry: ZipEntry, maxBytes = MAX_FILE_BYTES): Promise<Uint8Array> {
  if (entry.size > maxBytes) throw new EntryRefused('tooLarge');
  if (entry.flags & 1 || (entry.method !== 0 && entry.method !== 8)) throw new EntryRefused('corrupt');
  try {
    const header = await bytesOf(blob, entry.offset, entry.offset + 30);
    if (header.getUint32(0, true) !== LOCAL) throw new EntryRefused('corrupt');
    const start = entry.offset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
    const data = new Uint8Array((await bytesOf(blob, start, start + entry.compressedSize)).buffer);
    const bytes = entry.method === 0 ? data : inflateCapped(data, entry.size);
    if (bytes.length !== entry.size || crc32(bytes) !== entry.crc) throw new EntryRefused('corrupt');
    return bytes;
  } catch (error) {
    throw error instanceof EntryRefused ? error : new EntryRefused('corrupt');
  }
}

/** hidden files and folders, and the resource forks macOS adds to its zips */
const isHidden = (segment: string) => segment.startsWith('.') || segment === '__MACOSX';

/**
 * Each file's class, from its path: the first folder under the set's root. The root is the zip's
 * top level, stepped into while every file sits under one folder that holds only folders (so
 * `dataset/<class>/…`, `my-set/<class>/…` and `<class>/…` all work). Files at the root itself
 * (README.txt, train.py) and hidden ones belong to no class (null).
 */
export function classOfPaths(paths: string[]): (string | null)[] {
  const parts = paths.map((p) => p.replace(/^\/+/, '').split('/'));
  // the export's base/ (model.json + weights, worker/baseFiles.ts) is a model, not a class
  const models = new Set(parts.filter((s) => s.at(-1) === 'model.json' && s.at(-2) === 'base').map((s) => s.slice(0, -1).join('/')));
  const usable = parts.map((segments) => segments.length >= 2 && !segments.some(isHidden) && segments.at(-1) !== '' && !models.has(segments.slice(0, -1).join('/')));
  let depth = 0;
  for (;;) {
    const inFolders = parts.filter((segments, k) => usable[k] && segments.length > depth + 1);
    const first = new Set(inFolders.map((segments) => segments[depth]));
    if (first.size !== 1 || inFolders.some((segments) => segments.length === depth + 2)) break;
    depth++;
  }
  return parts.map((segments, k) => (usable[k] && segments.length > depth + 1 ? segments[depth].normalize('NFC') : null));
}

/** Files grouped into classes in order of first appearance; files of no class (null) are left out. */
export function groupByClass(items: { className: string | null; file: File }[]): PhotoSetGroup[] {
  const groups = new Map<string, File[]>();
  for (const { className, file } of items) {
    if (className !== null && className.trim() !== '') groups.set(className, [...(groups.get(className) ?? []), file]);
  }
  return [...groups].map(([name, files]) => ({ name, files }));
}

/** A dropped folder's photo set: its files with their paths inside the drop. */
export function groupFolderFiles(items: { path: string; file: File }[]): PhotoSetGroup[] {
  const classes = classOfPaths(items.map((item) => item.path));
  return groupByClass(items.map((item, k) => ({ className: classes[k], file: item.file })));
}

/**
 * A zip's photo set: its classes with their files (entries read one by one; a bad one is refused
 * alone, with its file name), after the directory's limits.
 * @throws ZipRefused (nothing loaded): too big, too many files, not a zip, no class folder
 */
export async function readPhotoSetZip(blob: Blob, onProgress?: (done: number, total: number) => void, limits: ZipLimits = LIMITS): Promise<{ groups: PhotoSetGroup[]; refused: PhotoSetRefusal[] }> {
  const entries = (await readZipDirectory(blob, limits)).filter((entry) => !entry.name.endsWith('/'));
  const classes = classOfPaths(entries.map((entry) => entry.name));
  const items: { className: string; file: File }[] = [];
  const refused: PhotoSetRefusal[] = [];
  let done = 0;
  for (const [k, entry] of entries.entries()) {
    const className = classes[k];
    const fileName = entry.name.split('/').pop()!;
    if (className !== null) {
      try {
        items.push({ className, file: new File([(await readZipEntry(blob, entry)) as Uint8Array<ArrayBuffer>], fileName) });
      } catch (error) {
        refused.push({ name: fileName, code: error instanceof EntryRefused ? error.code : 'corrupt' });
      }
    }
    onProgress?.(++done, entries.length);
  }
  const groups = groupByClass(items);
  if (groups.length === 0 && refused.length === 0) throw new ZipRefused('photoSetEmpty');
  return { groups, refused };
}
