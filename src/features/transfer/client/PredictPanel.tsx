/**
 * Predict a new image: pick, drop or paste it, or use the webcam live; top-k probability bars. Before
 * training the nearest class mean of the photos answers ("before training"), then the trained classifier.
 */
import type { DragEvent } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { PredictionView } from './useTransfer';
import { WebcamPredict } from './WebcamPredict';

const TOP_K = 5;

export function PredictPanel({ prediction, enabled, onFile }: { prediction: PredictionView | null; enabled: boolean; onFile(file: File): void }) {
  const { t } = useI18n();
  const drop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    const file = event.dataTransfer.files[0];
    if (file && enabled) onFile(file);
  };
  const ranked = prediction?.probabilities
    ? Array.from(prediction.probabilities, (p, k) => ({ p, name: prediction.classNames[k] ?? `#${k}` })).sort((a, b) => b.p - a.p).slice(0, TOP_K)
    : [];
  return (
    <section className="predict" aria-label={t('transfer.predict.title')} onDragOver={(event) => event.preventDefault()} onDrop={drop}>
      <h2>{t('transfer.predict.title')}</h2>
      <label className="file-button">
        {t('transfer.predict.pick')}
        <input type="file" accept="image/*" data-testid="predict-input" disabled={!enabled} onChange={(event) => { const file = event.target.files?.[0]; if (file) onFile(file); event.target.value = ''; }} />
      </label>
      <WebcamPredict prediction={prediction} enabled={enabled} onFile={onFile} />
      {!enabled && <p className="hint">{t('transfer.predict.addPhotosFirst')}</p>}
      {prediction && (
        <div className="prediction-result">
          <img src={prediction.url} alt={t('transfer.predict.image')} width={112} height={112} />
          <div>
            <p data-testid="prediction" data-request={prediction.requestId} data-ready={ranked.length > 0} data-source={prediction.source} data-probabilities={prediction.probabilities ? JSON.stringify(Array.from(prediction.probabilities)) : undefined}>{ranked.length ? `${ranked[0].name} (${(ranked[0].p * 100).toFixed(1)}%)` : t('transfer.predict.working')}</p>
            {prediction.source && (
              <p className="hint" data-testid="prediction-source" data-source={prediction.source}>{t(prediction.source === 'instant' ? 'transfer.predict.instant' : 'transfer.predict.trained')}</p>
            )}
            <ul className="bars">
              {ranked.map(({ p, name }, k) => (
                <li key={k}>
                  <span className="bar-label">{name}</span>
                  <span className="bar" style={{ width: `${Math.round(p * 100)}%` }} />
                  <span className="bar-value">{(p * 100).toFixed(1)}%</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
