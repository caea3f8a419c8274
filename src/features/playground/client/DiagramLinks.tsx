/**
 * The diagram's links: drawn on one canvas (hundreds of SVG strokes repainted every frame cost the
 * page its frame rate), with a static layer of invisible SVG paths on top for hover and click.
 */
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { parameterIndex, type FlatLayout } from '../layout';
import { cssColorOf } from './colors';
import { linkPath, linkWidth, type LinkGeometry } from './diagramGeometry';

interface Props {
  links: LinkGeometry[];
  layout: FlatLayout;
  parameters: Float64Array | undefined;
  /** layer whose incoming links the walkthrough highlights */
  activeLayer: number | null;
  width: number;
  height: number;
  onPick(link: LinkGeometry, weight: number): void;
}

function drawLinks(canvas: HTMLCanvasElement, props: Props): void {
  const { links, layout, parameters, activeLayer, width, height } = props;
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.clearRect(0, 0, width, height);
  for (const link of links) {
    const w = parameters ? parameters[parameterIndex(layout, link.layer, link.j, link.i)] : 0;
    const mid = (link.x1 + link.x2) / 2;
    context.beginPath();
    context.moveTo(link.x1, link.y1);
    context.bezierCurveTo(mid, link.y1, mid, link.y2, link.x2, link.y2);
    context.strokeStyle = cssColorOf(w);
    context.lineWidth = linkWidth(w);
    context.globalAlpha = activeLayer === null || activeLayer === link.layer ? 0.9 : 0.35;
    context.stroke();
  }
}

/** Invisible, wide strokes that catch the pointer; they depend on the geometry only. */
const HitLayer = memo(function HitLayer({ links, width, height, onEnter, onLeave, onClick }: {
  links: LinkGeometry[];
  width: number;
  height: number;
  onEnter(link: LinkGeometry): void;
  onLeave(): void;
  onClick(link: LinkGeometry): void;
}) {
  return (
    <svg width={width} height={height} className="diagram-links">
      {links.map((link) => (
        <path key={`${link.layer}-${link.j}-${link.i}`} className="link-hit" d={linkPath(link)} data-testid="link" onMouseEnter={() => onEnter(link)} onMouseLeave={onLeave} onClick={() => onClick(link)} />
      ))}
    </svg>
  );
});

export function DiagramLinks(props: Props) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hovered, setHovered] = useState<LinkGeometry | null>(null);
  const { links, layout, parameters, activeLayer, width, height, onPick } = props;
  useEffect(() => {
    if (canvas.current) drawLinks(canvas.current, { links, layout, parameters, activeLayer, width, height, onPick });
  }, [links, layout, parameters, activeLayer, width, height, onPick]);
  const weightOf = (link: LinkGeometry) => (parameters ? parameters[parameterIndex(layout, link.layer, link.j, link.i)] : 0);
  // The hit layer must not re-render per snapshot: its callbacks read the latest values from a ref.
  const latest = useRef({ parameters, layout, onPick });
  latest.current = { parameters, layout, onPick };
  const pick = useCallback((link: LinkGeometry) => {
    const { parameters: p, layout: l, onPick: handler } = latest.current;
    handler(link, p ? p[parameterIndex(l, link.layer, link.j, link.i)] : 0);
  }, []);
  const leave = useCallback(() => setHovered(null), []);
  return (
    <>
      <canvas ref={canvas} className="diagram-links" style={{ width, height }} aria-hidden="true" />
      <HitLayer links={links} width={width} height={height} onEnter={setHovered} onLeave={leave} onClick={pick} />
      {hovered && (
        <div className="link-tooltip" role="tooltip" style={{ left: (hovered.x1 + hovered.x2) / 2, top: (hovered.y1 + hovered.y2) / 2 - 30 }}>
          {t('diagram.weightTitle', { layer: hovered.layer, j: hovered.j + 1, i: hovered.i + 1, value: weightOf(hovered).toPrecision(4) })}
        </div>
      )}
    </>
  );
}
