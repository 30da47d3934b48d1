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
    from docsite import build_site
    out = tmp_path_factory.mktemp('site')
    build_site(out)
    return out

def test_every_notebook_has_a_page_with_its_images(site):
    from docsite import page_name
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

def _visible_text(page:str)->str:
    "The text a reader sees: tags, code, scripts, styles and MathML removed."
    t = re.sub(r'<(pre|code|script|style|math)\b.*?</\1>', ' ', page, flags=re.S)
    return re.sub(r'<[^>]+>', ' ', t)

def test_pages_render_math_offline_and_request_nothing(site):
    "No raw LaTeX survives in any page's visible text, every formula is MathML, and no page loads a script from the network."
    n_math = 0
    for page in sorted(site.rglob('*.html')):
        html = page.read_text(encoding='utf-8')
        raw = re.findall(r'\$\$.+?\$\$|\$[^$\s][^$\n]*?\\[a-zA-Z]+[^$\n]*?\$', _visible_text(html), flags=re.S)
        assert not raw, f"{page.name}: raw LaTeX {raw[:2]}"
        assert not re.findall(r'<script[^>]*src="https?://', html), f"{page.name} loads a script from the network"
        assert '<script type="text/x-mathjax-config"' not in html, page.name
        n_math += html.count('<math')
    assert n_math >= 200  # the derivation pages are full of formulas: they are all there, as MathML

def test_cell_options_are_honoured_on_the_pages(site):
    "show_doc cells (`#| echo: false`, `#| output: asis`) show API docs, not their code; no directive line is shown."
    for name in ('core.html', 'ntxent.html', 'distributed.html'):
        html = (site/name).read_text(encoding='utf-8')
        assert 'show_doc(' not in html and '#| ' not in html, name
    assert 'gather_rows' in (site/'distributed.html').read_text(encoding='utf-8')

def site_problems(site:Path)->list:
    "What a reader of the site should not meet, page by page: no search box, no table of contents on a page with sections, a link to a page that is not there or to an id the page does not have, an output showing a pipe table as text, a subtitle showing markdown, a link to the published site (the offline site must stay offline), an API entry with no source link (or one to no line), link attributes shown as text, and a tutorial page whose headline figure (a captioned figure with an image) is not above its first section."
    import html as _html, posixpath
    ids = {p.relative_to(site).as_posix(): set(re.findall(r'\bid="([^"]+)"', p.read_text(encoding='utf-8'))) for p in site.rglob('*.html')}
    problems = []
    for rel in sorted(ids):
        page = (site/rel).read_text(encoding='utf-8')
        if 'id="cnb-q"' not in page: problems.append(f"{rel}: no search box")
        if re.search(r'<h[23]\b', page.split('<main', 1)[-1]) and 'class="cnb-toc"' not in page: problems.append(f"{rel}: no table of contents")
        for href in re.findall(r'<a\b[^>]*?\bhref="([^"]*)"', page):   # links, not code that shows one
            if re.match(r'[a-z]+:', href) or not (href.startswith('#') or '.html' in href): continue
            path, _, frag = _html.unescape(href).partition('#')
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path)) if path else rel
            if target not in ids: problems.append(f"{rel}: a link to a missing page: {href}")
            elif frag and frag not in ids[target]: problems.append(f"{rel}: the anchor {href} resolves to no id")
        for out in re.findall(r'<div class="jp-RenderedText[^"]*"[^>]*>\s*<pre>(.*?)</pre>', page, re.S):
            if re.search(r'^\|[-| :]+\|$', out, re.M): problems.append(f"{rel}: an output shows a pipe table as text"); break
        m = re.search(r'<p class="cnb-desc">(.*?)</p>', page, re.S)
        if m and re.search(r'`|\*', re.sub(r'<code>.*?</code>', '', m.group(1), flags=re.S)): problems.append(f"{rel}: the subtitle shows markdown")
        for href in re.findall(r'<a\b[^>]*?\bhref="(https?://[^"]*\.github\.io[^"]*)"', page): problems.append(f"{rel}: a link leaves the site: {href}")
        for m in re.finditer(r'(<p><a href="([^"]*)"[^>]*>source</a></p>\s*)?<h([34]) id="([^"]+)"[^>]*>(?:(?!</h\3>).)*</h\3><div class="highlight"><pre><span></span><span class="k">(?:def|class)\b', page, re.S):
            if not m.group(1) or not re.fullmatch(r'https://github\.com/[^/]+/[^/]+/blob/[^/]+/\S+\.py#L\d+', m.group(2)):
                problems.append(f"{rel}: the API entry #{m.group(4)} has no source link" + (f" to a line ({m.group(2)})" if m.group(1) else ''))
        if re.search(r'</a>\{[^}]*="', page): problems.append(f"{rel}: link attributes shown as text")
        if rel.startswith('tutorials/'):
            top = page.split('<main', 1)[-1].split('<h2', 1)[0]
            if not re.search(r'<figure class="cnb-fig">\s*<img\b.*?<figcaption>.+?</figcaption>', top, re.S): problems.append(f"{rel}: no headline figure above the first section")
    return problems

