/**
 * The embedding map: every image as a point in the plane of the first two principal components of
 * the (pooled) embeddings, coloured by class; the trained head's decision regions behind them,
 * as in the playground's output. Hover or arrow keys show an image's thumbnail.
 */
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { DecisionRegions, EmbeddingMapResult, Extent } from '../embeddingMap';
import { useEmbeddingMap, useMapRefreshKey } from './useEmbeddingMap';
import type { ClassView, TrainingView } from './useTransfer';
import './embeddingMap.css';

/** One colour per class (up to 20), in class order. */
export const CLASS_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#9edae5', '#dbdb8d', '#c7c7c7'];
const WIDTH = 400;
const HEIGHT = 300;

interface Props {
  classes: ClassView[];
  modelStatus: string;
  training: TrainingView | null;
  classifierSource?: string;
}

export function EmbeddingMap({ classes, modelStatus, training, classifierSource }: Props) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const finishedRun = training && (training.evaluation || training.phase === 'error') ? `${training.jobId}:${training.phase}` : null;
  const refresh = useMapRefreshKey(modelStatus, finishedRun, classifierSource);
  const state = useEmbeddingMap(open, classes, refresh);
  return (
    <section className="embedding-map-panel" aria-label={t('explain.map.title')}>
      <h2>{t('explain.map.title')}</h2>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="embedding-map-toggle">
        {t(open ? 'explain.map.hide' : 'explain.map.show')}
      </button>
      {open && (
        <>
          <p className="map-intro">{t('explain.map.intro')}</p>
          {state.failed && <p className="field-error" role="alert">{t('explain.map.failed')}</p>}
          {state.map ? <MapFigure map={state.map} classIds={state.classIds} classes={classes} pending={state.pending} /> : <p>{t('explain.map.working')}</p>}
        </>
      )}
    </section>
  );
}

interface FigureProps {
  map: EmbeddingMapResult;
  /** the class ids the map's classIndex refers to */
  classIds: string[];
  classes: ClassView[];
  pending: boolean;
}

/** SVG coordinates of a point of the plane. */
const toSvg = (extent: Extent, x: number, y: number) => ({
  sx: ((x - extent.xMin) / (extent.xMax - extent.xMin)) * WIDTH,
  sy: ((extent.yMax - y) / (extent.yMax - extent.yMin)) * HEIGHT,
});

export function MapFigure({ map, classIds, classes, pending }: FigureProps) {
  const { t } = useI18n();
  const [active, setActive] = useState<number | null>(null);
  const classIndex = useMemo(() => new Map(classes.map((c, k) => [c.id, k])), [classes]);
  const images = useMemo(() => new Map(classes.flatMap((c) => c.images.map((image) => [image.id, image]))), [classes]);
  /** each point's current class (by position, for its colour), or −1 for a class deleted meanwhile */
  const pointClass = useMemo(() => map.points.map((p) => classIndex.get(classIds[p.classIndex]) ?? -1), [map, classIds, classIndex]);
  const names = useMemo(() => classes.map((c) => c.name), [classes]);
  const shown = active !== null && active < map.points.length ? active : null;
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const index = (event.target as Element).getAttribute('data-index');
    if (index !== null && Number(index) !== active) setActive(Number(index));
  };
  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const count = map.points.length;
    if (count === 0) return;
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (event.key === 'Escape') setActive(null);
    if (step === 0) return;
    event.preventDefault();
    setActive((current) => (current === null ? (step > 0 ? 0 : count - 1) : (current + step + count) % count));
  };
  const percent = (share: number) => (share * 100).toFixed(1);
  const point = shown !== null ? map.points[shown] : null;
  const position = point && toSvg(map.extent, point.x, point.y);
  const image = point && images.get(point.imageId);
  return (
    <figure className="embedding-map" data-testid="embedding-map" data-points={map.points.length} aria-busy={pending}
      data-embedded={map.timings.embedded} data-embed-ms={Math.round(map.timings.embedMs)} data-pca-ms={Math.round(map.timings.pcaMs)} data-regions-ms={Math.round(map.timings.regionsMs)}>
      <div className="map-row">
        <div className="map-axis-y">{t('explain.map.axisY', { percent: percent(map.explained[1]) })}</div>
        <div className="map-plot">
          {map.regions && <RegionsCanvas regions={map.regions} classNames={names} />}
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} tabIndex={0} role="listbox" aria-label={t('explain.map.figure', { count: map.points.length })}
            aria-activedescendant={shown !== null ? `map-point-${shown}` : undefined}
            onPointerMove={onPointerMove} onPointerLeave={() => setActive(null)} onKeyDown={onKeyDown} onBlur={() => setActive(null)}>
            <Points map={map} pointClass={pointClass} names={names} images={images} />
            {position && <circle className="map-active" cx={position.sx} cy={position.sy} r={9} aria-hidden="true" />}
          </svg>
          {point && position && (
            <div className={`map-tooltip${position.sy < HEIGHT * 0.4 ? ' below' : ''}${position.sx < WIDTH * 0.2 ? ' start' : position.sx > WIDTH * 0.8 ? ' end' : ''}`} data-testid="embedding-map-tooltip" aria-live="polite"
              style={{ left: `${(position.sx / WIDTH) * 100}%`, top: `${(position.sy / HEIGHT) * 100}%` }}>
              {image && <img src={image.url} alt="" width={64} height={64} />}
              <span>{t('explain.map.point', { name: image?.name ?? '', className: names[pointClass[shown!]] ?? '' })}</span>
            </div>
          )}
        </div>
      </div>
      <div className="map-axis-x">{t('explain.map.axisX', { percent: percent(map.explained[0]) })}</div>
      <figcaption>
        <ul className="map-legend" aria-label={t('explain.map.legend')}>
          {classes.map((c, k) => (
            <li key={c.id}>
              <span className="swatch" style={{ background: CLASS_COLORS[k % CLASS_COLORS.length] }} />
              {t('explain.map.count', { name: c.name, count: pointClass.filter((index) => index === k).length })}
            </li>
          ))}
        </ul>
        {map.points.length === 0 && <p>{t('explain.map.empty')}</p>}
        {map.unembedded > 0 && <p>{t('explain.map.unembedded', { count: map.unembedded })}</p>}
        <p className="map-note">{map.regions ? t('explain.map.regions') : t(`explain.map.noRegions.${map.regionsUnavailable ?? 'untrained'}`)}</p>
      </figcaption>
    </figure>
  );
}

