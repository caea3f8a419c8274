/**
 * Where the network looked: the predicted image under its Grad-CAM heatmap (upsampled smoothly,
 * with a colour scale and an opacity slider) for the top class or a chosen one, and, on request,
 * the plain gradient saliency map beside it. For the transfer classifier, or the Tiny VGG.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { Explanation } from '../../../worker/protocol';
import { COLOUR_GRADIENT, composite, mapStats, paint, stretch, upsample } from './heatmapCanvas';
import { useExplain } from './useExplain';
import './explain.css';
import type { PredictionView } from './useTransfer';

/** The size the maps are drawn at: the model's input (and the image sent back). */
const SIZE = 224;

interface Props {
  prediction: PredictionView | null;
  /** a classifier trained here (or restored) exists */
  canExplain: boolean;
  /** the classifier in use was imported (Grad-CAM is not offered for it) */
  imported: boolean;
  /** the Tiny VGG has been trained: it can be explained too */
  scratchReady: boolean;
}

const round = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '0');

function MapCanvas({ testId, map, n, image, opacity, label, classIndex }: { testId: string; map: Float32Array; n: number; image?: Uint8Array; opacity: number; label: string; classIndex: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const stats = useMemo(() => mapStats(map), [map]);
  const smooth = useMemo(() => upsample(image ? map : stretch(map), n, SIZE), [map, n, image]);
  useEffect(() => {
    if (canvas.current) paint(canvas.current, composite(smooth, SIZE, opacity, image), SIZE);
  }, [smooth, opacity, image]);
  return (
    <canvas ref={canvas} className="explain-canvas" width={SIZE} height={SIZE} role="img" aria-label={label} data-testid={testId}
      data-class={classIndex} data-size={n} data-min={round(stats.min)} data-max={round(stats.max)} data-mean={round(stats.mean)} data-std={round(stats.std)} />
  );
}

export function ExplainPanel({ prediction, canExplain, imported, scratchReady }: Props) {
  const { t } = useI18n();
  const { choice, setChoice, state } = useExplain(prediction, canExplain && !imported);
  const [opacity, setOpacity] = useState(0.6);
  useEffect(() => {
    if (!scratchReady && choice.model === 'scratch') setChoice((c) => ({ ...c, model: 'transfer' }));
  }, [scratchReady, choice.model, setChoice]);
  const classCount = prediction?.classNames.length ?? 0;
  useEffect(() => {
    if (choice.classIndex !== 'top' && choice.classIndex >= classCount) setChoice((c) => ({ ...c, classIndex: 'top' }));
  }, [classCount, choice.classIndex, setChoice]);
  if (!prediction) return null;
  const last: Explanation | undefined = state.status === 'idle' ? undefined : state.last;
  const classNames = prediction.classNames;
  const count = last?.probabilities.length ?? classNames.length;
  const nameOf = (k: number) => classNames[k] ?? `#${k + 1}`;
  const name = last ? nameOf(last.classIndex) : '';
  return (
    <section className="explain" aria-label={t('explain.gradcam.title')} aria-busy={state.status === 'working'}>
      <h2>{t('explain.gradcam.title')}</h2>
      {imported && <p className="hint">{t('explain.gradcam.imported')}</p>}
      <p className="hint">{t('explain.gradcam.intro')}</p>
      <div className="explain-controls">
        {scratchReady && (
          <label>
            {t('explain.gradcam.model')}{' '}
            <select data-testid="explain-model" value={choice.model} onChange={(event) => setChoice((c) => ({ ...c, model: event.target.value as 'transfer' | 'scratch' }))}>
              <option value="transfer">{t('explain.gradcam.modelTransfer')}</option>
              <option value="scratch">{t('explain.gradcam.modelScratch')}</option>
            </select>
          </label>
        )}
        <label>
          {t('explain.gradcam.class')}{' '}
          <select data-testid="explain-class" value={String(choice.classIndex)} onChange={(event) => setChoice((c) => ({ ...c, classIndex: event.target.value === 'top' ? 'top' : Number(event.target.value) }))}>
            <option value="top">{t('explain.gradcam.topClass')}</option>
            {Array.from({ length: count }, (_, k) => (
              <option key={k} value={k}>{nameOf(k)}{last ? ` (${(last.probabilities[k] * 100).toFixed(1)}%)` : ''}</option>
            ))}
          </select>
        </label>
        <label>
          {t('explain.gradcam.opacity')}{' '}
          <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(event) => setOpacity(Number(event.target.value))} data-testid="explain-opacity" />
        </label>
        <label>
          <input type="checkbox" checked={choice.saliency} onChange={(event) => setChoice((c) => ({ ...c, saliency: event.target.checked }))} data-testid="explain-saliency-toggle" />{' '}
          {t('explain.saliency.show')}
        </label>
      </div>
      {state.status === 'error' && <p className="field-error" role="alert">{t(`explain.gradcam.error.${state.code}`)}</p>}
      {!last && state.status === 'working' && <p className="hint">{t('explain.gradcam.working')}</p>}
      {last && (
        <div className="explain-views">
          <figure>
            <MapCanvas testId="gradcam" map={last.gradCam} n={last.gridSize} image={last.image} opacity={opacity} classIndex={last.classIndex} label={t('explain.gradcam.alt', { name })} />
            <figcaption>
              <span className="explain-legend" style={{ background: COLOUR_GRADIENT }} aria-hidden="true" />
              <span className="explain-legend-labels"><span>{t('explain.gradcam.legendLow')}</span><span>{t('explain.gradcam.legendHigh')}</span></span>
              {t('explain.gradcam.caption', { name, layer: last.model === 'scratch' ? 'conv_4' : 'conv_pw_13_relu', size: last.gridSize })}
              {mapStats(last.gradCam).max === 0 && <> {t('explain.gradcam.empty')}</>}
            </figcaption>
          </figure>
          {choice.saliency && last.saliency && (
            <figure>
              <MapCanvas testId="saliency" map={last.saliency} n={last.saliencySize} opacity={1} classIndex={last.classIndex} label={t('explain.saliency.alt', { name })} />
              <figcaption>{t('explain.saliency.note')}</figcaption>
            </figure>
          )}
        </div>
      )}
      {last && (
        <p className="explain-time" data-testid="explain-time" data-gradcam-ms={last.gradCamMs.toFixed(1)} data-saliency-ms={last.saliency ? last.saliencyMs.toFixed(1) : undefined}>
          {t('explain.gradcam.time', { ms: Math.round(last.gradCamMs) })}
          {last.saliency && <> · {t('explain.saliency.time', { ms: Math.round(last.saliencyMs) })}</>}
        </p>
      )}
    </section>
  );
}
