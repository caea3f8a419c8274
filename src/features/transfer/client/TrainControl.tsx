/** Train / Stop with the run's phase, why Train is blocked, and progress with elapsed time and ETA: the main flow's middle column. */
import { useI18n } from '../../../i18n/I18nProvider';
import { isRunning, type TrainingView } from './useTransfer';

interface Props {
  training: TrainingView | null;
  canTrain: boolean;
  /** why training cannot start (empty class, bad names), shown beside Train */
  blockedReason?: string;
  onTrain(): void;
  onStop(): void;
  /** after a run: one click to its curves (in the second area) */
  onShowCurves(): void;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Time left, from the pace of the current phase (a fine-tuning epoch costs far more than a head epoch). */
function estimateRemainingMs(training: TrainingView): number | null {
  const { phaseStart } = training;
  if ((training.phase !== 'training' && training.phase !== 'fineTuning' && training.phase !== 'refitting') || training.epoch <= phaseStart.epoch) return null;
  const perEpoch = (training.elapsedMs - phaseStart.elapsedMs) / (training.epoch - phaseStart.epoch);
  return perEpoch * (training.epochs - training.epoch);
}

export function TrainControl({ training, canTrain, blockedReason, onTrain, onStop, onShowCurves }: Props) {
  const { t } = useI18n();
  const running = training !== null && isRunning(training.phase);
  const eta = training ? estimateRemainingMs(training) : null;
  return (
    <section className="train-control" aria-label={t('transfer.train.title')}>
      <h2>{t('transfer.train.title')}</h2>
      <div className="train-actions">
        <button type="button" className="primary" onClick={onTrain} disabled={running || !canTrain}>{t('transfer.train.train')}</button>
        <button type="button" onClick={onStop} disabled={!running}>{t('transfer.train.stop')}</button>
        <span className="train-status" data-testid="train-status" data-phase={training?.phase ?? 'idle'}>{t(`transfer.phase.${training?.phase ?? 'idle'}`)}</span>
      </div>
      {blockedReason && <p className="field-error" data-testid="train-blocked">{blockedReason}</p>}
      {training?.phase === 'embedding' && (
        <div className="train-progress">
          <progress max={Math.max(1, training.toEmbed)} value={training.embedded} />
          <span>{t('transfer.train.embedding', { done: training.embedded, total: training.toEmbed, rate: training.imagesPerSec.toFixed(1) })}</span>
        </div>
      )}
      {training?.timings && (
        <p className="hint" data-testid="train-timings" data-embedded={training.timings.embeddedImages} data-embed-ms={Math.round(training.timings.embedMs)} data-train-ms={Math.round(training.timings.trainMs)}>
          {t('transfer.train.timings', {
            images: training.timings.embeddedImages,
            embed: seconds(training.timings.embedMs),
            rate: (training.timings.embeddedImages / Math.max(1e-3, training.timings.embedMs / 1000)).toFixed(1),
            train: seconds(training.timings.trainMs),
          })}
        </p>
      )}
      {training && training.phase !== 'embedding' && (
        <div className="train-progress">
          <progress max={Math.max(1, training.epochs)} value={training.epoch} />
          <span>
            {t('transfer.train.epochProgress', { epoch: training.epoch, epochs: training.epochs, elapsed: seconds(training.elapsedMs) })}
            {eta !== null && ` · ${t('transfer.train.eta', { seconds: seconds(eta) })}`}
          </span>
        </div>
      )}
      {training && (
        <button type="button" className="link-button" onClick={onShowCurves} data-testid="show-curves">{t('transfer.train.showCurves')}</button>
      )}
    </section>
  );
}
