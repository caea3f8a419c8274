"""
The head sweep behind the default head (docs/PERFORMANCE.md, "Choosing the default head"): heads
trained on embeddings from embed.py, in numpy, as the studio trains them (pooling -> [standardise]
-> Dense(units, ReLU) -> dropout -> softmax, Adam, seeded mini-batches; a validation share held
out of each class, or none: what the refit trains on). Each variant on the bench's split (the first
N photos of each class by name to train, the last 20 to test) and 4 random splits; prints the
bench split's, the median's and the mean's held-out accuracy per photo set and photos per class.

    python sweep.py '{"ours": {"units": 0, "val": 0, "bs": 64, "lr": 0.003}}' v1,v2 30,10 out/
"""
import sys, json, itertools, numpy as np

def pool(e, kind):
    if kind == 'average': return e.mean(axis=(1, 2))
    if kind == 'regions':
        r = np.stack([e[:, i:i+3, j:j+3].mean(axis=(1, 2)) for i in (0, 3) for j in (0, 3)], axis=1)
        return r.reshape(len(e), -1) * 0.1
    if kind.startswith('avgregions'):
        k = float(kind[len('avgregions'):] or 0.1)
        return np.concatenate([pool(e, 'regions'), e.mean(axis=(1, 2)) * k], axis=1)
    raise ValueError(kind)

def glorot(rng, fan_in, fan_out):
    lim = np.sqrt(6 / (fan_in + fan_out)); return rng.uniform(-lim, lim, (fan_in, fan_out)).astype(np.float32)

def train_mlp(x, y, C, cfg, seed):
    rng = np.random.default_rng(seed)
    units, drop, lr, epochs, bs, l2 = cfg['units'], cfg['dropout'], cfg['lr'], cfg['epochs'], cfg.get('bs', 16), cfg.get('l2', 0)
    params = []
    if units > 0: params += [glorot(rng, x.shape[1], units), np.zeros(units, np.float32)]
    params += [glorot(rng, units or x.shape[1], C), np.zeros(C, np.float32)]
    m = [np.zeros_like(p) for p in params]; v = [np.zeros_like(p) for p in params]
    b1, b2, eps, t = 0.9, 0.999, 1e-7, 0
    Y = np.eye(C, dtype=np.float32)[y]
    for ep in range(epochs):
        order = rng.permutation(len(x))
        for s in range(0, len(x), bs):
            idx = order[s:s+bs]; xb, yb = x[idx], Y[idx]
            if units > 0:
                W1, c1, W2, c2 = params
                z = xb @ W1 + c1; h = np.maximum(z, 0)
                if drop > 0:
                    mask = (rng.random(h.shape) >= drop) / (1 - drop); h = h * mask
                logits = h @ W2 + c2
            else:
                W2, c2 = params; h = xb; logits = h @ W2 + c2
            logits -= logits.max(1, keepdims=True); p = np.exp(logits); p /= p.sum(1, keepdims=True)
            g = (p - yb) / len(idx)
            gW2 = h.T @ g + l2 * W2; gc2 = g.sum(0)
            if units > 0:
                gh = g @ W2.T
                if drop > 0: gh = gh * mask
                gz = gh * (z > 0); grads = [xb.T @ gz + l2 * W1, gz.sum(0), gW2, gc2]
            else: grads = [gW2, gc2]
            t += 1
            a = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t); e = eps * np.sqrt(1 - b2 ** t)
            for k, (pp, gg) in enumerate(zip(params, grads)):
                m[k] *= b1; m[k] += (1 - b1) * gg
                v[k] *= b2; gg *= gg; gg *= (1 - b2); v[k] += gg
                d = np.sqrt(v[k]); d += e; np.divide(m[k], d, out=d); d *= a; pp -= d
    def predict(xt):
        if units > 0:
            W1, c1, W2, c2 = params; h = np.maximum(xt @ W1 + c1, 0)
        else: W2, c2 = params; h = xt
        l = h @ W2 + c2; l -= l.max(1, keepdims=True); p = np.exp(l); return p / p.sum(1, keepdims=True)
    return predict

def splits(labels, names, per_train, per_test, n_random):
    C = labels.max() + 1
    out = []
    # the bench's split: first per_train (by name) train, last per_test test
    tr, te = [], []
    for c in range(C):
        idx = [i for i in np.argsort(names) if labels[i] == c]
        tr += idx[:per_train]; te += idx[len(idx) - per_test:]
    out.append((np.array(tr), np.array(te)))
    for r in range(n_random):
        rng = np.random.default_rng(100 + r); tr, te = [], []
        for c in range(C):
            idx = rng.permutation(np.where(labels == c)[0])
            tr += list(idx[:per_train]); te += list(idx[per_train:per_train + per_test])
        out.append((np.array(tr), np.array(te)))
    return out

def evaluate(data, cfg, per_train, n_random=4):
    labels, names = data['labels'], data['names']
    C = labels.max() + 1
    P, M = data[cfg['pooling']]
    accs = []
    for k, (tr, te) in enumerate(splits(labels, names, per_train, 20, n_random)):
        rng = np.random.default_rng(k)
        # validation hold-out as the studio does (round(n * 0.15) per class)
        keep = []
        for c in range(C):
            idx = rng.permutation(tr[labels[tr] == c]); held = int(round(len(idx) * cfg['val'])) if cfg['val'] > 0 else 0
            keep += list(idx[held:])
        keep = np.array(keep)
        xs, ys = P[keep], labels[keep]
        if cfg['mirror']: xs, ys = np.concatenate([xs, M[keep]]), np.concatenate([ys, ys])
        mu, sd = (xs.mean(0), xs.std(0) + 1e-3) if cfg['std'] else (0, 1)
        scale = cfg.get('scale', 1)
        f = lambda a: ((a - mu) / sd * scale).astype(np.float32)
        predict = train_mlp(f(xs), ys, C, cfg, seed=k + 1)
        p = predict(f(P[te]))
        if cfg['tta']: p = (p + predict(f(M[te]))) / 2
        accs.append(float((p.argmax(1) == labels[te]).mean()))
    return accs

POOLS = ('regions', 'average', 'avgregions0.5', 'avgregions1')
BASE = dict(pooling='regions', units=100, dropout=0, lr=1e-3, epochs=50, val=0.15, mirror=False, tta=False, std=False)

if __name__ == '__main__':
    variants = json.loads(sys.argv[1]); bases = sys.argv[2].split(','); per_trains = [int(x) for x in sys.argv[3].split(',')]
    folder = sys.argv[4] if len(sys.argv) > 4 else 'out'
    sets = ['sign-language-digits', 'grocery-store']
    cache = {}
    def get(b, s):
        if (b, s) not in cache:
            d = np.load(f'{folder}/emb-{b}-{s}.npz')
            cache[b, s] = {'labels': d['labels'], 'names': d['names'], **{k: (pool(d['plain'], k), pool(d['mirror'], k)) for k in POOLS}}
        return cache[b, s]
    for name, change in variants.items():
        cfg = {**BASE, **change}
        row = [name]
        for b in bases:
            for n in per_trains:
                for s in sets:
                    accs = evaluate(get(b, s), cfg, n)
                    row.append(f'{b}/{n}/{s[:4]}: bench {accs[0]:.3f} med {np.median(accs):.3f} mean {np.mean(accs):.3f}')
        print(' | '.join(row), flush=True)
