/** Head settings (with presets), Train / Stop, and progress with elapsed time and ETA. */
import { useI18n } from '../../../i18n/I18nProvider';
import { HEAD_PRESETS, MOBILENET_BLOCKS, OPTIMIZERS, POOLINGS, type HeadConfig, type HeadPreset, type Pooling } from '../meta';
import type { BaseSpec } from '../bases';
import { isRunning, type TrainingView } from './useTransfer';

interface Props {
  head: HeadConfig;
  /** the base in use: how many blocks it has to fine-tune (MobileNet v1 when absent) */
  base?: BaseSpec;
  training: TrainingView | null;
  canTrain: boolean;
  /** why training cannot start (empty class, bad names), shown beside Train */
  blockedReason?: string;
  onHead(head: HeadConfig): void;
  onTrain(): void;
  onStop(): void;
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

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Time left, from the pace of the current phase (a fine-tuning epoch costs far more than a head epoch). */
function estimateRemainingMs(training: TrainingView): number | null {
  const { phaseStart } = training;
  if ((training.phase !== 'training' && training.phase !== 'fineTuning' && training.phase !== 'refitting') || training.epoch <= phaseStart.epoch) return null;
  const perEpoch = (training.elapsedMs - phaseStart.elapsedMs) / (training.epoch - phaseStart.epoch);
  return perEpoch * (training.epochs - training.epoch);
}

export function TrainPanel({ head, base, training, canTrain, blockedReason, onHead, onTrain, onStop }: Props) {
  const { t } = useI18n();
  const running = training !== null && isRunning(training.phase);
  const set = (patch: Partial<HeadConfig>) => onHead({ ...head, ...patch });
  const eta = training ? estimateRemainingMs(training) : null;
  const blocks = base?.blocks ?? MOBILENET_BLOCKS;
  return (
    <section className="train-panel" aria-label={t('transfer.train.title')}>
      <h2>{t('transfer.train.title')}</h2>
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
      <div className="train-actions">
        <button type="button" className="primary" onClick={onTrain} disabled={running || !canTrain}>{t('transfer.train.train')}</button>
        <button type="button" onClick={onStop} disabled={!running}>{t('transfer.train.stop')}</button>
        <span className="train-status" data-testid="train-status" data-phase={training?.phase ?? 'idle'}>{t(`transfer.phase.${training?.phase ?? 'idle'}`)}</span>
      </div>
      {blockedReason && <p className="field-error" data-testid="train-blocked">{blockedReason}</p>}
      {training?.phase === 'embedding' && (
        <div className="train-progress">
          <progress max={Math.max(1, training.toEmbed)} value={training.embedded} />
          <span>{t('transfer.train.embedding', { done: training.embedded, total: training.toEmbed, rate: training.imagesPerSec.toFixed(1) })}</span>
        </div>
      )}
      {training?.timings && (
        <p className="hint" data-testid="train-timings" data-embedded={training.timings.embeddedImages} data-embed-ms={Math.round(training.timings.embedMs)} data-train-ms={Math.round(training.timings.trainMs)}>
          {t('transfer.train.timings', {
            images: training.timings.embeddedImages,
            embed: seconds(training.timings.embedMs),
            rate: (training.timings.embeddedImages / Math.max(1e-3, training.timings.embedMs / 1000)).toFixed(1),
            train: seconds(training.timings.trainMs),
          })}
        </p>
      )}
      {training && training.phase !== 'embedding' && (
        <div className="train-progress">
          <progress max={Math.max(1, training.epochs)} value={training.epoch} />
          <span>
            {t('transfer.train.epochProgress', { epoch: training.epoch, epochs: training.epochs, elapsed: seconds(training.elapsedMs) })}
            {eta !== null && ` · ${t('transfer.train.eta', { seconds: seconds(eta) })}`}
          </span>
        </div>
      )}
    </section>
  );
}