def test_site_check_catches_each_problem(tmp_path):
    "site_problems, shown to fail: a deliberately broken three-page site trips every rule, a mended one trips none."
    api = '<h3 id="f">f</h3><div class="highlight"><pre><span></span><span class="k">def</span> f()</pre></div>'
    src = '<p><a href="https://github.com/o/r/blob/main/r/m.py#L12" target="_blank">source</a></p>\n'
    fig = '<figure class="cnb-fig"><img src="data:image/png;base64,AA"><figcaption>The result</figcaption></figure>'
    ok = ('<nav><input id="cnb-q"></nav><main><p class="cnb-desc">the <code>nt_xent</code> loss</p>'
          '<details class="cnb-toc"></details>' + fig + '<h2 id="one">One</h2><a href="#one">x</a><a href="a.html#two">y</a><a href="tutorials/t.html">t</a>' + src + api + '</main>')
    (tmp_path/'tutorials').mkdir()
    (tmp_path/'index.html').write_text(ok); (tmp_path/'a.html').write_text(ok.replace('id="one"', 'id="two"').replace('#one', '#two'))
    (tmp_path/'tutorials/t.html').write_text(ok.replace('href="a.html', 'href="../a.html').replace('tutorials/t.html', 't.html'))
    assert site_problems(tmp_path) == []
    (tmp_path/'index.html').write_text('<main><p class="cnb-desc">the `nt_xent` *loss*</p><h2 id="one">One</h2><a href="#One">x</a><a href="a.html#three">y</a>'
                                       '<a href="b.html">z</a><a href="https://o.github.io/r/core.html">w</a>'
                                       '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain"><pre>| a |\n|---|\n| 1 |</pre></div></main>')
    (tmp_path/'a.html').write_text(ok.replace('id="one"', 'id="two"').replace('#one', '#two').replace(src, '<p><a href="https://github.com/o/r/blob/main/r/m.py#LNone">source</a></p>')
                                   + '<a href="https://o.github.io/r/ntxent.html#nt_xent">nt_xent</a>{target="_blank"}' + api.replace('"f"', '"g"'))
    (tmp_path/'tutorials/t.html').write_text(ok.replace(fig, '').replace('href="a.html', 'href="../a.html').replace('tutorials/t.html', 't.html') + fig)
    problems = site_problems(tmp_path)
    for what in ('no search box', 'no table of contents', 'the anchor #One', 'the anchor a.html#three', 'missing page: b.html', 'subtitle shows markdown', 'index.html: a link leaves the site',
                 'a.html: a link leaves the site', 'a.html: the API entry #f has no source link to a line', 'a.html: the API entry #g has no source link', 'a.html: link attributes shown as text',
                 'tutorials/t.html: no headline figure', 'pipe table as text'):
        assert any(what in p for p in problems), (what, problems)

