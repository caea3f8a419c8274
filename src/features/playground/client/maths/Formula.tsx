/**
 * Formulas as real maths, in native MathML Core (<math>, <mi>, <mo>, <mn>, <msub>, <mfrac> …):
 * small building blocks (numbers, symbols, fractions) and the lesson's notation.
 */
import type { ReactNode } from 'react';
import type { FeatureName } from '../../../../engine/features';
import { fmt, signClass } from './shared';

/** A `<math>` element; inline by default, `block` centres it on its own line. */
export function Eq({ children, block = false, className }: { children: ReactNode; block?: boolean; className?: string }) {
  return (
    <math display={block ? 'block' : 'inline'} className={className}>
      {children}
    </math>
  );
}

export function Op({ children, space }: { children: ReactNode; space?: '0' }) {
  return (
    <mo lspace={space} rspace={space}>
      {children}
    </mo>
  );
}

/** A number, coloured by sign; `paren` wraps negatives in parentheses (for products). */
export function Num({ value, digits = 4, paren = false, testId }: { value: number; digits?: number; paren?: boolean; testId?: string }) {
  const text = fmt(value, digits);
  const exponent = text.indexOf('e');
  const body =
    exponent < 0 ? (
      <mn className={signClass(value)} data-testid={testId}>
        {text}
      </mn>
    ) : (
      <mrow className={signClass(value)} data-testid={testId}>
        <mn>{text.slice(0, exponent)}</mn>
        <mo>×</mo>
        <msup>
          <mn>10</mn>
          <mn>{text.slice(exponent + 1).replace('+', '').replace('-', '−')}</mn>
        </msup>
      </mrow>
    );
  if (!paren || !(value < 0)) return body;
  return (
    <mrow>
      <mo>(</mo>
      {body}
      <mo>)</mo>
    </mrow>
  );
}

function script(value: ReactNode): ReactNode {
  if (typeof value === 'number') return <mn>{value}</mn>;
  if (typeof value === 'string') return /^\d+$/.test(value) ? <mn>{value}</mn> : <mi>{value}</mi>;
  return value;
}

/** A symbol with optional subscript and superscript, e.g. w with subscript ji. */
export function Sym({ name, sub, sup }: { name: string; sub?: ReactNode; sup?: ReactNode }) {
  const base = <mi>{name}</mi>;
  if (sub !== undefined && sup !== undefined) return <msubsup>{base}{script(sub)}{script(sup)}</msubsup>;
  if (sub !== undefined) return <msub>{base}{script(sub)}</msub>;
  if (sup !== undefined) return <msup>{base}{script(sup)}</msup>;
  return base;
}

/** ŷ, the prediction */
export function YHat() {
  return (
    <mover accent="true">
      <mi>y</mi>
      <mo>^</mo>
    </mover>
  );
}

/** f′ applied to its argument */
export function FPrime({ children }: { children: ReactNode }) {
  return (
    <mrow>
      <msup>
        <mi>f</mi>
        <mo>′</mo>
      </msup>
      <mo>(</mo>
      {children}
      <mo>)</mo>
    </mrow>
  );
}

/** ∂L/∂(by), or ∂J/∂(by) with `of`. */
export function Partial({ by, of = 'L' }: { by: ReactNode; of?: string }) {
  return (
    <mfrac>
      <mrow>
        <mo rspace="0">∂</mo>
        <mi>{of}</mi>
      </mrow>
      <mrow>
        <mo rspace="0">∂</mo>
        {by}
      </mrow>
    </mfrac>
  );
}

function Sum({ under }: { under?: string }) {
  return under ? (
    <munder>
      <mo>∑</mo>
      <mi>{under}</mi>
    </munder>
  ) : (
    <mo>∑</mo>
  );
}

function Half() {
  return (
    <mfrac>
      <mn>1</mn>
      <mn>2</mn>
    </mfrac>
  );
}

/** An input feature as a formula of x₁, x₂. */
export function FeatureSym({ feature }: { feature: FeatureName }) {
  const x1 = <Sym name="x" sub={1} />;
  const x2 = <Sym name="x" sub={2} />;
  switch (feature) {
    case 'x1':
      return x1;
    case 'x2':
      return x2;
    case 'x1Squared':
      return <Sym name="x" sub={1} sup={2} />;
    case 'x2Squared':
      return <Sym name="x" sub={2} sup={2} />;
    case 'x1x2':
      return <mrow>{x1}<mo>{'\u2062'}</mo>{x2}</mrow>;
    case 'sinX1':
    case 'sinX2':
      return <mrow><mi>sin</mi><mo>{'\u2061'}</mo>{feature === 'sinX1' ? x1 : x2}</mrow>;
  }
}

