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
