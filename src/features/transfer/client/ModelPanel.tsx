/** The base model's status, and "Load model…" from a folder of model.json + shards or from a URL. */
import { useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { ModelStatus, NumericsSummary, TransferErrorCode } from '../../../worker/protocol';
import { BASE_IDS, BASES, type BaseId } from '../bases';
import { isHosted } from './defaultModelUrl';

interface Props {
  model: { status: ModelStatus; progress: number; from?: string; code?: TransferErrorCode; detail?: string; numerics?: NumericsSummary; base?: BaseId };
  /** the base chosen, and whether a classifier trained on it would be dropped by a change */
  base: BaseId;
  trainedOnBase: boolean;
  /** no change of base while a run trains */
  busy: boolean;
  onBase(base: BaseId): void;
  onFiles(files: File[]): void;
  onUrl(url: string): void;
}

export function ModelPanel({ model, base, trainedOnBase, busy, onBase, onFiles, onUrl }: Props) {
  const { t } = useI18n();
  const [url, setUrl] = useState('');
  const choose = (next: BaseId) => {
    if (next === base) return;
    // A trained classifier goes with the old base: asked first.
    if (trainedOnBase && !window.confirm(t('transfer.base.confirm', { current: BASES[base].label, next: BASES[next].label }))) return;
    onBase(next);
  };
  return (
    <section className="model-panel" aria-label={t('transfer.model.title')}>
      <h2>{t('transfer.model.title')}</h2>
      <p className="hint">{t('transfer.model.description')}</p>
      <label className="control base-model">
        <span>{t('transfer.base.label')}</span>
        <select value={base} disabled={busy || model.status === 'loading'} onChange={(event) => choose(event.target.value as BaseId)} data-testid="base-model">
          {BASE_IDS.map((id) => (
            <option key={id} value={id}>
              {t('transfer.base.option', { name: BASES[id].label, size: BASES[id].sizeMB.toFixed(1), top1: BASES[id].imagenetTop1.toFixed(1) })}
              {isHosted(BASES[id]) ? ` (${t('transfer.base.hosted')})` : ''}
            </option>
          ))}
        </select>
      </label>
      <p>
        {t('transfer.model.status')} <strong data-testid="model-status" data-status={model.status} data-base={model.base}>{t(`transfer.modelStatus.${model.status}`)}</strong>
        {model.status === 'ready' && model.from && <span className="hint"> · {t(`transfer.model.from.${model.from as 'cache' | 'url' | 'files'}`)}</span>}
      </p>
      {model.status === 'ready' && model.numerics && (
        <p className="hint" data-testid="numerics-check" data-backend={model.numerics.backend} data-relative-error={model.numerics.relativeError} data-float-precision={model.numerics.floatPrecision} data-epsilon={model.numerics.epsilon}>
          {t('reliability.numerics', { backend: model.numerics.backend, error: model.numerics.relativeError.toExponential(1), tolerance: `${model.numerics.tolerance * 100} %`, bits: model.numerics.floatPrecision, epsilon: model.numerics.epsilon })}
        </p>
      )}
      {model.status === 'loading' && <progress max={1} value={model.progress} aria-label={t('transfer.model.loading')} />}
      {model.code && (
        <p className="notice notice-error" role="alert" data-testid="model-error">
          {t(`transfer.error.${model.code}`, { detail: model.detail ?? '' })} {t('transfer.model.remedy')}
        </p>
      )}
      <details className="load-model">
        <summary>{t('transfer.model.load')}</summary>
        <label className="file-button">
          {t('transfer.model.pickFiles')}
          <input type="file" multiple onChange={(event) => { onFiles(Array.from(event.target.files ?? [])); event.target.value = ''; }} data-testid="model-files" />
        </label>
        <form onSubmit={(event) => { event.preventDefault(); if (url.trim()) onUrl(url.trim()); }}>
          <label>
            {t('transfer.model.url')}
            <input type="url" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://…/model.json" />
          </label>
          <button type="submit">{t('transfer.model.loadUrl')}</button>
        </form>
      </details>
    </section>
  );
}
