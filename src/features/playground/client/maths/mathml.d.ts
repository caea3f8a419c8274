/**
 * JSX types for the MathML Core elements the maths panels use (React 19's types do not list
 * them; React DOM renders them in the MathML namespace inside <math>).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

type MathMLProps = DetailedHTMLProps<HTMLAttributes<MathMLElement>, MathMLElement> & {
  display?: 'block' | 'inline';
  displaystyle?: 'true' | 'false';
  accent?: 'true' | 'false';
  accentunder?: 'true' | 'false';
  stretchy?: 'true' | 'false';
  largeop?: 'true' | 'false';
  movablelimits?: 'true' | 'false';
  form?: 'prefix' | 'infix' | 'postfix';
  lspace?: string;
  rspace?: string;
  linethickness?: string;
  mathvariant?: 'normal';
  scriptlevel?: string;
  width?: string;
};

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      math: MathMLProps;
      mrow: MathMLProps;
      mi: MathMLProps;
      mn: MathMLProps;
      mo: MathMLProps;
      mtext: MathMLProps;
      mspace: MathMLProps;
      msub: MathMLProps;
      msup: MathMLProps;
      msubsup: MathMLProps;
      mfrac: MathMLProps;
      munder: MathMLProps;
      mover: MathMLProps;
      munderover: MathMLProps;
      msqrt: MathMLProps;
    }
  }
}
