"""The loss library as a lightly or PML user meets it: a learnable temperature, limits of τ, flags, and bad input refused
where it is given, with a message that names the argument. Every case here failed (silently or unclearly) before issue 30."""
import inspect, math
import pytest
import torch
import torch.nn.functional as F
from contrastive_nb import losses as L
from contrastive_nb.losses import (nt_xent, supcon, joint_contrastive, dcl, dual_temperature, hard_nt_xent, decoupled_nt_xent,
                                   generalized_contrastive, macl, get_loss)
from contrastive_nb.core import TAU_MIN
from contrastive_nb import metrics as M

N, D = 7, 5
G = torch.Generator().manual_seed(0)
Z1, Z2 = torch.randn(N, D, generator=G, dtype=torch.float64), torch.randn(N, D, generator=G, dtype=torch.float64)
Y = torch.tensor([0, 1, 0, 1, 2, 2, 0])

# ---- float64 loop references, written from the papers' formulas (no masking tricks: nothing here is -inf) ----
def _unit(): return F.normalize(torch.cat([Z1, Z2]), dim=1)

def ref_nt_xent(t, negatives='all'):
    z = _unit(); n = N; out = []
    for i in range(2 * n):
        p = (i + n) % (2 * n)
        cand = [k for k in range(2 * n) if k != i] if negatives == 'all' else [k for k in range(2 * n) if (k < n) != (i < n)]
        out.append(-(z[i] @ z[p]) / t + torch.logsumexp(torch.stack([z[i] @ z[k] / t for k in cand]), 0))
    return torch.stack(out).mean()

def ref_supcon(t):
    z = _unit(); y = torch.cat([Y, Y]); out = []
    for i in range(2 * N):
        lse = torch.logsumexp(torch.stack([z[i] @ z[k] / t for k in range(2 * N) if k != i]), 0)
        pos = [k for k in range(2 * N) if k != i and y[k] == y[i]]
        out.append(-sum(z[i] @ z[p] / t - lse for p in pos) / len(pos))
    return torch.stack(out).mean()

def ref_dcl(t):
    z = _unit(); out = []
    for i in range(2 * N):
        p = (i + N) % (2 * N)
        out.append(-(z[i] @ z[p]) / t + torch.logsumexp(torch.stack([z[i] @ z[k] / t for k in range(2 * N) if k not in (i, p)]), 0))
    return torch.stack(out).mean()

def _cross_log_odds(t):
    "x_i for the 2N anchors under 'cross' negatives: view-1 rows of f·gᵀ, then view-2 rows of g·fᵀ."
    f, g = F.normalize(Z1, dim=1), F.normalize(Z2, dim=1); out = []
    for a, b in ((f, g), (g, f)):
        for i in range(N):
            out.append(torch.logsumexp(torch.stack([(a[i] @ b[j] - a[i] @ b[i]) / t for j in range(N) if j != i]), 0))
    return torch.stack(out)

def ref_dual(t):
    x, xi = _cross_log_odds(t), _cross_log_odds(10 * t).detach()
    w = (torch.sigmoid(xi) / torch.sigmoid(x)).detach()
    return (w * F.softplus(x)).mean()

def ref_hard(t, alpha=0.5):
    z = _unit(); out = []
    for i in range(2 * N):
        p = (i + N) % (2 * N)
        neg = torch.stack([z[i] @ z[k] for k in range(2 * N) if k not in (i, p)])
        kept = neg.topk(math.ceil(alpha * len(neg) - 1e-9)).values
        out.append(-(z[i] @ z[p]) / t + torch.logsumexp(torch.cat([(z[i] @ z[p])[None], kept]) / t, 0))
    return torch.stack(out).mean()

def ref_decoupled(t, lam=1.):
    f, g = F.normalize(Z1, dim=1), F.normalize(Z2, dim=1); h = torch.cat([f, g])
    align = (f - g).pow(2).mean()
    return align + lam * torch.stack([torch.logsumexp(torch.stack([h[i] @ h[k] / t for k in range(2 * N)]), 0) for i in range(2 * N)]).mean()

def ref_macl(t0):
    f, g = F.normalize(Z1, dim=1), F.normalize(Z2, dim=1)
    t = t0 * 2. ** (f * g).sum(1).mean().detach()
    x = _cross_log_odds(t)
    return (F.softplus(x) / torch.sigmoid(x).detach()).mean()

