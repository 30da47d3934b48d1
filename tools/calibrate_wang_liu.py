"""Choose the optimiser of Wang & Liu's `full` runs before the 3-seed runs: the shared Adam recipe or the paper's SGD.

Trains NT-Xent at tau = 0.07 and 1.0 (the ends of the sweep) with each recipe, seed 0, at the `full` preset
(all 60,000 Fashion-MNIST training images, 12 epochs, in-batch negatives), recording L_u, tolerance and the
training loss on 5,000 test images after every epoch. Writes tools/calibration/wang-liu-recipes.json.

The rule, fixed before these runs: a run has converged when, over its last two epochs (10 -> 12), L_u moves by
at most 0.05 and tolerance by at most 0.01. The `full` preset uses the recipe that converges at both tau; when
both do, the shared 'adam' (the recipe of the CPU scale, so the scales differ in data and length only);
when neither does, 'adam', and the page says the runs had not converged.

    python tools/calibrate_wang_liu.py        # ≈ 15 min on 2 cores; resumable (rows kept in tools/calibration/wang-liu/)
"""
import json
from pathlib import Path
import torch
from contrastive_nb.experiments import provenance
from contrastive_nb.repro.wang_liu import tau_sweep

HERE = Path(__file__).parent/'calibration'
RECIPES, TAUS, U_TOL, T_TOL = ('adam', 'sgd-step'), (0.07, 1.0), 0.05, 0.01

def converged(curve):
    a, b = curve[-3], curve[-1]
    return abs(b['uniformity'] - a['uniformity']) <= U_TOL and abs(b['tolerance'] - a['tolerance']) <= T_TOL

if __name__ == '__main__':
    torch.set_num_threads(2)
    runs = {r: tau_sweep(scale='full', taus=list(TAUS), recipe=r, seeds=[0], out=HERE/f'wang-liu-{r}', resume=True, progress=True) for r in RECIPES}
    rows = [dict(recipe=rec, tau=row['tau'], linear_acc=row['linear_acc'], knn_acc=row['knn_acc'], uniformity=row['uniformity'],
                 tolerance=row['tolerance'], seconds=row['seconds'], converged=converged(row['curve']), curve=row['curve'])
            for rec, res in runs.items() for row in res['rows']]
    ok = {rec: all(r['converged'] for r in rows if r['recipe'] == rec) for rec in RECIPES}
    chosen = 'adam' if ok['adam'] or not ok['sgd-step'] else 'sgd-step'
    out = HERE/'wang-liu-recipes.json'
    out.write_text(json.dumps(dict(rule=__doc__.split('\n\n')[2].replace('\n', ' '), converged=ok, chosen=chosen, rows=rows,
                                   config={r: runs[r]['config'] for r in RECIPES}, provenance=provenance('cpu')), indent=1))
    for r in rows: print(f"{r['recipe']:9s} τ={r['tau']}: linear {r['linear_acc']:.2f} %, L_u {r['uniformity']:.3f}, tolerance {r['tolerance']:.3f}, converged {r['converged']} ({r['seconds']:.0f} s)")
    print(f"chosen: {chosen}; wrote {out}")
