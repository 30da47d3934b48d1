"Gather with gradient across real processes (gloo on 127.0.0.1, CPU): every loss's DDP-averaged gradient equals one process's gradient on the global batch, and a DDP training run ends where one process on the global batch ends."
import warnings
import pytest, torch
import torch.distributed as dist
from torch import nn
from contrastive_nb.distributed import world
from contrastive_nb.testing import check_gather, init_local_group, run_local_group
from contrastive_nb.losses import LOSSES, nt_xent

# every registered loss, in each of its forms
CASES = [('nt_xent', {}), ('nt_xent', dict(negatives='cross')), ('supcon', {}), ('joint', dict(beta=0.3)),
         ('macl', {}), ('macl', dict(reweight=False)), ('macl', dict(reweight='w')), ('macl', dict(negatives='all')),
         ('dcl', {}), ('dcl', dict(weighted=True)), ('dual_temperature', {}),
         ('decoupled_nt_xent', dict(lam=0.5)), ('generalized', dict(prior='hypersphere', distribution='logsumexp')),
         ('generalized', dict(prior='hypersphere', distribution='swd', generator=0)),
         ('generalized', dict(prior='hypercube', distribution='swd', generator=0)),
         ('generalized', dict(prior='normal', distribution='swd', generator=0)),
         ('hard_nt_xent', dict(alpha=0.5)), ('simple', {}), ('hard_simple', dict(alpha=0.5))]

def test_the_cases_cover_every_loss():
    assert {n for n, _ in CASES} == set(LOSSES)

@pytest.mark.parametrize('sizes', [(4, 4), (5, 3, 2)], ids=['2 ranks', '3 ranks uneven'])
def test_gathered_gradient_equals_the_global_batch_gradient(sizes):
    for (name, kw), err in zip(CASES, check_gather(CASES, sizes, timeout=60)):
        assert err['value_err'] < 1e-6 and err['grad_err'] < 1e-6, (name, kw, err)

def _reduction_worker(rank, world_size, port, q):
    try:
        init_local_group(rank, world_size, port)
        nt_xent(torch.randn(3, 4), torch.randn(3, 4), reduction='none', gather=True)
        q.put((rank, 'no error'))
    except Exception as e: q.put((rank, f"{type(e).__name__}: {e}"))
    finally:
        if dist.is_initialized(): dist.destroy_process_group()

def test_per_anchor_reduction_is_rejected_under_a_process_group():
    for msg in run_local_group(_reduction_worker, 2):
        assert msg.startswith("ValueError: `gather=True` needs reduction='mean'"), msg

def test_without_a_process_group_gather_is_a_no_op_that_warns_once():
    import contrastive_nb.distributed as D
    D._warned_no_group = False
    z1, z2 = torch.randn(5, 3), torch.randn(5, 3)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        assert torch.equal(nt_xent(z1, z2, gather=True), nt_xent(z1, z2))
        nt_xent(z1, z2, gather=True)
    assert len(w) == 1 and 'not initialised' in str(w[0].message)
    assert world() == (0, 1)

# DDP training: 2 processes with half the batch each vs 1 process with all of it
STEPS, N, LR = 3, 8, 0.5

def _model():
    from contrastive_nb.models import ConvN, ProjectionHead, ContrastiveModel
    torch.manual_seed(0)
    m = ContrastiveModel(ConvN(1, widths=(4, 8), rep_dim=16, input_size=12), ProjectionHead(16, 16, 8), nn.Linear(16, 3)).double()
    m.train()
    for b in m.modules():  # SyncBatchNorm needs CUDA: freeze BN statistics so that half batches normalise as the whole batch does
        if isinstance(b, nn.modules.batchnorm._BatchNorm): b.eval()
    return m

def _batches():
    g = torch.Generator().manual_seed(1)
    return [(torch.rand(2 * N, 1, 12, 12, generator=g, dtype=torch.float64), torch.randint(0, 3, (N,), generator=g)) for _ in range(STEPS)]

def _train(model, batches, rows):
    from contrastive_nb.learner import ContrastiveObjective
    obj = ContrastiveObjective('nt_xent', tau=0.2)  # gather: automatic under a process group
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    for x, y in batches:
        v1, v2 = x[:N][rows], x[N:][rows]
        loss = obj(model(torch.cat([v1, v2])), y[rows])
        opt.zero_grad(); loss.backward(); opt.step()
    return obj

