import { describe, expect, it } from 'vitest';
import { BASE_IDS, BASES, baseSpec, DEFAULT_BASE, embeddingLength, isBaseId, LEGACY_BASE, tmHostedUrl } from './bases';

describe('the base-model registry', () => {
  it('lists the five bases the studio offers, each under its own id', () => {
    expect(BASE_IDS).toEqual(['mobilenet_v1_0.25', 'mobilenet_v2_0.35', 'mobilenet_v2_0.50', 'mobilenet_v2_0.75', 'mobilenet_v2_1.00']);
    for (const id of BASE_IDS) expect(BASES[id].id).toBe(id);
    expect(new Set(BASE_IDS.map((id) => BASES[id].cacheUrl)).size).toBe(5);
  });

  it('names ImageNet top-1 as published, and sizes that grow with the width', () => {
    expect(BASE_IDS.map((id) => BASES[id].imagenetTop1)).toEqual([49.8, 60.3, 65.4, 69.8, 71.8]);
    const v2 = BASE_IDS.slice(1).map((id) => BASES[id].sizeMB);
    expect(v2).toEqual([...v2].sort((a, b) => a - b));
    // MobileNet v2 0.35's shard in ../shared holds 410,208 float32 values: 1.64 MB, + model.json.
    expect(BASES['mobilenet_v2_0.35'].sizeMB).toBe(1.7);
  });

  it("loads the larger v2 alphas from Teachable Machine's hosted folder family", () => {
    expect(tmHostedUrl(0.5)).toBe('https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.50_224_no_top/model.json');
    expect(BASES['mobilenet_v2_1.00'].hostedUrl).toContain('_1.00_224_no_top/');
    expect(BASES['mobilenet_v1_0.25'].hostedUrl).toContain('tfjs-models/tfjs/mobilenet_v1_0.25_224/');
  });

  it('cuts each family where its features are: v1 at conv_pw_13_relu (7 × 7 × 256), v2 at out_relu (7 × 7 × 1280)', () => {
    expect([BASES['mobilenet_v1_0.25'].cutLayer, embeddingLength(BASES['mobilenet_v1_0.25']), BASES['mobilenet_v1_0.25'].blocks]).toEqual(['conv_pw_13_relu', 12_544, 13]);
    for (const id of BASE_IDS.slice(1)) expect([BASES[id].cutLayer, embeddingLength(BASES[id]), BASES[id].blocks]).toEqual(['out_relu', 62_720, 17]);
    // The studio fine-tunes every base (codegen, the worker and the train panel read this one flag).
    expect(BASE_IDS.map((id) => BASES[id].fineTunes)).toEqual([true, true, true, true, true]);
    expect(BASES['mobilenet_v2_0.35'].keras).toBe("tf.keras.applications.MobileNetV2(input_shape=(224, 224, 3), alpha=0.35, include_top=False, weights='imagenet')");
  });

  it('reads ids defensively: anything unknown is the default base; old projects are v1 0.25', () => {
    expect(isBaseId('mobilenet_v2_0.35')).toBe(true);
    expect(isBaseId('mobilenet_v2_0.5')).toBe(false);
    expect(baseSpec('resnet50').id).toBe(DEFAULT_BASE);
    expect(LEGACY_BASE).toBe('mobilenet_v1_0.25');
  });
});
