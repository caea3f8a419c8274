/** The bar that leads through one training step phase by phase. */
import { useI18n } from '../../../i18n/I18nProvider';
import type { Snapshot } from '../../../worker/protocol';
import type { Phase } from './phases';

interface Props {
  phase: Phase;
  index: number;
  total: number;
  snapshot: Snapshot | null;
  batchSize: number;
  onNext(): void;
  onCancel(): void;
}

export function Walkthrough({ phase, index, total, snapshot, batchSize, onNext, onCancel }: Props) {
  const { t } = useI18n();
  const description =
    phase.kind === 'forward'
      ? t('walkthrough.forward', { layer: phase.layer })
      : phase.kind === 'loss'
        ? t('walkthrough.loss')
        : phase.kind === 'backward'
          ? t('walkthrough.backward', { layer: phase.layer })
          : batchSize > 1
            ? t('walkthrough.updateBatch', { fill: (snapshot?.batchFill ?? 0) + 1, batch: batchSize })
            : t('walkthrough.update');
  const last = index === total - 1;
  return (
    <div className="walkthrough" role="region" aria-label={t('toolbar.walkthrough')} data-testid="walkthrough-bar">
      <progress max={total} value={index + 1} />
      <span data-testid="walkthrough-phase" data-phase={phase.kind}>
        {t('walkthrough.progress', { step: index + 1, total })} · {description}
      </span>
      <button type="button" onClick={onNext} data-testid="next-phase" autoFocus>
        {last ? t('walkthrough.apply') : t('walkthrough.next')}
      </button>
      <button type="button" onClick={onCancel}>{t('walkthrough.cancel')}</button>
    </div>
  );
}