def _ddp_worker(rank, world_size, port, q):
    try:
        init_local_group(rank, world_size, port)
        ddp = nn.parallel.DistributedDataParallel(_model())
        per = N // world_size
        obj = _train(ddp, _batches(), slice(rank * per, (rank + 1) * per))
        q.put((rank, (obj.loss.gather, [p.detach().numpy() for p in ddp.module.parameters()])))
    except Exception as e: q.put((rank, (repr(e), None)))
    finally:
        if dist.is_initialized(): dist.destroy_process_group()

def test_ddp_training_matches_one_process_on_the_global_batch():
    ref = _model()
    obj = _train(ref, _batches(), slice(0, N))
    assert obj.loss.gather is False
    got = run_local_group(_ddp_worker, 2)
    moved = max((p.detach() - p0.detach()).abs().max().item() for p, p0 in zip(ref.parameters(), _model().parameters()))
    assert moved > 1e-3  # training changed the weights: the comparison below is not between two untouched models
    for r, (gathered, params) in enumerate(got):
        assert params is not None, gathered
        assert gathered is True
        err = max((torch.from_numpy(a) - p.detach()).abs().max().item() for a, p in zip(params, ref.parameters()))
        assert err < 1e-5, (r, err)

def test_without_gather_ddp_training_differs():
    "The control: the same DDP run with gather off (each rank's negatives are its own half batch) does not match, so the test above can fail."
    # one process, two half batches, averaged as DDP would: the no-gather gradient
    from contrastive_nb.learner import ContrastiveObjective
    m, m2 = _model(), _model()
    x, y = _batches()[0]
    obj = ContrastiveObjective('nt_xent', tau=0.2, gather=False)
    halves = sum(obj(m(torch.cat([x[:N][s], x[N:][s]])), y[s]) for s in (slice(0, N // 2), slice(N // 2, N))) / 2
    full = obj(m2(torch.cat([x[:N], x[N:]])), y)
    g1 = torch.autograd.grad(halves, list(m.parameters()))
    g2 = torch.autograd.grad(full, list(m2.parameters()))
    assert max((a - b).abs().max().item() for a, b in zip(g1, g2)) > 1e-4

def test_fastai_learner_trains_under_torchrun_with_distrib_ctx(tmp_path):
    "The Learner path: `torchrun` starts 2 CPU processes, fastai's `distrib_ctx` (Accelerate) wraps the model in DDP and the data in `DistributedDL`; the loss gathers on its own."
    pytest.importorskip('accelerate')
    import shutil, subprocess
    from pathlib import Path
    torchrun = shutil.which('torchrun') or pytest.skip('torchrun is not on PATH')
    script = Path(__file__).parent / 'ddp_learner.py'
    r = subprocess.run([torchrun, '--standalone', '--nproc_per_node', '2', str(script), str(tmp_path)], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    a, b = (torch.load(tmp_path / f'rank{i}.pt') for i in (0, 1))
    assert (a['world_size'], b['world_size']) == (2, 2) and a['gathered'] and b['gathered']
    assert a['loss'] == b['loss']  # every rank computes the loss of the global batch
    assert all(torch.equal(x, y) for x, y in zip(a['params'], b['params']))  # DDP kept the replicas in step

def test_cli_experiment_runs_under_accelerate_launch(tmp_path):
    "`accelerate launch -m contrastive_nb.cli run …` with 2 CPU processes: the global batch is split, the loss gathers, rank 0 alone prints and writes."
    pytest.importorskip('accelerate')
    import json, shutil, subprocess
    acc = shutil.which('accelerate') or pytest.skip('accelerate is not on PATH')
    r = subprocess.run([acc, 'launch', '--multi_gpu', '--num_processes', '2', '--num_machines', '1', '--mixed_precision', 'no', '--dynamo_backend', 'no',
                        '-m', 'contrastive_nb.cli', 'run', 'randbit', '--scale', 'smoke', '--methods', 'simclr', '--out', str(tmp_path)],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path / 'results.json').read_text())
    assert res['processes'] == 2 and len(res['rows']) == 2
    assert r.stdout.count('| method |') == 1  # one table: rank 0's