def test_site_has_contents_search_and_working_anchors(site):
    "Every page has the search box and, where it has sections, a table of contents; every link into a page lands on an id; no subtitle shows markdown; the index stays on the site; the search index finds the Wang & Liu page for 'uniformity'."
    problems = site_problems(site)
    assert not problems, problems[:10]
    records = json.loads((site/'search.js').read_text(encoding='utf-8').removeprefix('window.CNB_SEARCH = ').rstrip().rstrip(';'))
    assert any(r['u'].startswith('tutorials/wang_liu.html') and 'uniformity' in (r['h'] + r['t']).lower() for r in records)
    assert {r['u'].split('#')[0] for r in records} == {p.relative_to(site).as_posix() for p in site.rglob('*.html')}

def test_sidebar_follows_the_reading_order():
    "nbs/sidebar.yml (both builds' sidebar) lists every notebook once, in the index's reading order, under the sections the README names."
    from docsite import sidebar
    side = sidebar(NBS)
    listed = [p.as_posix() for _, p in side]
    assert sorted(listed) == sorted(nb.relative_to(NBS).as_posix() for nb in notebooks())
    idx = ''.join(''.join(c['source']) for c in read_nb(NBS/'index.ipynb')['cells'])
    table = re.findall(r'^\| \d+ \| \[[^\]]+\]\(([^)#]+\.ipynb)\)', idx, flags=re.M)
    assert listed == ['index.ipynb'] + table
    assert [s for s in dict.fromkeys(s for s, _ in side) if s] == ['Losses', 'Data and training', 'Reproductions', 'Your loss', 'Benchmarks']
    import tomllib
    assert tomllib.loads((ROOT/'pyproject.toml').read_text())['tool']['nbdev']['custom_sidebar'] is True   # else nbdev rewrites the file

_PAGE_JS = r"""(() => {
  const imgs = Array.from(document.images);
  const prose = document.body.cloneNode(true);
  prose.querySelectorAll('pre, code, math, script, style').forEach(e => e.remove());
  const maths = Array.from(document.querySelectorAll('math'));
  return {bad_img: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.alt || i.src).slice(0, 60)),
          links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
          raw_tex: (prose.innerText.match(/\$\$[^$]+\$\$|\$[^$\s][^$\n]*\\[a-zA-Z]+[^$\n]*\$/g) || []).slice(0, 3),
          n_math: maths.length, math_unrendered: maths.filter(m => !(m.getBoundingClientRect().height > 0)).length};
})()"""

_SEARCH_JS = r"""(() => {
  const q = document.getElementById('cnb-q'); q.value = 'uniformity'; q.dispatchEvent(new Event('input'));
  const links = document.querySelector('.cnb-links'), toc = document.querySelector('.cnb-toc');
  return {hits: Array.from(document.querySelectorAll('#cnb-hits a')).map(a => a.getAttribute('href')),
          links_shown: getComputedStyle(links).display !== 'none', toc_open: toc ? toc.open : null,
          main_width: document.querySelector('.cnb-main').getBoundingClientRect().width};
})()"""

_SHOTS = ('index.html', 'tutorials/wang_liu.html', 'findings.html')

_FRAMES_JS = r"""(() => {
  const shown = d => Array.from(d.querySelectorAll('img')).map((m, i) => getComputedStyle(m).display !== 'none' ? i : -1).filter(i => i >= 0);
  return Array.from(document.querySelectorAll('.cnb-frames')).map(d => {
    const input = d.querySelector('input[type=range]'), before = {shown: shown(d), label: d.querySelector('output').textContent};
    input.value = input.max; input.dispatchEvent(new Event('input'));
    return {n: d.querySelectorAll('img').length, max: +input.max, before, after: {shown: shown(d), label: d.querySelector('output').textContent}};
  });
})()"""

