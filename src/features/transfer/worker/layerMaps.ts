/**
 * The layer explorer: a base's feature maps for one image (every stage: MobileNet v1's 27 conv
 * layers, MobileNet v2's 62 expansions, depthwise convolutions, projections and residual adds),
 * and the numbers of one output cell, computed by hand from the weights and the stage below
 * (layerCells.ts). The stages and the probe that computes them in one forward pass: layerStages.ts.
 * Every tensor is made in tf.tidy or disposed; only plain data and typed arrays leave.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerMapsRequest } from '../../../worker/protocol';
import type { ChannelMap, LayerMaps } from '../layerMapsMeta';
import { decodeImage } from './decode';
import { transferNetwork } from './explain';
import { layerCell, toByte } from './layerCells';
import { headCells } from './layerHead';
import { buildProbe, runProbe, type Probe, type ProbeRun } from './layerStages';
import type { BaseModel } from './model';
import { isHeadOnly, type StudioView } from './studioView';

export { buildProbe, layerStages, runProbe, type Probe, type ProbeRun } from './layerStages';
export { layerCell } from './layerCells';

/** One channel of [h, w, c], mean-pooled to [sh, sw] blocks, as bytes over [min, max]. */
function channelPixels(data: Float32Array, [h, w, c]: [number, number, number], channel: number, [sh, sw]: [number, number], min: number, max: number): Uint8Array {
  const pixels = new Uint8Array(sh * sw);
  const [fy, fx] = [h / sh, w / sw];
  for (let py = 0; py < sh; py++) {
    for (let px = 0; px < sw; px++) {
      let [sum, count] = [0, 0];
      for (let y = Math.floor(py * fy); y < Math.floor((py + 1) * fy); y++) {
        for (let x = Math.floor(px * fx); x < Math.floor((px + 1) * fx); x++, count++) sum += data[(y * w + x) * c + channel];
      }
      pixels[py * sw + px] = toByte(sum / count, min, max);
    }
  }
  return pixels;
}

/**
 * Each stage's maps: the `maxChannels` channels with the largest mean activation (most active
 * first), downsampled by block means to at most maxSize per side, on the layer's colour scale.
 */
export function layerMaps(probe: Probe, run: ProbeRun, maxChannels: number, maxSize: number): LayerMaps[] {
  return probe.stages.map((stage, n) => {
    const data = run.outputs[n];
    const shape = run.shapes[n];
    const [h, w, c] = shape;
    const [sums, mins, maxs] = [new Float64Array(c), new Float32Array(c).fill(Infinity), new Float32Array(c).fill(-Infinity)];
    let [lo, hi] = [Infinity, -Infinity];
    for (let k = 0; k < data.length; k++) {
      const v = data[k];
      const ch = k % c;
      sums[ch] += v;
      if (v < mins[ch]) mins[ch] = v;
      if (v > maxs[ch]) maxs[ch] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const chosen = Array.from({ length: c }, (_, k) => k).sort((a, b) => sums[b] - sums[a] || a - b).slice(0, maxChannels);
    const divisor = Math.max(1, Math.ceil(Math.max(h, w) / maxSize));
    const size: [number, number] = [Math.floor(h / divisor), Math.floor(w / divisor)];
    const channels: ChannelMap[] = chosen.map((index) => ({ index, min: mins[index], max: maxs[index], mean: sums[index] / (h * w), pixels: channelPixels(data, shape, index, size, lo, hi) }));
    const [conv, kernel, stride] = stage.kind === 'add' ? [null, 1, 1] : [stage.conv.name, stage.kernel, stage.stride];
    return { name: stage.out.name, conv, kind: stage.kind, ...(stage.block !== undefined ? { block: stage.block } : {}), shape, kernel, stride, size, min: lo, max: hi, channels };
  });
}

/** Answers the layer explorer's requests for the studio; keeps the probe per base and the last image's run. */
export class LayerExplorer {
  private probe: { base: BaseModel; probe: Probe } | null = null;
  private last: { probe: Probe; run: ProbeRun } | null = null;

  constructor(private readonly view: StudioView) {}

  private probeFor(base: BaseModel): Probe {
    // A tf.model over the base's own layers: no weights of its own, so never disposed (that would dispose the base's).
    if (this.probe?.base !== base) this.probe = { base, probe: buildProbe(base.full, base.spec.cutLayer) };
    return this.probe.probe;
  }

  async handle(message: LayerMapsRequest): Promise<void> {
    const { requestId } = message;
    try {
      if (message.type === 'transfer/layerCell') {
        // The maps of a base since replaced (another model loaded, a new backend) are gone.
        const current = this.last && this.probe?.probe === this.last.probe && this.probe.base === (await this.view.base());
        if (!current) return this.view.post({ type: 'transfer/layerFailed', requestId, code: 'noImage' });
        const cell = layerCell(this.last!.probe, this.last!.run, message.layer, message.y, message.x, message.channel);
        return this.view.post({ type: 'transfer/layerCellReady', requestId, cell });
      }
      const rgb = message.imageId ? this.view.rgb(message.imageId) : message.file ? (await decodeImage(message.file)).rgb : undefined;
      if (!rgb) return this.view.post({ type: 'transfer/layerFailed', requestId, code: 'noImage' });
      const base = await this.view.base();
      if (!base) return this.view.post({ type: 'transfer/layerFailed', requestId, code: 'noModel' });
      const started = performance.now();
      const probe = this.probeFor(base);
      const run = await runProbe(probe, rgb);
      this.last = { probe, run };
      const layers = layerMaps(probe, run, message.maxChannels, message.maxSize);
      const head = await this.head(base, probe, run, rgb);
      this.view.post({ type: 'transfer/layerMapsReady', requestId, layers, head, ms: performance.now() - started });
    } catch (error) {
      this.view.post({ type: 'transfer/layerFailed', requestId, code: 'failed', detail: String(error) });
    }
  }

  /** The trained head's cells on this image: on the probe's cut layer (conv_pw_13_relu, out_relu), or (fine-tuned) on the tail's own. */
  private async head(base: BaseModel, probe: Probe, run: ProbeRun, rgb: Uint8Array) {
    const trained = this.view.trained();
    if (!trained) return null;
    const cut = base.spec.cutLayer;
    const last = probe.stages.findIndex((stage) => stage.out.name === cut);
    if (isHeadOnly(trained) && last >= 0) return headCells(trained.tail, run.outputs[last], run.shapes[last], trained.labels, cut);
    const network = await transferNetwork(this.view);
    if (!network) return null;
    const a = tf.tidy(() => network.net.conv(network.input(rgb)));
    try {
      return headCells(trained.tail, (await a.data()) as Float32Array, a.shape.slice(1) as [number, number, number], trained.labels, cut);
    } finally {
      a.dispose();
    }
  }
}
