"Every notebook runs top to bottom with nbdev's test machinery, skipping the cells flagged in `tst_flags`."
import subprocess, sys
import pytest
from conftest import ROOT, notebooks

RUN = """
import sys
from nbdev.config import get_config
from nbdev.test import test_nb
ok, secs = test_nb(sys.argv[1], skip_flags=get_config().tst_flags.split())
print(f'{sys.argv[1]}: {secs:.1f}s')
sys.exit(0 if ok else 1)
"""

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: str(p.relative_to(ROOT/'nbs')))
def test_notebook_runs(nb):
    "Run in a fresh interpreter so notebooks cannot leak state into each other."
    r = subprocess.run([sys.executable, '-c', RUN, str(nb)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, f"{nb.name} failed:\n{r.stdout[-4000:]}\n{r.stderr[-8000:]}"
