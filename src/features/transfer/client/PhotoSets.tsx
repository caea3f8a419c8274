/**
 * Photo sets beside the classes: "Try a sample set" (SampleSets) and "Import a photo set"
 * (ImportDataset), one loader (usePhotoSetLoader: the drops' path into the classes) and one status
 * line with its progress bar, the set's refused files and its error, if any.
 */
import { useCallback } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { MAX_CLASSES } from '../meta';
import { MAX_PHOTO_SET_BYTES, MAX_PHOTO_SET_FILES, readPhotoSetZip, ZipRefused, type PhotoSetGroup } from '../photoSetZip';
import type { SampleSet } from '../sampleSets';
import { ImportDataset } from './ImportDataset';
import { fetchSampleSet, SampleSets } from './SampleSets';
import { usePhotoSetLoader, type Actions, type PhotoSetStatus } from './usePhotoSetLoader';
import './photoSets.css';

/** The zip limits the messages name (photoSetZip.ts): 1 GB, 5,000 files. */
const LIMITS = { maxGB: MAX_PHOTO_SET_BYTES / 1e9, maxFiles: MAX_PHOTO_SET_FILES.toLocaleString('en-US') };

interface Props {
  actions: Actions;
}

function StatusLine({ status }: { status: PhotoSetStatus }) {
  const { t } = useI18n();
  if (status.phase === 'idle') return null;
  const code = status.phase === 'error' ? status.code : undefined;
  return (
    <div className={`photo-set-status${status.phase === 'error' ? ' notice notice-error' : ''}`} role={status.phase === 'error' ? 'alert' : 'status'} data-testid="photo-set-status" data-phase={status.phase} data-code={code}>
      {(status.phase === 'reading' || status.phase === 'adding') && (
        <>
          <span>{t(status.phase === 'reading' ? 'photoSets.status.reading' : 'photoSets.status.adding', { done: status.done, total: status.total })}</span>{' '}
          <progress data-testid="photo-set-progress" max={status.total} value={status.done} />
        </>
      )}
      {status.phase === 'done' && (
        <span data-photos={status.photos} data-classes={status.classes}>
          {t('photoSets.status.done', { photos: status.photos, classes: status.classes })}
          {status.full.length > 0 && <> {t('photoSets.status.full', { max: MAX_CLASSES, names: status.full.join(', ') })}</>}
        </span>
      )}
      {status.phase === 'error' && t(`photoSets.error.${status.code}`, { detail: status.detail ?? '', ...LIMITS })}
    </div>
  );
}

export function PhotoSets({ actions }: Props) {
  const { t } = useI18n();
  const { status, setStatus, refused, load, busy } = usePhotoSetLoader(actions);
  const progress = useCallback((done: number, total: number) => setStatus({ phase: 'reading', done, total }), [setStatus]);
  const onSample = useCallback(
    (set: SampleSet, perClass: number) => {
      setStatus({ phase: 'reading', done: 0, total: 0 });
      fetchSampleSet(set, perClass, progress).then(
        (groups) => load(groups),
        (error: unknown) => setStatus({ phase: 'error', code: 'photoSetFailed', detail: String(error instanceof Error ? error.message : error) }),
      );
    },
    [load, progress, setStatus],
  );
  const onZip = useCallback(
    (file: File) => {
      setStatus({ phase: 'reading', done: 0, total: 0 });
      readPhotoSetZip(file, progress).then(
        ({ groups, refused: bad }) => load(groups, bad),
        (error: unknown) => setStatus(error instanceof ZipRefused ? { phase: 'error', code: error.code } : { phase: 'error', code: 'photoSetFailed', detail: String(error) }),
      );
    },
    [load, progress, setStatus],
  );
  const onFolder = useCallback((groups: PhotoSetGroup[]) => (groups.length === 0 ? setStatus({ phase: 'error', code: 'photoSetEmpty' }) : load(groups)), [load, setStatus]);
  return (
    <div className="photo-sets">
      <SampleSets busy={busy} onLoad={onSample} />
      <ImportDataset busy={busy} onZip={onZip} onFolder={onFolder} />
      <StatusLine status={status} />
      {refused.length > 0 && (
        <div className="notice notice-error" data-testid="photo-set-rejections">
          {t('photoSets.refused')}
          <ul>
            {refused.map((r, k) => <li key={k}>{t(`transfer.reject.${r.code}`, { name: r.name })}</li>)}
          </ul>
        </div>
      )}
    </div>
  );
}
