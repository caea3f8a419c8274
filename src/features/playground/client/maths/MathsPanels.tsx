/**
 * The "live maths": forward pass, loss, backpropagation and gradient check of the selected
 * sample, with the real numbers. During the step-by-step walkthrough (phase ≠ null) the parts
 * not reached yet are dimmed and hidden, and the current one is highlighted.
 */
import { useEffect, useRef } from 'react';
import type { GradCheckResult } from '../../../../engine/gradcheck';
import { useI18n } from '../../../../i18n/I18nProvider';
import type { Snapshot } from '../../../../worker/protocol';
import type { FlatLayout } from '../../layout';
import type { PlaygroundConfig } from '../../meta';
import type { Phase } from '../phases';
import { BackpropPanel, type WeightId } from './BackpropPanel';
import { ForwardPanel } from './ForwardPanel';
import { GradCheckPanel } from './GradCheckPanel';
import { LossPanel } from './LossPanel';
import './maths.css';

export interface MathsPanelsProps {
  snapshot: Snapshot | null;
  layout: FlatLayout;
  config: PlaygroundConfig;
  phase: Phase | null;
  gradCheck: { layer: number; j: number; i: number; result: GradCheckResult } | null;
  onGradCheck(layer: number, j: number, i: number): void;
  highlight?: WeightId | null;
}

/** A snapshot from before a structural change does not fit the new layout: show loading instead. */
function fits(snapshot: Snapshot | null, layout: FlatLayout): snapshot is Snapshot {
  return (
    snapshot !== null &&
    snapshot.parameters.length === layout.parameterCount &&
    snapshot.trace.a.length === layout.neuronCount &&
    snapshot.trace.parametersAfter.length === layout.parameterCount
  );
}

type Cell = 'forward' | 'loss' | 'backprop';

function activeCell(phase: Phase | null): Cell | null {
  if (phase === null) return null;
  return phase.kind === 'forward' ? 'forward' : phase.kind === 'loss' ? 'loss' : 'backprop';
}

function WalkthroughBanner({ phase }: { phase: Phase }) {
  const { t } = useI18n();
  const text =
    phase.kind === 'forward'
      ? t('maths.walkthrough.forward', { layer: phase.layer })
      : phase.kind === 'backward'
        ? t('maths.walkthrough.backward', { layer: phase.layer })
        : phase.kind === 'loss'
          ? t('maths.walkthrough.loss')
          : t('maths.walkthrough.update');
  return (
    <p className="maths-walkthrough" aria-live="polite" data-testid="maths-walkthrough">
      <span className="maths-walkthrough__dot" aria-hidden="true" />
      {text}
    </p>
  );
}

export function MathsPanels({ snapshot, layout, config, phase, gradCheck, onGradCheck, highlight }: MathsPanelsProps) {
  const { t } = useI18n();
  const shown = fits(snapshot, layout) ? snapshot : null;
  const active = activeCell(phase);
  const root = useRef<HTMLDivElement>(null);
  const phaseKey = phase ? `${phase.kind}:${'layer' in phase ? phase.layer : ''}` : null;
  useEffect(() => {
    if (phaseKey === null) return;
    const current = root.current?.querySelector('.maths-part--current');
    current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [phaseKey]);
  const cell = (name: Cell | 'gradcheck') => `maths-cell maths-cell--${name}${active === name ? ' maths-cell--active' : ''}`;
  return (
    <div ref={root} className={`maths-panels${phase ? ' maths-panels--walkthrough' : ''}`} data-testid="maths-panels" role="region" aria-label={t('maths.title')}>
      {phase && <WalkthroughBanner phase={phase} />}
      <div className="maths-grid">
        <div className={cell('forward')}>
          <ForwardPanel snapshot={shown} layout={layout} config={config} phase={phase} />
        </div>
        <div className={cell('loss')}>
          <LossPanel snapshot={shown} phase={phase} />
        </div>
        <div className={cell('backprop')}>
          <BackpropPanel snapshot={shown} layout={layout} config={config} phase={phase} highlight={highlight} />
        </div>
        <div className={cell('gradcheck')}>
          <GradCheckPanel layout={layout} ready={shown !== null} result={gradCheck} onCheck={onGradCheck} />
        </div>
      </div>
    </div>
  );
}