def test_sliders_work_without_a_kernel(site):
    "The hardness page's τ slider and the probe datasets page's explorer, in headless Chromium from file://: one frame shows; dragging the slider to its end shows the last frame and its label, with no kernel and no request."
    from browser import Browser, find_chromium
    if find_chromium() is None: pytest.skip("Chromium is not installed: the sliders were not moved in a browser")
    with Browser() as b:
        for rel, n_sliders in (('hardness.html', 1), ('probes.html', 3)):
            r = b.check((site/rel).as_uri(), js=_FRAMES_JS, width=1280)
            assert not r['errors'], (rel, r['errors'][:3])
            sliders = r['result']
            assert len(sliders) == n_sliders, (rel, sliders)
            for s in sliders:
                assert s['n'] == s['max'] + 1 >= 5 and len(s['before']['shown']) == 1, (rel, s)
                assert s['after']['shown'] == [s['max']] and s['after']['label'] != s['before']['label'], (rel, s)

def test_pages_in_a_real_browser(site):
    "Every page in headless Chromium, as a reader opens the offline site: no console error, every image decoded, every internal link resolves, no raw LaTeX, every formula laid out, no request leaves the machine. Then the search box and the narrow layout: typing 'uniformity' lists the Wang & Liu page first, and at 420 px the sidebar folds and the text takes the width. Screenshots at 1280 and 420 px go to _artifacts/ (not committed)."
    from browser import Browser, find_chromium
    if find_chromium() is None: pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium when it can): the pages were not opened in a browser")
    shots = ROOT/'_artifacts'; shots.mkdir(exist_ok=True)
    n_math = 0
    with Browser() as b:
        for page in sorted(site.rglob('*.html')):
            rel = page.relative_to(site).as_posix()
            shot = shots/(rel.replace('/', '_') + '.png') if rel in _SHOTS else None
            r = b.check(page.as_uri(), screenshot=shot, js=_PAGE_JS, width=1280)
            res = r['result']
            assert not r['errors'], (rel, r['errors'][:3])
            external = [u for u in r['requests'] if not u.startswith(('file:', 'data:', 'about:', 'blob:'))]
            assert not external, (rel, external[:3])
            assert not res['bad_img'], (rel, res['bad_img'][:3])
            assert not res['raw_tex'], (rel, res['raw_tex'])
            assert res['math_unrendered'] == 0, rel
            n_math += res['n_math']
            for link in res['links']:
                if link.startswith('file:'):
                    target = Path(link.split('#')[0].replace('file://', ''))
                    assert target.exists(), (rel, link)
            if shot is not None: assert shot.stat().st_size > 10_000
        for rel in _SHOTS:
            for width in (1280, 420):
                shot = shots/f"{rel.replace('/', '_')}-{width}px.png"
                r = b.check((site/rel).as_uri(), screenshot=shot, js=_SEARCH_JS, width=width)
                res = r['result']
                assert not r['errors'], (rel, width, r['errors'][:3])
                assert res['hits'] and res['hits'][0].split('#')[0].endswith('tutorials/wang_liu.html'), (rel, width, res['hits'][:3])
                assert res['links_shown'] == (width > 600) and res['toc_open'] == (width > 600), (rel, width, res)
                assert res['main_width'] >= (0.9 * width if width < 600 else 700), (rel, width, res)
    assert n_math >= 200

def test_core_page_shows_docs_and_figure(site):
    html = (site/'core.html').read_text(encoding='utf-8')
    for name in ('pair_masks', 'l2_normalize', 'check_pair', 'show_pairs'): assert name in html
    assert 'data:image/png;base64' in html

def _words(s): return re.findall(r'[A-Za-z0-9]+', s)

def test_readme_in_sync_with_index():
    "README.md holds the same text as index.ipynb rendered (layout may differ between nbconvert and Quarto)."
    from docsite import render_readme
    assert _words((ROOT/'README.md').read_text(encoding='utf-8')) == _words(render_readme()), \
        "README.md is out of date: run `python tools/docsite.py`"

