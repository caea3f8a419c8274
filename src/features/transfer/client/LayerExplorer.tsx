/**
 * Look inside the network: for one image, every stage of the base as a grid of channel maps on a
 * colour scale (MobileNet v1: each conv layer after BatchNormalization and ReLU6; MobileNet v2:
 * grouped by block, its expansion, depthwise, projection and residual addition); a map enlarges on
 * click, and a cell of the enlarged map shows its formula with the real numbers. Computed only
 * once opened; the rows are drawn one per animation frame so the page stays responsive.
 */
import { Fragment, memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { ModelStatus } from '../../../worker/protocol';
import type { ChannelMap, LayerMaps } from '../layerMapsMeta';
import { COLOUR_GRADIENT, colourAt } from './heatmapCanvas';
import { CellFormula, HeadFormula, LayerFormulas, num } from './LayerFormula';
import { useLayerExplorer, type LayerSource } from './useLayerExplorer';
import type { ClassView, PredictionView } from './useTransfer';
import './layerExplorer.css';

/** Images offered in the picker (the classes' first ones). */
const MAX_PICKS = 24;

/** The colour scale as 256 RGBA pixels (one 32-bit word each, in the platform's byte order). */
const LUT = (() => {
  const bytes = new Uint8ClampedArray(256 * 4);
  for (let v = 0; v < 256; v++) bytes.set([...colourAt(v / 255), 255], v * 4);
  return new Uint32Array(bytes.buffer);
})();

function paintBytes(canvas: HTMLCanvasElement, pixels: Uint8Array, [h, w]: [number, number]): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(w, h);
  const words = new Uint32Array(image.data.buffer);
  for (let k = 0; k < pixels.length; k++) words[k] = LUT[pixels[k]];
  context.putImageData(image, 0, 0);
}

function MapCanvas({ pixels, size, label, onOpen }: { pixels: Uint8Array; size: [number, number]; label: string; onOpen: () => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) paintBytes(canvas.current, pixels, size);
  }, [pixels, size]);
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen();
    }
  };
  return <canvas ref={canvas} className="layer-map" width={size[1]} height={size[0]} role="button" tabIndex={0} aria-label={label} title={label} data-testid="layer-map" onClick={onOpen} onKeyDown={onKey} />;
}

function Legend({ min, max }: { min: number; max: number }) {
  const { t } = useI18n();
  return (
    <div className="layer-legend" aria-label={t('explain.layers.legend', { min: num(min, 2), max: num(max, 2) })}>
      <span>{num(min, 2)}</span>
      <span className="layer-legend-bar" style={{ background: COLOUR_GRADIENT }} />
      <span>{num(max, 2)}</span>
    </div>
  );
}