TAU_LOSSES = {  # name: (our loss of τ and chunk_size, reference of τ)
    'nt_xent': (lambda t, c: nt_xent(Z1, Z2, t, chunk_size=c), ref_nt_xent),
    'nt_xent cross': (lambda t, c: nt_xent(Z1, Z2, t, 'cross', chunk_size=c), lambda t: ref_nt_xent(t, 'cross')),
    'supcon': (lambda t, c: supcon(Z1, Z2, Y, t, chunk_size=c), ref_supcon),
    'joint': (lambda t, c: joint_contrastive(Z1, Z2, Y, 0.3, t, chunk_size=c), lambda t: 0.3 * ref_supcon(t) + 0.7 * ref_nt_xent(t)),
    'dcl': (lambda t, c: dcl(Z1, Z2, t, chunk_size=c), ref_dcl),
    'dual_temperature': (lambda t, c: dual_temperature(Z1, Z2, t, chunk_size=c), ref_dual),
    'hard_nt_xent': (lambda t, c: hard_nt_xent(Z1, Z2, t, alpha=0.5, chunk_size=c), ref_hard),
    'decoupled_nt_xent': (lambda t, c: decoupled_nt_xent(Z1, Z2, t, chunk_size=c), ref_decoupled),
    'macl (τ0)': (lambda t, c: macl(Z1, Z2, t, chunk_size=c), ref_macl),
}

def _grad(fn, tau=0.3):
    t = torch.tensor(tau, dtype=torch.float64, requires_grad=True)
    out = fn(t); out.backward()
    return out.detach(), t.grad

