/**
 * Data augmentation: on/off for fine-tuning and for the Tiny VGG, what it does (flip, rotation,
 * zoom, brightness, contrast), and a live preview grid: random versions of a chosen image made in
 * the worker by the same code as the training batches, refreshed (debounced) when a setting changes.
 */
import { useEffect, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import { useI18n } from '../../../i18n/I18nProvider';
import type { FromWorker } from '../../../worker/protocol';
import { THUMBNAIL_SIZE, type Augmentation, type HeadConfig } from '../meta';
import type { ClassView } from './useTransfer';
import './augmentation.css';

/** Versions of the image in the preview. */
export const PREVIEW_COUNT = 8;
const PREVIEW_DELAY_MS = 150;

interface Preview {
  imageId: string;
  urls: string[];
  hash: string;
}

/** Asks the worker for a preview after the inputs have been still for PREVIEW_DELAY_MS; shows the latest reply only. */
function useAugmentPreview(imageId: string | null, augmentation: Augmentation, seed: number) {
  const worker = useWorker();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [pending, setPending] = useState(false);
  const latest = useRef(0);
  /** the object URLs shown, released when replaced and on unmount */
  const urls = useRef<string[]>([]);
  useEffect(() => {
    const onMessage = (message: FromWorker) => {
      if ((message.type !== 'transfer/augmentPreviewReady' && message.type !== 'transfer/augmentPreviewFailed') || message.requestId !== latest.current) return;
      setPending(false);
      urls.current.forEach((url) => URL.revokeObjectURL(url));
      urls.current = message.type === 'transfer/augmentPreviewReady' ? message.thumbnails.map((blob) => URL.createObjectURL(blob)) : [];
      setPreview(message.type === 'transfer/augmentPreviewReady' ? { imageId: message.imageId, urls: urls.current, hash: message.hash } : null);
    };
    return worker.subscribe({ onMessage, onCrash: () => setPending(false) });
  }, [worker]);
  useEffect(() => () => {
    urls.current.forEach((url) => URL.revokeObjectURL(url));
    urls.current = [];
  }, []);
  const key = JSON.stringify(augmentation);
  useEffect(() => {
    if (!imageId) return;
    setPending(true);
    const timer = setTimeout(() => {
      const requestId = ++latest.current;
      worker.sendTransfer({ type: 'transfer/augmentPreview', requestId, imageId, augmentation: JSON.parse(key) as Augmentation, count: PREVIEW_COUNT, seed });
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [worker, imageId, key, seed]);
  return { preview: imageId && preview?.imageId === imageId ? preview : null, pending: imageId !== null && pending };
}

function Slider(props: { label: string; value: number; max: number; step: number; testId: string; onChange(value: number): void }) {
  return (
    <label className="control augment-slider">
      <span>{props.label}</span>
      <input type="range" min={0} max={props.max} step={props.step} value={props.value} data-testid={props.testId} onChange={(event) => props.onChange(Number(event.target.value))} />
    </label>
  );
}

const percent = (share: number) => Math.round(share * 100);

export function AugmentationPanel({ head, classes, onHead }: { head: HeadConfig; classes: ClassView[]; onHead(head: HeadConfig): void }) {
  const { t } = useI18n();
  const a = head.augmentation;
  const set = (patch: Partial<Augmentation>) => onHead({ ...head, augmentation: { ...a, ...patch } });
  const [chosen, setChosen] = useState<string | null>(null);
  const [seed, setSeed] = useState(1);
  const all = classes.flatMap((c) => c.images);
  // The chosen image while it exists, else the first image of the first class that has one.
  const imageId = all.some((image) => image.id === chosen) ? chosen : (all[0]?.id ?? null);
  const { preview, pending } = useAugmentPreview(imageId, a, seed);
  return (
    <section className="augmentation-panel" aria-label={t('transfer.augment.title')}>
      <h2>{t('transfer.augment.title')}</h2>
      <p className="hint">{t('transfer.augment.hint')}</p>
      <div className="augment-switches">
        <label className="control checkbox">
          <input type="checkbox" checked={head.augment} onChange={(event) => onHead({ ...head, augment: event.target.checked })} data-testid="fine-tune-augment" />
          <span>{t('transfer.augment.fineTune')}</span>
        </label>
        <label className="control checkbox">
          <input type="checkbox" checked={head.augmentScratch} onChange={(event) => onHead({ ...head, augmentScratch: event.target.checked })} data-testid="augment-scratch" />
          <span>{t('transfer.augment.scratch')}</span>
        </label>
      </div>
      <div className="augment-settings">
        <label className="control checkbox">
          <input type="checkbox" checked={a.flip} onChange={(event) => set({ flip: event.target.checked })} data-testid="augment-flip" />
          <span>{t('transfer.augment.flip')}</span>
        </label>
        <Slider label={t('transfer.augment.rotation', { degrees: a.rotation })} value={a.rotation} max={90} step={5} testId="augment-rotation" onChange={(rotation) => set({ rotation })} />
        <Slider label={t('transfer.augment.zoom', { percent: percent(a.zoom) })} value={a.zoom} max={0.5} step={0.05} testId="augment-zoom" onChange={(zoom) => set({ zoom })} />
        <Slider label={t('transfer.augment.brightness', { percent: percent(a.brightness) })} value={a.brightness} max={0.5} step={0.05} testId="augment-brightness" onChange={(brightness) => set({ brightness })} />
        <Slider label={t('transfer.augment.contrast', { percent: percent(a.contrast) })} value={a.contrast} max={0.9} step={0.05} testId="augment-contrast" onChange={(contrast) => set({ contrast })} />
      </div>
      {imageId === null ? (
        <p className="hint">{t('transfer.augment.noImages')}</p>
      ) : (
        <>
          <div className="augment-preview-controls">
            <label className="control">
              <span>{t('transfer.augment.image')}</span>
              <select value={imageId} onChange={(event) => setChosen(event.target.value)} data-testid="augment-image">
                {classes.filter((c) => c.images.length > 0).map((c) => (
                  <optgroup key={c.id} label={c.name}>
                    {c.images.map((image) => <option key={image.id} value={image.id}>{image.name}</option>)}
                  </optgroup>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => setSeed((s) => s + 1)} data-testid="augment-reseed">{t('transfer.augment.reseed')}</button>
          </div>
          <figure className="augment-figure">
            <div className="augment-preview" data-testid="augment-preview" data-count={preview?.urls.length ?? 0} data-hash={preview?.hash ?? ''} aria-busy={pending}>
              {preview?.urls.map((url, k) => <img key={url} src={url} width={THUMBNAIL_SIZE} height={THUMBNAIL_SIZE} alt={t('transfer.augment.sample', { n: k + 1 })} />)}
            </div>
            <figcaption>{t('transfer.augment.caption', { count: PREVIEW_COUNT })}</figcaption>
          </figure>
        </>
      )}
    </section>
  );
}
