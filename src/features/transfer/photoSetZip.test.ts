/**
 * Reading a photo set from a zip: the central directory's limits (checked before anything is
 * unpacked, at the exact numbers), entries refused one by one, the classes from the folders, and an
 * export → import round trip.
 */
import { deflateSync, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAD } from './meta';
import { buildDatasetZip } from './worker/datasetZip';
import { classOfPaths, crc32, groupFolderFiles, MAX_PHOTO_SET_BYTES, MAX_PHOTO_SET_FILES, readPhotoSetZip, readZipDirectory, ZipRefused } from './photoSetZip';

const JPEG = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n & 0xff, (n >> 8) & 0xff, 1, 2, 3, 0xff, 0xd9]);

/** A zip that is only a central directory (+ its end record): entries declare any sizes, hold no data. */
function directoryOnly(entries: { name: string; size: number }[], declaredCount = entries.length): Uint8Array<ArrayBuffer> {
  const records = entries.map(({ name, size }) => {
    const nameBytes = strToU8(name);
    const record = new Uint8Array(46 + nameBytes.length);
    const view = new DataView(record.buffer);
    view.setUint32(0, 0x02014b50, true);
    view.setUint16(10, 0, true);
    view.setUint32(20, size, true);
    view.setUint32(24, size, true);
    view.setUint16(28, nameBytes.length, true);
    record.set(nameBytes, 46);
    return record;
  });
  const size = records.reduce((sum, r) => sum + r.length, 0);
  const out = new Uint8Array(size + 22);
  let at = 0;
  for (const r of records) {
    out.set(r, at);
    at += r.length;
  }
  const end = new DataView(out.buffer, size);
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, Math.min(declaredCount, 0xffff), true);
  end.setUint16(10, Math.min(declaredCount, 0xffff), true);
  end.setUint32(12, size, true);
  end.setUint32(16, 0, true);
  return out;
}

/** A Blob that counts the bytes read from it (slices taken). */
class CountingBlob extends Blob {
  sliced = 0;
  override slice(start?: number, end?: number, type?: string): Blob {
    this.sliced += (end ?? this.size) - (start ?? 0);
    return super.slice(start, end, type);
  }
}

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ZipRefused) return error.code;
    throw error;
  }
  return null;
};

