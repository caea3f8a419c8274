// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENGLISH } from '../../../../i18n/i18n';
import type { Snapshot } from '../../../../worker/protocol';
import { flatLayout, parameterIndex } from '../../layout';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../meta';
import { MathsPanels, type MathsPanelsProps } from './MathsPanels';
import { fmt } from './shared';

const layout = flatLayout([2, 2, 1]);
const config: PlaygroundConfig = { ...DEFAULT_CONFIG, hiddenLayers: [2], activation: 'tanh', dataset: 'circle', learningRate: 0.03 };

/** A hand-made, consistent trace: x = (0.5, −1.2), y = 1, tanh everywhere. */
function makeSnapshot(): Snapshot {
  const W1 = [
    [0.2, -0.4],
    [0.7, 0.1],
  ];
  const b1 = [0.05, -0.3];
  const W2 = [0.6, -0.8];
  const b2 = 0.1;
  const x = [0.5, -1.2];
  const y = 1;
  const z1 = W1.map((row, j) => row[0] * x[0] + row[1] * x[1] + b1[j]);
  const a1 = z1.map(Math.tanh);
  const z2 = W2[0] * a1[0] + W2[1] * a1[1] + b2;
  const yHat = Math.tanh(z2);
  const d2 = (yHat - y) * (1 - yHat * yHat);
  const d1 = a1.map((a, j) => (1 - a * a) * W2[j] * d2);

  const parameters = new Float64Array(layout.parameterCount);
  const gradient = new Float64Array(layout.parameterCount);
  for (let j = 0; j < 2; j++) {
    for (let i = 0; i < 2; i++) {
      parameters[parameterIndex(layout, 1, j, i)] = W1[j][i];
      gradient[parameterIndex(layout, 1, j, i)] = d1[j] * x[i];
      parameters[parameterIndex(layout, 2, 0, j)] = W2[j];
      gradient[parameterIndex(layout, 2, 0, j)] = d2 * a1[j];
    }
    parameters[parameterIndex(layout, 1, j, -1)] = b1[j];
    gradient[parameterIndex(layout, 1, j, -1)] = d1[j];
  }
  parameters[parameterIndex(layout, 2, 0, -1)] = b2;
  gradient[parameterIndex(layout, 2, 0, -1)] = d2;
  const parametersAfter = parameters.map((p, k) => p - config.learningRate * gradient[k]);
  return {
    status: 'paused',
    epoch: 3,
    samplesSeen: 750,
    updates: 75,
    batchFill: 0,
    cursor: 0,
    trainLoss: 0.25,
    testLoss: 0.3,
    batchLoss: 0.2,
    parameters,
    trace: {
      index: 7,
      isTrain: true,
      x1: x[0],
      x2: x[1],
      yTrue: y,
      yHat,
      loss: 0.5 * (y - yHat) ** 2,
      z: Float64Array.from([0, 0, ...z1, z2]),
      a: Float64Array.from([...x, ...a1, yHat]),
      delta: Float64Array.from([0, 0, ...d1, d2]),
      gradient,
      parametersAfter,
    },
  };
}

function renderPanels(props: Partial<MathsPanelsProps> = {}) {
  const all: MathsPanelsProps = {
    snapshot: makeSnapshot(),
    layout,
    config,
    phase: null,
    gradCheck: null,
    onGradCheck: () => {},
    ...props,
  };
  return render(<MathsPanels {...all} />);
}

/** Display text (with true minus signs) → number. */
const num = (text: string | null | undefined) => Number((text ?? '').replace(/−/g, '-').replace(/\s/g, ''));

afterEach(cleanup);

