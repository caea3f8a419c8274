/**
 * "Import a photo set": a zip (picked or dropped) or a dropped folder of class folders
 * (photoSetZip.ts decides the classes), loaded like dropped files. A zip past the limits, or not a
 * zip, is refused whole before anything is added.
 */
import { useState, type DragEvent } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { groupFolderFiles, type PhotoSetGroup } from '../photoSetZip';

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

/** Every file under a dropped entry, with its path inside the drop. */
async function filesWithPaths(entry: FileSystemEntry): Promise<{ path: string; file: File }[]> {
  if (entry.isFile) return [{ path: entry.fullPath, file: await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)) }];
  if (!entry.isDirectory) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const found: { path: string; file: File }[] = [];
  // readEntries returns at most ~100 entries per call: read until it returns none.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) found.push(...(await filesWithPaths(child)));
  }
  return found;
}

const isZip = (file: File) => /\.zip$/i.test(file.name) || file.type === 'application/zip' || file.type === 'application/x-zip-compressed';

interface Props {
  busy: boolean;
  onZip(file: File): void;
  onFolder(groups: PhotoSetGroup[]): void;
}

export function ImportDataset({ busy, onZip, onFolder }: Props) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState(false);
  const drop = async (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    if (busy) return;
    const entries = Array.from(event.dataTransfer.items ?? []).filter((item) => item.kind === 'file').map((item) => item.webkitGetAsEntry?.() ?? null);
    const files = Array.from(event.dataTransfer.files ?? []);
    if (files.length === 1 && isZip(files[0]) && !entries[0]?.isDirectory) return onZip(files[0]);
    if (entries.length === 0 || entries.some((entry) => entry === null)) return onFolder(groupFolderFiles(files.map((file) => ({ path: file.webkitRelativePath || file.name, file }))));
    const nested = await Promise.all(entries.map((entry) => filesWithPaths(entry!)));
    onFolder(groupFolderFiles(nested.flat()));
  };
  return (
    <details className="photo-sets-panel">
      <summary>{t('photoSets.import.title')}</summary>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p className="hint">{t('photoSets.import.hint')}</p>
        <label className="file-button">
          {t('photoSets.import.pick')}
          <input type="file" accept=".zip,application/zip" data-testid="import-dataset" disabled={busy} onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) onZip(file);
          }} />
        </label>{' '}
        <span className="hint">{t('photoSets.import.drop')}</span>
      </div>
    </details>
  );
}
