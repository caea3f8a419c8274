/**
 * Transfer vs from scratch: the same images, split and settings train a Tiny VGG from random
 * weights; the two runs' validation and training accuracy, training loss and time (CurvesPanel
 * draws their curves side by side).
 */
import { useI18n } from '../../../i18n/I18nProvider';
import type { TrainingView } from './useTransfer';

interface Props {
  transfer: TrainingView | null;
  scratch: TrainingView | null;
  canTrain: boolean;
  running: boolean;
  onTrain(): void;
  onStop(): void;
}

const accuracy = (view: TrainingView | null) => (view?.evaluation && Number.isFinite(view.evaluation.valAccuracy) ? view.evaluation.valAccuracy.toFixed(3) : '–');

/** The last epoch's training accuracy. */
function TrainAccuracy({ view, testId }: { view: TrainingView | null; testId: string }) {
  const last = view?.history.at(-1);
  return <td data-testid={testId}>{last ? last.acc.toFixed(3) : '–'}</td>;
}

/** The training loss of the first and the last epoch (did the network learn its own images?). */
function TrainLoss({ view, testId }: { view: TrainingView | null; testId: string }) {
  const [first, last] = [view?.history[0], view?.history.at(-1)];
  if (!first || !last) return <td data-testid={testId}>–</td>;
  return <td data-testid={testId} data-first={first.loss} data-last={last.loss}>{`${first.loss.toFixed(3)} → ${last.loss.toFixed(3)}`}</td>;
}

export function ScratchComparison({ transfer, scratch, canTrain, running, onTrain, onStop }: Props) {
  const { t } = useI18n();
  return (
    <section className="scratch-comparison" aria-label={t('transfer.scratch.title')}>
      <h2>{t('transfer.scratch.title')}</h2>
      <p className="hint">{t('transfer.scratch.hint')}</p>
      <div className="train-actions">
        <button type="button" onClick={onTrain} disabled={running || !canTrain} data-testid="train-scratch">{t('transfer.scratch.train')}</button>
        <button type="button" onClick={onStop} disabled={scratch?.phase !== 'training'}>{t('transfer.train.stop')}</button>
        <span data-testid="scratch-status" data-phase={scratch?.phase ?? 'idle'}>{t(`transfer.phase.${scratch?.phase ?? 'idle'}`)}</span>
        {scratch && scratch.phase === 'training' && <span>{t('transfer.train.epochProgress', { epoch: scratch.epoch, epochs: scratch.epochs, elapsed: (scratch.elapsedMs / 1000).toFixed(1) })}</span>}
      </div>
      <table className="comparison-table">
        <thead>
          <tr><th /><th>{t('transfer.scratch.transferRun')}</th><th>{t('transfer.scratch.scratchRun')}</th></tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('transfer.scratch.valAccuracy')}</th>
            <td data-testid="transfer-val-accuracy">{accuracy(transfer)}</td>
            <td data-testid="scratch-val-accuracy">{accuracy(scratch)}</td>
          </tr>
          <tr>
            <th scope="row">{t('transfer.scratch.trainAccuracy')}</th>
            <TrainAccuracy view={transfer} testId="transfer-train-accuracy" />
            <TrainAccuracy view={scratch} testId="scratch-train-accuracy" />
          </tr>
          <tr>
            <th scope="row">{t('transfer.scratch.trainLoss')}</th>
            <TrainLoss view={transfer} testId="transfer-train-loss" />
            <TrainLoss view={scratch} testId="scratch-train-loss" />
          </tr>
          <tr>
            <th scope="row">{t('transfer.scratch.time')}</th>
            <td>{transfer ? `${(transfer.elapsedMs / 1000).toFixed(1)} s` : '–'}</td>
            <td>{scratch ? `${(scratch.elapsedMs / 1000).toFixed(1)} s` : '–'}</td>
          </tr>
        </tbody>
      </table>
      {scratch?.phase === 'done' && <p className="hint">{t('transfer.scratch.gapHint')}</p>}
    </section>
  );
}