describe('MathsPanels', () => {
  it('shows y, ŷ and the sample loss ½(y − ŷ)² as plain numbers', () => {
    renderPanels();
    const y = screen.getByTestId('y-true').textContent!;
    const yHat = screen.getByTestId('y-hat').textContent!;
    const loss = screen.getByTestId('sample-loss').textContent!;
    expect(y).toBe('1');
    expect(yHat).toMatch(/^-?\d+(\.\d+)?(e-?\d+)?$/);
    expect(Number(yHat)).toBeCloseTo(makeSnapshot().trace.yHat, 5);
    expect(Math.abs(Number(loss) - 0.5 * (Number(y) - Number(yHat)) ** 2)).toBeLessThan(1e-5);
    const panel = screen.getByTestId('loss-panel');
    expect(within(panel).getByText('0.25')).toBeTruthy();
  });

  it('shows z = Σ wᵢ·aᵢ + b of a hidden neuron with the real numbers', () => {
    renderPanels();
    const neuron = screen.getByTestId('forward-neuron-1-0');
    expect(neuron.querySelectorAll('math').length).toBeGreaterThan(3);
    expect(neuron.querySelector('math')!.namespaceURI).toBe('http://www.w3.org/1998/Math/MathML');
    expect(neuron.querySelector('mn')!.namespaceURI).toBe('http://www.w3.org/1998/Math/MathML');
    const text = neuron.textContent!;
    for (const shown of ['0.2', '0.5', '−0.4', '−1.2', '0.05']) expect(text).toContain(shown);
    const z = 0.2 * 0.5 + -0.4 * -1.2 + 0.05;
    expect(screen.getByTestId('z-1-0').textContent).toBe(fmt(z));
    expect(num(screen.getByTestId('z-1-0').textContent)).toBeCloseTo(z, 3);
    expect(num(screen.getByTestId('a-1-0').textContent)).toBeCloseTo(Math.tanh(z), 3);
    expect(screen.getByTestId('forward-panel').textContent).toContain(ENGLISH['maths.forward.title']);
  });

  it('shows each update as before − α·gradient = after', () => {
    renderPanels();
    const panel = screen.getByTestId('backprop-panel');
    for (const id of ['2-0-0', '2-0-1', '2-0--1']) {
      const before = num(within(panel).getByTestId(`before-${id}`).textContent);
      const after = num(within(panel).getByTestId(`after-${id}`).textContent);
      const gradient = num(within(panel).getByTestId(`grad-${id}`).textContent);
      expect(after).not.toBe(before);
      expect(after).toBeCloseTo(before - config.learningRate * gradient, 5);
    }
    // hidden layers start collapsed, the output layer open
    expect((screen.getByTestId('backprop-layer-2') as HTMLDetailsElement).open).toBe(true);
    expect((screen.getByTestId('backprop-layer-1') as HTMLDetailsElement).open).toBe(false);
  });

  it('hides the backward part during the forward phase of the walkthrough', () => {
    const { rerender } = renderPanels({ phase: { kind: 'forward', layer: 1 } });
    expect(screen.getByTestId('forward-layer-1').getAttribute('data-part-state')).toBe('current');
    expect(screen.getByTestId('forward-layer-2').getAttribute('data-part-state')).toBe('pending');
    const backward = screen.getByTestId('backprop-layer-2');
    expect(backward.getAttribute('data-part-state')).toBe('pending');
    expect(backward.getAttribute('aria-hidden')).toBe('true');
    expect(backward.className).toContain('maths-part--pending');
    expect(backward.hasAttribute('inert')).toBe(true);
    expect(screen.getByTestId('loss-part').getAttribute('data-part-state')).toBe('pending');
    expect(screen.getByTestId('maths-walkthrough').textContent).toContain('1');

    const props: MathsPanelsProps = { snapshot: makeSnapshot(), layout, config, phase: { kind: 'backward', layer: 2 }, gradCheck: null, onGradCheck: () => {} };
    rerender(<MathsPanels {...props} />);
    expect(screen.getByTestId('backprop-layer-2').getAttribute('data-part-state')).toBe('current');
    expect(screen.getByTestId('backprop-layer-1').getAttribute('data-part-state')).toBe('pending');
    expect(screen.getByTestId('loss-part').getAttribute('data-part-state')).toBe('done');
    const update = screen.getByTestId('after-2-0-0').closest('td')!;
    expect(update.getAttribute('data-part-state')).toBe('pending');
  });

  it('shows a loading text without a snapshot', () => {
    renderPanels({ snapshot: null });
    expect(within(screen.getByTestId('forward-panel')).getByText(ENGLISH['maths.loading'])).toBeTruthy();
    expect(within(screen.getByTestId('loss-panel')).getByText(ENGLISH['maths.loading'])).toBeTruthy();
    expect(screen.queryByTestId('y-true')).toBeNull();
  });

  it('runs a gradient check on the chosen parameter and shows the verdict', () => {
    const onGradCheck = vi.fn();
    const { rerender } = renderPanels({ onGradCheck });
    const panel = screen.getByTestId('gradcheck-panel');
    const [layerSelect, toSelect, fromSelect] = within(panel).getAllByRole('combobox') as HTMLSelectElement[];
    fireEvent.change(layerSelect, { target: { value: '1' } });
    fireEvent.change(toSelect, { target: { value: '1' } });
    fireEvent.change(fromSelect, { target: { value: '-1' } });
    fireEvent.click(within(panel).getByRole('button', { name: ENGLISH['maths.gradcheck.button'] }));
    expect(onGradCheck).toHaveBeenCalledWith(1, 1, -1);

    const result = { analytic: 0.0123456, numeric: 0.0123457, relativeError: 4e-6 };
    const props: MathsPanelsProps = { snapshot: makeSnapshot(), layout, config, phase: null, gradCheck: { layer: 1, j: 1, i: -1, result }, onGradCheck };
    rerender(<MathsPanels {...props} />);
    expect(screen.getByTestId('gc-analytic').textContent).toBe('0.0123456');
    expect(screen.getByTestId('gc-numeric').textContent).toBe('0.0123457');
    expect(screen.getByTestId('gc-verdict').textContent).toBe(ENGLISH['maths.gradcheck.pass']);
  });

  it('marks a highlighted weight and opens its layer', () => {
    renderPanels({ highlight: { layer: 1, j: 0, i: 1 } });
    expect((screen.getByTestId('backprop-layer-1') as HTMLDetailsElement).open).toBe(true);
    expect(screen.getByTestId('param-1-0-1').className).toContain('maths-highlight');
    expect(screen.getByTestId('param-1-0-0').className).not.toContain('maths-highlight');
  });
});
