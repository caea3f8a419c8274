import { useEffect, useRef } from 'react';
import type { Heatmap } from '../../../worker/protocol';
import { paintValues } from './colors';

interface Props {
  heatmap: Heatmap | undefined;
  /** which neuron's map (index into the flat per-neuron layout) */
  neuron: number;
  /** CSS pixels */
  displaySize: number;
  discretize?: boolean;
  className?: string;
}

/** One neuron's output over the input plane, drawn from the worker's grid and scaled smoothly. */
export function HeatmapCanvas({ heatmap, neuron, displaySize, discretize = false, className }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    if (!element || !heatmap) return;
    const { size, values } = heatmap;
    const cells = size * size;
    if ((neuron + 1) * cells > values.length) return;
    element.width = size;
    element.height = size;
    const context = element.getContext('2d');
    if (!context) return;
    const image = context.createImageData(size, size);
    paintValues(values, neuron * cells, cells, image.data, discretize);
    context.putImageData(image, 0, 0);
  }, [heatmap, neuron, discretize]);
  return <canvas ref={canvas} className={className} style={{ width: displaySize, height: displaySize }} aria-hidden="true" />;
}
