/** Export the trained classifier (one tfjs model + metadata) and import one again. */
import { useI18n } from '../../../i18n/I18nProvider';

interface Props {
  canExport: boolean;
  exported: { name: string; url: string }[] | null;
  classifier: { labels: string[]; source: 'trained' | 'restored' | 'imported' } | null;
  onExport(): void;
  onImport(files: File[]): void;
}

export function ExportPanel({ canExport, exported, classifier, onExport, onImport }: Props) {
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
    </section>
  );
}
