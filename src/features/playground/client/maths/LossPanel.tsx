/**
 * The loss: target y, prediction ŷ and the selected sample's ½(y − ŷ)², then the means over the
 * last mini-batch and over the training and test sets.
 */
import { useI18n } from '../../../../i18n/I18nProvider';
import type { Snapshot } from '../../../../worker/protocol';
import type { Phase } from '../phases';
import { Eq, LossFormula, Num, YHat } from './Formula';
import { fmt6, partProps, signClass } from './shared';

interface Props {
  snapshot: Snapshot | null;
  phase: Phase | null;
}

/** ½(y − ŷ)² = ½(1 − 0.492)² = */
function SampleLossExpression({ y, yHat }: { y: number; yHat: number }) {
  const half = (
    <mfrac>
      <mn>1</mn>
      <mn>2</mn>
    </mfrac>
  );
  return (
    <Eq>
      {half}
      <msup>
        <mrow>
          <mo>(</mo>
          <mi>y</mi>
          <mo>−</mo>
          <YHat />
          <mo>)</mo>
        </mrow>
        <mn>2</mn>
      </msup>
      <mo>=</mo>
      {half}
      <msup>
        <mrow>
          <mo>(</mo>
          <Num value={y} />
          <mo>−</mo>
          <Num value={yHat} paren />
          <mo>)</mo>
        </mrow>
        <mn>2</mn>
      </msup>
      <mo>=</mo>
    </Eq>
  );
}

function SampleLoss({ snapshot, phase }: { snapshot: Snapshot; phase: Phase | null }) {
  const { t } = useI18n();
  const { yTrue, yHat, loss } = snapshot.trace;
  return (
    <div {...partProps(phase, { kind: 'loss' }, 'maths-layer')} data-testid="loss-part">
      <dl className="maths-values">
        <dt>{t('maths.loss.yTrue')}</dt>
        <dd>
          <span className={`maths-number ${signClass(yTrue)}`} data-testid="y-true">
            {fmt6(yTrue)}
          </span>
        </dd>
        <dt>{t('maths.loss.yHat')}</dt>
        <dd>
          <span className={`maths-number ${signClass(yHat)}`} data-testid="y-hat">
            {fmt6(yHat)}
          </span>
        </dd>
        <dt>{t('maths.loss.sample')}</dt>
        <dd className="maths-wrap">
          <SampleLossExpression y={yTrue} yHat={yHat} />{' '}
          <strong className="maths-number" data-testid="sample-loss">
            {fmt6(loss)}
          </strong>
        </dd>
      </dl>
    </div>
  );
}

function MeanLosses({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useI18n();
  const rows: [string, number | null][] = [
    [t('maths.loss.batch'), snapshot.updates > 0 ? snapshot.batchLoss : null],
    [t('maths.loss.train'), snapshot.trainLoss],
    [t('maths.loss.test'), snapshot.testLoss],
  ];
  return (
    <dl className="maths-values maths-values--means">
      {rows.map(([label, value]) => (
        <div key={label} className="maths-values__row">
          <dt>{label}</dt>
          <dd className="maths-number">{value === null ? '—' : fmt6(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function LossPanel({ snapshot, phase }: Props) {
  const { t } = useI18n();
  return (
    <section className="maths-panel maths-panel--loss" data-testid="loss-panel" aria-label={t('maths.loss.title')}>
      <h3>{t('maths.loss.title')}</h3>
      <p className="maths-intro">{t('maths.loss.intro')}</p>
      <div className="maths-formulas">
        <LossFormula />
      </div>
      {snapshot ? (
        <>
          <SampleLoss snapshot={snapshot} phase={phase} />
          <h4>{t('maths.loss.means')}</h4>
          <MeanLosses snapshot={snapshot} />
        </>
      ) : (
        <p className="maths-loading">{t('maths.loading')}</p>
      )}
    </section>
  );
}
