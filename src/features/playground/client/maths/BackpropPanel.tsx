/**
 * Backpropagation for the selected sample, layer by layer from the output back: each neuron's
 * error signal δ, each parameter's gradient ∂L/∂θ = δ·a and its gradient-descent update,
 * before → after. One collapsible section per layer, the output layer open by default.
 */
import { useI18n } from '../../../../i18n/I18nProvider';
import type { Snapshot } from '../../../../worker/protocol';
import type { FlatLayout } from '../../layout';
import type { PlaygroundConfig } from '../../meta';
import type { Phase } from '../phases';
import { useOpenLayers } from './useOpenLayers';
import { DeltaLine, ParamRow, type RowContext } from './BackpropRows';
import { Eq, GradientFormulas, HiddenDeltaFormula, OutputDeltaFormula, Partial, Sym, UpdateFormula } from './Formula';
import { activationOf, fmt, lastLayerOf, partProps } from './shared';

export interface WeightId {
  layer: number;
  j: number;
  /** −1: the bias b_j */
  i: number;
}

interface Props {
  snapshot: Snapshot | null;
  layout: FlatLayout;
  config: PlaygroundConfig;
  phase: Phase | null;
  highlight?: WeightId | null;
}

function LayerTable({ ctx, l, highlight }: { ctx: RowContext; l: number; highlight?: WeightId | null }) {
  const { t } = useI18n();
  const { layout, config } = ctx;
  const rows = [];
  for (let j = 0; j < layout.layerSizes[l]; j++) {
    for (let i = 0; i <= layout.layerSizes[l - 1]; i++) {
      const index = i === layout.layerSizes[l - 1] ? -1 : i;
      const highlighted = !!highlight && highlight.layer === l && highlight.j === j && highlight.i === index;
      rows.push(<ParamRow key={`${j}:${index}`} ctx={ctx} l={l} j={j} i={index} highlighted={highlighted} />);
    }
  }
  return (
    <table className="maths-table">
      <thead>
        <tr>
          <th scope="col">{t('maths.backprop.parameter')}</th>
          <th scope="col">
            {t('maths.backprop.gradient')}{' '}
            <Eq>
              <Partial by={<mi>θ</mi>} />
              <mo>=</mo>
              <mi>δ</mi>
              <mo>·</mo>
              <Sym name="a" sub="prev" />
            </Eq>
          </th>
          <th scope="col">
            {config.regularization === 'none'
              ? t('maths.backprop.update', { alpha: fmt(config.learningRate, 6) })
              : t('maths.backprop.updateReg', { alpha: fmt(config.learningRate, 6), lambda: fmt(config.regularizationRate, 6) })}
          </th>
        </tr>
      </thead>
      <tbody>{rows}</tbody>
    </table>
  );
}

interface LayerProps {
  ctx: RowContext;
  l: number;
  open: boolean;
  onToggle(open: boolean): void;
  highlight?: WeightId | null;
}

function LayerBackprop({ ctx, l, open, onToggle, highlight }: LayerProps) {
  const { t } = useI18n();
  const { layout, config, phase } = ctx;
  const last = lastLayerOf(layout);
  const title = l === last ? t('maths.layer.output') : t('maths.layer.hidden', { n: l });
  const activation = t(`maths.activation.${activationOf(config, layout, l)}`);
  return (
    <details
      {...partProps(phase, { kind: 'backward', layer: l }, 'maths-layer')}
      open={open}
      onToggle={(event) => onToggle(event.currentTarget.open)}
      data-testid={`backprop-layer-${l}`}
    >
      <summary>
        {title} <span className="maths-tag">{t('maths.forward.activation', { name: activation })}</span>
      </summary>
      {open && (
        <>
          <h5>{t('maths.backprop.deltas')}</h5>
          {Array.from({ length: layout.layerSizes[l] }, (_, j) => (
            <DeltaLine key={j} ctx={ctx} l={l} j={j} />
          ))}
          <h5>{t('maths.backprop.gradients')}</h5>
          <LayerTable ctx={ctx} l={l} highlight={highlight} />
        </>
      )}
    </details>
  );
}

function Notes({ config }: { config: PlaygroundConfig }) {
  const { t } = useI18n();
  return (
    <>
      <p className="maths-note">
        {t('maths.backprop.updateNote', { alpha: fmt(config.learningRate, 6), batch: config.batchSize })}
      </p>
      {config.regularization !== 'none' && (
        <p className="maths-note">
          {t('maths.backprop.regNote', { name: config.regularization, lambda: fmt(config.regularizationRate, 6) })}
        </p>
      )}
    </>
  );
}

export function BackpropPanel({ snapshot, layout, config, phase, highlight }: Props) {
  const { t } = useI18n();
  const last = lastLayerOf(layout);
  const { isOpen, setOpen } = useOpenLayers('backward', phase, (l) => l === last, highlight?.layer ?? null);
  const layers = Array.from({ length: last }, (_, k) => last - k);
  return (
    <section className="maths-panel maths-panel--backprop" data-testid="backprop-panel" aria-label={t('maths.backprop.title')}>
      <h3>{t('maths.backprop.title')}</h3>
      <p className="maths-intro">{t('maths.backprop.intro')}</p>
      <div className="maths-formulas">
        <OutputDeltaFormula />
        <HiddenDeltaFormula />
        <GradientFormulas />
        <UpdateFormula regularized={config.regularization !== 'none'} />
      </div>
      <Notes config={config} />
      {snapshot ? (
        layers.map((l) => (
          <LayerBackprop
            key={l}
            ctx={{ snapshot, layout, config, phase }}
            l={l}
            open={isOpen(l)}
            onToggle={(open) => setOpen(l, open)}
            highlight={highlight}
          />
        ))
      ) : (
        <p className="maths-loading">{t('maths.loading')}</p>
      )}
    </section>
  );
}
