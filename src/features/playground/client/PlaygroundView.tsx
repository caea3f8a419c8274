/**
 * The playground page: data, the network diagram, the output, and the live maths panels.
 * Keyboard: Space play/pause, → one sample, Shift+→ one batch, E one epoch, R reset,
 * N next walkthrough phase.
 */
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { useControlFlags } from '../../classroom/client/ClassroomProvider';
import type { StepUnit } from '../../../worker/protocol';
import { DataPanel as DataSettings } from './DataPanel';
import { MathsPanels as LiveMathsPanels } from './maths/MathsPanels';
import { NetworkDiagram, type LinkId } from './NetworkDiagram';
import { Notices } from './Notices';
import { OutputView } from './OutputView';
import { phaseSequence } from './phases';
import { Toolbar } from './Toolbar';
import type { PlaygroundController } from './usePlayground';
import { useThrottled } from '../../../client/useThrottled';
import { Walkthrough } from './Walkthrough';

// Re-render only when their own props change (not on every snapshot).
const MathsPanels = memo(LiveMathsPanels);
const DataPanel = memo(DataSettings);

/** How often the maths panels redraw while training runs (they are text-heavy). */
const PANEL_REFRESH_MS = 500;

export function PlaygroundView({ controller, active = true }: { controller: PlaygroundController; active?: boolean }) {
  const { t } = useI18n();
  const flags = useControlFlags();
  // A control a link hid or locked has its keyboard shortcut off too.
  const stepsOff = flags.hidden('stepButtons') || flags.locked('stepButtons');
  const walkOff = flags.hidden('walkthrough') || flags.locked('walkthrough');
  const { state, setConfig, send, reset } = controller;
  const { config, layout, snapshot } = state;
  const [phaseIndex, setPhaseIndex] = useState<number | null>(null);
  const [highlight, setHighlight] = useState<LinkId | null>(null);
  const phases = useMemo(() => phaseSequence(layout.layerSizes.length - 1), [layout]);
  const phase = phaseIndex === null ? null : phases[Math.min(phaseIndex, phases.length - 1)];
  const playing = snapshot?.status === 'playing';
  const panelSnapshot = useThrottled(snapshot, playing ? PANEL_REFRESH_MS : 0);

  const playPause = useCallback(() => {
    setPhaseIndex(null);
    send({ type: playing ? 'pause' : 'play' });
  }, [playing, send]);
  const gradCheck = useCallback((layer: number, j: number, i: number) => send({ type: 'gradCheck', layer, j, i }), [send]);
  const restore = useCallback(() => {
    send({ type: 'restoreBeforeDivergence' });
    controller.dismissError();
  }, [send, controller]);
  const step = useCallback((unit: StepUnit) => send({ type: 'step', unit }), [send]);
  const startWalkthrough = useCallback(() => {
    if (phaseIndex !== null) return setPhaseIndex(null);
    if (playing) send({ type: 'pause' });
    if (snapshot) send({ type: 'selectSample', index: snapshot.cursor });
    setPhaseIndex(0);
  }, [phaseIndex, playing, send, snapshot]);
  const nextPhase = useCallback(() => {
    if (phaseIndex === null) return;
    if (phaseIndex < phases.length - 1) return setPhaseIndex(phaseIndex + 1);
    send({ type: 'step', unit: 'sample' });
    setPhaseIndex(null);
  }, [phaseIndex, phases.length, send]);

  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || target.isContentEditable)) return;
      // Browser and system shortcuts (Ctrl+R, Cmd+E, Alt+→ …) are not ours.
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || event.isComposing) return;
      if (event.key === ' ' && target?.tagName !== 'BUTTON') {
        event.preventDefault();
        playPause();
      } else if (event.key === 'ArrowRight' && !stepsOff) step(event.shiftKey ? 'batch' : 'sample');
      else if ((event.key === 'e' || event.key === 'E') && !stepsOff) step('epoch');
      else if (event.key === 'r' || event.key === 'R') reset();
      else if ((event.key === 'n' || event.key === 'N') && !walkOff) nextPhase();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, playPause, step, reset, nextPhase, stepsOff, walkOff]);

  return (
    <main className="playground">
      <Toolbar config={config} snapshot={snapshot} walking={phaseIndex !== null} setConfig={setConfig} onPlayPause={playPause} onReset={reset} onStep={step} onWalkthrough={startWalkthrough} />
      <Notices state={state} onRestore={restore} onDismissError={controller.dismissError} onDismissNotice={controller.dismissNotice} />
      {phase && <Walkthrough phase={phase} index={phaseIndex ?? 0} total={phases.length} snapshot={snapshot} batchSize={config.batchSize} onNext={nextPhase} onCancel={() => setPhaseIndex(null)} />}
      <div className="playground-grid">
        <DataPanel config={config} setConfig={setConfig} />
        <NetworkDiagram config={config} layout={layout} snapshot={snapshot} phase={phase} setConfig={setConfig} onEditWeight={(link, value) => send({ type: 'editWeight', layer: link.layer, j: link.j, i: link.i, value })} onPickLink={setHighlight} />
        <OutputView config={config} layout={layout} dataset={state.dataset} snapshot={snapshot} lossHistory={state.lossHistory} setConfig={setConfig} onSelectSample={(index) => send({ type: 'selectSample', index })} />
      </div>
      {!flags.hidden('mathsPanels') && <>
      <h2 className="maths-heading">{t('panels.heading')}</h2>
      <MathsPanels snapshot={panelSnapshot} layout={layout} config={config} phase={phase} gradCheck={state.gradCheck} onGradCheck={gradCheck} highlight={highlight} />
      </>}
    </main>
  );
}
