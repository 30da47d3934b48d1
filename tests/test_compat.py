"""`contrastive_nb.compat.lightly` against lightly itself, value for value and gradient for gradient in float64 (skipped where lightly is not installed)."""
import pytest
import torch
lightly_loss = pytest.importorskip('lightly.loss')
from contrastive_nb.compat import lightly as C

def _pair(g, n=12, d=6): return [torch.randn(n, d, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(2)]

@pytest.mark.filterwarnings('ignore::UserWarning')
@pytest.mark.parametrize('make, tol', [
    (lambda L: (L.NTXentLoss(), C.NTXentLoss()), 1e-12), (lambda L: (L.NTXentLoss(0.1), C.NTXentLoss(0.1, chunk_size=4)), 1e-12),
    (lambda L: (L.DCLLoss(), C.DCLLoss()), 1e-12), (lambda L: (L.DCLWLoss(sigma=0.3), C.DCLWLoss(sigma=0.3)), 1e-12),
    (lambda L: (L.DCLLoss(weight_fn=lambda a, b: 1 + (a * b).sum(1)), C.DCLLoss(weight_fn=lambda a, b: 1 + (a * b).sum(1), chunk_size=5)), 1e-12),
    (lambda L: (L.MACLLoss(), C.MACLLoss()), 1e-6), (lambda L: (L.MACLLoss(0.2, 0.8, 0.3), C.MACLLoss(0.2, 0.8, 0.3, chunk_size=5)), 1e-6)])
def test_same_values_and_gradients_as_lightly(make, tol):
    theirs, ours = make(lightly_loss)
    g = torch.Generator().manual_seed(0)
    for _ in range(3):
        a, b = _pair(g)
        lt, lo = theirs(a, b), ours(a, b)
        gt, go = torch.autograd.grad(lt, (a, b)), torch.autograd.grad(lo, (a, b))
        assert abs(lt.item() - lo.item()) < tol * max(1, abs(lt.item()))
        for x, y in zip(gt, go): torch.testing.assert_close(x, y, rtol=tol, atol=tol)

def test_memory_bank_over_several_steps_matches_lightly():
    theirs = lightly_loss.NTXentLoss(0.2, memory_bank_size=(40, 6)).double()
    ours = C.NTXentLoss(0.2, memory_bank_size=(40, 6)).double()
    ours.memory_bank.queue.copy_(theirs.memory_bank.bank)
    g = torch.Generator().manual_seed(1)
    for _ in range(7):   # 40 slots, batches of 12: the pointer wraps and drops the rest of a batch, as lightly's does
        a, b = _pair(g)
        torch.testing.assert_close(ours(a, b), theirs(a, b), rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(ours.memory_bank.queue, theirs.memory_bank.bank)

def test_small_tau0_macl_is_exact_where_lightlys_saturates():
    z = torch.nn.functional.normalize(torch.randn(32, 8, generator=torch.Generator().manual_seed(2)), dim=1)
    z2 = z + 1e-3 * torch.randn(32, 8, generator=torch.Generator().manual_seed(3))
    ours = C.MACLLoss(0.003)(z, z2)
    assert torch.isfinite(ours) and abs(ours.item() - 1) < 1e-3
