/** Head settings (with presets) and fine-tuning: in the studio's second area; Train itself is TrainControl, in the main flow. */
import { useI18n } from '../../../i18n/I18nProvider';
import { HEAD_PRESETS, MOBILENET_BLOCKS, OPTIMIZERS, POOLINGS, type HeadConfig, type HeadPreset, type Pooling } from '../meta';
import type { BaseSpec } from '../bases';

interface Props {
  head: HeadConfig;
  /** the base in use: how many blocks it has to fine-tune (MobileNet v1 when absent) */
  base?: BaseSpec;
  onHead(head: HeadConfig): void;
}

function NumberField(props: { label: string; value: number; min: number; max: number; step: number; onChange(value: number): void; testId: string }) {
  return (
    <label className="control">
      <span>{props.label}</span>
      <input type="number" value={props.value} min={props.min} max={props.max} step={props.step} data-testid={props.testId}
        onChange={(event) => {
          const value = Number(event.target.value);
          if (Number.isFinite(value) && value >= props.min && value <= props.max) props.onChange(value);
        }} />
    </label>
  );
}

export function TrainPanel({ head, base, onHead }: Props) {
  const { t } = useI18n();
  const set = (patch: Partial<HeadConfig>) => onHead({ ...head, ...patch });
  const blocks = base?.blocks ?? MOBILENET_BLOCKS;
  return (
    <section className="train-panel" aria-label={t('transfer.train.settings')}>
      <h2>{t('transfer.train.settings')}</h2>
      <div className="presets">
        {(Object.keys(HEAD_PRESETS) as HeadPreset[]).map((preset) => (
          <button key={preset} type="button" onClick={() => onHead({ ...HEAD_PRESETS[preset], seed: head.seed })}>{t(`transfer.preset.${preset}`)}</button>
        ))}
      </div>
      <div className="head-settings">
        <label className="control">
          <span>{t('transfer.train.pooling')}</span>
          <select value={head.pooling} onChange={(event) => set({ pooling: event.target.value as Pooling })} data-testid="head-pooling">
            {POOLINGS.map((name) => <option key={name} value={name}>{t(`transfer.pooling.${name}`)}</option>)}
          </select>
        </label>
        <NumberField label={t('transfer.train.units')} value={head.units} min={0} max={2048} step={1} onChange={(units) => set({ units })} testId="head-units" />
        <NumberField label={t('transfer.train.dropout')} value={head.dropout} min={0} max={0.9} step={0.05} onChange={(dropout) => set({ dropout })} testId="head-dropout" />
        <label className="control">
          <span>{t('transfer.train.optimizer')}</span>
          <select value={head.optimizer} onChange={(event) => set({ optimizer: event.target.value as HeadConfig['optimizer'] })} data-testid="head-optimizer">
            {OPTIMIZERS.map((name) => <option key={name} value={name}>{t(`transfer.optimizer.${name}`)}</option>)}
          </select>
        </label>
        <NumberField label={t('transfer.train.learningRate')} value={head.learningRate} min={0.000001} max={1} step={0.0001} onChange={(learningRate) => set({ learningRate })} testId="head-learning-rate" />
        <NumberField label={t('transfer.train.epochs')} value={head.epochs} min={1} max={500} step={1} onChange={(epochs) => set({ epochs })} testId="head-epochs" />
        <NumberField label={t('transfer.train.batchSize')} value={head.batchSize} min={1} max={512} step={1} onChange={(batchSize) => set({ batchSize })} testId="head-batch-size" />
        <NumberField label={t('transfer.train.validationSplit')} value={head.validationSplit} min={0} max={0.5} step={0.05} onChange={(validationSplit) => set({ validationSplit })} testId="head-validation-split" />
        <label className="control checkbox" title={t('transfer.train.refitHint')}>
          <input type="checkbox" checked={head.refit} onChange={(event) => set({ refit: event.target.checked })} data-testid="head-refit" />
          <span>{t('transfer.train.refit')}</span>
        </label>
      </div>
      <fieldset className="fine-tune-settings">
        <legend>{t('transfer.fineTune.title')}</legend>
        <p className="hint">{t('transfer.fineTune.hint')}</p>
        <div className="head-settings">
          <NumberField label={t('transfer.fineTune.blocks', { max: blocks })} value={head.fineTuneBlocks} min={0} max={blocks} step={1} onChange={(fineTuneBlocks) => set({ fineTuneBlocks })} testId="fine-tune-blocks" />
          {head.fineTuneBlocks > 0 && (
            <>
              <NumberField label={t('transfer.fineTune.epochs')} value={head.fineTuneEpochs} min={1} max={100} step={1} onChange={(fineTuneEpochs) => set({ fineTuneEpochs })} testId="fine-tune-epochs" />
              <NumberField label={t('transfer.fineTune.learningRate')} value={head.fineTuneLearningRate} min={0.0000001} max={0.1} step={0.00001} onChange={(fineTuneLearningRate) => set({ fineTuneLearningRate })} testId="fine-tune-learning-rate" />
            </>
          )}
        </div>
      </fieldset>
    </section>
  );
}
