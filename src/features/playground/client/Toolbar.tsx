/** Run controls (reset, play/pause, step sample/batch/epoch, walkthrough), counters and hyper-parameters. */
import { useI18n } from '../../../i18n/I18nProvider';
import { Icon } from '../../../app/Icon';
import { useControlFlags } from '../../classroom/client/ClassroomProvider';
import type { MessageKey } from '../../../i18n/i18n';
import type { Snapshot, StepUnit } from '../../../worker/protocol';
import {
  ACTIVATION_OPTIONS,
  LEARNING_RATE_OPTIONS,
  REGULARIZATION_OPTIONS,
  REGULARIZATION_RATE_OPTIONS,
  SPEED_OPTIONS,
  type PlaygroundConfig,
} from '../meta';

interface Props {
  config: PlaygroundConfig;
  snapshot: Snapshot | null;
  walking: boolean;
  setConfig(patch: Partial<PlaygroundConfig>): void;
  onPlayPause(): void;
  onReset(): void;
  onStep(unit: StepUnit): void;
  onWalkthrough(): void;
}

/** The offered values plus the current one when a link set another (e.g. lr=0.05). */
function withCurrent(options: readonly number[], current: number): number[] {
  return options.includes(current) ? [...options] : [...options, current].sort((a, b) => a - b);
}

function Select<T extends string | number>(props: { label: string; value: T; options: readonly T[]; render(value: T): string; onChange(value: T): void; testId: string; disabled?: boolean }) {
  return (
    <label className="control">
      <span>{props.label}</span>
      <select value={String(props.value)} disabled={props.disabled} data-testid={props.testId} onChange={(e) => props.onChange(props.options.find((o) => String(o) === e.target.value) as T)}>
        {props.options.map((option) => (
          <option key={String(option)} value={String(option)}>
            {props.render(option)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Toolbar({ config, snapshot, walking, setConfig, onPlayPause, onReset, onStep, onWalkthrough }: Props) {
  const { t } = useI18n();
  const { hidden, locked } = useControlFlags();
  const playing = snapshot?.status === 'playing';
  const steps: [StepUnit, MessageKey, string][] = [
    ['sample', 'toolbar.stepSample', 'step-sample'],
    ['batch', 'toolbar.stepBatch', 'step-batch'],
    ['epoch', 'toolbar.stepEpoch', 'step-epoch'],
  ];
  return (
    <div className="toolbar" data-testid="toolbar" data-status={snapshot?.status ?? 'loading'}>
      <div className="run-controls">
        <button type="button" className="icon-button" onClick={onReset} aria-label={t('toolbar.reset')} title={t('toolbar.resetHint')}><Icon name="reset" /></button>
        <button type="button" className="play-button" onClick={onPlayPause} aria-label={playing ? t('toolbar.pause') : t('toolbar.play')} title={t('toolbar.playHint')} data-testid="play-pause">
          <Icon name={playing ? 'pause' : 'play'} size={22} />
        </button>
        {!hidden('stepButtons') && steps.map(([unit, key, testId]) => (
          <button key={unit} type="button" onClick={() => onStep(unit)} disabled={walking || locked('stepButtons')} data-testid={testId}>
            {t(key)}
          </button>
        ))}
        {!hidden('walkthrough') && <button type="button" onClick={onWalkthrough} aria-pressed={walking} disabled={locked('walkthrough')} data-testid="walkthrough">{t('toolbar.walkthrough')}</button>}
      </div>
      <dl className="counters">
        <dt>{t('toolbar.epoch')}</dt>
        <dd data-testid="epoch">{snapshot?.epoch ?? 0}</dd>
        <dt>{t('toolbar.samples')}</dt>
        <dd data-testid="samples-seen">{snapshot?.samplesSeen ?? 0}</dd>
        <dt>{t('toolbar.updates')}</dt>
        <dd data-testid="updates">{snapshot?.updates ?? 0}</dd>
      </dl>
      <div className="hyper">
        {!hidden('learningRate') && <Select disabled={locked('learningRate')} label={t('toolbar.learningRate')} value={config.learningRate} options={withCurrent(LEARNING_RATE_OPTIONS, config.learningRate)} render={String} onChange={(learningRate) => setConfig({ learningRate })} testId="learning-rate" />}
        {!hidden('activation') && <Select disabled={locked('activation')} label={t('toolbar.activation')} value={config.activation} options={ACTIVATION_OPTIONS} render={(a) => t(`activation.${a}`)} onChange={(activation) => setConfig({ activation })} testId="activation" />}
        {!hidden('regularization') && <Select disabled={locked('regularization')} label={t('toolbar.regularization')} value={config.regularization} options={REGULARIZATION_OPTIONS} render={(r) => t(`regularization.${r}`)} onChange={(regularization) => setConfig({ regularization })} testId="regularization" />}
        {!hidden('regularizationRate') && <Select disabled={locked('regularizationRate')} label={t('toolbar.regularizationRate')} value={config.regularizationRate} options={withCurrent(REGULARIZATION_RATE_OPTIONS, config.regularizationRate)} render={String} onChange={(regularizationRate) => setConfig({ regularizationRate })} testId="regularization-rate" />}
        {!hidden('speed') && <Select disabled={locked('speed')} label={t('toolbar.speed')} value={config.speed} options={SPEED_OPTIONS} render={(s) => t(`speed.${s}`)} onChange={(speed) => setConfig({ speed })} testId="speed" />}
      </div>
    </div>
  );
}
