/**
 * Where the project is kept: how much of the browser's storage it uses (navigator.storage.estimate),
 * whether the browser keeps it for good (navigator.storage.persist, asked once the project holds
 * photos), and, when the browser refused to save something (storage full), what is not saved and a
 * way to try again. Nothing already saved is touched.
 */
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { StorageRefusal } from './useTransfer';

interface Props {
  /** photos in the project, and how many of them the browser refused to save */
  photos: number;
  unsaved: number;
  refusal: StorageRefusal | null;
  settingsRefused: boolean;
  onRetry(): void;
}

/** Bytes in a short, rounded form (kB, MB, GB). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(bytes < 1e4 ? 1 : 0)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

type Estimate = { usage: number; quota: number } | null;

/** The storage estimate, read at once and again 2 s after the number of photos last changed. */
function useEstimate(photos: number): Estimate {
  const [estimate, setEstimate] = useState<Estimate>(null);
  useEffect(() => {
    const storage = navigator.storage;
    if (!storage?.estimate) return;
    let live = true;
    const timer = setTimeout(() => {
      storage.estimate().then((e) => live && setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }), () => undefined);
    }, photos === 0 ? 0 : 2000);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [photos]);
  return estimate;
}

/** Asks once, when the project first holds photos, that the browser keep it; null until known. */
function usePersisted(photos: number): boolean | null {
  const [persisted, setPersisted] = useState<boolean | null>(null);
  const asked = useRef(false);
  useEffect(() => {
    navigator.storage?.persisted?.().then(setPersisted, () => undefined);
  }, []);
  useEffect(() => {
    if (photos === 0 || asked.current || !navigator.storage?.persist) return;
    asked.current = true;
    navigator.storage.persist().then(setPersisted, () => undefined);
  }, [photos]);
  return persisted;
}

export function StorageStatus({ photos, unsaved, refusal, settingsRefused, onRetry }: Props) {
  const { t } = useI18n();
  const estimate = useEstimate(photos);
  const persisted = usePersisted(photos);
  const problem = unsaved > 0 || settingsRefused || (refusal?.trained ?? false);
  return (
    <div className="storage-status">
      <p className="storage-usage" data-testid="storage-status" data-usage={estimate?.usage} data-persisted={persisted ?? undefined}>
        {estimate ? t('storage.usage', { usage: formatBytes(estimate.usage), quota: formatBytes(estimate.quota) }) : t('storage.usageUnknown')}{' '}
        {persisted === true ? t('storage.persisted') : persisted === false ? t('storage.notPersisted') : ''}
      </p>
      {problem && (
        <div className="notice notice-error" role="alert" data-testid="storage-error" data-code={refusal?.code ?? 'failed'}>
          <div className="storage-error-text">
            <strong>{t(refusal?.code === 'quota' || !refusal ? 'storage.refused.quota' : 'storage.refused.failed')}</strong>
            <ul>
              {unsaved > 0 && <li>{t('storage.refused.photos', { count: unsaved })}</li>}
              {refusal?.trained && <li>{t('storage.refused.trained')}</li>}
              {settingsRefused && <li>{t('storage.refused.settings')}</li>}
            </ul>
            {t('storage.refused.kept')}
          </div>
          {(unsaved > 0 || refusal?.trained) && <button type="button" onClick={onRetry} data-testid="storage-retry">{t('storage.retry')}</button>}
        </div>
      )}
    </div>
  );
}
