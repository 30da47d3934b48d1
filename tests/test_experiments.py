"The experiments registry and the `contrastive-nb` command, without training anything (the notebooks run the smoke-scale experiments)."
import subprocess
import pytest
from contrastive_nb.experiments import load_experiments, ExperimentArgError

ROWS = {'randbit': {'method', 'tau', 'bits', 'batch_size', 'acc'},
        'two-digits': {'method', 'tau', 'second_size', 'first_acc', 'second_acc'},
        'multidigits': {'method', 'placement', 'count', 'acc'},
        'digit-on-image': {'method', 'tau', 'K', 'digit_acc', 'image_acc'},
        'tau-sweep': {'tau', 'knn_acc', 'linear_acc', 'uniformity', 'tolerance'},
        'hard-negatives': {'loss', 'tau', 'alpha', 'knn_acc', 'linear_acc', 'uniformity', 'tolerance'},
        'class-collapse': {'beta', 'epoch', 'sub_acc', 'super_acc'},
        'embedding-size': {'method', 'dim', 'bits', 'acc'},
        'macl': {'method', 'batch_size', 'tau0', 'knn_acc', 'linear_acc', 'semantic_sensitivity', 'tau_first', 'tau_last'},
        'semantic-sensitivity': {'schedule', 'epoch', 'semantic_sensitivity', 'knn_acc', 'tau'},
        'generalized': {'loss', 'lam', 'head_layers', 'batch_size', 'acc', 'acc_z', 'alignment', 'uniformity'},
        'local-features': {'data', 'features', 'layer', 'k', 'score', 'object_iou'}}

@pytest.fixture(scope='module')
def exps(): return load_experiments()

def _cli(*args):
    return subprocess.run(['contrastive-nb', *args], capture_output=True, text=True)

def test_registry_has_the_experiments_with_their_row_keys(exps):
    for name, keys in ROWS.items():
        e = exps[name]
        assert keys <= set(e.keys) | set(e.metrics), (name, keys - set(e.keys) - set(e.metrics))
        assert {'epochs', 'device'} <= set(e.options), name
        assert e.cpu_time and e.summary

def test_paper_rows_name_known_settings_and_a_source(exps):
    for e in exps.values():
        for p in e.paper:
            assert p['source'], e.name
            assert any(m in p for m in e.metrics), (e.name, p)
        assert e.paper or e.paper_note, f"{e.name}: neither published numbers nor the paper's claim"

def test_presets_pass_their_own_checks(exps):
    for e in exps.values():
        for scale in ('cpu', 'full', 'gpu', 'smoke'):
            cfg = e.resolve(scale, device='cpu')
            assert cfg['scale'] == scale

def test_full_preset_trains_on_the_full_offline_data_and_states_its_time(exps):
    "Every experiment has a `full` preset with a measured time per model (its list line); those that take images train on all of Fashion-MNIST."
    for e in exps.values():
        assert e.full and e.full_time.startswith('≈ ') and 'per model' in e.full_time, e.name
        cfg = e.resolve('full', device='cpu')
        if 'data' in e.options and e.options['data'][0] == 'mnist-sample':   # a source option whose default is the digit sample
            if e.name in ('two-digits', 'multidigits', 'digit-calibration'): continue               # digits: only the 5,000-digit sample is offline
            assert (cfg['data'], cfg['n_train'], cfg['n_test']) == ('fashion-mnist', 60000, 10000), e.name
        assert cfg['epochs' if 'epochs' in cfg else 'steps'] > e.resolve('cpu')['epochs' if 'epochs' in cfg else 'steps'] or cfg['n_train'] > e.resolve('cpu')['n_train'], e.name
    r = _cli('list')
    assert r.stdout.count('; full: ≈ ') == len(exps), r.stdout

