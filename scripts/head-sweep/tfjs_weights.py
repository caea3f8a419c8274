"""Read a TensorFlow.js layers model's weights (model.json + shards) as {name: ndarray}."""
import json, os
import numpy as np

def read_weights(folder):
    spec = json.load(open(os.path.join(folder, 'model.json')))
    out = {}
    for group in spec['weightsManifest']:
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        offset = 0
        for w in group['weights']:
            assert w['dtype'] == 'float32', w
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            out[w['name']] = np.frombuffer(data, dtype='<f4', count=n, offset=offset).reshape(w['shape'])
            offset += 4 * n
    return out

def load_into(model, weights):
    used = set()
    for layer in model.layers:
        vals = []
        for v in layer.weights:
            short = v.name.split('/')[-1].split(':')[0]
            key = f'{layer.name}/{short}'
            if key not in weights and short == 'kernel' and f'{layer.name}/depthwise_kernel' in weights:
                key = f'{layer.name}/depthwise_kernel'  # Keras 3 names a DepthwiseConv2D's kernel 'kernel'
            if key not in weights:
                raise KeyError(f'{key} missing (have e.g. {list(weights)[:3]})')
            if tuple(weights[key].shape) != tuple(v.shape):
                raise ValueError(f'{key}: {weights[key].shape} vs {v.shape}')
            vals.append(weights[key]); used.add(key)
        if vals: layer.set_weights(vals)
    return len(used), len(weights)
