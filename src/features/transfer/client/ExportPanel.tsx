/** Export the trained classifier (one tfjs model + metadata) and import one again; export the images as a zip for Keras. */
import { useI18n } from '../../../i18n/I18nProvider';
import type { DatasetView } from './useTransfer';

interface Props {
  canExport: boolean;
  exported: { name: string; url: string }[] | null;
  classifier: { labels: string[]; source: 'trained' | 'restored' | 'imported' } | null;
  onExport(): void;
  onImport(files: File[]): void;
  /** whether any class has an image */
  canExportDataset: boolean;
  dataset: DatasetView | null;
  onExportDataset(): void;
}

export function ExportPanel({ canExport, exported, classifier, onExport, onImport, canExportDataset, dataset, onExportDataset }: Props) {
  const { t } = useI18n();
  return (
    <section className="export-panel" aria-label={t('transfer.export.title')}>
      <h2>{t('transfer.export.title')}</h2>
      <p className="hint">{t('transfer.export.modelHint')}</p>
      <div className="train-actions">
        <button type="button" onClick={onExport} disabled={!canExport} data-testid="export-model">{t('transfer.export.model')}</button>
        <label className="file-button">
          {t('transfer.export.import')}
          <input type="file" multiple accept=".json,.bin" data-testid="import-model" onChange={(event) => { onImport(Array.from(event.target.files ?? [])); event.target.value = ''; }} />
        </label>
      </div>
      {exported && (
        <p>
          {t('transfer.export.files')}{' '}
          {exported.map((file) => <a key={file.name} href={file.url} download={file.name} className="exported-file">{file.name}</a>)}
        </p>
      )}
      {classifier?.source === 'imported' && <p data-testid="classifier-source">{t('transfer.export.imported', { count: classifier.labels.length, labels: classifier.labels.join(', ') })}</p>}
      {classifier?.source === 'restored' && <p data-testid="classifier-source">{t('transfer.export.restored')}</p>}
      <p className="hint">{t('transfer.export.datasetHint')}</p>
      <div className="train-actions">
        <button type="button" onClick={onExportDataset} disabled={!canExportDataset || dataset?.status === 'working'} data-testid="export-dataset">{t('transfer.export.dataset')}</button>
      </div>
      <DatasetStatus dataset={dataset} />
    </section>
  );
}

/** The last dataset export: packing, its download link and counts, or why it was refused. */
function DatasetStatus({ dataset }: { dataset: DatasetView | null }) {
  const { t } = useI18n();
  if (!dataset) return null;
  if (dataset.status === 'working') return <p role="status" data-testid="dataset-status" data-status="working">{t('transfer.export.datasetWorking')}</p>;
  if (dataset.status === 'error') {
    return <p className="notice notice-error" role="alert" data-testid="dataset-status" data-status="error" data-code={dataset.code}>{t(`transfer.error.${dataset.code}`, { name: dataset.detail ?? '' })}</p>;
  }
  return (
    <p role="status" data-testid="dataset-status" data-status="done" data-images={dataset.images} data-skipped={dataset.skipped}>
      <a href={dataset.url} download={dataset.name} className="exported-file">{dataset.name}</a>{' '}
      {t('transfer.export.datasetDone', { count: dataset.images })}
      {dataset.skipped > 0 && <> {t('transfer.export.datasetSkipped', { count: dataset.skipped })}</>}
    </p>
  );
}
