"""`contrastive_learner` and its callbacks refuse bad arguments when they are given (construction, or before `fit`), in one
line that names the argument, instead of after an epoch or deep inside fastai's trace."""
import pytest
import torch
from contrastive_nb.data import ProbeDataset, probe_dls
from contrastive_nb.learner import Temperature, MemoryBank, EmbeddingMetrics, KNNMonitor, contrastive_learner

def _dls(n_train=64, n_valid=32, bs=16):
    g = torch.Generator().manual_seed(0)
    ds = ProbeDataset(torch.rand(n_train + n_valid, 1, 16, 16, generator=g), torch.arange(n_train + n_valid) % 4)
    return probe_dls(ds.subset(range(n_train)), ds.subset(range(n_train, n_train + n_valid)), bs=bs, device='cpu')

def test_temperature_schedules_macls_tau0():
    learn = contrastive_learner(_dls(), 'convn', 'macl', cbs=[Temperature(0.1, 0.5)], probe=False)
    with learn.no_logging(), learn.no_bar(): learn.fit(1)
    assert 0.1 < learn.loss_func.loss.tau0 <= 0.5            # scheduled, not an unused `.tau`
    assert not hasattr(learn.loss_func.loss, 'tau')

def test_temperature_refuses_a_loss_without_the_attribute():
    with pytest.raises(ValueError, match='Temperature schedules `tau`, but the loss SimpleContrastiveLoss has no such hyper-parameter'):
        contrastive_learner(_dls(), 'convn', 'simple', cbs=[Temperature(0.1, 0.5)], probe=False)

@pytest.mark.parametrize('args, match', [((-1, 0.5), '`start` must be a finite temperature'), ((0.1, 0.), '`end` must be a finite temperature'),
                                         ((0.1, None), 'pass both `start` and `end`')])
def test_temperature_checks_its_range_at_construction(args, match):
    with pytest.raises(ValueError, match=match): Temperature(*args)

def test_memory_bank_with_a_loss_that_takes_no_bank_is_refused_when_the_learner_is_built():
    with pytest.raises(ValueError, match='MemoryBank needs a loss with a `bank` argument'):
        contrastive_learner(_dls(), 'convn', 'dcl', cbs=[MemoryBank()], probe=False)

@pytest.mark.parametrize('cls', [EmbeddingMetrics, KNNMonitor])
@pytest.mark.parametrize('kw, match', [(dict(k=0), '`k` must be an int >= 1'), (dict(t=0), '`t`'), (dict(on='x'), '`on` must be'),
                                       (dict(max_train=0), '`max_train`')])
def test_monitors_check_their_arguments(cls, kw, match):
    with pytest.raises(ValueError, match=match): cls(**kw)

def test_bad_loss_kwargs_are_refused_when_the_learner_is_built():
    with pytest.raises(ValueError, match='`tau` must be a finite temperature'):
        contrastive_learner(_dls(), 'convn', 'nt_xent', loss_kwargs=dict(tau=0), probe=False)

def test_aug_must_be_an_augment():
    with pytest.raises(TypeError, match="`aug` must be an `augment.Augment`.*got 'crop'"): contrastive_learner(_dls(), 'convn', aug='crop', probe=False)

def test_a_plain_torch_dataloader_is_refused():
    ds = ProbeDataset(torch.rand(32, 1, 16, 16), torch.arange(32) % 4)
    with pytest.raises(TypeError, match='`dls` must be fastai DataLoaders'):
        contrastive_learner(torch.utils.data.DataLoader(ds, batch_size=8), 'convn', probe=False)

def test_empty_training_set():
    ds = ProbeDataset(torch.rand(32, 1, 16, 16), torch.arange(32) % 4)
    with pytest.raises(ValueError, match='`train` holds 0 image'): probe_dls(ds.subset([]), ds, bs=8)

def test_validation_set_with_a_one_image_last_batch():
    with pytest.raises(ValueError, match='`dls.valid`: 33 images at bs=16 leave a last batch of 1 image'):
        contrastive_learner(_dls(n_valid=33), 'convn', probe=False)

def test_knn_monitor_reports_a_metric():
    learn = contrastive_learner(_dls(), 'convn', 'nt_xent', cbs=[KNNMonitor(k=5)], probe=False)
    with learn.no_bar(), learn.no_logging(): learn.fit(1)
    names = learn.recorder.metric_names
    assert 'knn_acc' in names
    assert 0 <= learn.recorder.values[-1][names.index('knn_acc') - 1] <= 1
    assert repr(KNNMonitor(k=5)) == "KNNMonitor(k=5, t=0.1, distance='cosine', on='h')"