describe('the limits, from the central directory alone', () => {
  it('takes exactly 10⁹ bytes declared and refuses one byte more', async () => {
    expect(MAX_PHOTO_SET_BYTES).toBe(1_000_000_000);
    const half = [{ name: 'a/1.jpg', size: 500_000_000 }];
    expect(await readZipDirectory(new Blob([directoryOnly([...half, { name: 'a/2.jpg', size: 500_000_000 }])]))).toHaveLength(2);
    expect(await refusal(readZipDirectory(new Blob([directoryOnly([...half, { name: 'a/2.jpg', size: 500_000_001 }])])))).toBe('photoSetTooBig');
  });

  it('refuses a zip declaring more than 1 GB before reading any entry', async () => {
    const blob = new CountingBlob([directoryOnly([{ name: 'cat/1.jpg', size: 4_000_000_000 }, { name: 'cat/2.jpg', size: 10 }])]);
    expect(await refusal(readPhotoSetZip(blob))).toBe('photoSetTooBig');
    expect(blob.sliced).toBe(blob.size + (blob.size - 22)); // the tail (the whole small zip), then the directory: no entry
  });

  it('takes 5,000 files (folders not counted) and refuses 5,001', async () => {
    expect(MAX_PHOTO_SET_FILES).toBe(5000);
    const files = Array.from({ length: 5000 }, (_, k) => ({ name: `c${k % 10}/${k}.jpg`, size: 1 }));
    const folders = Array.from({ length: 10 }, (_, k) => ({ name: `c${k}/`, size: 0 }));
    expect(await readZipDirectory(new Blob([directoryOnly([...folders, ...files])]))).toHaveLength(5010);
    expect(await refusal(readZipDirectory(new Blob([directoryOnly([...files, { name: 'c0/extra.jpg', size: 1 }])])))).toBe('photoSetTooManyFiles');
  });

  it('refuses an end record declaring far more entries than the limit, without reading the directory', async () => {
    const blob = new CountingBlob([directoryOnly([{ name: 'a/1.jpg', size: 1 }], 65535)]);
    expect(await refusal(readZipDirectory(blob))).toBe('photoSetTooManyFiles');
    expect(blob.sliced).toBe(blob.size);
  });

  it('reads zip64 sizes and counts (end record, locator and extra field)', async () => {
    const zip64 = (size: number) => {
      const name = strToU8('cat/1.jpg');
      const record = new DataView(new ArrayBuffer(46 + name.length + 20));
      record.setUint32(0, 0x02014b50, true);
      record.setUint32(20, 0xffffffff, true);
      record.setUint32(24, 0xffffffff, true);
      record.setUint16(28, name.length, true);
      record.setUint16(30, 20, true);
      new Uint8Array(record.buffer).set(name, 46);
      record.setUint16(46 + name.length, 1, true);
      record.setUint16(48 + name.length, 16, true);
      record.setBigUint64(50 + name.length, BigInt(size), true); // uncompressed
      record.setBigUint64(58 + name.length, BigInt(size), true); // compressed
      const cd = record.byteLength;
      const tail = new DataView(new ArrayBuffer(56 + 20 + 22));
      tail.setUint32(0, 0x06064b50, true);
      tail.setBigUint64(32, 1n, true);
      tail.setBigUint64(40, BigInt(cd), true);
      tail.setBigUint64(48, 0n, true);
      tail.setUint32(56, 0x07064b50, true);
      tail.setBigUint64(64, BigInt(cd), true);
      tail.setUint32(76, 0x06054b50, true);
      tail.setUint16(86, 0xffff, true);
      tail.setUint32(88, 0xffffffff, true);
      tail.setUint32(92, 0xffffffff, true);
      return new Blob([record.buffer, tail.buffer]);
    };
    expect((await readZipDirectory(zip64(10)))[0]).toMatchObject({ name: 'cat/1.jpg', size: 10, compressedSize: 10 });
    expect(await refusal(readZipDirectory(zip64(1_000_000_001)))).toBe('photoSetTooBig');
  });

  it('refuses what is not a zip, or a cut one, as corrupt', async () => {
    expect(await refusal(readPhotoSetZip(new Blob([strToU8('%PDF-1.4 not a zip at all')])))).toBe('photoSetCorrupt');
    expect(await refusal(readPhotoSetZip(new Blob([])))).toBe('photoSetCorrupt');
    const zip = zipSync({ 'cat/1.jpg': JPEG(1), 'dog/1.jpg': JPEG(2) });
    expect(await refusal(readPhotoSetZip(new Blob([zip.slice(0, zip.length - 30)])))).toBe('photoSetCorrupt');
    const badDirectory = zip.slice();
    badDirectory[zip.length - 22 - 46 * 2 - 18] ^= 0xff; // inside the central directory's first signature
    expect(await refusal(readPhotoSetZip(new Blob([badDirectory])))).toBe('photoSetCorrupt');
  });

  it('refuses a zip without any class folder as empty', async () => {
    expect(await refusal(readPhotoSetZip(new Blob([zipSync({ 'README.txt': strToU8('hi'), 'photo.jpg': JPEG(1) })])))).toBe('photoSetEmpty');
  });
});

