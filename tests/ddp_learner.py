"""A contrastive fastai Learner trained under `torchrun` on CPU processes (gloo), through fastai's `distrib_ctx` (Accelerate).
Run by tests/test_distributed.py as `torchrun --standalone --nproc_per_node 2 tests/ddp_learner.py OUT`; each rank writes OUT/rank{r}.pt."""
import sys, torch
import torch.distributed as dist
from contrastive_nb.data import mnist_sample, probe_dls
from contrastive_nb.learner import contrastive_learner
from contrastive_nb.distributed import world
from fastai.distributed import *  # Learner.distrib_ctx

out = sys.argv[1]
torch.manual_seed(0)
ds = mnist_sample().subset(range(512))
dls = probe_dls(ds, ds.subset(range(64)), bs=64, seed=0)
learn = contrastive_learner(dls, 'convn', 'nt_xent', loss_kwargs=dict(tau=0.2))
with learn.no_bar(), learn.no_logging(), learn.distrib_ctx(sync_bn=False, cpu=True):  # SyncBatchNorm needs CUDA
    learn.fit(1, 1e-3)
    gathered, ws = learn.loss_func.loss.gather, world()[1]
rank = dist.get_rank() if dist.is_initialized() else 0
torch.save(dict(rank=rank, world_size=ws, gathered=gathered,
                loss=float(learn.recorder.losses[-1]), params=[p.detach().clone() for p in learn.model.parameters()]), f"{out}/rank{rank}.pt")