@pytest.mark.parametrize('name,args,msg', [
    ('randbit', ['--bits', '65'], '--bits: must be in [0, 64], got 65'),
    ('two-digits', ['--sizes', '40'], '--sizes: 40 px beside the 12 px first digit does not fit on a 48 px canvas'),
    ('multidigits', ['--counts', '17'], '--counts: must be in [1, 16], got 17'),
    ('digit-on-image', ['--pool-sizes', '0'], '--pool-sizes: must be in [1, 4000], got 0'),
    ('digit-on-image', ['--epochs', '0'], '--epochs: must be in [1, ∞], got 0'),
    ('tau-sweep', ['--taus', '0'], '--taus: must be > 0, got 0.0'),
    ('tau-sweep', ['--n-train', '4500'], '--n-train: + n_test must be at most 5000 (mnist-sample is one pool of 5000 images), got 4500 + 1000'),
    ('tau-sweep', ['--data', 'svhn'], "--data: must be one of mnist-sample, mnist, fashion-mnist, cifar10, cifar100, imagenette, textures or folder:PATH; got 'svhn'"),
    ('two-digits', ['--data', 'fashion-mnist'], "--data: 'fashion-mnist' holds images; this experiment needs digits: mnist-sample, mnist"),
    ('multidigits', ['--data', 'folder:/no/such/dir'], "--data: 'folder:/no/such/dir': '/no/such/dir' is not a folder"),
    ('randbit', ['--data', 'fashion-mnist', '--n-test', '20000'], '--n-test: must be at most 10000, the test images of fashion-mnist; got 20000'),
    ('randbit', ['--methods', 'no_module_here:loss'], "--methods: cannot train with it: the loss 'no_module_here:loss': cannot import 'no_module_here' (ModuleNotFoundError: No module named 'no_module_here')"),
    ('hard-negatives', ['--losses', 'triplet'], "--losses: must be one of nt_xent, simple, hard_nt_xent, hard_simple, random, a registered loss or 'module:function'; got 'triplet'"),
    ('hard-negatives', ['--bank', 'fifo'], "argument --bank: invalid choice: 'fifo' (choose from 'ema', 'none')"),
    ('class-collapse', ['--betas', '1.5'], '--betas: must be in [0, 1], got 1.5'),
    ('class-collapse', ['--data', 'cifar10'], "--data: 'cifar10' has no superclasses; this experiment needs one of mnist-sample, mnist, fashion-mnist, cifar100"),
    ('embedding-size', ['--methods', 'supervised'], "--methods: must be one of ucl, joint, scl, random, a registered loss or 'module:function'; got 'supervised'"),
    ('macl', ['--methods', 'flatnce'], "--methods: must be one of infonce, linear, macl-a, macl-b, macl-w, dcl, dclw, dual, random, a registered loss or 'module:function'; got 'flatnce'"),
    ('macl', ['--data', 'folder:/no/such/dir'], "--data: 'folder:/no/such/dir': '/no/such/dir' is not a folder"),
    ('digit-on-image', ['--data', 'mnist'], "--data: 'mnist' holds digits; this experiment needs images: fashion-mnist, cifar10, cifar100, imagenette, textures"),
    ('digit-on-image', ['--digit-size', '20'], "--digit-size: 20 px does not fit at the grid offsets of a 48 px image (at most 12 px)"),
    ('generalized', ['--data', 'fashion-mnist', '--n-train', '70000'], '--n-train: must be at most 60000, the training images of fashion-mnist; got 70000'),
    ('macl', ['--batch-sizes', '8192'], '--batch-sizes: must not exceed n_train = 4000, got 8192'),
    ('macl', ['--tau0s', '0'], '--tau0s: must be > 0, got 0.0'),
    ('macl', ['--recipe', 'lars'], "argument --recipe: invalid choice: 'lars' (choose from 'adam', 'sgd-step', 'adam-const')"),
    ('macl', ['--center-methods', 'flatnce'], "--center-methods: must be one of infonce, linear, macl-a, macl-b, macl-w, dcl, dclw, dual, random, a registered loss or 'module:function'; got 'flatnce'"),
    ('semantic-sensitivity', ['--lr', '0'], '--lr: must be > 0, got 0.0'),
    ('semantic-sensitivity', ['--schedules', 'cosine'], "argument --schedules: invalid choice: 'cosine' (choose from 'fixed', 'linear-1', 'linear-2', 'macl-a', 'macl-b')"),
    ('generalized', ['--head-layers', '5'], '--head-layers: must be in [0, 4], got 5'),
    ('generalized', ['--losses', 'swd-laplace'], "--losses: must be one of nt_xent, decoupled, swd-hypersphere, swd-hypercube, swd-normal, random, a registered loss or 'module:function'; got 'swd-laplace'"),
    ('local-features', ['--canvas', '44'], '--canvas: must be a multiple of 8 (the encoders\' deepest stride), got 44'),
    ('local-features', ['--ks', '40'], '--ks: must be at most 36, the cells of the deepest 6×6 map'),
    ('local-features', ['--features', 'dino'], "argument --features: invalid choice: 'dino' (choose from 'simclr', 'supervised', 'random', 'pixels')"),
    ('local-features', ['--layers', '5'], '--layers: must be in [1, 4], got 5'),
    ('semantic-sensitivity', ['--every', '0'], '--every: must be in [1, ∞], got 0'),
    ('embedding-size', ['--embedding', 'h', '--encoder', 'resnet18'], "--embedding: 'h' sets the width of ConvN's representation: use --encoder convn, got 'resnet18'"),
])
def test_bad_option_is_one_line_and_exit_2(name, args, msg):
    r = _cli('run', name, *args)
    assert r.returncode == 2
    assert r.stderr == f"contrastive-nb run {name}: error: {msg}\n", r.stderr
    assert r.stdout == ''