const LayerRow = memo(function LayerRow({ layer, onOpen }: { layer: LayerMaps; onOpen: (layer: LayerMaps, channel: ChannelMap) => void }) {
  const { t } = useI18n();
  const [h, w, c] = layer.shape;
  return (
    <section className="layer-row" data-testid="layer-maps" data-layer={layer.name} data-channels={layer.channels.length} aria-label={layer.name}>
      <header>
        <h4>{layer.name}</h4>
        <span>{t(`explain.layers.kind.${layer.kind}`, { k: layer.kernel, s: layer.stride })}</span>
        <span>{t('explain.layers.shape', { h, w, c })}</span>
        <span>{t('explain.layers.channels', { shown: layer.channels.length, total: c })}</span>
        <Legend min={layer.min} max={layer.max} />
      </header>
      <div className="layer-grid">
        {layer.channels.map((channel) => (
          <figure key={channel.index}>
            <MapCanvas pixels={channel.pixels} size={layer.size} label={t('explain.layers.mapAlt', { layer: layer.name, channel: channel.index })} onOpen={() => onOpen(layer, channel)} />
            <figcaption>#{channel.index}</figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
});

/** Consecutive rows of the same v2 block in one group (rows outside blocks: a group each, no heading). */
function groupByBlock(layers: LayerMaps[]): { block?: number; layers: LayerMaps[] }[] {
  const groups: { block?: number; layers: LayerMaps[] }[] = [];
  for (const layer of layers) {
    const last = groups.at(-1);
    if (last && layer.block !== undefined && last.block === layer.block) last.layers.push(layer);
    else groups.push({ block: layer.block, layers: [layer] });
  }
  return groups;
}

/** A v2 block's heading: which steps it holds (block 0 has no expansion; some end with the residual addition). */
function blockTitleKey(layers: LayerMaps[]) {
  if (!layers.some((layer) => layer.kind === 'expand')) return 'explain.layers.block.first' as const;
  return layers.some((layer) => layer.kind === 'add') ? ('explain.layers.block.residual' as const) : ('explain.layers.block.plain' as const);
}

function LayerRows({ layers, shown, onOpen }: { layers: LayerMaps[]; shown: number; onOpen: (layer: LayerMaps, channel: ChannelMap) => void }) {
  const { t } = useI18n();
  const groups = useMemo(() => groupByBlock(layers), [layers]);
  let left = shown;
  return (
    <div className="layer-rows" aria-busy={shown < layers.length}>
      {groups.map((group) => {
        const rows = group.layers.slice(0, Math.max(0, left));
        left -= group.layers.length;
        if (rows.length === 0) return null;
        const drawn = rows.map((layer) => <LayerRow key={layer.name} layer={layer} onOpen={onOpen} />);
        if (group.block === undefined) return <Fragment key={group.layers[0].name}>{drawn}</Fragment>;
        const title = t(blockTitleKey(group.layers), { n: group.block });
        return (
          <section key={`block-${group.block}`} className="layer-block" data-testid="layer-block" data-block={group.block} aria-label={title}>
            <h3>{title}</h3>
            {drawn}
          </section>
        );
      })}
    </div>
  );
}

/** The brightest pixel of a downsampled map, as the centre cell of the full-resolution grid. */
function brightestCell(layer: LayerMaps, channel: ChannelMap): [number, number] {
  const best = channel.pixels.reduce((b, v, k, all) => (v > all[b] ? k : b), 0);
  const [sh, sw] = layer.size;
  const [h, w] = layer.shape;
  return [Math.min(h - 1, Math.floor(((Math.floor(best / sw) + 0.5) * h) / sh)), Math.min(w - 1, Math.floor((((best % sw) + 0.5) * w) / sw))];
}

function Enlarged({ layer, channel, explorer, onClose }: { layer: LayerMaps; channel: ChannelMap; explorer: ReturnType<typeof useLayerExplorer>; onClose: () => void }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  const { cell, requestCell } = explorer;
  const [h, w] = layer.shape;
  const full = cell.status === 'done' && cell.cell.layer === layer.name && cell.cell.channel === channel.index ? cell.cell : null;
  useEffect(() => close.current?.focus(), []);
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  useEffect(() => {
    const [y, x] = brightestCell(layer, channel);
    requestCell(layer.name, y, x, channel.index);
  }, [layer, channel, requestCell]);
  useEffect(() => {
    if (!canvas.current) return;
    if (full) paintBytes(canvas.current, full.map, [h, w]);
    else paintBytes(canvas.current, channel.pixels, layer.size);
  }, [full, channel, layer, h, w]);
  const pick = (event: MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const y = Math.min(h - 1, Math.max(0, Math.floor(((event.clientY - box.top) / box.height) * h)));
    const x = Math.min(w - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * w)));
    requestCell(layer.name, y, x, channel.index);
  };
  const size = full ? [h, w] : layer.size;
  return (
    <div className="layer-dialog-backdrop" onClick={onClose}>
      <div className="layer-dialog" role="dialog" aria-modal="true" aria-label={t('explain.layers.enlarged', { layer: layer.name, channel: channel.index })}
        onClick={(event) => event.stopPropagation()}>
        <header>
          <h3>{t('explain.layers.enlarged', { layer: layer.name, channel: channel.index })}</h3>
          <button ref={close} type="button" onClick={onClose}>{t('explain.layers.close')}</button>
        </header>
        <p className="layer-hint">{t('explain.layers.clickCell')}</p>
        <div className="layer-dialog-body">
          <div className="layer-enlarged-wrap">
            <canvas ref={canvas} className="layer-enlarged" width={size[1]} height={size[0]} data-testid="layer-enlarged" data-layer={layer.name} data-channel={channel.index}
              aria-label={t('explain.layers.mapAlt', { layer: layer.name, channel: channel.index })} onClick={pick} />
            {full && <span className="layer-cell-mark" style={{ top: `${(100 * full.y) / h}%`, left: `${(100 * full.x) / w}%`, width: `${100 / w}%`, height: `${100 / h}%` }} />}
            <Legend min={layer.min} max={layer.max} />
          </div>
          <div className="layer-formula" data-testid="layer-formula" aria-live="polite" aria-busy={cell.status === 'working'}>
            {cell.status === 'done' && <CellFormula cell={cell.cell} />}
            {cell.status === 'working' && <p>{t('explain.layers.working')}</p>}
            {cell.status === 'error' && <p role="alert">{t('explain.layers.error.failed')}</p>}
          </div>
        </div>
      </div>
    </div>
  );
}

interface Props {
  classes: ClassView[];
  prediction: PredictionView | null;
  modelStatus: ModelStatus;
}

function ExplorerBody({ classes, prediction, modelStatus }: Props) {
  const { t } = useI18n();
  const explorer = useLayerExplorer();
  const { maps, requestMaps, closeCell } = explorer;
  const picks = useMemo(() => {
    const images = classes.flatMap((c) => c.images.map((image) => ({ key: image.id, imageId: image.id, url: image.url, name: `${c.name}: ${image.name}` }))).slice(0, MAX_PICKS);
    return prediction?.file ? [{ key: `predicted-${prediction.requestId}`, file: prediction.file, url: prediction.url, name: t('explain.layers.predicted') }, ...images] : images;
  }, [classes, prediction, t]);
  const [chosen, setChosen] = useState<string | null>(null);
  const selected = picks.find((p) => p.key === chosen) ?? picks[0] ?? null;
  const sourceRef = useRef<LayerSource | null>(null);
  sourceRef.current = selected;
  const ready = modelStatus === 'ready';
  useEffect(() => {
    if (ready && sourceRef.current) requestMaps(sourceRef.current);
  }, [selected?.key, ready, requestMaps]);
  // Rows appear one per animation frame: no long task on the main thread.
  const [shown, setShown] = useState(0);
  const layers = maps.status === 'done' ? maps.layers : null;
  useEffect(() => {
    setShown(0);
    if (!layers) return;
    let [frame, n] = [0, 0];
    const next = () => {
      setShown(++n);
      if (n < layers.length) frame = requestAnimationFrame(next);
    };
    frame = requestAnimationFrame(next);
    return () => cancelAnimationFrame(frame);
  }, [layers]);
  const [open, setOpen] = useState<{ layer: LayerMaps; channel: ChannelMap } | null>(null);
  useEffect(() => setOpen(null), [layers]);
  const onOpen = useCallback((layer: LayerMaps, channel: ChannelMap) => setOpen({ layer, channel }), []);
  const onClose = useCallback(() => {
    setOpen(null);
    closeCell();
  }, [closeCell]);

  if (!ready) return <p>{t('explain.layers.noModel')}</p>;
  if (picks.length === 0) return <p>{t('explain.layers.noImages')}</p>;
  return (
    <>
      <div className="layer-picks" role="group" aria-label={t('explain.layers.pick')}>
        {picks.map((p) => (
          <button key={p.key} type="button" className="layer-pick" aria-pressed={p.key === selected?.key} onClick={() => setChosen(p.key)} title={p.name} data-testid="layer-image">
            <img src={p.url} alt={p.name} width={48} height={48} />
          </button>
        ))}
      </div>
      <p className="layer-status" aria-live="polite">
        {maps.status === 'working' && t('explain.layers.working')}
        {maps.status === 'error' && <span role="alert" data-testid="layer-error" data-code={maps.code}>{t(`explain.layers.error.${maps.code}`, { detail: maps.detail ?? '' })}</span>}
        {maps.status === 'done' && (
          <span data-testid="layer-explorer-ms" data-ms={maps.ms.toFixed(1)}>{t('explain.layers.time', { layers: maps.layers.length, ms: Math.round(maps.ms) })}</span>
        )}
      </p>
      <LayerFormulas />
      {layers && <LayerRows layers={layers} shown={shown} onOpen={onOpen} />}
      {maps.status === 'done' && shown >= maps.layers.length && <HeadFormula head={maps.head} />}
      {open && <Enlarged layer={open.layer} channel={open.channel} explorer={explorer} onClose={onClose} />}
    </>
  );
}

export function LayerExplorer(props: Props) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <section className="layer-explorer" data-testid="layer-explorer" aria-label={t('explain.layers.title')}>
      <h2>{t('explain.layers.title')}</h2>
      <p>{t('explain.layers.intro')}</p>
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="layer-explorer-toggle">
        {open ? t('explain.layers.hide') : t('explain.layers.show')}
      </button>
      {open && <ExplorerBody {...props} />}
    </section>
  );
}
