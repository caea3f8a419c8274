/**
 * The network as TF Playground draws it: feature inputs, hidden layers (add/remove layers and
 * neurons), each neuron's output map as a thumbnail, weights as link colour and width. Hovering
 * a link shows its value, clicking edits it.
 */
import { useCallback, useMemo, useState, type KeyboardEvent } from 'react';
import type { FeatureName } from '../../../engine/features';
import { useI18n } from '../../../i18n/I18nProvider';
import { useControlFlags } from '../../classroom/client/ClassroomProvider';
import type { Snapshot } from '../../../worker/protocol';
import type { FlatLayout } from '../layout';
import { FEATURE_OPTIONS, MAX_HIDDEN_LAYERS, MAX_NEURONS, type PlaygroundConfig } from '../meta';
import { DiagramLinks } from './DiagramLinks';
import { COLUMN_GAP, LEFT, linkGeometry, NODE, nodePosition, ROW, rowOf as rowInDiagram, TOP } from './diagramGeometry';
import { HeatmapCanvas } from './HeatmapCanvas';
import type { Phase } from './phases';


export interface LinkId {
  layer: number;
  j: number;
  i: number;
}

interface Props {
  config: PlaygroundConfig;
  layout: FlatLayout;
  snapshot: Snapshot | null;
  phase: Phase | null;
  setConfig(patch: Partial<PlaygroundConfig>): void;
  onEditWeight(link: LinkId, value: number): void;
  /** a link was picked (clicked): the panels highlight its weight */
  onPickLink(link: LinkId): void;
}

const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'x₁',
  x2: 'x₂',
  x1Squared: 'x₁²',
  x2Squared: 'x₂²',
  x1x2: 'x₁x₂',
  sinX1: 'sin(x₁)',
  sinX2: 'sin(x₂)',
};

export function featureLabel(name: FeatureName): string {
  return FEATURE_LABELS[name];
}

function isActiveLayer(phase: Phase | null, layer: number): boolean {
  return phase !== null && (phase.kind === 'forward' || phase.kind === 'backward') && phase.layer === layer;
}