def test_unknown_experiment_and_option():
    r = _cli('run', 'simclr-imagenet')
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "invalid choice: 'simclr-imagenet'" in r.stderr
    r = _cli('run', 'randbit', '--bitz', '3')
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and '--bitz' in r.stderr

def test_list_and_help():
    r = _cli('list')
    assert r.returncode == 0 and r.stderr == ''
    for name in ROWS: assert name in r.stdout
    assert r.stdout.count('cpu preset:') == len(r.stdout.strip().splitlines())
    h = _cli('run', 'two-digits', '--help')
    assert h.returncode == 0
    for opt in ('--sizes SIZES [SIZES ...]', '--methods', '--taus', '--seed', '--scale', '--out', '--quiet', '--epochs', '--device'):
        assert opt.split()[0] in h.stdout, opt
    assert 'cpu: 12 24 36; gpu: 20 60' in ' '.join(h.stdout.split())

def test_bad_value_raises_named_error(exps):
    with pytest.raises(ExperimentArgError, match='`taus` must be > 0'): exps['randbit'].resolve(taus=[-0.1])

def test_wang_liu_paper_rows_join_on_their_settings(exps):
    "Table 1's rows: uniformity is stored as L_u (the printed −L_u negated), and each hard row names the paper's α."
    e = exps['hard-negatives']
    by = {(p['loss'], p['tau']): p for p in e.paper}
    assert by[('nt_xent', 0.3)]['linear_acc'] == 83.27 and by[('nt_xent', 0.3)]['uniformity'] == -3.60
    assert by[('simple', None)]['tolerance'] == 0.61 and by[('hard_simple', None)]['alpha'] == 0.0819
    assert all(p['uniformity'] < 0 for p in e.paper)
    assert [p['tau'] for p in exps['tau-sweep'].paper] == [0.07, 0.3, 0.7, 1.0]

def test_xue_paper_rows_join_on_their_settings(exps):
    "Xue et al.'s CIFAR100-RandBit rows sit beside β = 1 (SCL), 0 (UCL) and our joint β = 0.5; the embedding rows beside UCL at 4, 64, 128."
    e = exps['class-collapse']
    by = {p['beta']: (p['sub_acc'], p['super_acc']) for p in e.paper}
    assert by == {1.0: (28.1, 61.1), 0.0: (34.1, 52.3), 0.5: (35.7, 63.9)}
    assert 'not given' in e.paper[0]['source']  # the slides do not state the joint β: the source says so
    emb = exps['embedding-size']
    assert [(p['method'], p['dim'], p['acc']) for p in emb.paper] == [('ucl', 4, 86.73), ('ucl', 64, 96.82), ('ucl', 128, 97.65)]

def test_huang_paper_rows_join_on_their_settings(exps):
    "MACL Table 2: the τ0 sweep (STL10) at batch 256 and the batch sweep (CIFAR10) at τ0 = 0.1; Table 4's MACL-w; Table 1 beside the last epoch."
    e = exps['macl']
    by = {(p['method'], p['batch_size'], p['tau0']): p for p in e.paper}
    assert by[('infonce', 64, 0.1)]['linear_acc'] == 81.61 and by[('macl-b', 64, 0.1)]['linear_acc'] == 87.11
    assert by[('macl-a', 256, 0.07)]['knn_acc'] == 80.94 and 'STL10' in by[('macl-a', 256, 0.07)]['source']
    assert by[('dcl', 256, 0.1)]['semantic_sensitivity'] == 0.309 and 'CIFAR10' in by[('dcl', 256, 0.1)]['source']
    assert by[('macl-w', 256, 0.1)]['linear_acc'] == 86.34 and 'MACL-c' in by[('macl-w', 256, 0.1)]['source']
    s = exps['semantic-sensitivity']
    assert {p['schedule']: p['knn_acc'] for p in s.paper} == {'fixed': 78.70, 'linear-1': 85.46, 'linear-2': 87.06}
    assert all(p['final'] is True for p in s.paper)


