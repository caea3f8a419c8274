/**
 * The output: the network's prediction over the plane (computed in the worker) with the data on
 * top, the selected sample ringed; click a point to select it. Train and test loss, and their chart.
 */
import { useEffect, useRef, type MouseEvent } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { useControlFlags } from '../../classroom/client/ClassroomProvider';
import type { Snapshot } from '../../../worker/protocol';
import { PLANE_EXTENT } from '../worker/planeExtent';
import type { FlatLayout } from '../layout';
import type { PlaygroundConfig } from '../meta';
import { cssColorOf } from './colors';
import { HeatmapCanvas } from './HeatmapCanvas';
import { LossChart } from './LossChart';
import type { LossPoint } from './lossHistory';
import type { DatasetView } from './usePlayground';
import { useThrottled } from '../../../client/useThrottled';

const SIZE = 300;

interface Props {
  config: PlaygroundConfig;
  layout: FlatLayout;
  dataset: DatasetView | null;
  snapshot: Snapshot | null;
  lossHistory: LossPoint[];
  setConfig(patch: Partial<PlaygroundConfig>): void;
  onSelectSample(index: number): void;
}

const toPixel = (v: number) => ((v + PLANE_EXTENT) / (2 * PLANE_EXTENT)) * SIZE;

function drawPoints(canvas: HTMLCanvasElement, dataset: DatasetView, showTest: boolean, selected: number | undefined): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  context.clearRect(0, 0, SIZE, SIZE);
  const { points, trainCount } = dataset;
  const count = points.length / 3;
  for (let n = 0; n < count; n++) {
    const isTest = n >= trainCount;
    if (isTest && !showTest) continue;
    context.beginPath();
    context.arc(toPixel(points[n * 3]), SIZE - toPixel(points[n * 3 + 1]), 3.2, 0, 2 * Math.PI);
    context.fillStyle = cssColorOf(points[n * 3 + 2]);
    context.fill();
    context.lineWidth = 1;
    context.strokeStyle = isTest ? '#000' : '#fff';
    context.stroke();
  }
  if (selected !== undefined && selected < count) {
    context.beginPath();
    context.arc(toPixel(points[selected * 3]), SIZE - toPixel(points[selected * 3 + 1]), 8, 0, 2 * Math.PI);
    context.lineWidth = 2.5;
    context.strokeStyle = '#d81b60';
    context.stroke();
  }
}

/** Index of the point nearest to the click (only visible points). */
function nearestPoint(dataset: DatasetView, showTest: boolean, x1: number, x2: number): number {
  let best = 0;
  let bestDistance = Infinity;
  const count = showTest ? dataset.points.length / 3 : dataset.trainCount;
  for (let n = 0; n < count; n++) {
    const d = (dataset.points[n * 3] - x1) ** 2 + (dataset.points[n * 3 + 1] - x2) ** 2;
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

export function OutputView({ config, layout, dataset, snapshot, lossHistory, setConfig, onSelectSample }: Props) {
  const { t } = useI18n();
  const { hidden, locked } = useControlFlags();
  const overlay = useRef<HTMLCanvasElement>(null);
  const selected = snapshot?.trace.index;
  const chartHistory = useThrottled(lossHistory, 500);
  useEffect(() => {
    if (overlay.current && dataset) drawPoints(overlay.current, dataset, config.showTestData, selected);
  }, [dataset, config.showTestData, selected]);

  const select = (event: MouseEvent<HTMLCanvasElement>) => {
    if (!dataset) return;
    const box = event.currentTarget.getBoundingClientRect();
    const x1 = ((event.clientX - box.left) / box.width) * 2 * PLANE_EXTENT - PLANE_EXTENT;
    const x2 = PLANE_EXTENT - ((event.clientY - box.top) / box.height) * 2 * PLANE_EXTENT;
    onSelectSample(nearestPoint(dataset, config.showTestData, x1, x2));
  };
  const randomSample = () => dataset && onSelectSample(Math.floor(Math.random() * (config.showTestData ? dataset.points.length / 3 : dataset.trainCount)));

  return (
    <section className="output" aria-label={t('output.title')}>
      <h2>{t('output.title')}</h2>
      <dl className="losses">
        <dt>{t('output.testLoss')}</dt>
        <dd data-testid="test-loss">{snapshot ? snapshot.testLoss.toFixed(6) : ''}</dd>
        <dt>{t('output.trainLoss')}</dt>
        <dd data-testid="train-loss">{snapshot ? snapshot.trainLoss.toFixed(6) : ''}</dd>
      </dl>
      <LossChart history={chartHistory} />
      <div className="output-plane" style={{ width: SIZE, height: SIZE }}>
        <HeatmapCanvas heatmap={snapshot?.heatmap} neuron={layout.neuronCount - 1} displaySize={SIZE} discretize={config.discretize} className="output-heatmap" />
        <canvas ref={overlay} width={SIZE} height={SIZE} className="output-points" onClick={select} data-testid="output-plane" aria-label={t('output.clickToSelect')} />
      </div>
      <div className="output-options">
        {!hidden('showTestData') && <label>
          <input type="checkbox" disabled={locked('showTestData')} checked={config.showTestData} onChange={(e) => setConfig({ showTestData: e.target.checked })} /> {t('output.showTestData')}
        </label>}
        {!hidden('discretize') && <label>
          <input type="checkbox" disabled={locked('discretize')} checked={config.discretize} onChange={(e) => setConfig({ discretize: e.target.checked })} /> {t('output.discretize')}
        </label>}
        <button type="button" onClick={randomSample} data-testid="random-sample">{t('output.randomSample')}</button>
      </div>
    </section>
  );
}