def test_index_lists_every_notebook_with_colab_link():
    idx = ''.join(''.join(c['source']) for c in read_nb(NBS/'index.ipynb')['cells'])
    for nb in notebooks():
        if nb.name == 'index.ipynb': continue
        rel = nb.relative_to(ROOT).as_posix()
        assert f'colab.research.google.com/github/contrastive-nb/contrastive_nb/blob/main/{rel}' in idx, f"index lacks a Colab link for {rel}"

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: p.name)
def test_title_cell_holds_only_the_title_and_description(nb):
    "nbdev turns the first markdown cell into the page's front matter and drops whatever else it holds: prose there never reaches the site."
    first = ''.join(read_nb(nb)['cells'][0]['source']).strip()
    paras = [p for p in first.split('\n\n') if p.strip()]
    assert paras and paras[0].startswith('# '), f"{nb.name}: the first cell must start with the '# title'"
    assert all(p.startswith(('# ', '> ')) for p in paras), f"{nb.name}: move the prose after the title and '> description' into the next cell"

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: p.name)
def test_first_code_cell_installs_in_colab_only(nb):
    code = [''.join(c['source']) for c in read_nb(nb)['cells'] if c['cell_type'] == 'code']
    assert code, f"{nb.name} has no code cell"
    first = code[0]
    assert "'google.colab' in str(get_ipython())" in first and '%pip install' in first, f"{nb.name}: first code cell must be the Colab install cell"

class _FakeShell:
    "What `get_ipython()` returns in the simulation: its repr names the environment; magics are recorded, not run."
    def __init__(self, name): self.name, self.calls = name, []
    def __str__(self): return f"<{self.name}.Shell object>"
    def run_line_magic(self, magic, line): self.calls.append((magic, line))

def _run_install_cell(src, env):
    from IPython.core.inputtransformer2 import TransformerManager
    shell = _FakeShell(env)
    exec(TransformerManager().transform_cell(src), {'get_ipython': lambda: shell})
    return shell.calls

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: p.name)
def test_colab_install_cell_installs_this_repository_in_colab_and_nothing_elsewhere(nb):
    "The first cell, run as IPython would run it: in a simulated Colab it pip-installs the package from this project's git URL; in Jupyter it does nothing."
    import tomllib
    git_url = tomllib.loads((ROOT/'pyproject.toml').read_text(encoding='utf-8'))['project']['urls']['Repository']
    first = next(''.join(c['source']) for c in read_nb(nb)['cells'] if c['cell_type'] == 'code')
    assert _run_install_cell(first, 'ipykernel.zmqshell.ZMQInteractiveShell') == []
    calls = _run_install_cell(first, 'google.colab._shell')
    assert calls == [('pip', f'install -q "contrastive_nb @ git+{git_url}"')], calls

def test_the_colab_requirement_installs_from_a_git_checkout(tmp_path):
    "The requirement the Colab cell gives pip resolves from a git checkout of this repository (here a local clone: no network), with the package's own name and version."
    import subprocess, sys, json as _json
    clone = tmp_path/'repo'
    r = subprocess.run(['git', 'clone', '-q', str(ROOT), str(clone)], capture_output=True, text=True)
    if r.returncode: pytest.skip(f"cannot clone the working tree: {r.stderr.strip()[:200]}")
    report = tmp_path/'report.json'
    r = subprocess.run([sys.executable, '-m', 'pip', 'install', '--dry-run', '--no-deps', '--no-build-isolation', '--quiet', '--report', str(report),
                        f"contrastive_nb @ git+file://localhost{clone}"], capture_output=True, text=True, timeout=300)  # the Colab cell's form; file:// needs a host in a PEP 508 URL
    assert r.returncode == 0, r.stderr[-2000:]
    meta = _json.loads(report.read_text())['install'][0]['metadata']
    import contrastive_nb
    norm = lambda n: re.sub(r'[-_.]+', '-', n).lower()   # PEP 503: older setuptools write contrastive-nb
    assert (norm(meta['name']), meta['version']) == (norm('contrastive_nb'), contrastive_nb.__version__)
    assert any(req.startswith('torch') for req in meta.get('requires_dist', []))

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


