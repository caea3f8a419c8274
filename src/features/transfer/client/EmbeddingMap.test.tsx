// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmbeddingMapResult } from '../embeddingMap';
import { MapFigure } from './EmbeddingMap';
import type { ClassView } from './useTransfer';

const classes: ClassView[] = [
  { id: 'a', name: 'cats', images: [{ id: 'a1', name: 'cat1.jpg', url: 'blob:a1' }, { id: 'a2', name: 'cat2.jpg', url: 'blob:a2' }] },
  { id: 'b', name: 'dogs', images: [{ id: 'b1', name: 'dog1.jpg', url: 'blob:b1' }] },
];

const map = (regions: boolean): EmbeddingMapResult => ({
  points: [
    { imageId: 'a1', classIndex: 0, x: -1, y: 0.5 },
    { imageId: 'a2', classIndex: 0, x: -0.8, y: -0.5 },
    { imageId: 'b1', classIndex: 1, x: 2, y: 0 },
  ],
  explained: [0.623, 0.2],
  extent: { xMin: -1.5, xMax: 2.5, yMin: -1, yMax: 1 },
  ...(regions
    ? { regions: { size: 2, classes: new Uint8Array([0, 1, 0, 1]), confidence: new Float32Array([0.9, 0.8, 0.6, 0.99]), labels: ['cats', 'dogs'] } }
    : { regionsUnavailable: 'flatten' as const }),
  unembedded: 0,
  timings: { embedded: 3, embedMs: 10, pcaMs: 1, regionsMs: 1 },
});

beforeEach(() => {
  // jsdom draws nothing: the canvas has no 2-D context.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('MapFigure', () => {
  it('draws one point per image in its class, the axes with their share of variance, and why there are no regions', () => {
    render(<MapFigure map={map(false)} classIds={['a', 'b']} classes={classes} pending={false} />);
    const figure = screen.getByTestId('embedding-map');
    expect(figure.getAttribute('data-points')).toBe('3');
    expect(screen.getAllByTestId('embedding-point').map((p) => p.getAttribute('data-class'))).toEqual(['cats', 'cats', 'dogs']);
    expect(figure.textContent).toContain('PC1 (62.3 % of variance)');
    expect(figure.textContent).toContain('PC2 (20.0 % of variance)');
    expect(figure.textContent).toContain('cats: 2');
    expect(figure.textContent).toContain('No decision regions for a flatten head');
    expect(screen.queryByTestId('decision-regions')).toBeNull();
  });

  it('draws the decision regions when there are some', () => {
    render(<MapFigure map={map(true)} classIds={['a', 'b']} classes={classes} pending={false} />);
    const canvas = screen.getByTestId('decision-regions') as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).toEqual([2, 2]);
  });

  it('hover and arrow keys show the image, its thumbnail and class', () => {
    render(<MapFigure map={map(false)} classIds={['a', 'b']} classes={classes} pending={false} />);
    const points = screen.getAllByTestId('embedding-point');
    fireEvent.pointerMove(points[2]);
    const tooltip = screen.getByTestId('embedding-map-tooltip');
    expect(tooltip.textContent).toBe('dog1.jpg (dogs)');
    expect(tooltip.querySelector('img')!.getAttribute('src')).toBe('blob:b1');
    fireEvent.pointerLeave(screen.getByRole('listbox'));
    expect(screen.queryByTestId('embedding-map-tooltip')).toBeNull();

    const listbox = screen.getByRole('listbox');
    fireEvent.keyDown(listbox, { key: 'ArrowRight' });
    expect(screen.getByTestId('embedding-map-tooltip').textContent).toBe('cat1.jpg (cats)');
    expect(listbox.getAttribute('aria-activedescendant')).toBe(points[0].id);
    fireEvent.keyDown(listbox, { key: 'ArrowLeft' });
    expect(screen.getByTestId('embedding-map-tooltip').textContent).toBe('dog1.jpg (dogs)');
    fireEvent.keyDown(listbox, { key: 'Escape' });
    expect(screen.queryByTestId('embedding-map-tooltip')).toBeNull();
  });

  it('a class deleted since the map was made: its points stay grey and unnamed until the next map', () => {
    render(<MapFigure map={map(false)} classIds={['a', 'b']} classes={[classes[1]]} pending />);
    const points = screen.getAllByTestId('embedding-point');
    expect(points.map((p) => p.getAttribute('fill'))).toEqual(['#999', '#999', '#1f77b4']);
    expect(screen.getByTestId('embedding-map').getAttribute('aria-busy')).toBe('true');
  });
});
