"""
Embeds every photo of a photo set as embed.py does (MobileNet v2 0.35, the studio's weights) and
keeps out_relu [7, 7, 1280] and the global average of a few earlier layers' outputs, for
eval_layers.py (docs/PERFORMANCE.md, "Later: features of earlier layers").

    python embed_layers.py ../../../shared/datasets/grocery-store out/layers-grocery-store.npz
"""
import os, sys, numpy as np
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tensorflow as tf
from embed import load_set, SHARED
from tfjs_weights import read_weights, load_into

LAYERS = ['block_6_expand_relu', 'block_10_expand_relu', 'block_12_add', 'block_13_expand_relu', 'block_14_add', 'block_15_add',
          'block_16_expand_relu', 'block_16_project_BN', 'Conv_1_bn']

def main(root, out):
    base = tf.keras.applications.MobileNetV2(input_shape=(224, 224, 3), alpha=0.35, include_top=False, weights=None)
    used, total = load_into(base, read_weights(os.path.join(SHARED, 'models/mobilenet_v2_0.35_224')))
    print(used, total)
    outs = [base.output] + [tf.keras.layers.GlobalAveragePooling2D()(base.get_layer(n).output) for n in LAYERS]
    model = tf.keras.Model(base.input, outs)
    _, names, labels, x = load_set(root)
    res = model.predict(x, batch_size=32, verbose=0)
    np.savez(out, plain=res[0], labels=np.array(labels), names=np.array(names), **{f'gap_{n}': r for n, r in zip(LAYERS, res[1:])})
    print(root, [r.shape for r in res])

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
