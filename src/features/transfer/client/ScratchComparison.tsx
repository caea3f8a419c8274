/**
 * Transfer vs from scratch: the same images, split and settings train a Tiny VGG from random
 * weights; the two runs' validation accuracy and time (CurvesPanel draws their curves side by side).
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
            <th scope="row">{t('transfer.scratch.time')}</th>
            <td>{transfer ? `${(transfer.elapsedMs / 1000).toFixed(1)} s` : '–'}</td>
            <td>{scratch ? `${(scratch.elapsedMs / 1000).toFixed(1)} s` : '–'}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
