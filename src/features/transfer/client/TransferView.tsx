/**
 * The transfer-learning studio: a pretrained MobileNet, a few images per class, a head trained in
 * the worker on cached embeddings, live curves, evaluation and predictions.
 */
import { useCallback, useMemo } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { usePublishStudioFacts } from '../../classroom/client/ClassroomProvider';
import { BASES } from '../bases';
import { MAX_CLASSES, MIN_CLASSES } from '../meta';
import { AugmentationPanel } from './AugmentationPanel';
import { ClassCard } from './ClassCard';
import { EvaluationPanel } from './EvaluationPanel';
import { EmbeddingMap } from './EmbeddingMap';
import { ExplainPanel } from './ExplainPanel';
import { ExportPanel } from './ExportPanel';
import { LayerExplorer } from './LayerExplorer';
import { ShowCode } from './ShowCode';
import { StorageStatus } from './StorageStatus';
import { ModelPanel } from './ModelPanel';
import { PredictPanel } from './PredictPanel';
import { ScratchComparison } from './ScratchComparison';
import { CurvesPanel } from './CurvesPanel';
import { TrainPanel } from './TrainPanel';
import { TrainControl } from './TrainControl';
import { MoreArea, showPanel } from './MoreArea';
import { PhotoSets } from './PhotoSets';
import { ProjectFiles } from './ProjectFiles';
import { isRunning, useTransfer } from './useTransfer';
import './transfer.css';