/** y = f(wᵀx + b) */
export function NeuronFormula() {
  return (
    <Eq block>
      <mi>y</mi><mo>=</mo><mi>f</mi><mo>(</mo>
      <msup><mi>𝐰</mi><mi>T</mi></msup><mi>𝐱</mi><mo>+</mo><mi>b</mi><mo>)</mo>
    </Eq>
  );
}

/** z = Σᵢ wᵢ·aᵢ + b */
export function WeightedSumFormula() {
  return (
    <Eq block>
      <mi>z</mi><mo>=</mo><Sum under="i" />
      <Sym name="w" sub="i" /><mo>·</mo><Sym name="a" sub="i" /><mo>+</mo><mi>b</mi>
    </Eq>
  );
}

/** a = f(z) */
export function ActivationFormula() {
  return (
    <Eq block>
      <mi>a</mi><mo>=</mo><mi>f</mi><mo>(</mo><mi>z</mi><mo>)</mo>
    </Eq>
  );
}

/** L = ½ Σ (y − ŷ)² */
export function LossFormula() {
  return (
    <Eq block>
      <mi>L</mi><mo>=</mo><Half /><Sum />
      <msup><mrow><mo>(</mo><mi>y</mi><mo>−</mo><YHat /><mo>)</mo></mrow><mn>2</mn></msup>
    </Eq>
  );
}

/** δ = (ŷ − y)·f′(z), at the output */
export function OutputDeltaFormula() {
  return (
    <Eq block>
      <mi>δ</mi><mo>=</mo><mo>(</mo><YHat /><mo>−</mo><mi>y</mi><mo>)</mo><mo>·</mo><FPrime><mi>z</mi></FPrime>
    </Eq>
  );
}

/** δ = f′(z)·Σₖ wₖ·δₖ, in a hidden layer */
export function HiddenDeltaFormula() {
  return (
    <Eq block>
      <mi>δ</mi><mo>=</mo><FPrime><mi>z</mi></FPrime><mo>·</mo><Sum under="k" />
      <Sym name="w" sub="k" /><mo>·</mo><Sym name="δ" sub="k" />
    </Eq>
  );
}

/** ∂L/∂w = δ·a and ∂L/∂b = δ */
export function GradientFormulas() {
  return (
    <Eq block>
      <Partial by={<mi>w</mi>} /><mo>=</mo><mi>δ</mi><mo>·</mo><mi>a</mi>
      <mspace width="2em" />
      <Partial by={<mi>b</mi>} /><mo>=</mo><mi>δ</mi>
    </Eq>
  );
}

/** w ← w − α∇L, or w ← w − α(∇L + λR′(w)) with regularisation */
export function UpdateFormula({ regularized }: { regularized: boolean }) {
  const gradient = (
    <mrow>
      <mo rspace="0">∇</mo>
      <mi>L</mi>
    </mrow>
  );
  return (
    <Eq block>
      <mi>w</mi><mo>←</mo><mi>w</mi><mo>−</mo><mi>α</mi>
      {regularized ? (
        <mrow>
          <mo>(</mo>{gradient}<mo>+</mo><mi>λ</mi>
          <msup><mi>R</mi><mo>′</mo></msup><mo>(</mo><mi>w</mi><mo>)</mo><mo>)</mo>
        </mrow>
      ) : (
        gradient
      )}
    </Eq>
  );
}

/** ∂J/∂w ≈ (J(w+ε) − J(w−ε)) / 2ε */
export function GradCheckFormula() {
  const j = (sign: string) => (
    <mrow>
      <mi>J</mi><mo>(</mo><mi>w</mi><mo>{sign}</mo><mi>ε</mi><mo>)</mo>
    </mrow>
  );
  return (
    <Eq block>
      <Partial of="J" by={<mi>w</mi>} /><mo>≈</mo>
      <mfrac>
        <mrow>{j('+')}<mo>−</mo>{j('−')}</mrow>
        <mrow><mn>2</mn><mi>ε</mi></mrow>
      </mfrac>
    </Eq>
  );
}

/** relative error = |g − ĝ| / (|g| + |ĝ|) */
export function RelativeErrorFormula({ label }: { label: string }) {
  const abs = (body: ReactNode) => (
    <mrow>
      <mo>|</mo>{body}<mo>|</mo>
    </mrow>
  );
  const bp = <Sym name="g" sub="bp" />;
  const num = <Sym name="g" sub="num" />;
  return (
    <Eq block>
      <mtext>{label}</mtext><mo>=</mo>
      <mfrac>
        {abs(<mrow>{bp}<mo>−</mo>{num}</mrow>)}
        <mrow>{abs(bp)}<mo>+</mo>{abs(num)}</mrow>
      </mfrac>
    </Eq>
  );
}
