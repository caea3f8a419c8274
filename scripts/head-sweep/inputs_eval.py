"""
Held-out accuracy per input choice (embed_inputs.py's files in the current folder), 5 splits as in
sweep.py: the chosen head trained on all photos (as the refit), regions and the global average side
by side, and Teachable Machine's head; each also with test-time mirroring.

    python inputs_eval.py crop@224,full@224,crop@256,crop@288,c80@224 30
"""
import sys, numpy as np
from sweep import splits, train_mlp
variants = sys.argv[1].split(',')
heads = {
 'ours': (lambda d,t: d[t+'_reg'] * 0.1, dict(units=0, dropout=0, lr=0.003, epochs=50, bs=64)),
 'avgreg': (lambda d,t: np.concatenate([d[t+'_reg'] * 0.1, d[t+'_avg']], 1), dict(units=0, dropout=0, lr=0.003, epochs=50, bs=64)),
 'TM': (lambda d,t: d[t+'_avg'], dict(units=100, dropout=0, lr=0.001, epochs=50, bs=16)),
}
per = int(sys.argv[2]) if len(sys.argv) > 2 else 30
for s in ['grocery-store', 'sign-language-digits']:
    for v in variants:
        d = np.load(f'emb-{s}-{v}.npz'); labels, names = d['labels'], d['names']
        for hn, (feat, cfg) in heads.items():
            F, M = feat(d, 'plain').astype(np.float32), feat(d, 'mirror').astype(np.float32)
            accs, taccs = [], []
            for k, (tr, te) in enumerate(splits(labels, names, per, 20, 4)):
                pr = train_mlp(F[tr], labels[tr], 10, cfg, k + 1)
                p = pr(F[te]); accs.append(float((p.argmax(1) == labels[te]).mean()))
                p2 = (p + pr(M[te])) / 2; taccs.append(float((p2.argmax(1) == labels[te]).mean()))
            print(f'{s[:4]} {per} {v:9s} {hn:6s} bench {accs[0]:.3f} mean {np.mean(accs):.3f} | tta bench {taccs[0]:.3f} mean {np.mean(taccs):.3f}', flush=True)
