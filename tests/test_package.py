"The installed package: importable, one version, the console scripts declared."
import re, importlib.metadata as md
from configparser import ConfigParser
import contrastive_nb
from conftest import ROOT

def test_version_single_source():
    "`__version__` in __init__.py is the version; setup.py installs exactly it and nothing else states one."
    v = contrastive_nb.__version__
    assert re.fullmatch(r'\d+\.\d+\.\d+(\.\w+)?', v), v
    assert md.version('contrastive_nb') == v
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    assert 'version' not in cfg['DEFAULT'], 'settings.ini must not repeat the version'
    assert not re.search(r'version\s*=\s*[\'"]\d', (ROOT/'setup.py').read_text())

def test_metadata_from_settings():
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini'); cfg = cfg['DEFAULT']
    meta = md.metadata('contrastive_nb')
    assert meta['Name'] == cfg['lib_name']
    reqs = ' '.join(md.requires('contrastive_nb'))
    for r in cfg['requirements'].split(): assert r.split('>')[0] in reqs
    assert 'torch>=2.1' in reqs.replace(' ', '')
    eps = {e.name for e in md.entry_points(group='console_scripts') if e.value.startswith('contrastive_nb')}
    for s in cfg['console_scripts'].split(): assert s.split('=')[0] in eps

def test_core_imports_without_fastai():
    "Losses and core are pure tensor code: importing them must not pull in fastai or matplotlib."
    import subprocess, sys
    code = "import sys, contrastive_nb.core; print(sorted(m for m in ('fastai','matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == '[]', out

def test_no_module_prints_fastais_torch_jit_warning():
    "Every module that uses fastai imports `core` (which filters fastai's import-time torch.jit.script FutureWarning) before fastai: checked in a fresh interpreter per module."
    import pkgutil, subprocess, sys
    import contrastive_nb, contrastive_nb.repro
    mods = [f"contrastive_nb.{m.name}" for m in pkgutil.iter_modules(contrastive_nb.__path__) if not m.ispkg] + \
           [f"contrastive_nb.repro.{m.name}" for m in pkgutil.iter_modules(contrastive_nb.repro.__path__)]
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)"
    import importlib.util
    uses_fastai = [m for m in mods if 'fastai' in open(importlib.util.find_spec(m).origin).read()]
    assert len(uses_fastai) >= 5, uses_fastai
    for m in uses_fastai:
        r = subprocess.run([sys.executable, '-W', 'default', '-c', code, m], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert 'torch.jit.script' not in r.stderr, f"importing {m} prints fastai's torch.jit warning: import contrastive_nb.core before fastai there"