describe('entries, one by one', () => {
  it('reads stored and deflated entries, and refuses a damaged, lying or oversized one alone', async () => {
    const big = new Uint8Array(26 * 1024 * 1024);
    const zip = zipSync({
      'cat/stored.jpg': [JPEG(1), { level: 0 }],
      'cat/deflated.jpg': [JPEG(2), { level: 9 }],
      'cat/damaged.jpg': [JPEG(3), { level: 0 }],
      'dog/big.jpg': [big, { level: 9 }],
      'dog/ok.jpg': [JPEG(4), { level: 0 }],
    });
    // damage the third entry's data (its CRC no longer matches)
    const at = indexOf(zip, JPEG(3));
    zip[at + 5] ^= 0xff;
    const { groups, refused } = await readPhotoSetZip(new Blob([zip]));
    expect(groups.map((g) => [g.name, g.files.map((f) => f.name)])).toEqual([['cat', ['stored.jpg', 'deflated.jpg']], ['dog', ['ok.jpg']]]);
    expect(new Uint8Array(await groups[0].files[1].arrayBuffer())).toEqual(JPEG(2));
    expect(refused).toEqual([{ name: 'damaged.jpg', code: 'corrupt' }, { name: 'big.jpg', code: 'tooLarge' }]);
  });

  it('stops inflating an entry past its declared size (a zip bomb entry)', async () => {
    const zip = zipSync({ 'cat/a.jpg': [new Uint8Array(100_000), { level: 9 }], 'cat/b.jpg': [JPEG(5), { level: 0 }] });
    // declare 1,000 bytes for a.jpg in the central directory (its data inflates to 100,000)
    expect(lastIndexOf(zip, [0x50, 0x4b, 0x01, 0x02])).toBeGreaterThan(centralStart(zip)); // a.jpg's record comes first
    new DataView(zip.buffer).setUint32(centralStart(zip) + 24, 1000, true);
    const { groups, refused } = await readPhotoSetZip(new Blob([zip]));
    expect(refused).toEqual([{ name: 'a.jpg', code: 'corrupt' }]);
    expect(groups[0].files.map((f) => f.name)).toEqual(['b.jpg']);
  });

  it('computes the zip CRC-32', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
    expect(deflateSync(strToU8('x')).length).toBeGreaterThan(0);
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array | number[]): number {
  outer: for (let k = 0; k + needle.length <= haystack.length; k++) {
    for (let j = 0; j < needle.length; j++) if (haystack[k + j] !== needle[j]) continue outer;
    return k;
  }
  return -1;
}
function lastIndexOf(haystack: Uint8Array, needle: number[]): number {
  for (let k = haystack.length - needle.length; k >= 0; k--) if (needle.every((b, j) => haystack[k + j] === b)) return k;
  return -1;
}
/** the central directory's offset, from the end record */
const centralStart = (zip: Uint8Array) => new DataView(zip.buffer).getUint32(zip.length - 22 + 16, true);

describe('classes from folders', () => {
  it('uses top-level folders, dataset/<class>/, or the one folder that holds them', () => {
    expect(classOfPaths(['README.txt', 'train.py', 'dataset/cat/1.jpg', 'dataset/dog/2.jpg'])).toEqual([null, null, 'cat', 'dog']);
    expect(classOfPaths(['cat/1.jpg', 'dog/x/2.jpg'])).toEqual(['cat', 'dog']);
    expect(classOfPaths(['/my-set/cat/1.jpg', '/my-set/dog/2.jpg'])).toEqual(['cat', 'dog']);
    expect(classOfPaths(['cat/1.jpg', 'cat/2.jpg'])).toEqual(['cat', 'cat']);
    expect(classOfPaths(['set/notes.txt', 'set/cat/1.jpg'])).toEqual(['set', 'set']);
    expect(classOfPaths(['__MACOSX/cat/._1.jpg', 'cat/.DS_Store', 'cat/1.jpg', 'dog/1.jpg'])).toEqual([null, null, 'cat', 'dog']);
    expect(classOfPaths(['e\u0301/1.jpg'])).toEqual(['é']);
  });

  it("leaves out the export's base/ (a TensorFlow.js model, not a class), also inside a dropped folder", () => {
    const exported = ['README.txt', 'train.py', 'base/model.json', 'base/weights.bin', 'base/PROVENANCE.md', 'dataset/cat/1.jpg', 'dataset/dog/2.jpg'];
    expect(classOfPaths(exported)).toEqual([null, null, null, null, null, 'cat', 'dog']);
    expect(classOfPaths(exported.slice(2).map((path) => `project/${path}`))).toEqual([null, null, null, 'cat', 'dog']);
    // a class named base, with no model.json in it, stays a class
    expect(classOfPaths(['base/1.jpg', 'cat/1.jpg'])).toEqual(['base', 'cat']);
  });

  it('groups a dropped folder of class folders', () => {
    const file = (name: string) => new File([JPEG(1)], name);
    const groups = groupFolderFiles([
      { path: '/set/cat/1.jpg', file: file('1.jpg') },
      { path: '/set/dog/2.jpg', file: file('2.jpg') },
      { path: '/set/cat/3.jpg', file: file('3.jpg') },
    ]);
    expect(groups.map((g) => [g.name, g.files.map((f) => f.name)])).toEqual([['cat', ['1.jpg', '3.jpg']], ['dog', ['2.jpg']]]);
  });
});

describe('export → import', () => {
  it('gives the same classes, counts and bytes as "Export images (.zip)" wrote', async () => {
    const classes = [
      { name: 'digit 0', images: [1, 2, 3].map((n) => ({ name: `IMG_${n}.jpg`, bytes: JPEG(n) })) },
      { name: '数字 1', images: [4, 5].map((n) => ({ name: `IMG_${n}.jpg`, bytes: JPEG(n) })) },
      { name: 'empty', images: [] },
    ];
    const zip = buildDatasetZip(classes, DEFAULT_HEAD);
    const { groups, refused } = await readPhotoSetZip(new Blob([zip]));
    expect(refused).toEqual([]);
    expect(groups.map((g) => [g.name, g.files.length])).toEqual([['digit 0', 3], ['数字 1', 2]]);
    expect(new Uint8Array(await groups[1].files[1].arrayBuffer())).toEqual(JPEG(5));
  });
});
