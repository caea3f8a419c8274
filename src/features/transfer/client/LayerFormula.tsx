/**
 * The layer explorer's formulas: each layer type's rule, one conv cell's numbers (sum →
 * BatchNormalization → ReLU6, or no activation: v2's linear bottleneck), one residual addition's
 * two numbers, and the trained head's cells (pooling → (flatten → scaling) → dense → softmax).
 */
import { useI18n } from '../../../i18n/I18nProvider';
import { cellValue, type AddCell, type ConvCell, type HeadCells, type HeadStep, type LayerCell } from '../layerMapsMeta';

/** A number with a fixed count of decimals and a true minus sign. */
export const num = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits).replace('-', '−') : String(v));
/** A number in brackets when negative, for products. */
const factor = (v: number, digits = 3) => (v < 0 ? `(${num(v, digits)})` : num(v, digits));

const FORMULA_KINDS = ['conv', 'depthwise', 'pointwise', 'expand', 'project', 'bn', 'relu6', 'linear', 'add', 'pool', 'regionPool', 'scale', 'dense', 'softmax'] as const;

/** How each layer type computes (the symbols). */
export function LayerFormulas() {
  const { t } = useI18n();
  return (
    <details className="layer-formulas">
      <summary>{t('explain.layers.formulas.title')}</summary>
      <ul>
        {FORMULA_KINDS.map((kind) => (
          <li key={kind}>{t(`explain.layers.formula.${kind}`)}</li>
        ))}
      </ul>
    </details>
  );
}

/** The first `shown` of a sum's `count` terms written out, then how many more, the bias and the total. */
function sumText(terms: { w: number; x: number }[], shown: number, count: number, bias: number | null, total: number): string {
  const parts = terms.slice(0, shown).map((term) => `${factor(term.w)}·${factor(term.x)}`);
  if (count > shown) parts.push(`… (${count - shown})`);
  if (bias !== null) parts.push(factor(bias));
  return `${parts.join(' + ')} = ${num(total)}`;
}

/** A residual addition's cell: the block's input plus its projection. */
function AddFormula({ cell }: { cell: AddCell }) {
  const { t } = useI18n();
  const [input, project] = cell.inputs;
  return (
    <>
      <p>{t('explain.layers.formula.add')}</p>
      <p>{t('explain.layers.step.add', { input: input.layer, project: project.layer })}</p>
      <p className="layer-math" data-testid="layer-add">
        out = {num(input.value)} + {factor(project.value, 4)} = <strong data-testid="layer-cell-value">{num(cell.value)}</strong>
      </p>
    </>
  );
}

/** A convolution's cell: its sum, batch normalization and activation (ReLU6, or none: the linear bottleneck). */
function ConvFormula({ cell }: { cell: ConvCell }) {
  const { t } = useI18n();
  const shown = cell.kind === 'depthwise' ? 9 : 6;
  const { bn } = cell;
  const linear = cell.activation.kind === 'linear';
  return (
    <>
      <p>{t(`explain.layers.formula.${cell.kind}`)}</p>
      <p>{t('explain.layers.step.window', { k: cell.kernel, y: cell.inputY, x: cell.inputX, count: cell.terms.length, shown: Math.min(shown, cell.terms.length) })}</p>
      <p className="layer-math" data-testid="layer-sum">z = {sumText(cell.terms, shown, cell.terms.length, cell.bias, cell.z)}</p>
      <p>{t('explain.layers.formula.bn')}</p>
      <p className="layer-math" data-testid="layer-bn">
        ({num(cell.z)} − {factor(bn.mean, 4)}) / √({num(bn.variance)} + {bn.epsilon}) · {factor(bn.gamma, 4)} + {factor(bn.beta, 4)} = {num(bn.value)}
      </p>
      <p>{t(linear ? 'explain.layers.formula.linear' : 'explain.layers.formula.relu6')}</p>
      <p className="layer-math" data-testid="layer-activation">
        {cell.activation.kind === 'relu6' ? `min(max(0, ${num(bn.value)}), 6)` : linear ? 'a = v' : `${cell.activation.kind}(${num(bn.value)})`} = <strong data-testid="layer-cell-value">{num(cell.activation.value)}</strong>
      </p>
    </>
  );
}