export function TransferView() {
  const { t } = useI18n();
  const defaultName = useCallback((n: number) => t('transfer.class.defaultName', { n }), [t]);
  const { state, actions } = useTransfer(defaultName);
  // a read-only summary for the lessons' checks (classes, the two runs)
  usePublishStudioFacts(state);
  const { classes, training, evaluation, rejections } = state;
  const names = classes.map((c) => c.name.trim());
  const namesValid = names.every((name, k) => name !== '' && names.indexOf(name) === k);
  const codeNames = useMemo(() => classes.map((c) => c.name), [classes]);
  const codeCounts = useMemo(() => classes.map((c) => c.images.length), [classes]);
  const canTrainScratch = classes.length >= MIN_CLASSES && classes.every((c) => c.images.length > 0) && namesValid;
  const canTrain = state.model.status === 'ready' && canTrainScratch;
  // Why Train is disabled (shown beside it); nothing while the model is still loading.
  const emptyClass = classes.find((c) => c.images.length === 0);
  const duplicate = names.find((name, k) => name !== '' && names.indexOf(name) !== k);
  const blockedReason =
    classes.length < MIN_CLASSES ? t('transfer.error.tooFewClasses')
    : names.includes('') ? t('reliability.trainBlocked.emptyName')
    : duplicate !== undefined ? t('reliability.trainBlocked.duplicateName', { name: duplicate })
    : emptyClass ? t('reliability.trainBlocked.emptyClass', { name: emptyClass.name })
    : undefined;
  const photoCount = classes.reduce((sum, c) => sum + c.images.length, 0);
  const unsavedCount = classes.reduce((sum, c) => sum + c.images.filter((image) => image.saved === false).length, 0);
  const running = [training, state.scratch].some((run) => run !== null && isRunning(run.phase));
  return (
    <main className="transfer">
      <div className="notices" aria-live="polite">
        {rejections.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="rejections">
            <ul>
              {rejections.map((r, k) => (
                <li key={k}>{t(`transfer.reject.${r.code}`, { name: r.name })}</li>
              ))}
            </ul>
            <button type="button" onClick={actions.dismissRejections}>{t('notice.dismiss')}</button>
          </div>
        )}
        {state.notice && (
          <div className="notice" role="status" data-testid="reliability-notice" data-kind={state.notice.kind}>
            {state.notice.kind === 'backendLost'
              ? t('reliability.backendLost', { backend: state.notice.backend })
              : state.notice.kind === 'backendRejected'
                ? t(`reliability.backendRejected.${state.notice.reason}`, { backend: state.notice.backend, now: state.notice.now, detail: state.notice.detail })
                : t('reliability.workerRestarted')}
            <button type="button" onClick={actions.dismissNotice}>{t('notice.dismiss')}</button>
          </div>
        )}
        {state.error && (
          <div className="notice notice-error" role="alert" data-testid="transfer-error">
            {t(`transfer.error.${state.error}`, { detail: state.errorDetail ?? '' })}
            <button type="button" onClick={actions.dismissError}>{t('notice.dismiss')}</button>
          </div>
        )}
        {state.otherBase && (
          <div className="notice" role="status" data-testid="base-mismatch">
            {t('transfer.base.otherBase', { saved: BASES[state.otherBase].label, current: BASES[state.base].label })}
          </div>
        )}
        {state.deleted && (
          <div className="notice" role="status">
            {t('transfer.class.deleted', { name: state.deleted.view.name })}
            <button type="button" onClick={actions.undoDelete} data-testid="undo-delete">{t('transfer.class.undo')}</button>
          </div>
        )}
      </div>
      <div className="main-flow" data-testid="main-flow" role="region" aria-label={t('transfer.mainFlow')}>
        <div className="flow-column flow-classes">
          <section className="classes" aria-label={t('transfer.classes.title')}>
            <h2>{t('transfer.classes.title')}</h2>
            <StorageStatus photos={photoCount} unsaved={unsavedCount} refusal={state.refusal} settingsRefused={state.settingsRefused} onRetry={actions.retrySaves} />
            <div className="class-grid">
              {classes.map((view, k) => (
                <ClassCard
                  key={view.id}
                  view={view}
                  adding={state.adding?.classId === view.id ? state.adding : null}
                  canDelete={classes.length > MIN_CLASSES}
                  duplicateName={names.indexOf(names[k]) !== k}
                  onRename={actions.renameClass}
                  onDelete={actions.deleteClass}
                  onFiles={actions.addFiles}
                  onRemoveImage={actions.removeImage}
                />
              ))}
            </div>
            <button type="button" onClick={actions.addClass} disabled={classes.length >= MAX_CLASSES} data-testid="add-class">{t('transfer.classes.add')}</button>
            <PhotoSets actions={actions} />
          </section>
        </div>
        <div className="flow-column flow-train">
          <ModelPanel model={state.model} base={state.base} trainedOnBase={state.classifier !== null && state.classifier.source !== 'imported'} busy={running} onBase={actions.chooseBase} onFiles={actions.loadModelFiles} onUrl={actions.loadModelUrl} />
          <TrainControl training={training} canTrain={canTrain && !running} blockedReason={blockedReason} onTrain={actions.train} onStop={actions.stop} onShowCurves={() => showPanel('curves')} />
          <ProjectFiles studio={state} running={running} photos={photoCount} />
        </div>
        <div className="flow-column flow-predict">
          <PredictPanel prediction={state.prediction} enabled={state.canPredict} onFile={actions.predict} />
        </div>
      </div>
      <MoreArea panels={[
        { key: 'settings', label: t('transfer.train.settings'), node: <TrainPanel head={state.head} base={BASES[state.base]} onHead={actions.setHead} /> },
        { key: 'augmentation', label: t('transfer.augment.title'), node: <AugmentationPanel head={state.head} classes={classes} onHead={actions.setHead} /> },
        { key: 'curves', label: t('transfer.more.curves'), node: <CurvesPanel transfer={training} scratch={state.scratch} previous={state.previous} plannedEpochs={state.head.epochs + (state.head.fineTuneBlocks > 0 ? state.head.fineTuneEpochs : 0)} /> },
        { key: 'evaluation', label: t('transfer.evaluate.title'), node: evaluation ? <EvaluationPanel evaluation={evaluation.evaluation} classNames={evaluation.classNames} classes={classes} /> : <section aria-label={t('transfer.evaluate.title')}><h2>{t('transfer.evaluate.title')}</h2><p className="hint">{t('transfer.evaluate.none')}</p></section> },
        { key: 'map', label: t('explain.map.title'), node: <EmbeddingMap classes={classes} modelStatus={state.model.status} training={training} classifierSource={state.classifier?.source} /> },
        { key: 'scratch', label: t('transfer.scratch.title'), node: <ScratchComparison transfer={training} scratch={state.scratch} canTrain={canTrainScratch} running={running} onTrain={actions.trainScratch} onStop={actions.stop} /> },
        { key: 'explain', label: t('explain.gradcam.title'), node: <ExplainPanel prediction={state.prediction} canExplain={state.classifier !== null} imported={state.classifier?.source === 'imported'} scratchReady={state.scratch?.phase === 'done'} /> },
        { key: 'layers', label: t('explain.layers.title'), node: <LayerExplorer classes={classes} prediction={state.prediction} modelStatus={state.model.status} /> },
        { key: 'code', label: t('transfer.code.title'), node: <ShowCode head={state.head} classNames={codeNames} imagesPerClass={codeCounts} base={BASES[state.base]} /> },
        { key: 'export', label: t('transfer.export.title'), node: (
          <ExportPanel canExport={state.classifier !== null && state.classifier.source !== 'imported' && state.model.status === 'ready'} exported={state.exported} classifier={state.classifier} onExport={actions.exportModel} onImport={actions.importModel}
        canExportDataset={classes.some((c) => c.images.length > 0)} dataset={state.dataset} onExportDataset={actions.exportDataset} />
        ) },
      ]} />
    </main>
  );
}
