/**
 * Bad-input fixtures, built byte by byte in Node (no binary fixtures in the repository), and the
 * studio steps the bad-input and resilience specs share.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import type { Locator, Page } from '@playwright/test';
import { expect } from './offline';
import { imagesOf } from './studio';

export interface FileFixture {
  name: string;
  type: string;
  bytes: Buffer;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG chunks use it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid width × height RGB PNG (a colour gradient). */
export function makePng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method variants, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, (y * 255) / height, 128], row + 1 + x * 3);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** Offset of the first byte of the PNG's IDAT data. */
function idatData(png: Buffer): number {
  return png.indexOf('IDAT', 8, 'latin1') + 4;
}

/** The PNG with bytes in the middle of its IDAT data changed and the stale CRC kept. */
export function pngWithBadCrc(png: Buffer): Buffer {
  const bad = Buffer.from(png);
  const at = idatData(bad) + 20;
  for (let k = 0; k < 8; k++) bad[at + k] ^= 0x5a;
  return bad;
}

/** The JPEG with its EXIF segments replaced by one APP1 whose Orientation tag (0x0112) is `orientation`. */
export function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
  // TIFF, big-endian: header, IFD0 with one SHORT entry, no next IFD.
  const tiff = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  // Keep SOI, drop existing APP1 segments, keep every other segment up to the scan.
  const kept: Buffer[] = [jpeg.subarray(0, 2), app1];
  let at = 2;
  while (at < jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) {
    const length = jpeg.readUInt16BE(at + 2);
    if (jpeg[at + 1] !== 0xe1) kept.push(jpeg.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  kept.push(jpeg.subarray(at));
  return Buffer.concat(kept);
}

const photo = (digit: string, n: number) => imagesOf(digit)[n];
export const photoFixture = (digit: string, n: number, name?: string): FileFixture => ({ name: name ?? photo(digit, n).split('/').pop()!, type: 'image/jpeg', bytes: readFileSync(photo(digit, n)) });

/** Files that are not images at all, each with a plausible name. */
export function notImages(): FileFixture[] {
  const elf = Buffer.alloc(64);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  const mz = Buffer.alloc(128);
  mz.write('MZ', 0, 'latin1');
  mz.writeUInt32LE(64, 0x3c);
  mz.write('PE\0\0', 64, 'latin1');
  return [
    { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('these are not pixels\n') },
    { name: 'paper.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n') },
    { name: 'photos.zip', type: 'application/zip', bytes: Buffer.from(zipSync({ 'a.txt': strToU8('zipped') })) },
    { name: 'tool', type: 'application/octet-stream', bytes: elf },
    { name: 'setup.exe', type: 'application/x-msdownload', bytes: mz },
    { name: 'holiday.jpg', type: 'image/jpeg', bytes: Buffer.from('<html>a page saved as .jpg</html>') },
  ];
}

/** Images that start like images but are damaged. */
export function damagedImages(): FileFixture[] {
  const jpeg = readFileSync(photo('3', 0));
  const png = makePng(64, 48);
  // A JPEG start (SOI, APP0) followed by noise instead of its segments.
  const scrambled = Buffer.concat([jpeg.subarray(0, 4), Buffer.from(Array.from({ length: 2000 }, (_, k) => (k * 7919) % 251))]);
  return [
    { name: 'half.jpg', type: 'image/jpeg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)) },
    { name: 'scrambled.jpg', type: 'image/jpeg', bytes: scrambled },
    { name: 'bad-crc.png', type: 'image/png', bytes: pngWithBadCrc(png) },
    { name: 'half.png', type: 'image/png', bytes: png.subarray(0, Math.floor(png.length / 2)) },
  ];
}

/** A real drop event on `target` carrying these files (built in the page from the bytes). */
export async function dropFiles(target: Locator, files: FileFixture[]): Promise<void> {
  const payload = files.map((file) => ({ name: file.name, type: file.type, data: file.bytes.toString('base64') }));
  const transfer = await target.page().evaluateHandle((items) => {
    const dataTransfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.data), (c) => c.charCodeAt(0));
      dataTransfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    return dataTransfer;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

/** What a test loads before the bad input: named classes with photos and a changed setting (none: the setting is left alone). */
export interface Project {
  names: string[];
  counts: number[];
  epochs?: number;
}

/** Names the classes (as many cards as there are), adds photos by file input and sets the epochs. */
export async function loadProject(page: Page, project: Project): Promise<void> {
  const cards = page.getByTestId('class-card');
  for (const [k, name] of project.names.entries()) {
    await cards.nth(k).getByTestId('class-name').fill(name);
    if (project.counts[k] > 0) await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(String(k)).slice(0, project.counts[k]));
  }
  if (project.epochs !== undefined) await page.getByTestId('head-epochs').fill(String(project.epochs));
  await expectProject(page, project);
}

/** The classes, their images (thumbnails shown) and the setting are all still there. */
export async function expectProject(page: Page, project: Project, countText = (n: number) => `${n} images`): Promise<void> {
  const cards = page.getByTestId('class-card');
  await expect(cards).toHaveCount(project.names.length);
  for (const [k, name] of project.names.entries()) {
    await expect(cards.nth(k).getByTestId('class-name')).toHaveValue(name);
    await expect(cards.nth(k).getByTestId('class-count')).toHaveText(countText(project.counts[k]), { timeout: 30_000 });
    await expect(cards.nth(k).locator('.thumbnails img')).toHaveCount(project.counts[k]);
  }
  if (project.epochs !== undefined) await expect(page.getByTestId('head-epochs')).toHaveValue(String(project.epochs));
}
