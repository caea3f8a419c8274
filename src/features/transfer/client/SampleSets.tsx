/**
 * "Try a sample set": the public photo sets the app serves itself (samples/index.json, see
 * sampleSets.ts), each with its attribution, licence and a choice of photos per class; one click
 * fetches them from the app's own origin and loads them like dropped files. Without an index (a
 * build shipped without the sets) nothing is shown.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { DEFAULT_PER_CLASS, parseSampleIndex, PER_CLASS_CHOICES, pickPhotos, SAMPLE_INDEX_PATH, sampleUrl, type SampleIndex, type SampleSet } from '../sampleSets';
import type { PhotoSetGroup } from '../photoSetZip';

/** The sets this build serves, or null (none, not yet known, or no index). */
function useSampleIndex(): SampleIndex | null {
  const [index, setIndex] = useState<SampleIndex | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetch(new URL(SAMPLE_INDEX_PATH, document.baseURI), { signal: controller.signal, cache: 'no-cache' })
      .then((response) => (response.ok && (response.headers.get('content-type') ?? '').includes('json') ? response.json() : null))
      .then((json) => setIndex(parseSampleIndex(json)))
      .catch(() => setIndex(null));
    return () => controller.abort();
  }, []);
  return index;
}

const CONCURRENCY = 6;

/** The chosen photos as files, fetched a few at a time from the app's origin; `onFetched` after each. */
export async function fetchSampleSet(set: SampleSet, perClass: number, onFetched: (done: number, total: number) => void): Promise<PhotoSetGroup[]> {
  const classes = pickPhotos(set, perClass);
  const jobs = classes.flatMap((c, k) => c.files.map((file) => ({ k, file })));
  const files: File[][] = classes.map(() => []);
  const slots: (File | undefined)[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const n = next++;
      const response = await fetch(new URL(sampleUrl(set, jobs[n].file), document.baseURI));
      if (!response.ok) throw new Error(`${response.status} ${jobs[n].file}`);
      const blob = await response.blob();
      slots[n] = new File([blob], jobs[n].file.split('/').pop()!, { type: blob.type });
      onFetched(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  jobs.forEach((job, n) => files[job.k].push(slots[n]!));
  return classes.map((c, k) => ({ name: c.name, files: files[k] }));
}

interface Props {
  busy: boolean;
  onLoad(set: SampleSet, perClass: number): void;
}

function SampleSetCard({ set, busy, onLoad }: { set: SampleSet } & Props) {
  const { t } = useI18n();
  const most = Math.max(...set.classes.map((c) => c.files.length));
  const choices: number[] = [...PER_CLASS_CHOICES.filter((n) => n < most), most];
  const [perClass, setPerClass] = useState(Math.min(DEFAULT_PER_CLASS, most));
  const selectId = `sample-per-class-${set.id}`;
  return (
    <article className="sample-set" aria-labelledby={`${selectId}-title`}>
      <h4 id={`${selectId}-title`}>{set.title}</h4>
      <p className="hint">{t('photoSets.sample.classes', { count: set.classes.length, names: set.classes.map((c) => c.name).join(', ') })}</p>
      <p className="sample-credit" data-testid="sample-attribution">
        <strong>{t('photoSets.sample.attribution')}</strong> {set.attribution}
      </p>
      <p className="sample-credit" data-testid="sample-licence">
        <strong>{t('photoSets.sample.licence')}</strong> <a href={set.licenceUrl} target="_blank" rel="noreferrer">{set.licence}</a>
        {set.documents.length > 0 && <> · {t('photoSets.sample.documents')} {set.documents.map((doc, k) => (
          <span key={doc}>{k > 0 && ', '}<a href={sampleUrl(set, doc)} target="_blank" rel="noreferrer">{doc}</a></span>
        ))}</>}
      </p>
      <div className="sample-actions">
        <label htmlFor={selectId}>{t('photoSets.sample.perClass')}</label>{' '}
        <select id={selectId} data-testid="sample-per-class" value={perClass} onChange={(event) => setPerClass(Number(event.target.value))}>
          {choices.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>{' '}
        <button type="button" data-testid={`sample-set-${set.id}`} disabled={busy} onClick={() => onLoad(set, perClass)}>{t('photoSets.sample.load', { title: set.title })}</button>
      </div>
    </article>
  );
}

export function SampleSets({ busy, onLoad }: Props) {
  const { t } = useI18n();
  const index = useSampleIndex();
  if (!index || index.sets.length === 0) return null;
  return (
    <details className="photo-sets-panel" data-testid="sample-sets">
      <summary>{t('photoSets.sample.title')}</summary>
      <p className="hint">{t('photoSets.sample.hint')}</p>
      {index.sets.map((set) => <SampleSetCard key={set.id} set={set} busy={busy} onLoad={onLoad} />)}
    </details>
  );
}