interface PointsProps {
  map: EmbeddingMapResult;
  pointClass: number[];
  names: string[];
  images: Map<string, { name: string }>;
}

/** Points per component: a map of many images renders in slices that yield (the update is a transition). */
const CHUNK = 100;

/** The points, drawn once per map (hovering redraws only the highlight and the tooltip). */
function Points(props: PointsProps) {
  const chunks = Array.from({ length: Math.ceil(props.map.points.length / CHUNK) }, (_, c) => c * CHUNK);
  return <g>{chunks.map((start) => <PointChunk key={start} start={start} {...props} />)}</g>;
}

const PointChunk = memo(function PointChunk({ start, map, pointClass, names, images }: PointsProps & { start: number }) {
  const { t } = useI18n();
  return (
    <>
      {map.points.slice(start, start + CHUNK).map((p, offset) => {
        const n = start + offset;
        const { sx, sy } = toSvg(map.extent, p.x, p.y);
        const k = pointClass[n];
        return (
          <circle key={p.imageId} id={`map-point-${n}`} cx={sx} cy={sy} r={5} data-index={n} data-testid="embedding-point" data-class={names[k] ?? ''}
            fill={k >= 0 ? CLASS_COLORS[k % CLASS_COLORS.length] : '#999'} role="option" aria-selected="false"
            aria-label={t('explain.map.point', { name: images.get(p.imageId)?.name ?? '', className: names[k] ?? '' })} />
        );
      })}
    </>
  );
});

/** [r, g, b] of a #rrggbb colour. */
const rgbOf = (hex: string) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));

/** The decision regions: each cell in its class's colour, more opaque where the head is more confident. */
function RegionsCanvas({ regions, classNames }: { regions: DecisionRegions; classNames: string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const { size, classes, confidence, labels } = regions;
    // The classifier's classes by name: renamed or deleted classes since training stay uncoloured.
    const colours = labels.map((label) => {
      const k = classNames.indexOf(label);
      return k >= 0 ? rgbOf(CLASS_COLORS[k % CLASS_COLORS.length]) : null;
    });
    const pixels = context.createImageData(size, size);
    const chance = 1 / Math.max(2, labels.length);
    for (let cell = 0; cell < size * size; cell++) {
      const colour = colours[classes[cell]];
      if (!colour) continue;
      const strength = Math.max(0, Math.min(1, (confidence[cell] - chance) / (1 - chance)));
      pixels.data.set([...colour, Math.round(255 * (0.12 + 0.5 * strength))], cell * 4);
    }
    context.putImageData(pixels, 0, 0);
  }, [regions, classNames]);
  return <canvas ref={canvas} className="map-regions" width={regions.size} height={regions.size} data-testid="decision-regions" aria-hidden="true" />;
}
