/** Save the whole project as one file, open one (asking before it replaces a project), and undo that. */
import { useI18n } from '../../../i18n/I18nProvider';
import { BASES } from '../bases';
import { PROJECT_VERSION } from '../projectMeta';
import type { ProjectSummary } from '../projectMeta';
import { hasContent, useProjectFiles, type ProjectStatus } from './useProjectFiles';
import type { TransferController } from './useTransfer';

const photosOf = (summary: ProjectSummary) => summary.classes.reduce((sum, c) => sum + c.photos, 0);

/** `running`: a training run is going (nothing is saved or opened then); `photos`: the photos in the project. */
export function ProjectFiles({ studio, running, photos }: { studio: TransferController['state']; running: boolean; photos: number }) {
  const { t } = useI18n();
  const { status, undo, save, open, undoOpen, confirm, cancel } = useProjectFiles(studio);
  const busy = running || status.kind === 'saving' || status.kind === 'reading' || status.kind === 'opening';
  return (
    <section className="project-files" aria-label={t('project.title')} data-testid="project-files">
      <h2>{t('project.title')}</h2>
      <p className="hint">{t('project.hint')}</p>
      <div className="train-actions">
        <button type="button" onClick={save} disabled={busy || !hasContent(studio)} data-testid="save-project">{t('project.save')}</button>
        <label className="file-button">
          {t('project.open')}
          <input type="file" accept=".zip,application/zip" disabled={busy} data-testid="open-project"
            onChange={(event) => { const file = event.target.files?.[0]; event.target.value = ''; if (file) open(file); }} />
        </label>
        {undo && <button type="button" onClick={undoOpen} disabled={busy} data-testid="project-undo">{t('project.undo')}</button>}
      </div>
      {status.kind === 'confirm' && (
        <div className="notice" role="alertdialog" aria-label={t('project.title')} data-testid="project-confirm">
          <p>{t('project.confirm', { photos, classes: studio.classes.length, newPhotos: photosOf(status.summary), newClasses: status.summary.classes.length })}</p>
          <button type="button" onClick={confirm} data-testid="project-replace">{t('project.replace')}</button>{' '}
          <button type="button" onClick={cancel} data-testid="project-cancel">{t('project.cancel')}</button>
        </div>
      )}
      <StatusLine status={status} />
    </section>
  );
}

/** What the last save or open did (`project-status`, `data-status`; `data-code` on errors). */
function StatusLine({ status }: { status: ProjectStatus }) {
  const { t } = useI18n();
  switch (status.kind) {
    case 'idle':
    case 'confirm':
      return null;
    case 'saving':
    case 'reading':
    case 'opening':
      return <p role="status" data-testid="project-status" data-status={status.kind}>{t(`project.${status.kind}`)}</p>;
    case 'saved':
      return (
        <p role="status" data-testid="project-status" data-status="saved" data-photos={status.photos} data-skipped={status.skipped}>
          <a href={status.url} download={status.name} className="exported-file">{status.name}</a>{' '}
          {t('project.saved', { count: status.photos, name: status.name })}
          {status.skipped > 0 && <> {t('project.savedSkipped', { count: status.skipped })}</>}
        </p>
      );
    case 'opened': {
      const { summary } = status;
      return (
        <p role="status" data-testid="project-status" data-status={status.undone ? 'undone' : 'opened'}>
          {status.undone ? t('project.undone') : t('project.opened', { classes: summary.classes.length, photos: photosOf(summary), base: BASES[summary.base].label })}
          {summary.trained && <> {t('project.openedTrained')}</>}
        </p>
      );
    }
    case 'error':
      return (
        <p className="notice notice-error" role="alert" data-testid="project-status" data-status="error" data-code={status.code}>
          {t(`project.error.${status.code}`, { detail: status.detail, version: PROJECT_VERSION })}
        </p>
      );
  }
}