export function NetworkDiagram({ config, layout, snapshot, phase, setConfig, onEditWeight, onPickLink }: Props) {
  const { t } = useI18n();
  const { hidden, locked } = useControlFlags();
  const editable = !hidden('weights') && !locked('weights');
  const [editing, setEditing] = useState<(LinkId & { value: string }) | null>(null);
  const sizes = layout.layerSizes;
  const lastLayer = sizes.length - 1;
  const heatmap = snapshot?.heatmap;
  const rowOf = (layer: number, j: number) => rowInDiagram(config.features, layer, j);
  const links = useMemo(() => linkGeometry(sizes, config.features), [sizes, config.features]);
  const activeLayer = phase && (phase.kind === 'forward' || phase.kind === 'backward') ? phase.layer : null;
  const pickLink = useCallback(
    (link: LinkId, weight: number) => {
      if (editable) setEditing({ layer: link.layer, j: link.j, i: link.i, value: weight.toPrecision(4) });
      onPickLink({ layer: link.layer, j: link.j, i: link.i });
    },
    [onPickLink, editable],
  );
  const width = LEFT + lastLayer * COLUMN_GAP + NODE + 20;
  const height = TOP + Math.max(FEATURE_OPTIONS.length, ...sizes.slice(1)) * ROW + 10;

  const toggleFeature = (name: FeatureName) => {
    const on = config.features.includes(name);
    if (on && config.features.length === 1) return;
    const features = FEATURE_OPTIONS.filter((f) => (f === name ? !on : config.features.includes(f)));
    setConfig({ features });
  };
  const setHidden = (hiddenLayers: number[]) => setConfig({ hiddenLayers });
  const changeNeurons = (h: number, delta: number) => {
    const next = [...config.hiddenLayers];
    next[h] = Math.max(1, Math.min(MAX_NEURONS, next[h] + delta));
    setHidden(next);
  };

  const submitEdit = (event: KeyboardEvent<HTMLInputElement>) => {
    if (!editing) return;
    if (event.key === 'Escape') setEditing(null);
    if (event.key !== 'Enter') return;
    const value = Number(editing.value);
    if (Number.isFinite(value)) onEditWeight(editing, value);
    setEditing(null);
  };

  return (
    <section className="diagram" aria-label={t('diagram.title')}>
      <div className="diagram-header">
        <span>{t('diagram.hiddenLayers', { count: config.hiddenLayers.length })}</span>
        {!hidden('layers') && <>
        <button type="button" aria-label={t('diagram.addLayer')} disabled={locked('layers') || config.hiddenLayers.length >= MAX_HIDDEN_LAYERS} onClick={() => setHidden([...config.hiddenLayers, 2])}>+</button>
        <button type="button" aria-label={t('diagram.removeLayer')} disabled={locked('layers') || config.hiddenLayers.length === 0} onClick={() => setHidden(config.hiddenLayers.slice(0, -1))}>−</button>
        </>}
      </div>
      <div className="diagram-canvas" style={{ width, height }}>
        <DiagramLinks links={links} layout={layout} parameters={snapshot?.parameters} activeLayer={activeLayer} width={width} height={height} onPick={pickLink} />
        {FEATURE_OPTIONS.map((name, row) => {
          const input = config.features.indexOf(name);
          const pos = nodePosition(0, row);
          if (input < 0 && hidden('features')) return null;
          return (
            <div key={name} className="node-wrap" style={{ left: pos.x - LEFT + 4, top: pos.y }}>
              <span className="feature-label">{FEATURE_LABELS[name]}</span>
              <button
                type="button"
                className={`node feature${input >= 0 ? ' on' : ''}`}
                style={{ marginLeft: LEFT - 4 - 56 }}
                aria-pressed={input >= 0}
                disabled={hidden('features') || locked('features')}
                aria-label={t('diagram.toggleFeature', { name: FEATURE_LABELS[name] })}
                onClick={() => toggleFeature(name)}
              >
                {input >= 0 && <HeatmapCanvas heatmap={heatmap} neuron={layout.neuronOffset[0] + input} displaySize={NODE - 4} />}
              </button>
            </div>
          );
        })}
        {config.hiddenLayers.map((count, h) => (
          <div key={`controls-${h}`} className="layer-controls" style={{ left: nodePosition(h + 1, 0).x - 14, top: 4 }}>
            {!hidden('layers') && <>
            <button type="button" aria-label={t('diagram.addNeuron', { layer: h + 1 })} disabled={locked('layers') || count >= MAX_NEURONS} onClick={() => changeNeurons(h, 1)}>+</button>
            <button type="button" aria-label={t('diagram.removeNeuron', { layer: h + 1 })} disabled={locked('layers') || count <= 1} onClick={() => changeNeurons(h, -1)}>−</button>
            </>}
            <div className="layer-caption">{t('diagram.neurons', { count })}</div>
          </div>
        ))}
        {sizes.slice(1).map((count, index) =>
          Array.from({ length: count }, (_, j) => {
            const l = index + 1;
            const pos = nodePosition(l, j);
            const title = l === lastLayer ? t('diagram.outputNeuron') : t('diagram.neuronTitle', { layer: l, j: j + 1 });
            return (
              <div key={`${l}-${j}`} className={`node${isActiveLayer(phase, l) ? ' node-active' : ''}`} style={{ left: pos.x, top: pos.y }} title={title}>
                <HeatmapCanvas heatmap={heatmap} neuron={layout.neuronOffset[l] + j} displaySize={NODE - 4} discretize={config.discretize && l === lastLayer} />
              </div>
            );
          }),
        )}
        {editing && (
          <div className="weight-editor" style={{ left: nodePosition(editing.layer, 0).x - COLUMN_GAP / 2 - 40, top: nodePosition(editing.layer, rowOf(editing.layer, editing.j)).y }}>
            <label>
              {t('diagram.editWeight', { layer: editing.layer, j: editing.j + 1, i: editing.i + 1 })}
              <input autoFocus type="number" step="0.01" value={editing.value} onChange={(e) => setEditing({ ...editing, value: e.target.value })} onKeyDown={submitEdit} onBlur={() => setEditing(null)} data-testid="weight-editor" />
            </label>
          </div>
        )}
      </div>
    </section>
  );
}
