/**
 * Loss and accuracy per epoch, train and validation, drawn while training runs. Redrawn at most
 * every CHART_REFRESH_MS (a fast head can finish dozens of epochs a second; every recharts redraw
 * costs the main thread).
 */
import { memo, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useLagged, useThrottled } from '../../../client/useThrottled';
import { useI18n } from '../../../i18n/I18nProvider';
import type { EpochLogs } from '../../../worker/protocol';
import { ACCURACY_TICKS, epochTicks, lossAxis } from './chartTicks';
import type { PreviousRun } from './useTransfer';

/** False until `delayMs` after mounting: charts mount one per task, each well under 50 ms. */
function useMountDelay(delayMs: number): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setReady(true), delayMs);
    return () => clearTimeout(timer);
  }, [delayMs]);
  return ready;
}

const CHART_HEIGHT = 160;

interface ChartProps {
  title: string;
  data: object[];
  keys: [string, string, string][];
  /** the y-axis: its domain and ticks (worked out here, not by recharts: see chartTicks.ts) */
  y: { domain: [number, number]; ticks: number[] };
  epochs: number;
  marker: { epoch: number; label: string } | null;
  mountDelayMs: number;
  /** the previous run's series (key, colour), drawn dashed, and its legend entry */
  previous?: { keys: [string, string, string][]; label: string; augmented: boolean } | null;
}

function Chart({ title, data, keys, y, epochs, marker, mountDelayMs, previous }: ChartProps) {
  const xTicks = useMemo(() => epochTicks(epochs), [epochs]);
  const ready = useMountDelay(mountDelayMs);
  return (
    <figure className="training-chart" aria-label={title} role="img">
      <figcaption>
        {title}
        {/* A plain legend: recharts' own measures itself after each render, a second synchronous render. */}
        <span className="chart-legend">
          {keys.map(([key, name, color]) => <span key={key} style={{ color }}>— {name}</span>)}
          {previous && <span data-testid="previous-run" data-augmented={previous.augmented} className="previous-run">┄ {previous.label}</span>}
        </span>
      </figcaption>
      {!ready ? <div style={{ height: CHART_HEIGHT }} /> : (
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="epoch" type="number" domain={[1, epochs]} ticks={xTicks} interval={0} fontSize={10} />
          <YAxis fontSize={10} domain={y.domain} ticks={y.ticks} interval={0} />
          <Tooltip formatter={(value) => Number(value).toFixed(4)} />
          {marker && <ReferenceLine x={marker.epoch} stroke="#c2410c" strokeDasharray="4 2" label={{ value: marker.label, fontSize: 10, fill: '#c2410c', position: 'insideTopLeft' }} />}
          {keys.map(([key, name, color]) => (
            <Line key={key} dataKey={key} name={name} stroke={color} dot={false} isAnimationActive={false} connectNulls />
          ))}
          {previous?.keys.map(([key, name, color]) => (
            <Line key={key} dataKey={key} name={`${previous.label} · ${name}`} stroke={color} strokeDasharray="5 4" strokeOpacity={0.75} dot={false} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
      )}
    </figure>
  );
}

interface Props {
  history: EpochLogs[];
  /** head epochs before fine-tuning began (a marker is drawn there), or null */
  fineTuneFrom?: number | null;
  /** the top of a fixed loss scale (0 to it), to compare runs side by side */
  lossTop?: number;
  /** x-axis length, to compare runs side by side */
  epochs?: number;
  /** when the first chart mounts (the second follows a task later) */
  mountDelayMs?: number;
  /** the run before this one, drawn dashed (to compare with and without augmentation) */
  previous?: PreviousRun | null;
}

const CHART_REFRESH_MS = 400;
const CHART_STAGGER_MS = 150;
const ACCURACY_Y = { domain: [0, 1] as [number, number], ticks: ACCURACY_TICKS };

export const TrainingCharts = memo(function TrainingCharts({ history, fineTuneFrom = null, lossTop, epochs = 1, mountDelayMs = 0, previous = null }: Props) {
  const { t } = useI18n();
  // Throttled, then deferred: React draws the new curves in a background render that yields.
  const shown = useDeferredValue(useThrottled(history, CHART_REFRESH_MS));
  const data = useMemo(() => {
    const rows: Record<string, number | undefined>[] = shown.map((logs, n) => ({ epoch: n + 1, ...logs }));
    previous?.history.forEach((logs, n) => {
      rows[n] = { ...(rows[n] ?? { epoch: n + 1 }), prevLoss: logs.loss, prevValLoss: logs.valLoss, prevAcc: logs.acc, prevValAcc: logs.valAcc };
    });
    // a row for every epoch of the axis from the start: a redraw then changes values, not the chart's shape
    for (let n = rows.length; n < epochs; n++) rows.push({ epoch: n + 1 });
    return rows;
  }, [shown, previous, epochs]);
  // The accuracy chart follows a task later, so that no one task redraws both charts.
  const accuracyData = useLagged(data, CHART_STAGGER_MS);
  const lossY = useMemo(() => lossAxis(data.flatMap((row) => [row.loss, row.valLoss, row.prevLoss, row.prevValLoss].filter((x): x is number => x !== undefined)), lossTop), [data, lossTop]);
  const before = (keys: [string, string, string][]) => previous && { keys, augmented: previous.augmented, label: t(previous.augmented ? 'transfer.augment.previousOn' : 'transfer.augment.previousOff') };
  const marker = fineTuneFrom !== null ? { epoch: fineTuneFrom + 0.5, label: t('transfer.chart.fineTuning') } : null;
  return (
    <div className="training-charts">
      <Chart title={t('transfer.chart.loss')} data={data} y={lossY} epochs={epochs} marker={marker} mountDelayMs={mountDelayMs} keys={[['loss', t('transfer.chart.train'), '#555'], ['valLoss', t('transfer.chart.validation'), '#0877bd']]} previous={before([['prevLoss', t('transfer.chart.train'), '#999'], ['prevValLoss', t('transfer.chart.validation'), '#7fb6dd']])} />
      <Chart title={t('transfer.chart.accuracy')} data={accuracyData} y={ACCURACY_Y} epochs={epochs} marker={marker} mountDelayMs={mountDelayMs + 50} keys={[['acc', t('transfer.chart.train'), '#555'], ['valAcc', t('transfer.chart.validation'), '#0877bd']]} previous={before([['prevAcc', t('transfer.chart.train'), '#999'], ['prevValAcc', t('transfer.chart.validation'), '#7fb6dd']])} />
    </div>
  );
});