# ---- runs that survive interruption (real smoke trainings through the command) ----
import json, os, signal, time
from pathlib import Path

SMOKE = ['run', 'randbit', '--scale', 'smoke', '--bits', '0', '3', '--quiet']

def _rows(folder): return json.loads((Path(folder)/'results.json').read_text())['rows']
def _no_time(rows): return [{k: v for k, v in r.items() if k != 'seconds'} for r in rows]

def test_killed_run_resumes_to_the_full_row_set(tmp_path):
    "SIGTERM after the first model, then --resume: the rows of an uninterrupted run, the first one untouched; a changed option is refused."
    whole, cut = tmp_path/'whole', tmp_path/'cut'
    r = _cli(*SMOKE, '--out', str(whole)); assert r.returncode == 0, r.stderr[-2000:]
    p = subprocess.Popen(['contrastive-nb', *SMOKE, '--out', str(cut)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rows_file, t0 = cut/'rows.jsonl', time.time()
    while time.time() - t0 < 120 and p.poll() is None:   # wait for the first model's line, then kill
        if rows_file.exists() and len(rows_file.read_text().splitlines()) >= 2: break
        time.sleep(0.05)
    assert p.poll() is None, f"the run ended before it could be killed: {p.stderr.read()[-1000:]}"
    p.send_signal(signal.SIGTERM); p.wait(60)
    assert p.returncode == -signal.SIGTERM
    saved = json.loads((cut/'results.json').read_text())
    assert saved['complete'] is False and 1 <= len(saved['rows']) < len(_rows(whole))
    first = saved['rows'][0]
    # other epochs (every model changes; randbit's lists only choose models): refused in one line, exit 2
    r = _cli(*SMOKE[:-1], '--epochs', '2', '--out', str(cut), '--resume')
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and '--resume:' in r.stderr and 'epochs: 1 there, 2 now' in r.stderr, r.stderr
    r = _cli(*SMOKE, '--out', str(cut), '--resume'); assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((cut/'results.json').read_text())
    assert res['complete'] is True and res['rows'][0] == first
    assert _no_time(res['rows']) == _no_time(_rows(whole))
    assert len((cut/'rows.jsonl').read_text().splitlines()) == 1 + len(res['rows'])   # one line per model (randbit: one row each)

def test_extended_run_trains_only_the_new_models(tmp_path):
    "macl's sweeps are a `grid`: resumed with another batch size and a second seed, a run trains only those models and reuses the one both plans share, unchanged; an option that changes every model is still refused."
    base = ['run', 'macl', '--scale', 'smoke', '--quiet', '--methods', 'infonce', '--out', str(tmp_path/'m')]
    r = _cli(*base); assert r.returncode == 0, r.stderr[-2000:]
    first = _rows(tmp_path/'m')
    assert [x['batch_size'] for x in first] == [64]
    r = _cli(*base, '--batch-sizes', '64', '32', '--seed', '0', '1', '--resume'); assert r.returncode == 0, r.stderr[-2000:]
    rows = _rows(tmp_path/'m')
    assert [(x['batch_size'], x['seed']) for x in rows] == [(64, 0), (32, 0), (64, 1), (32, 1)]
    assert rows[0] == first[0]                                                   # reused, its seconds too
    assert len((tmp_path/'m'/'rows.jsonl').read_text().splitlines()) == 1 + 4    # three models trained, one kept
    r = _cli(*base, '--epochs', '2', '--resume')
    assert r.returncode == 2 and 'epochs: 1 there, 2 now' in r.stderr and 'only seeds, methods, center_methods, batch_sizes, tau0s, batch_size, tau0 may change' in r.stderr, r.stderr

def test_progress_line_on_a_terminal_only(tmp_path, monkeypatch):
    "On a terminal the run redraws one line (models done of planned, the model, its epoch, ETA); through a pipe there is no control character, only the per-model lines."
    import pty
    monkeypatch.setenv('COLUMNS', '200')   # the line is cut to the terminal's width
    out = bytearray()
    def read(fd):
        data = os.read(fd, 4096); out.extend(data); return data
    status = pty.spawn(['contrastive-nb', *SMOKE[:-1], '--out', str(tmp_path/'tty')], read)
    assert os.waitstatus_to_exitcode(status) == 0, out.decode()[-2000:]
    states = out.decode().split('\r\x1b[K')
    assert any('0/6 models | method=simclr tau=0.2 batch_size=256 bits=0 seed=0, epoch 0/1 | ' in s for s in states), states[:3]
    assert any(' 3/6 models | ' in s and ', ETA ' in s for s in states)
    assert any(s.startswith('████████████████████ 6/6 models | ') for s in states)
    r = _cli(*SMOKE[:-1], '--out', str(tmp_path/'pipe')); assert r.returncode == 0, r.stderr[-2000:]
    assert '\x1b' not in r.stdout and '\r' not in r.stdout and r.stdout.count('randbit ') == 6
    assert _no_time(_rows(tmp_path/'tty')) == _no_time(_rows(tmp_path/'pipe'))   # the line changes nothing in the rows
    q = _cli(*SMOKE, '--out', str(tmp_path/'quiet')); assert 'randbit ' not in q.stdout
    monkeypatch.setenv('COLUMNS', '60'); out.clear()
    pty.spawn(['contrastive-nb', *SMOKE[:-1], '--out', str(tmp_path/'narrow')], read)
    bars = [s.split('\r\n')[0] for s in out.decode().split('\r\x1b[K') if s[:1] in ('█', '-')]
    assert bars and all(len(b) <= 59 for b in bars)   # never wider than the terminal: no wrapped lines

SPREAD = "import torch\ndef spread(z1, z2, tau=0.5):\n    z = torch.cat([z1, z2])\n    return (z1 - z2).pow(2).sum(1).mean() + torch.logsumexp(z @ z.T / tau, 1).mean()\n"

@pytest.mark.parametrize('name,args', [('macl', ['--methods', 'infonce', 'mylosses:spread']),
                                       ('embedding-size', ['--methods', 'ucl', 'mylosses:spread']),
                                       ('digit-on-image', ['--methods', 'simclr', 'mylosses:spread', '--pool-sizes', '1']),
                                       ('hard-negatives', ['--losses', 'simple', 'mylosses:spread']),
                                       ('generalized', ['--losses', 'nt_xent', 'mylosses:spread', '--head-layers', '2'])])
def test_user_loss_trains_beside_the_builtin_methods(tmp_path, name, args):
    "A loss given as module:function, importable from the working directory, is its own method in the rows (with τ when it takes one)."
    (tmp_path/'mylosses.py').write_text(SPREAD)
    r = subprocess.run(['contrastive-nb', 'run', name, '--scale', 'smoke', *args, '--quiet', '--out', 'out'], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    rows = _rows(tmp_path/'out')
    key = 'loss' if args[0] == '--losses' else 'method'
    assert {r[key] for r in rows} >= {args[1], 'mylosses:spread'}
    if name == 'macl': assert all(r['tau_first'] == 0.1 for r in rows if r['method'] == 'mylosses:spread')   # τ0 as its tau

@pytest.mark.parametrize('args,source', [(['tau-sweep', '--data', 'fashion-mnist'], 'Fashion-MNIST train'), (['digit-on-image'], 'Fashion-MNIST train')])
def test_fashion_smoke_runs_from_the_command(tmp_path, args, source):
    "The issue's two commands: a τ sweep on Fashion-MNIST, and DigitOnImage on its default Fashion-MNIST backgrounds, at smoke scale."
    r = _cli('run', *args, '--scale', 'smoke', '--quiet', '--out', str(tmp_path/'o')); assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path/'o'/'results.json').read_text())
    assert res['complete'] and res['rows'] and res['provenance']['data'][0]['name'] == source

def test_every_experiment_counts_its_models_without_training(exps):
    "The dry pass behind the progress line: every experiment asks `pending` before each model, so its models can be counted, and nothing is trained."
    from contrastive_nb.experiments import planned_models
    for e in exps.values():
        cfg = e.resolve('smoke', device='cpu')
        n = planned_models(e, {k: v for k, v in cfg.items() if k not in ('scale', 'seeds')}, [0, 1])
        assert isinstance(n, int) and n > 0 and n % 2 == 0, (e.name, n)

def test_resumed_summary_rows_use_the_saved_models(tmp_path):
    "randbit-batch's tolerated-bits row summarises several models: resumed with every model saved, it trains none and gives the same rows."
    args = ['run', 'randbit-batch', '--scale', 'smoke', '--quiet', '--out', str(tmp_path/'rb')]
    r = _cli(*args); assert r.returncode == 0, r.stderr[-2000:]
    first = _rows(tmp_path/'rb')
    t = time.time(); r = _cli(*args, '--resume'); assert r.returncode == 0, r.stderr[-2000:]
    assert _no_time(_rows(tmp_path/'rb')) == _no_time(first)
    assert [x['tolerated_bits'] for x in first if x['bits'] is None] == [x['tolerated_bits'] for x in _rows(tmp_path/'rb') if x['bits'] is None]
    lines = (tmp_path/'rb'/'rows.jsonl').read_text().splitlines()
    assert sum(json.loads(l).get('key') is not None for l in lines[1:]) == 4   # 2 batch sizes x 2 bit counts, each saved once

def test_same_command_same_rows_and_provenance(tmp_path):
    "Two identical smoke runs give identical rows (all but the timings); results.json says what made them."
    for d in ('a', 'b'):
        r = _cli(*SMOKE, '--out', str(tmp_path/d)); assert r.returncode == 0, r.stderr[-2000:]
    assert _no_time(_rows(tmp_path/'a')) == _no_time(_rows(tmp_path/'b'))
    prov = json.loads((tmp_path/'a'/'results.json').read_text())['provenance']
    import torch, fastai, contrastive_nb
    assert (prov['torch'], prov['fastai'], prov['version']) == (torch.__version__, fastai.__version__, contrastive_nb.__version__)
    assert prov['threads'] == torch.get_num_threads() and prov['device'].startswith('cpu: ')
    assert [(d['role'], d['n']) for d in prov['data']] == [('train', 400), ('test', 200)] and all(len(d['sha256']) == 16 for d in prov['data'])
    assert prov['started'] <= prov['finished']


# ---- every gpu preset, one step at tiny sizes on the CPU: a Colab user's first GPU run is not that code path's first run ----
ONE = {'epochs', 'probe_epochs', 'steps', 'every'}
TINY = dict(n_train=16, n_test=16, n_probe=16, n_per_class=4, batch_size=8)
SWEEPS = {'pool_sizes', 'taus', 'tau0s', 'bits', 'dims', 'counts', 'sizes', 'lams', 'head_layers', 'layers', 'ks', 'betas', 'alphas'}

def tiny_gpu_options(e):
    "The gpu preset's options with its encoder and input size kept; epochs, images and batches shrunk, each sweep cut to its largest value, each other list to its first (the smoke tests run every method)."
    cfg = e.resolve('gpu', device='cpu')
    opts = {k: v for k, v in cfg.items() if k not in ('scale', 'seeds')}
    for k, v in opts.items():
        if k in ONE: opts[k] = 1
        elif k in TINY: opts[k] = TINY[k]
        elif k == 'batch_sizes': opts[k] = [8]
        elif k == 'bits': opts[k] = sorted({min(v), max(v)})   # randbit-batch's curve needs 0 bits
        elif k in SWEEPS: opts[k] = [max(v)]
        elif isinstance(v, list): opts[k] = v[:1]
    return cfg, opts

@pytest.mark.parametrize('name', sorted(ROWS) + ['randbit-batch'])
def test_gpu_preset_runs_one_step_on_cpu(exps, name):
    e = exps[name]
    cfg, opts = tiny_gpu_options(e)
    assert {k: opts[k] for k in ('encoder', 'size', 'canvas', 'digit_size') if k in opts} == {k: cfg[k] for k in ('encoder', 'size', 'canvas', 'digit_size') if k in cfg}
    rows = list(e.fn(**opts, seed=0))
    assert rows, name
    units = [r for u in rows for r in ([u] if isinstance(u, dict) else u)]
    assert all(set(e.keys) <= set(r) for r in units), (name, units[0])

def test_result_figure_loads_the_experiment_it_needs():
    "`result_figure` on a saved result draws the experiment's registered figure in a fresh Python that has imported no `repro` module."
    import subprocess, sys
    from conftest import NBS
    code = ("import matplotlib; matplotlib.use('Agg'); import sys; from contrastive_nb.report import result_figure; from contrastive_nb.experiments import EXPERIMENTS; assert not EXPERIMENTS; "
            f"fig = result_figure({str(NBS/'tutorials/results/randbit.json')!r}); print(len(fig.axes), 'contrastive_nb.repro.randbit' in sys.modules)")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ['1', 'True'], r.stdout
