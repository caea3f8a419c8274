/** Data: which dataset, train/test ratio, noise, batch size, regenerate (a new seed). */
import { useI18n } from '../../../i18n/I18nProvider';
import { useControlFlags } from '../../classroom/client/ClassroomProvider';
import type { DatasetName } from '../../../engine/datasets';
import { DATASET_OPTIONS, type PlaygroundConfig } from '../meta';

interface Props {
  config: PlaygroundConfig;
  setConfig(patch: Partial<PlaygroundConfig>): void;
}

const REGRESSION: readonly DatasetName[] = ['plane', 'multiGauss'];

function Slider(props: { label: string; value: number; min: number; max: number; step: number; onChange(value: number): void; testId: string; disabled?: boolean }) {
  return (
    <label className="slider">
      <span>
        {props.label}: <output>{props.value}</output>
      </span>
      <input type="range" min={props.min} max={props.max} step={props.step} value={props.value} disabled={props.disabled} data-testid={props.testId} onChange={(e) => props.onChange(Number(e.target.value))} />
    </label>
  );
}

export function DataPanel({ config, setConfig }: Props) {
  const { t } = useI18n();
  const { hidden, locked } = useControlFlags();
  return (
    <section className="data-panel" aria-label={t('data.title')}>
      <h2>{t('data.title')}</h2>
      {!hidden('dataset') && <>
      <p className="hint">{t('data.chooseDataset')}</p>
      <div className="datasets" role="radiogroup" aria-label={t('data.chooseDataset')}>
        {DATASET_OPTIONS.map((name) => (
          <button
            key={name}
            type="button"
            role="radio"
            aria-checked={config.dataset === name}
            className={`dataset dataset-${name}${config.dataset === name ? ' selected' : ''}`}
            onClick={() => setConfig({ dataset: name })}
            disabled={locked('dataset')}
            data-testid={`dataset-${name}`}
          >
            {t(`dataset.${name}`)}
            <small>{REGRESSION.includes(name) ? t('data.regression') : t('data.classification')}</small>
          </button>
        ))}
      </div>
      </>}
      {!hidden('trainRatio') && <Slider disabled={locked('trainRatio')} label={t('data.trainRatio')} value={config.trainRatio} min={10} max={90} step={10} onChange={(trainRatio) => setConfig({ trainRatio })} testId="train-ratio" />}
      {!hidden('noise') && <Slider disabled={locked('noise')} label={t('data.noise')} value={config.noise} min={0} max={50} step={5} onChange={(noise) => setConfig({ noise })} testId="noise" />}
      {!hidden('batchSize') && <Slider disabled={locked('batchSize')} label={t('data.batchSize')} value={config.batchSize} min={1} max={30} step={1} onChange={(batchSize) => setConfig({ batchSize })} testId="batch-size" />}
      {!hidden('regenerate') && <button type="button" disabled={locked('regenerate')} onClick={() => setConfig({ seed: Math.floor(Math.random() * 2 ** 31) })} data-testid="regenerate">
        {t('data.regenerate')}
      </button>}
      <p className="hint">{t('data.seed', { seed: config.seed })}</p>
    </section>
  );
}
