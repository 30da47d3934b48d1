"Shared fixtures: the project root and its notebooks."
import json, sys
from pathlib import Path
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent/'tools'))  # tools/docsite.py, the offline site builder

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'

def notebooks():
    "Every notebook under nbs/, skipping hidden and underscore folders (as nbdev does)."
    return sorted(p for p in NBS.rglob('*.ipynb')
                  if not any(part.startswith(('.', '_')) for part in p.relative_to(NBS).parts))

def directives(src:str)->dict:
    "nbdev `#| key: value` directives at the top of a cell's source."
    out = {}
    for line in src.splitlines():
        if not line.startswith('#|'): break
        k, _, v = line[2:].strip().partition(':')
        out[k.strip()] = v.strip()
    return out

def read_nb(p): return json.loads(Path(p).read_text(encoding='utf-8'))

@pytest.fixture(scope='session')
def root(): return ROOT
