/**
 * The training curves: the transfer run (MobileNet + head, fine-tuning marked) beside the
 * from-scratch Tiny VGG, on the same scales. Mounted with the studio (before any training), one
 * chart per task, so no redraw during training costs the main thread a long task.
 */
import { useI18n } from '../../../i18n/I18nProvider';
import { TrainingCharts } from './TrainingCharts';
import type { EpochLogs } from '../../../worker/protocol';
import type { PreviousRun, TrainingView } from './useTransfer';

/** One empty history for charts with no run yet: a new `[]` per render would redraw them each time (memo). */
const NO_HISTORY: EpochLogs[] = [];

interface Props {
  transfer: TrainingView | null;
  scratch: TrainingView | null;
  /** each kind's run before the current one, drawn dashed */
  previous?: { transfer: PreviousRun | null; scratch: PreviousRun | null };
  /** the epochs the settings ask for: the x-axis before any run, so it does not change when one starts */
  plannedEpochs?: number;
}

export function CurvesPanel({ transfer, scratch, previous, plannedEpochs = 1 }: Props) {
  const { t } = useI18n();
  const histories = [transfer?.history ?? [], scratch?.history ?? [], previous?.transfer?.history ?? [], previous?.scratch?.history ?? []];
  const losses = histories.flat().flatMap((logs) => [logs.loss, logs.valLoss ?? 0]).filter(Number.isFinite);
  // one loss scale for both runs once the Tiny VGG has run (a number: the charts are memoised on their props)
  const lossTop = scratch ? Math.ceil(Math.max(0.1, ...losses) * 10) / 10 : undefined;
  const runEpochs = Math.max(transfer?.epochs ?? 0, scratch?.epochs ?? 0);
  const epochs = Math.max(1, runEpochs > 0 ? runEpochs : plannedEpochs, ...histories.map((history) => history.length));
  return (
    <section className="curves" aria-label={t('transfer.curves.title')}>
      <h2>{t('transfer.curves.title')}</h2>
      <div className="side-by-side">
        <div data-testid="transfer-charts">
          <h3>{t('transfer.scratch.transferRun')}</h3>
          <TrainingCharts history={transfer?.history ?? NO_HISTORY} fineTuneFrom={transfer?.fineTuneFrom ?? null} lossTop={lossTop} epochs={epochs} mountDelayMs={0} previous={previous?.transfer} />
        </div>
        <div data-testid="scratch-charts">
          <h3>{t('transfer.scratch.scratchRun')}</h3>
          {!scratch && <p className="hint">{t('transfer.curves.scratchHint')}</p>}
          <TrainingCharts history={scratch?.history ?? NO_HISTORY} lossTop={lossTop} epochs={epochs} mountDelayMs={100} previous={previous?.scratch} />
        </div>
      </div>
    </section>
  );
}
