"""
Embeds every photo of a public photo set with MobileNet v2 0.35 under other input choices than the
studio's (centre square at 224 x 224): `full@224` (the whole photo squashed), `crop@256`, `crop@288`
(a larger input: an 8 x 8 or 9 x 9 grid), `c80@224` (the centre 80 % of the short side). Writes the
global average and the 2 x 2 regions of each photo and of its mirror image to emb-<set>-<variant>.npz.

    python embed_inputs.py grocery-store crop@224,full@224,crop@256,crop@288,c80@224
"""
import os, sys, numpy as np
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import tensorflow as tf
from PIL import Image, ImageOps
from tfjs_weights import read_weights, load_into
SHARED = os.environ.get('SHARED_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared'))
def load(path, mode, size):
    im = ImageOps.exif_transpose(Image.open(path)).convert('RGB')
    w, h = im.size
    if mode == 'crop':
        s = min(w, h); x, y = (w - s) // 2, (h - s) // 2
        im = im.crop((x, y, x + s, y + s))
    elif mode.startswith('c'):  # cNN: centre crop of NN% of the short side
        f = int(mode[1:]) / 100; s = int(min(w, h) * f); x, y = (w - s) // 2, (h - s) // 2
        im = im.crop((x, y, x + s, y + s))
    return np.asarray(im.resize((size, size), Image.BILINEAR, reducing_gap=None), dtype=np.float32)
def pool(e):
    H = e.shape[1]; k = H // 2; o = H - k
    reg = np.stack([e[:, i:i+k, j:j+k].mean(axis=(1, 2)) for i in (0, o) for j in (0, o)], axis=1).reshape(len(e), -1)
    return e.mean(axis=(1, 2)), reg
def main(setname, variants):
    root = f'{SHARED}/datasets/{setname}'
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    files = [(c, f) for c, cls in enumerate(classes) for f in sorted(os.listdir(os.path.join(root, cls)))]
    for v in variants.split(','):
        mode, size = v.split('@'); size = int(size)
        model = tf.keras.applications.MobileNetV2(input_shape=(size, size, 3), alpha=0.35, include_top=False, weights=None)
        load_into(model, read_weights(f'{SHARED}/models/mobilenet_v2_0.35_224'))
        x = np.stack([load(os.path.join(root, classes[c], f), mode, size) for c, f in files]) / 127.5 - 1
        out = {}
        for tag, xx in (('plain', x), ('mirror', x[:, :, ::-1])):
            e = model.predict(xx, batch_size=32, verbose=0)
            out[tag + '_avg'], out[tag + '_reg'] = pool(e)
        np.savez(f'emb-{setname}-{v}.npz', labels=np.array([c for c, _ in files]), names=np.array([f for _, f in files]), **out)
        print(setname, v, e.shape, flush=True)
main(sys.argv[1], sys.argv[2])
