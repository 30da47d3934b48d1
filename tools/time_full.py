"""Measure the time per model of every experiment's `full` preset on this machine, without running all of it.

For each experiment the first model of its `full` preset is trained at the preset's full size (every training image,
the encoder, input size and probes unchanged) for 1 epoch and for 2 (`randbit-batch`: 50 and 100 steps). The
difference is one epoch; the rest is the fixed cost (building the data and the model, probing it). The estimate is
the fixed cost plus the preset's epochs times one epoch. Writes tools/calibration/full-times.json after every
experiment; the `full_time` of each experiment (its `contrastive-nb list` line) is that estimate, rounded.

    python tools/time_full.py [NAME ...]      # default: every experiment with a full preset; torch uses 2 threads
"""
import json, sys, time
from pathlib import Path
import torch
from contrastive_nb.experiments import load_experiments, provenance, planned_models, data_split

torch.set_num_threads(2)
exps = load_experiments()
names = sys.argv[1:] or [n for n, e in exps.items() if e.full]
data_split('fashion-mnist', 10000, 0)   # load and cache the data once, untimed

def first_model(e, opts)->float:
    "Seconds to the first model's rows."
    t = time.perf_counter()
    gen = iter(e.fn(**opts, seed=0))
    next(gen)
    if hasattr(gen, 'close'): gen.close()
    return time.perf_counter() - t

path = Path(__file__).parent/'calibration'/'full-times.json'
out = json.loads(path.read_text())['experiments'] if sys.argv[1:] and path.exists() else {}   # named experiments: update their entries only
for name in names:
    e = exps[name]
    cfg = e.resolve('full', device='cpu')
    opts = {k: v for k, v in cfg.items() if k not in ('scale', 'seeds')}
    key, one = ('steps', 50) if 'steps' in opts else ('epochs', 1)
    t1 = first_model(e, dict(opts, **{key: one}))
    t2 = first_model(e, dict(opts, **{key: 2 * one}))
    unit, fixed = max(t2 - t1, 0.), max(2 * t1 - t2, 0.)   # one epoch (or 50 steps); the rest of a model
    est = fixed + unit * opts[key] / one
    out[name] = dict(seconds_per_model=round(est), models=planned_models(e, opts, [0]), preset=', '.join(f"{k}={v}" for k, v in e.full.items()),
                     seconds_per_unit=round(unit, 1), fixed_seconds=round(fixed, 1), n_train=opts['n_train'], **{key: opts[key]})
    print(f"{name}: ≈ {est / 60:.0f} min per model ({'1 epoch' if key == 'epochs' else '50 steps'}: {unit:.0f} s, fixed {fixed:.0f} s; {key} {opts[key]}, {opts['n_train']} training images)", flush=True)
    path.write_text(json.dumps(dict(provenance=provenance(), experiments=out), indent=1) + '\n')   # after every experiment
print(f"wrote {path}")
