"""
Heads on out_relu's 2 x 2 regions with an earlier layer's global average beside it (x k), trained as
the chosen head trains (softmax, Adam 0.003, batch 64, every photo: what the refit keeps), against
Teachable Machine's head and "both" (regions and the global average side by side); sweep.py's 5
splits, mean and bench split, on both public photo sets (embeddings from embed_layers.py).

    python eval_layers.py 30 out/
"""
import os, sys, numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweep import pool, evaluate, BASE

OURS = dict(units=0, val=0, bs=64, lr=0.003)
TM = dict(pooling='average')
def run(variants, per_train, folder):
    sets = ['sign-language-digits', 'grocery-store']
    data = {s: np.load(os.path.join(folder, f'layers-{s}.npz')) for s in sets}
    for name, (feat, cfg) in variants.items():
        row = [f'{name:48s}']
        for s in sets:
            d = data[s]
            P = feat(d)
            accs = evaluate({'labels': d['labels'], 'names': d['names'], 'x': (P, P)}, {**BASE, **cfg, 'pooling': 'x'}, per_train)
            row.append(f'{s[:4]} mean {np.mean(accs):.3f} bench {accs[0]:.3f}')
        print(' | '.join(row), flush=True)

if __name__ == '__main__':
    per_train = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    folder = sys.argv[2] if len(sys.argv) > 2 else 'out'
    L = ['block_6_expand_relu', 'block_10_expand_relu', 'block_12_add', 'block_13_expand_relu', 'block_14_add', 'block_15_add', 'block_16_expand_relu', 'block_16_project_BN', 'Conv_1_bn']
    reg = lambda d: pool(d['plain'], 'regions')
    avg = lambda d: pool(d['plain'], 'average')
    v = {'TM (average -> Dense 100)': (avg, TM), 'ours (regions -> softmax)': (reg, OURS), 'both (regions + average x0.1)': (lambda d: np.concatenate([reg(d), avg(d) * 0.1], 1), OURS)}
    for l in L:
        for k in (0.1, 0.3):
            v[f'regions + gap {l} x{k}'] = ((lambda l, k: lambda d: np.concatenate([reg(d), d[f'gap_{l}'] * k], 1))(l, k), OURS)
    run(v, per_train, folder)
