"`contrastive-nb profile`: the gradient-ratio probe against Wang & Liu's formula, and the command on a loss defined in a file of the working directory."
import json, subprocess
import pytest, torch
import torch.nn.functional as F
from contrastive_nb.hardness import gradient_ratio, infonce_from_sims
from contrastive_nb.profile import gradient_ratios, probe_batch

def _eq1(z1, z2, tau=0.2):
    "Wang & Liu Eq. 1: one direction, the N−1 cross-view negatives."
    s = F.normalize(z1, dim=1) @ F.normalize(z2, dim=1).T
    n = len(s)
    return infonce_from_sims(s.diag(), s[~torch.eye(n, dtype=torch.bool)].view(n, n - 1), tau).mean()

@pytest.mark.parametrize('tau', [0.05, 0.2, 1.0])
@pytest.mark.parametrize('seed', [0, 1])
def test_ratio_is_wang_liu_softmax(tau, seed):
    z1, z2 = probe_batch(seed=seed)
    g = gradient_ratios(_eq1, z1, z2, tau=tau)
    s = z1 @ z2.T
    off = ~torch.eye(32, dtype=torch.bool)
    torch.testing.assert_close(g['ratio'], gradient_ratio(s[off].view(32, 31), tau), rtol=1e-8, atol=1e-10)   # float64, through a pseudo-inverse
    assert not g['in_view'] and g['residual'] < 1e-10

def test_simple_loss_is_the_uniform_limit():
    g = gradient_ratios('simple')
    torch.testing.assert_close(g['share'], torch.full_like(g['share'], 1 / g['share'].shape[1]))
    assert abs(g['hard_share'] - g['uniform_share']) < 1e-12
    assert gradient_ratios('nt_xent', tau=0.1)['hard_share'] > 3 * g['uniform_share']

def test_batch_too_narrow_is_refused():
    with pytest.raises(ValueError, match='`d` an int >= 2n'): probe_batch(32, 63)

LOSSES = '''import torch, torch.nn.functional as F
def margin(z1, z2, tau=0.2, m=0.1):
    z = F.normalize(torch.cat([z1, z2]), dim=1); n = len(z1)
    logits = (z @ z.T / tau).masked_fill(torch.eye(2 * n, dtype=torch.bool), float('-inf'))
    t = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(logits - (m / tau) * F.one_hot(t, 2 * n), t)
def per_pair(z1, z2): return (z1 * z2).sum(1)
def nan(z1, z2): return (z1 * z2).sum() * float('nan')
def detached(z1, z2): return (z1 * z2).sum().detach()
'''

@pytest.fixture
def work(tmp_path):
    (tmp_path/'mylosses.py').write_text(LOSSES)
    return tmp_path

@pytest.mark.parametrize('fn,msg', [('per_pair', 'returned shape (16,): a loss must return a scalar'),
                                    ('nan', 'is nan on a batch of 16 random pairs: it must be finite'),
                                    ('detached', 'has no gradient with respect to z1, z2')])
def test_dry_run_refuses_in_one_line(work, fn, msg):
    r = subprocess.run(['contrastive-nb', 'profile', f'mylosses:{fn}'], cwd=work, capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and msg in r.stderr, r.stderr
    assert r.stderr.startswith(f"contrastive-nb profile: error: LOSS: cannot train with it: the loss 'mylosses:{fn}'")

def test_profile_of_a_file_loss_writes_the_report(work):
    r = subprocess.run(['contrastive-nb', 'profile', 'mylosses:margin', '--scale', 'smoke', '--seed', '0',
                        '--against', 'dcl', '--data', 'mnist-sample', '--out', 'out', '--quiet'],
                       cwd=work, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = work/'out'
    assert {'profile.md', 'results.json', 'randbit.png', 'batch.png', 'hardness.png', 'features.png'} <= {p.name for p in out.iterdir()}
    md = (out/'profile.md').read_text()
    assert '| mylosses:margin |' in md and '| dcl |' in md and 'Smoke test' in md
    res = json.loads((out/'results.json').read_text())
    assert {r['loss'] for r in res['rows']} == {'mylosses:margin', 'dcl'}
    # resumed: nothing is trained again, the same rows come back
    r2 = subprocess.run(['contrastive-nb', 'profile', 'mylosses:margin', '--scale', 'smoke', '--seed', '0',
                         '--against', 'dcl', '--data', 'mnist-sample', '--out', 'out', '--quiet', '--resume'],
                        cwd=work, capture_output=True, text=True)
    assert r2.returncode == 0, r2.stderr
    res2 = json.loads((out/'results.json').read_text())
    key = lambda rs: sorted(json.dumps({k: v for k, v in r.items() if k != 'seconds'}, sort_keys=True) for r in rs)
    assert key(res2['rows']) == key(res['rows'])