@pytest.mark.parametrize('name', TAU_LOSSES)
@pytest.mark.parametrize('chunk', [None, 3])
def test_learnable_temperature_gradient_matches_a_float64_loop(name, chunk):
    ours, ref = TAU_LOSSES[name]
    v, g = _grad(lambda t: ours(t, chunk))
    rv, rg = _grad(ref)
    assert torch.isfinite(g), f"{name}: the τ-gradient is {g}"
    torch.testing.assert_close(v, rv, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(g, rg, rtol=1e-9, atol=1e-12)

def test_clip_style_logit_scale_trains():
    "CLIP parametrises 1/τ by a learnable log-scale; the loss must pass it a finite gradient."
    s = torch.tensor(math.log(1 / 0.07), requires_grad=True)
    z1, z2 = Z1.float(), Z2.float()
    nt_xent(z1, z2, tau=1 / s.exp()).backward()
    assert torch.isfinite(s.grad) and s.grad != 0

@pytest.mark.parametrize('tau', [1e-40, 1e-300, 0., -1., float('inf'), float('nan'), TAU_MIN / 2])
@pytest.mark.parametrize('how', ['dense', 'fp16', 'blocked', 'tensor, check=False'])
def test_temperature_below_the_bound_is_refused(tau, how):
    z1, z2 = Z1.float(), Z2.float()
    call = {'dense': lambda: nt_xent(z1, z2, tau), 'fp16': lambda: nt_xent(z1.half(), z2.half(), tau),
            'blocked': lambda: nt_xent(z1, z2, tau, chunk_size=2), 'tensor, check=False': lambda: nt_xent(z1, z2, torch.tensor(tau), check=False)}[how]
    with pytest.raises(ValueError, match='`tau` must be a finite temperature >= 0.0001'): call()

def test_smallest_allowed_temperature_is_finite():
    for c in (None, 2):
        assert torch.isfinite(nt_xent(Z1.float(), Z2.float(), TAU_MIN, chunk_size=c))

@pytest.mark.parametrize('call', [lambda: nt_xent(Z1, Z2, check='no'), lambda: nt_xent(Z1, Z2, check='False'), lambda: nt_xent(Z1, Z2, check=1),
                                  lambda: supcon(Z1, Z2, Y, check='no'), lambda: macl(Z1, Z2, check='no')])
def test_check_takes_bools_only(call):
    with pytest.raises(TypeError, match='`check` must be True or False'): call()

def test_flags_take_bools_only():
    with pytest.raises(TypeError, match='`weighted` must be True or False'): dcl(Z1, Z2, weighted='no')
    with pytest.raises(TypeError, match='`weighted` must be True or False'): L.DCLLoss(weighted='no')
    with pytest.raises(TypeError, match='`gather` must be True or False'): nt_xent(Z1, Z2, gather='no')

@pytest.mark.parametrize('beta', [-3., -1., 1., 2.])
def test_macl_linear_form_refuses_beta_outside_the_open_unit_interval(beta):
    with pytest.raises(ValueError, match=r'`beta` must be a finite number in \(-1, 1\)'): macl(Z1, Z2, form='linear', beta=beta)
    with pytest.raises(ValueError, match='`beta`'): L.MACLLoss(form='linear', beta=beta)

@pytest.mark.parametrize('tau0', [0.003, 1e-3, 3e-4])
@pytest.mark.parametrize('chunk', [None, 4])
def test_macl_small_tau0_on_aligned_views_is_finite_and_tends_to_its_limit(tau0, chunk):
    "Well aligned views, tiny τ0: −log P_ii → 0 and W_i → 0, and sg(1/W_i)·(−log P_ii) → 1 (the exact limit), as do its gradients."
    g = torch.Generator().manual_seed(1)
    f = F.normalize(torch.randn(16, 8, generator=g), dim=1)
    z1, z2 = f.clone().requires_grad_(), (f + 1e-3 * torch.randn(16, 8, generator=g)).requires_grad_()
    loss = macl(z1, z2, tau0, chunk_size=chunk)
    loss.backward()
    assert torch.isfinite(loss) and abs(loss.item() - 1) < 1e-3
    assert torch.isfinite(z1.grad).all() and torch.isfinite(z2.grad).all()

def test_metrics_refuse_nan():
    f = torch.randn(50, 6); bad = f.clone(); bad[3, 2] = float('nan'); y = torch.arange(50) % 5
    for call, arg in [(lambda: M.knn_accuracy(bad, y, f, y), 'train_feats'), (lambda: M.knn_accuracy(f, y, bad, y), 'test_feats'),
                      (lambda: M.uniformity(bad), 'z'), (lambda: M.alignment(bad, f), 'z1'), (lambda: M.tolerance(bad, y), 'z'),
                      (lambda: M.semantic_sensitivity(f, bad, y), 'z2'), (lambda: M.linear_eval(bad, y, f, y, epochs=1), 'train_feats'),
                      (lambda: M.negative_profile(bad, f), 'z1'), (lambda: M.embedding_std(bad), 'z'), (lambda: M.rankme(bad), 'z')]:
        with pytest.raises(ValueError, match=f'`{arg}` contains nan or inf'): call()

def test_metric_label_and_size_errors():
    f = torch.randn(40, 4); y = torch.arange(40) % 4
    with pytest.raises(ValueError, match='`train_labels` must be class indices >= 0'): M.knn_accuracy(f, y - 1, f[:10].clone(), y[:10])
    with pytest.raises(ValueError, match='`n_classes` = 2 is below the labels'): M.knn_predict(f, y, f, n_classes=2)
    with pytest.raises(ValueError, match='`chunk` must be an int >= 1'): M.knn_predict(f, y, f, chunk=0)
    with pytest.raises(ValueError, match='`bs` must be an int >= 1'): M.linear_eval(f, y, f, y, epochs=1, bs=0)

def test_modules_have_explicit_signatures_temperature_first():
    for name, cls in L.LOSSES.items():
        sig = inspect.signature(cls)
        assert 'kwargs' not in sig.parameters, name
        first = next(iter(sig.parameters), None)
        if any(k in sig.parameters for k in ('tau', 'tau0')): assert first in ('tau', 'tau0'), (name, list(sig.parameters))
    assert L.NTXentLoss(0.5).tau == 0.5 and L.SupConLoss(0.2).tau == 0.2 and L.MACLLoss(0.2).tau0 == 0.2
    assert 'Example:' in L.NTXentLoss.__doc__ and 'tau = 0.1: temperature' in L.NTXentLoss.__doc__

@pytest.mark.parametrize('cls, kw, match', [(L.NTXentLoss, dict(tau=-1), '`tau` must be a finite temperature'),
                                            (L.NTXentLoss, dict(tau=0), '`tau`'), (L.NTXentLoss, dict(chunk_size=0), '`chunk_size`'),
                                            (L.NTXentLoss, dict(negatives='both'), '`negatives` must be one of'),
                                            (L.SupConLoss, dict(tau=0), '`tau`'), (L.MACLLoss, dict(tau0=-0.1), '`tau0`'),
                                            (L.HardNTXentLoss, dict(alpha=0), '`alpha`'), (L.JointContrastiveLoss, dict(beta=2), '`beta`'),
                                            (L.DualTemperatureLoss, dict(tau_inter=0), '`tau_inter`')])
def test_module_hyper_parameters_are_checked_at_construction(cls, kw, match):
    with pytest.raises(ValueError, match=match): cls(**kw)

def test_get_loss_refuses_a_function_that_is_not_a_loss():
    with pytest.raises(TypeError, match=r'`loss` must be a function of \(z1, z2'): get_loss(lambda a: a)

def test_star_import_gives_what_the_readme_imports():
    ns = {}
    exec('from contrastive_nb.losses import *', ns)
    for name in ('nt_xent', 'macl', 'supcon', 'dcl', 'NTXentLoss', 'MACLLoss', 'get_loss'): assert name in ns, name

def test_chunk_size_on_every_loss_that_has_a_logsumexp():
    for fn in (generalized_contrastive, decoupled_nt_xent):
        assert 'chunk_size' in inspect.signature(fn).parameters, fn.__name__
    torch.testing.assert_close(decoupled_nt_xent(Z1, Z2, 0.2, chunk_size=3), decoupled_nt_xent(Z1, Z2, 0.2))
