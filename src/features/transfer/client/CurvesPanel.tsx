/**
 * The training curves: the transfer run (MobileNet + head, fine-tuning marked) beside the
 * from-scratch Tiny VGG, on the same scales. Mounted with the studio (before any training), one
 * chart per task, so no redraw during training costs the main thread a long task.
 */
import { useI18n } from '../../../i18n/I18nProvider';
import { TrainingCharts } from './TrainingCharts';
import type { PreviousRun, TrainingView } from './useTransfer';

interface Props {
  transfer: TrainingView | null;
  scratch: TrainingView | null;
  /** each kind's run before the current one, drawn dashed */
  previous?: { transfer: PreviousRun | null; scratch: PreviousRun | null };
}

export function CurvesPanel({ transfer, scratch, previous }: Props) {
  const { t } = useI18n();
  const histories = [transfer?.history ?? [], scratch?.history ?? [], previous?.transfer?.history ?? [], previous?.scratch?.history ?? []];
  const losses = histories.flat().flatMap((logs) => [logs.loss, logs.valLoss ?? 0]).filter(Number.isFinite);
  const lossDomain: [number, number] | undefined = scratch ? [0, Math.ceil(Math.max(0.1, ...losses) * 10) / 10] : undefined;
  const epochs = Math.max(1, transfer?.epochs ?? 0, scratch?.epochs ?? 0, ...histories.map((history) => history.length));
  return (
    <section className="curves" aria-label={t('transfer.curves.title')}>
      <h2>{t('transfer.curves.title')}</h2>
      <div className="side-by-side">
        <div data-testid="transfer-charts">
          <h3>{t('transfer.scratch.transferRun')}</h3>
          <TrainingCharts history={transfer?.history ?? []} fineTuneFrom={transfer?.fineTuneFrom ?? null} lossDomain={lossDomain} epochs={epochs} mountDelayMs={0} previous={previous?.transfer} />
        </div>
        <div data-testid="scratch-charts">
          <h3>{t('transfer.scratch.scratchRun')}</h3>
          {!scratch && <p className="hint">{t('transfer.curves.scratchHint')}</p>}
          <TrainingCharts history={scratch?.history ?? []} lossDomain={lossDomain} epochs={epochs} mountDelayMs={100} previous={previous?.scratch} />
        </div>
      </div>
    </section>
  );
}
