"The offline docs site, the README, the Colab cells and the CI script."
import re, json
from pathlib import Path
import pytest
from conftest import ROOT, NBS, notebooks, directives, read_nb

def _visible_images(nb):
    "Base64 PNG/JPEG outputs of the cells that the docs show (not hidden, output not suppressed)."
    out = []
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        d = directives(''.join(c['source']))
        if 'hide' in d or d.get('include') == 'false' or d.get('output') == 'false': continue
        for o in c.get('outputs', []):
            for mime in ('image/png', 'image/jpeg'):
                if mime in o.get('data', {}): out.append(''.join(o['data'][mime]).replace('\n', ''))
    return out

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    from contrastive_nb.docsite import build_site
    out = tmp_path_factory.mktemp('site')
    build_site(out)
    return out

def test_every_notebook_has_a_page_with_its_images(site):
    from contrastive_nb.docsite import page_name
    n_images = 0
    for nb in notebooks():
        page = site/page_name(nb.relative_to(NBS))
        assert page.exists(), f"no page for {nb.name}"
        html = page.read_text(encoding='utf-8')
        flat = html.replace('\n', '')
        for img in _visible_images(read_nb(nb)):
            assert img in flat, f"an image output of {nb.name} is missing from {page.name}"
            n_images += 1
        for other in notebooks():   # navigation links every page
            assert page_name(other.relative_to(NBS)).split('/')[-1] in html
    assert n_images >= 1

def test_core_page_shows_docs_and_figure(site):
    html = (site/'core.html').read_text(encoding='utf-8')
    for name in ('pair_masks', 'l2_normalize', 'check_pair', 'show_pairs'): assert name in html
    assert 'data:image/png;base64' in html

def _words(s): return re.findall(r'[A-Za-z0-9]+', s)

def test_readme_in_sync_with_index():
    "README.md holds the same text as index.ipynb rendered (layout may differ between nbconvert and Quarto)."
    from contrastive_nb.docsite import render_readme
    assert _words((ROOT/'README.md').read_text(encoding='utf-8')) == _words(render_readme()), \
        "README.md is out of date: run `contrastive-nb-docs`"

def test_index_lists_every_notebook_with_colab_link():
    idx = ''.join(''.join(c['source']) for c in read_nb(NBS/'index.ipynb')['cells'])
    for nb in notebooks():
        if nb.name == 'index.ipynb': continue
        rel = nb.relative_to(ROOT).as_posix()
        assert f'colab.research.google.com/github/contrastive-nb/contrastive_nb/blob/main/{rel}' in idx, f"index lacks a Colab link for {rel}"

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: p.name)
def test_first_code_cell_installs_in_colab_only(nb):
    code = [''.join(c['source']) for c in read_nb(nb)['cells'] if c['cell_type'] == 'code']
    assert code, f"{nb.name} has no code cell"
    first = code[0]
    assert "'google.colab' in str(get_ipython())" in first and '%pip install' in first, f"{nb.name}: first code cell must be the Colab install cell"

def test_ci_runs_the_readme_test_command():
    readme = (ROOT/'README.md').read_text(encoding='utf-8')
    cmds = re.findall(r'```sh\n(.*?)\n```', readme, re.S)
    test_cmd = [c for c in cmds if 'pytest' in c]
    assert len(test_cmd) == 1
    ci = (ROOT/'.ci'/'run').read_text()
    assert test_cmd[0].strip() in ci.splitlines(), ".ci/run must run the README's test command verbatim"

_CONTROL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f]')   # every control character but \t and \n (\r included: progress bars)

def output_problems(nb:dict)->list:
    "What a reader should not see in a notebook's saved outputs: stderr streams, error outputs, Python warnings, tracebacks, control characters."
    out = []
    for i, c in enumerate(nb['cells']):
        for o in c.get('outputs', []):
            if o.get('name') == 'stderr': out.append(f"cell {i}: an output on stderr: {''.join(o.get('text', ''))[:200]!r}")
            if o.get('output_type') == 'error': out.append(f"cell {i}: an error output")
            texts = [''.join(o.get('text', ''))] + [''.join(v) for k, v in o.get('data', {}).items() if k.startswith('text/')]
            for t in texts:
                if re.search(r'\b\w*Warning: ', t): out.append(f"cell {i}: a Python warning: {t[:200]!r}")
                if 'Traceback (most recent call last)' in t: out.append(f"cell {i}: a traceback")
                m = _CONTROL.search(t)
                if m: out.append(f"cell {i}: control character {m.group()!r}")
    return out

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: str(p.relative_to(NBS)))
def test_saved_outputs_are_clean(nb):
    "Pages are what readers see: every saved output is free of warnings, tracebacks and control characters."
    problems = output_problems(read_nb(nb))
    assert not problems, f"{nb.relative_to(NBS)}: " + '; '.join(problems)

def test_output_check_catches_each_problem():
    cell = lambda *outs: dict(cell_type='code', source=[], outputs=list(outs))
    bad = dict(cells=[cell(dict(output_type='stream', name='stderr', text=['x'])),
                      cell(dict(output_type='stream', name='stdout', text=['/a.py:1: FutureWarning: old\n'])),
                      cell(dict(output_type='stream', name='stdout', text=[' 50%|###  \r 100%|#####'])),
                      cell(dict(output_type='execute_result', data={'text/plain': ['Traceback (most recent call last):']})),
                      cell(dict(output_type='error', ename='E', evalue='', traceback=[]))])
    problems = output_problems(bad)
    for what in ('stderr', 'Python warning', "control character '\\r'", 'traceback', 'error output'): assert any(what in p for p in problems), (what, problems)
    assert output_problems(dict(cells=[cell(dict(output_type='stream', name='stdout', text=['a\tb\n| x | y |\n']))])) == []