export function CellFormula({ cell }: { cell: LayerCell }) {
  const { t } = useI18n();
  return (
    <div data-layer={cell.layer} data-kind={cell.kind} data-y={cell.y} data-x={cell.x} data-channel={cell.channel} data-value={cellValue(cell)} data-model={cell.model}>
      <h4>{t('explain.layers.cellTitle', { layer: cell.layer, y: cell.y, x: cell.x, channel: cell.channel })}</h4>
      {cell.kind === 'add' ? <AddFormula cell={cell} /> : <ConvFormula cell={cell} />}
      <p className="layer-check">{t('explain.layers.step.model', { value: num(cell.model) })}</p>
    </div>
  );
}

function HeadStepView({ step, head }: { step: HeadStep; head: HeadCells }) {
  const { t } = useI18n();
  switch (step.kind) {
    case 'pool': {
      const { region } = step;
      return (
        <li>
          {region
            ? t('explain.layers.head.regionPool', { layer: head.layer, y0: region.y0, y1: region.y0 + region.size - 1, x0: region.x0, x1: region.x0 + region.size - 1, channel: step.channel })
            : t('explain.layers.head.pool', { layer: head.layer, channel: step.channel })}
          <p className="layer-math">g = {num(step.sum)} / {step.count} = {num(step.value)}</p>
        </li>
      );
    }
    case 'scale':
      return (
        <li>
          {t('explain.layers.head.scale', { scale: step.scale })}
          <p className="layer-math">
            {step.scale} · {factor(step.input, 4)}{step.offset !== 0 ? ` + ${factor(step.offset, 4)}` : ''} = {num(step.value)}
          </p>
        </li>
      );
    case 'flatten':
      return <li>{t('explain.layers.head.flatten', { length: step.length })}</li>;
    case 'dropout':
      return <li>{t('explain.layers.head.dropout')}</li>;
    case 'dense': {
      const softmax = step.activation === 'softmax';
      return (
        <li>
          {t(softmax ? 'explain.layers.head.logit' : 'explain.layers.head.dense', { layer: step.layer, unit: step.unit, count: step.termCount, shown: step.terms.length, name: head.labels[step.unit] ?? '' })}
          <p className="layer-math">z = {sumText(step.terms, step.terms.length, step.termCount, step.bias, step.z)}</p>
          {!softmax && <p className="layer-math">{step.activation}(z) = {num(step.value)}</p>}
        </li>
      );
    }
    case 'softmax': {
      const exps = step.logits.map((z) => `e^${factor(z, 3)}`);
      return (
        <li>
          {t('explain.layers.head.softmax', { name: head.labels[step.classIndex] ?? '' })}
          <p className="layer-math">p = {exps[step.classIndex]} / ({exps.join(' + ')}) = <strong>{num(step.value)}</strong></p>
        </li>
      );
    }
  }
}

/** The trained head on the image, from the pooled channel to the top class's probability. */
export function HeadFormula({ head }: { head: HeadCells | null }) {
  const { t } = useI18n();
  if (!head) return <p className="layer-head">{t('explain.layers.head.untrained')}</p>;
  return (
    <section className="layer-head" data-testid="layer-head" aria-label={t('explain.layers.head.title', { name: head.labels[head.classIndex] ?? '' })}>
      <h3>{t('explain.layers.head.title', { name: head.labels[head.classIndex] ?? '' })}</h3>
      <p>{t('explain.layers.head.note')}</p>
      <ol>
        {head.steps.map((step, k) => <HeadStepView key={k} step={step} head={head} />)}
      </ol>
    </section>
  );
}
