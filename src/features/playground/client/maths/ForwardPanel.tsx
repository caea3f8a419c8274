/**
 * The forward pass of the selected sample with its real numbers: the features, then for every
 * neuron z = Σ wᵢ·aᵢ + b and a = f(z), layer by layer, up to the prediction ŷ.
 */
import { useI18n } from '../../../../i18n/I18nProvider';
import type { Snapshot } from '../../../../worker/protocol';
import { parameterIndex, type FlatLayout } from '../../layout';
import type { PlaygroundConfig } from '../../meta';
import type { Phase } from '../phases';
import { useOpenLayers } from './useOpenLayers';
import { ActivationFormula, Eq, FeatureSym, NeuronFormula, Num, Sym, WeightedSumFormula, YHat } from './Formula';
import { ACTIVATION_SYMBOL, activationOf, lastLayerOf, partProps } from './shared';

interface Props {
  snapshot: Snapshot | null;
  layout: FlatLayout;
  config: PlaygroundConfig;
  phase: Phase | null;
}

interface NeuronProps {
  snapshot: Snapshot;
  layout: FlatLayout;
  l: number;
  j: number;
  /** f as written in formulas; null: the identity */
  fn: string | null;
}

/** z_j = w·a + … + b = z, then a_j = f(z) = a, wrapped term by term. */
function NeuronForward({ snapshot, layout, l, j, fn }: NeuronProps) {
  const { parameters, trace } = snapshot;
  const inputs = layout.layerSizes[l - 1];
  const prev = layout.neuronOffset[l - 1];
  const z = trace.z[layout.neuronOffset[l] + j];
  const a = trace.a[layout.neuronOffset[l] + j];
  const bias = parameters[parameterIndex(layout, l, j, -1)];
  const terms = Array.from({ length: inputs }, (_, i) => (
    <Eq key={i}>
      {i > 0 && <mo>+</mo>}
      <Num value={parameters[parameterIndex(layout, l, j, i)]} paren={i > 0} />
      <mo>·</mo>
      <Num value={trace.a[prev + i]} paren />
    </Eq>
  ));
  return (
    <div className="maths-neuron" data-testid={`forward-neuron-${l}-${j}`}>
      <div className="maths-wrap">
        <Eq>
          <Sym name="z" sub={j + 1} />
          <mo>=</mo>
        </Eq>
        {terms}
        <Eq>
          <mo>+</mo>
          <Num value={bias} paren />
        </Eq>
        <Eq>
          <mo>=</mo>
          <Num value={z} testId={`z-${l}-${j}`} />
        </Eq>
      </div>
      <div className="maths-wrap">
        <Eq>
          <Sym name="a" sub={j + 1} />
          <mo>=</mo>
          {fn === null ? (
            <Sym name="z" sub={j + 1} />
          ) : (
            <>
              <mi>{fn}</mi>
              <mo>(</mo>
              <Num value={z} />
              <mo>)</mo>
            </>
          )}
          <mo>=</mo>
          <Num value={a} testId={`a-${l}-${j}`} />
        </Eq>
      </div>
    </div>
  );
}

function InputLayer({ snapshot, layout, config }: { snapshot: Snapshot; layout: FlatLayout; config: PlaygroundConfig }) {
  const { t } = useI18n();
  const { trace } = snapshot;
  return (
    <div className="maths-layer maths-layer--input">
      <h4>{t('maths.forward.inputLayer')}</h4>
      <p className="maths-wrap">
        <Eq>
          <mo>(</mo>
          <Sym name="x" sub={1} />
          <mo>,</mo>
          <Sym name="x" sub={2} />
          <mo>)</mo>
          <mo>=</mo>
          <mo>(</mo>
          <Num value={trace.x1} />
          <mo>,</mo>
          <Num value={trace.x2} />
          <mo>)</mo>
        </Eq>
      </p>
      <div className="maths-wrap">
        {Array.from({ length: layout.layerSizes[0] }, (_, k) => (
          <Eq key={k} className="maths-chip">
            <Sym name="a" sub={k + 1} />
            <mo>=</mo>
            {config.features[k] ? <FeatureSym feature={config.features[k]} /> : <mi>?</mi>}
            <mo>=</mo>
            <Num value={trace.a[layout.neuronOffset[0] + k]} />
          </Eq>
        ))}
      </div>
    </div>
  );
}

interface LayerProps {
  snapshot: Snapshot;
  layout: FlatLayout;
  config: PlaygroundConfig;
  phase: Phase | null;
  l: number;
  open: boolean;
  onToggle(open: boolean): void;
}

function LayerForward({ snapshot, layout, config, phase, l, open, onToggle }: LayerProps) {
  const { t } = useI18n();
  const last = lastLayerOf(layout);
  const activation = activationOf(config, layout, l);
  const title = l === last ? t('maths.layer.output') : t('maths.layer.hidden', { n: l });
  return (
    <details {...partProps(phase, { kind: 'forward', layer: l }, 'maths-layer')} open={open} onToggle={(event) => onToggle(event.currentTarget.open)} data-testid={`forward-layer-${l}`}>
      <summary>
        {title} <span className="maths-tag">{t('maths.forward.activation', { name: t(`maths.activation.${activation}`) })}</span>
      </summary>
      {open && Array.from({ length: layout.layerSizes[l] }, (_, j) => (
        <NeuronForward key={j} snapshot={snapshot} layout={layout} l={l} j={j} fn={ACTIVATION_SYMBOL[activation]} />
      ))}
      {open && l === last && (
        <p className="maths-result">
          {t('maths.forward.prediction')}{' '}
          <Eq>
            <YHat />
            <mo>=</mo>
            <Sym name="a" sub="out" />
            <mo>=</mo>
            <Num value={snapshot.trace.yHat} digits={6} />
          </Eq>
        </p>
      )}
    </details>
  );
}

/** Small networks show every layer; big ones open the output layer only (the others on demand). */
const OPEN_ALL_UP_TO_NEURONS = 16;

export function ForwardPanel({ snapshot, layout, config, phase }: Props) {
  const { t } = useI18n();
  const trace = snapshot?.trace;
  const last = lastLayerOf(layout);
  const small = layout.neuronCount <= OPEN_ALL_UP_TO_NEURONS;
  const { isOpen, setOpen } = useOpenLayers('forward', phase, (l) => small || l === last);
  return (
    <section className="maths-panel maths-panel--forward" data-testid="forward-panel" aria-label={t('maths.forward.title')}>
      <h3>{t('maths.forward.title')}</h3>
      <p className="maths-intro">{t('maths.forward.intro')}</p>
      <div className="maths-formulas">
        <NeuronFormula />
        <WeightedSumFormula />
        <ActivationFormula />
      </div>
      {snapshot && trace ? (
        <div className="maths-scroll">
          <p className="maths-note">
            {t('maths.forward.sample', { index: trace.index, set: t(trace.isTrain ? 'maths.set.train' : 'maths.set.test') })}
          </p>
          <InputLayer snapshot={snapshot} layout={layout} config={config} />
          {layout.layerSizes.slice(1).map((_, k) => (
            <LayerForward key={k + 1} snapshot={snapshot} layout={layout} config={config} phase={phase} l={k + 1} open={isOpen(k + 1)} onToggle={(open) => setOpen(k + 1, open)} />
          ))}
        </div>
      ) : (
        <p className="maths-loading">{t('maths.loading')}</p>
      )}
    </section>
  );
}
