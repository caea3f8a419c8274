/**
 * Gradient checking: pick one weight (or bias), ask the worker to compare backprop's gradient
 * with a central difference (J(w+ε) − J(w−ε)) / 2ε, and show how well they agree.
 */
import { useId, useState } from 'react';
import type { GradCheckResult } from '../../../../engine/gradcheck';
import { useI18n } from '../../../../i18n/I18nProvider';
import type { FlatLayout } from '../../layout';
import { Eq, GradCheckFormula, RelativeErrorFormula, Sym } from './Formula';
import { fmt6, lastLayerOf } from './shared';

/** Relative errors below this pass. */
export const GRAD_CHECK_TOLERANCE = 1e-4;

export interface GradCheckView {
  layer: number;
  j: number;
  i: number;
  result: GradCheckResult;
}

interface Props {
  layout: FlatLayout;
  /** false until the network exists (the button is disabled) */
  ready: boolean;
  result: GradCheckView | null;
  onCheck(layer: number, j: number, i: number): void;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** w_ji (or b_j when i = −1) */
function ParamSym({ j, i }: { j: number; i: number }) {
  return <Eq>{i >= 0 ? <Sym name="w" sub={`${j + 1}${i + 1}`} /> : <Sym name="b" sub={j + 1} />}</Eq>;
}

function Result({ view }: { view: GradCheckView }) {
  const { t } = useI18n();
  const { analytic, numeric, relativeError } = view.result;
  const pass = relativeError < GRAD_CHECK_TOLERANCE;
  return (
    <div className="maths-gradcheck-result" aria-live="polite">
      <p className="maths-note">
        {t('maths.gradcheck.resultFor', { layer: view.layer })} <ParamSym j={view.j} i={view.i} />
      </p>
      <dl className="maths-values">
        <div className="maths-values__row">
          <dt>{t('maths.gradcheck.analytic')}</dt>
          <dd className="maths-number" data-testid="gc-analytic">{fmt6(analytic)}</dd>
        </div>
        <div className="maths-values__row">
          <dt>{t('maths.gradcheck.numeric')}</dt>
          <dd className="maths-number" data-testid="gc-numeric">{fmt6(numeric)}</dd>
        </div>
        <div className="maths-values__row">
          <dt>{t('maths.gradcheck.relativeError')}</dt>
          <dd className="maths-number" data-testid="gc-relative-error">{relativeError.toExponential(2)}</dd>
        </div>
      </dl>
      <p className={pass ? 'maths-pass' : 'maths-fail'} data-testid="gc-verdict">
        {pass ? t('maths.gradcheck.pass') : t('maths.gradcheck.fail')}
      </p>
    </div>
  );
}

interface Choice {
  layer: number;
  j: number;
  i: number;
}

function Selects({ layout, choice, setChoice }: { layout: FlatLayout; choice: Choice; setChoice(choice: Choice): void }) {
  const { t } = useI18n();
  const id = useId();
  const last = lastLayerOf(layout);
  const layerName = (l: number) => (l === last ? t('maths.layer.output') : t('maths.layer.hidden', { n: l }));
  const options = (count: number) =>
    Array.from({ length: count }, (_, n) => (
      <option key={n} value={n}>
        {t('maths.gradcheck.neuron', { n: n + 1 })}
      </option>
    ));
  return (
    <div className="maths-gradcheck-form">
      <label htmlFor={`${id}-layer`}>{t('maths.gradcheck.layer')}</label>
      <select id={`${id}-layer`} value={choice.layer} onChange={(e) => setChoice({ layer: Number(e.target.value), j: 0, i: 0 })}>
        {Array.from({ length: last }, (_, k) => (
          <option key={k + 1} value={k + 1}>
            {layerName(k + 1)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-to`}>{t('maths.gradcheck.to')}</label>
      <select id={`${id}-to`} value={choice.j} onChange={(e) => setChoice({ ...choice, j: Number(e.target.value) })}>
        {options(layout.layerSizes[choice.layer])}
      </select>
      <label htmlFor={`${id}-from`}>{t('maths.gradcheck.from')}</label>
      <select id={`${id}-from`} value={choice.i} onChange={(e) => setChoice({ ...choice, i: Number(e.target.value) })}>
        {options(layout.layerSizes[choice.layer - 1])}
        <option value={-1}>{t('maths.gradcheck.bias')}</option>
      </select>
    </div>
  );
}

export function GradCheckPanel({ layout, ready, result, onCheck }: Props) {
  const { t } = useI18n();
  const last = lastLayerOf(layout);
  const [wanted, setWanted] = useState<Choice>({ layer: last, j: 0, i: 0 });
  const layer = clamp(wanted.layer, 1, Math.max(1, last));
  const choice: Choice = {
    layer,
    j: clamp(wanted.j, 0, (layout.layerSizes[layer] ?? 1) - 1),
    i: wanted.i < 0 ? -1 : clamp(wanted.i, 0, (layout.layerSizes[layer - 1] ?? 1) - 1),
  };
  return (
    <section className="maths-panel maths-panel--gradcheck" data-testid="gradcheck-panel" aria-label={t('maths.gradcheck.title')}>
      <h3>{t('maths.gradcheck.title')}</h3>
      <p className="maths-intro">{t('maths.gradcheck.intro')}</p>
      <div className="maths-formulas">
        <GradCheckFormula />
        <RelativeErrorFormula label={t('maths.gradcheck.relativeError')} />
      </div>
      <p className="maths-note">{t('maths.gradcheck.explain')}</p>
      {last >= 1 && <Selects layout={layout} choice={choice} setChoice={setWanted} />}
      <button type="button" className="maths-button" disabled={!ready || last < 1} onClick={() => onCheck(choice.layer, choice.j, choice.i)}>
        {t('maths.gradcheck.button')}
      </button>
      {result ? <Result view={result} /> : <p className="maths-note">{t('maths.gradcheck.none')}</p>}
    </section>
  );
}