def test_github_workflows():
    "The nbdev workflows users expect: test on push (the README's test command) and deploy the Quarto docs to Pages."
    import yaml, tomllib
    wf = ROOT/'.github'/'workflows'
    test = yaml.safe_load((wf/'test.yaml').read_text())
    runs = [s.get('run') for s in test['jobs']['test']['steps']]
    assert 'bash .ci/run' in runs and 'python -m pytest' in (ROOT/'.ci'/'run').read_text()
    deploy = yaml.safe_load((wf/'deploy.yaml').read_text())
    steps = deploy['jobs']['deploy']['steps']
    assert 'nbdev-docs' in [s.get('run') for s in steps]
    doc_path = tomllib.loads((ROOT/'pyproject.toml').read_text())['tool']['nbdev']['doc_path']
    assert any(s.get('with', {}).get('publish_dir') == f'./{doc_path}' for s in steps)
    assert deploy[True]['push']['branches'][0] == 'main'  # YAML reads the key `on` as True


def test_docs_extra():
    "The site builder's own dependencies are the `docs` extra (which `dev` includes), and the command names it when they are missing."
    import configparser, subprocess, sys
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    docs, dev = cfg['DEFAULT']['docs_requirements'].split(), cfg['DEFAULT']['dev_requirements'].split()
    assert {'latex2mathml', 'nbconvert'} <= set(docs) and set(docs) <= set(dev)
    assert "'docs': docs_requirements" in (ROOT/'setup.py').read_text()
    # a Python where latex2mathml cannot be imported: the command stops with one line naming the extra
    code = ("import sys; sys.path.insert(0, 'tools'); sys.modules['latex2mathml'] = None; import importlib.util as u; f = u.find_spec; "
            "u.find_spec = lambda n, *a: None if n == 'latex2mathml' else f(n, *a); "
            "from docsite import build_docs_cli; build_docs_cli.__wrapped__(out='/nonexistent')")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and 'pip install -e ".[docs]"' in r.stderr and 'Traceback' not in r.stderr, r.stderr

def table_text_problems(text:str)->list:
    "Where printed markdown would not render as its author meant: a pipe table with a text line directly above or below it (markdown needs a blank line there, or the line joins the table or the paragraph)."
    lines, out = text.split('\n'), []
    for i in range(1, len(lines)):
        a, b = lines[i - 1], lines[i]
        if b.startswith('|') and a.strip() and not a.startswith('|'): out.append(f"text right above a table: {a[:60]!r}")
        if a.startswith('|') and b.strip() and not b.startswith('|'): out.append(f"text right below a table: {b[:60]!r}")
    return out

def _pipe_table(text): return re.search(r'^\|.*\|\n\|[-| :]+\|$', text, re.M)

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: str(p.relative_to(NBS)))
def test_printed_tables_render_as_tables(nb):
    "A cell whose saved output prints a pipe table carries `#| output: asis`, so both builds show an HTML table and not a block of monospace text; and the table is set off by blank lines."
    for c in read_nb(nb)['cells']:
        if c['cell_type'] != 'code': continue
        text = ''.join(''.join(o.get('text', '')) for o in c.get('outputs', []) if o.get('output_type') == 'stream')
        if not _pipe_table(text): continue
        d = directives(''.join(c['source']))
        assert d.get('output') == 'asis', f"{nb.relative_to(NBS)}, cell {c.get('id')}: prints a table without `#| output: asis`"
        assert not table_text_problems(text), (nb.relative_to(NBS), c.get('id'), table_text_problems(text)[:2])

def test_table_check_catches_each_problem():
    assert table_text_problems('a\n\n| x |\n|---|\n| 1 |\n\nb') == []
    assert len(table_text_problems('a\n| x |\n|---|\n| 1 |\nb')) == 2
    assert _pipe_table('| x |\n|---|') and not _pipe_table('| just a bar')
