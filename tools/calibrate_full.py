"""Calibrate the `full` preset's schedule: how many epochs until the linear probe stops moving by more than seed noise?

Trains the Wang & Liu recipe (NT-Xent, tau 0.2, in-batch negatives, ConvN, Adam with linear decay over the whole run)
on all 60,000 Fashion-MNIST training images for EPOCHS epochs, once per seed, and after every epoch probes h with a
linear classifier (trained on a fixed 10,000-image subset of the training split, tested on the 10,000 test images).
Writes tools/calibration/full-fashion.json; the experiments page reads it.

    python tools/calibrate_full.py [EPOCHS] [SEED ...]      # e.g. python tools/calibrate_full.py 12 0 1
"""
import json, sys, time
from pathlib import Path
import torch
from fastai.callback.core import Callback
from contrastive_nb.experiments import data_split, fit_contrastive, features, provenance
from contrastive_nb.augment import crop_only
from contrastive_nb.metrics import linear_eval

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 12
seeds = [int(s) for s in sys.argv[2:]] or [0, 1]

class EpochProbe(Callback):
    "After each epoch: linear-probe accuracy (%) of h on the clean images."
    order = 100
    def __init__(self, tr, te, seed): self.tr, self.te, self.seed, self.curve = tr, te, seed, []
    def after_epoch(self):
        m = self.learn.model; was = m.training; m.eval()
        ftr, ytr = features(m, self.tr); fte, yte = features(m, self.te)
        with torch.enable_grad(): acc = 100 * linear_eval(ftr, ytr, fte, yte, epochs=100, seed=self.seed)['test_acc']
        self.curve.append(dict(epoch=self.epoch + 1, linear_acc=round(acc, 2), seconds=round(time.perf_counter() - self.t0, 1)))
        print(f"seed {self.seed} epoch {self.epoch + 1}: linear {acc:.2f} % ({self.curve[-1]['seconds']:.0f} s)", flush=True)
        m.train(was)
    def before_fit(self): self.t0 = time.perf_counter()

runs = []
for seed in seeds:
    tr, te = data_split('fashion-mnist', 10000, seed)   # all 60,000 training images, the 10,000 test images
    probe_tr = tr.subset(torch.randperm(len(tr), generator=torch.Generator().manual_seed(seed))[:10000])
    cb = EpochProbe(probe_tr, te, seed)
    fit_contrastive(tr, 'convn', crop_only(28), 'nt_xent', dict(tau=0.2), epochs=epochs, bs=256, lr=1e-3, seed=seed, cbs=[cb])
    runs.append(dict(seed=seed, curve=cb.curve))
out = Path(__file__).parent/'calibration'/'full-fashion.json'
out.parent.mkdir(exist_ok=True)
out.write_text(json.dumps(dict(recipe='NT-Xent tau 0.2, no bank, ConvN, crop_only(28), Adam lr 1e-3 linear decay, batch 256',
                               data='fashion-mnist: 60,000 train, probe on 10,000 train / 10,000 test', epochs=epochs,
                               runs=runs, provenance=provenance('cpu')), indent=1))
print(f"wrote {out}")
