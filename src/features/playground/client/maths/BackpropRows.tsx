/**
 * The rows of the backprop panel: one neuron's error signal δ with its numbers, and one
 * parameter's gradient ∂L/∂θ = δ·a and gradient-descent update, before → after.
 */
import { ACTIVATIONS } from '../../../../engine/activations';
import { REGULARIZATIONS } from '../../../../engine/regularization';
import type { Snapshot } from '../../../../worker/protocol';
import { parameterIndex, type FlatLayout } from '../../layout';
import type { PlaygroundConfig } from '../../meta';
import type { Phase } from '../phases';
import { Eq, FPrime, Num, Sym, YHat } from './Formula';
import { activationOf, lastLayerOf, partProps, updateDigits } from './shared';

export interface RowContext {
  snapshot: Snapshot;
  layout: FlatLayout;
  config: PlaygroundConfig;
  phase: Phase | null;
}

interface DeltaProps {
  ctx: RowContext;
  l: number;
  j: number;
  fPrime: number;
  delta: number;
}

/** δ = (ŷ − y)·f′(z) = (ŷ − y)·f′ = δ, at the output */
function OutputDeltaLine({ ctx, l, j, fPrime, delta }: DeltaProps) {
  const { trace } = ctx.snapshot;
  return (
    <div className="maths-wrap maths-delta" data-testid={`delta-${l}-${j}`}>
      <Eq>
        <Sym name="δ" sub={j + 1} />
        <mo>=</mo>
        <mo>(</mo>
        <YHat />
        <mo>−</mo>
        <mi>y</mi>
        <mo>)</mo>
        <mo>·</mo>
        <FPrime>
          <Sym name="z" sub={j + 1} />
        </FPrime>
      </Eq>
      <Eq>
        <mo>=</mo>
        <mo>(</mo>
        <Num value={trace.yHat} />
        <mo>−</mo>
        <Num value={trace.yTrue} paren />
        <mo>)</mo>
        <mo>·</mo>
        <Num value={fPrime} paren />
      </Eq>
      <Eq>
        <mo>=</mo>
        <Num value={delta} />
      </Eq>
    </div>
  );
}

/** δⱼ = f′(zⱼ)·Σₖ wₖⱼ·δₖ = f′·(w·δ + …) = δⱼ, in a hidden layer, wrapped term by term */
function HiddenDeltaLine({ ctx, l, j, fPrime, delta }: DeltaProps) {
  const { snapshot, layout } = ctx;
  const next = layout.layerSizes[l + 1];
  return (
    <div className="maths-wrap maths-delta" data-testid={`delta-${l}-${j}`}>
      <Eq>
        <Sym name="δ" sub={j + 1} />
        <mo>=</mo>
        <FPrime>
          <Sym name="z" sub={j + 1} />
        </FPrime>
        <mo>·</mo>
        <munder>
          <mo>∑</mo>
          <mi>k</mi>
        </munder>
        <Sym name="w" sub={`k${j + 1}`} />
        <mo>·</mo>
        <Sym name="δ" sub="k" />
      </Eq>
      <Eq>
        <mo>=</mo>
        <Num value={fPrime} paren />
        <mo>·</mo>
      </Eq>
      {Array.from({ length: next }, (_, k) => (
        <Eq key={k}>
          {k === 0 ? <mo>(</mo> : <mo>+</mo>}
          <Num value={snapshot.parameters[parameterIndex(layout, l + 1, k, j)]} paren={k > 0} />
          <mo>·</mo>
          <Num value={snapshot.trace.delta[layout.neuronOffset[l + 1] + k]} paren />
          {k === next - 1 && <mo>)</mo>}
        </Eq>
      ))}
      <Eq>
        <mo>=</mo>
        <Num value={delta} />
      </Eq>
    </div>
  );
}

/** One neuron's error signal δ = ∂L/∂z with its numbers. */
export function DeltaLine({ ctx, l, j }: { ctx: RowContext; l: number; j: number }) {
  const { snapshot, layout, config } = ctx;
  const z = snapshot.trace.z[layout.neuronOffset[l] + j];
  const fPrime = ACTIVATIONS[activationOf(config, layout, l)].derivative(z);
  const delta = snapshot.trace.delta[layout.neuronOffset[l] + j];
  const Line = l === lastLayerOf(layout) ? OutputDeltaLine : HiddenDeltaLine;
  return <Line ctx={ctx} l={l} j={j} fPrime={fPrime} delta={delta} />;
}

/** θ − α·(∂L/∂θ [+ λ·R′(θ)]) = θ′ */
function UpdateCell({ ctx, k, l, j, i }: { ctx: RowContext; k: number; l: number; j: number; i: number }) {
  const { snapshot, config, phase } = ctx;
  const before = snapshot.parameters[k];
  const after = snapshot.trace.parametersAfter[k];
  const gradient = snapshot.trace.gradient[k];
  const digits = updateDigits(before, after);
  const regularized = i >= 0 && config.regularization !== 'none';
  const reg = REGULARIZATIONS[config.regularization].derivative(before);
  const id = `${l}-${j}-${i}`;
  return (
    <td {...partProps(phase, { kind: 'update' }, 'maths-update')}>
      <Eq>
        <Num value={before} digits={digits} testId={`before-${id}`} />
        <mo>−</mo>
        <Num value={config.learningRate} digits={6} />
        <mo>·</mo>
        {regularized ? (
          <mrow>
            <mo>(</mo>
            <Num value={gradient} paren />
            <mo>+</mo>
            <Num value={config.regularizationRate} digits={6} />
            <mo>·</mo>
            <Num value={reg} paren />
            <mo>)</mo>
          </mrow>
        ) : (
          <Num value={gradient} paren />
        )}
        <mo>=</mo>
        <Num value={after} digits={digits} testId={`after-${id}`} />
      </Eq>
    </td>
  );
}

interface ParamRowProps {
  ctx: RowContext;
  l: number;
  j: number;
  /** −1: the bias b_j */
  i: number;
  highlighted: boolean;
}

/** One weight w_ji (or bias b_j): ∂L/∂θ with its numbers, then the update. */
export function ParamRow({ ctx, l, j, i, highlighted }: ParamRowProps) {
  const { snapshot, layout } = ctx;
  const k = parameterIndex(layout, l, j, i);
  const delta = snapshot.trace.delta[layout.neuronOffset[l] + j];
  const aPrev = i >= 0 ? snapshot.trace.a[layout.neuronOffset[l - 1] + i] : 0;
  const id = `${l}-${j}-${i}`;
  return (
    <tr className={highlighted ? 'maths-highlight' : undefined} data-param={id} data-testid={`param-${id}`}>
      <th scope="row">
        <Eq>{i >= 0 ? <Sym name="w" sub={`${j + 1}${i + 1}`} /> : <Sym name="b" sub={j + 1} />}</Eq>
      </th>
      <td>
        <Eq>
          <Num value={delta} />
          {i >= 0 && (
            <>
              <mo>·</mo>
              <Num value={aPrev} paren />
            </>
          )}
          <mo>=</mo>
          <Num value={snapshot.trace.gradient[k]} testId={`grad-${id}`} />
        </Eq>
      </td>
      <UpdateCell ctx={ctx} k={k} l={l} j={j} i={i} />
    </tr>
  );
}
