"""
Embeds every photo of a photo set (a folder of class folders) with a base model as the studio does
(centre square, 224 x 224, x / 127.5 - 1), its TensorFlow.js weights loaded into Keras by layer
name; writes the base's cut-layer output of each photo and of its mirror image to an .npz file.

    python embed.py v2 ../../../shared/datasets/grocery-store out/emb-v2-grocery-store.npz
"""
import os, sys, numpy as np
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import tensorflow as tf
from PIL import Image, ImageOps
from tfjs_weights import read_weights, load_into

SHARED = os.environ.get('SHARED_DIR', os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
BASES = {
    'v1': (lambda: tf.keras.applications.MobileNet(input_shape=(224, 224, 3), alpha=0.25, include_top=False, weights=None), 'models/mobilenet_v1_0.25_224'),
    'v2': (lambda: tf.keras.applications.MobileNetV2(input_shape=(224, 224, 3), alpha=0.35, include_top=False, weights=None), 'models/mobilenet_v2_0.35_224'),
}

def load(path):
    im = ImageOps.exif_transpose(Image.open(path)).convert('RGB')
    w, h = im.size; s = min(w, h)
    x, y = (w - s) // 2, (h - s) // 2
    return np.asarray(im.crop((x, y, x + s, y + s)).resize((224, 224), Image.BILINEAR, reducing_gap=None), dtype=np.float32)

def load_set(root):
    """(class names, file names, labels, photos [n, 224, 224, 3] scaled to -1..1) of a folder of class folders, by name."""
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    names, labels, imgs = [], [], []
    for c, cls in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(root, cls))):
            names.append(f); labels.append(c); imgs.append(load(os.path.join(root, cls, f)))
    return classes, names, labels, np.stack(imgs) / 127.5 - 1

def main(base, root, out):
    make, folder = BASES[base]
    model = make()
    used, total = load_into(model, read_weights(os.path.join(SHARED, folder)))
    print(f'{base}: {used} of {total} weights loaded, output {model.output.shape}')
    classes, names, labels, x = load_set(root)
    plain = model.predict(x, batch_size=32, verbose=0)
    mirror = model.predict(x[:, :, ::-1], batch_size=32, verbose=0)
    np.savez(out, plain=plain, mirror=mirror, labels=np.array(labels), names=np.array(names), classes=np.array(classes))
    print(base, root, plain.shape, '->', out)

if __name__ == '__main__':
    main(*sys.argv[1:4])
