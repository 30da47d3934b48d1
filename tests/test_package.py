"The installed package: importable, one version, the console scripts declared."
import re, shutil, subprocess, importlib.metadata as md
import pytest
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

def test_metadata_has_one_home_per_field():
    "The name, description and URLs live in pyproject.toml's [project] (nbdev 3 reads them nowhere else), everything else in settings.ini; no field is in both, and the installed metadata is what they say."
    import tomllib
    from nbdev.config import get_config
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini'); cfg = cfg['DEFAULT']
    proj = tomllib.loads((ROOT/'pyproject.toml').read_text(encoding='utf-8'))['project']
    static = set(proj) - {'dynamic'}
    assert static == {'name', 'description', 'urls'}, static
    for k in ('lib_name', 'repo', 'user', 'description', 'git_url', 'doc_host', 'doc_baseurl', 'version'):
        assert k not in cfg, f"settings.ini repeats {k}, which lives in pyproject.toml's [project] (or, for the version, __init__.py)"
    setup_py = (ROOT/'setup.py').read_text(encoding='utf-8')
    for k in ('name=', 'description=', 'url=', 'project_urls='):
        assert not re.search(rf'^\s*{k}', setup_py, re.M), f"setup.py passes {k[:-1]}, which pyproject.toml states"
    meta = md.metadata('contrastive_nb')
    assert meta['Name'] == proj['name'] and meta['Summary'] == proj['description']
    assert sorted(meta.get_all('Project-URL')) == sorted(f'{k}, {v}' for k, v in proj['urls'].items())
    assert meta['Author'] == cfg['author'] and meta['Keywords'] == cfg['keywords']
    reqs = ' '.join(md.requires('contrastive_nb'))
    for r in cfg['requirements'].split(): assert r.split('>')[0] in reqs
    assert 'torch>=2.1' in reqs.replace(' ', '')
    eps = {e.name for e in md.entry_points(group='console_scripts') if e.value.startswith('contrastive_nb')}
    for s in cfg['console_scripts'].split(): assert s.split('=')[0] in eps
    nb = get_config(ROOT)   # what nbdev sees: source links and backticked names need all four
    assert (nb.lib_name, nb.git_url, nb.doc_url) == (proj['name'], proj['urls']['Repository'], proj['urls']['Documentation'])
    assert nb.description == proj['description']

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

# --- The core install: what `pip install contrastive_nb` gives, with no extras ---------------------------------------
import ast, json, subprocess, sys
from packaging.requirements import Requirement
from conftest import notebooks, read_nb

def _norm(name): return re.sub(r'[-_.]+', '-', name).lower()

def _closure(extras=()):
    "The distributions that `pip install contrastive_nb[extras]` brings in: the requirement graph walked through the installed metadata, markers evaluated."
    seen, todo = set(), [('contrastive_nb', tuple(extras))]
    while todo:
        name, ex = todo.pop()
        try: dist = md.distribution(name)
        except md.PackageNotFoundError: continue   # a marker-selected requirement not installed here
        seen.add(_norm(name))
        for r in map(Requirement, dist.requires or []):
            if r.marker and not any(r.marker.evaluate({'extra': e}) for e in ('', *ex)): continue
            if _norm(r.name) not in seen or r.extras: todo.append((r.name, tuple(r.extras)))
    return seen

def _import_owners():
    "Top-level import name -> the normalised names of the installed distributions that provide it."
    return {k: {_norm(d) for d in v} for k, v in md.packages_distributions().items()}

def _extras():
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    return {k[:-len('_requirements')]: v.split() for k, v in cfg['DEFAULT'].items() if k.endswith('_requirements')}

def test_closure_reads_the_requirement_graph():
    "The walk is not vacuous: the core closure holds the stated requirements and their own, and leaves out what only the extras bring."
    core, dev = _closure(), _closure(['dev'])
    for d in ('torch', 'torchvision', 'fastai', 'fastcore', 'matplotlib', 'numpy', 'fasttransform'): assert d in core, d
    for d in ('accelerate', 'nbdev', 'pytest', 'latex2mathml'): assert d not in core and d in dev, d

CORE_ONLY = r'''
import importlib, json, pkgutil, sys
blocked = json.loads(sys.argv[1])
for name in blocked: sys.modules[name] = None    # `import name` now fails as if it were not installed
import contrastive_nb
mods, failed = [m.name for m in pkgutil.walk_packages(contrastive_nb.__path__, 'contrastive_nb.')], {}
for m in mods:
    try: importlib.import_module(m)
    except Exception as e: failed[m] = f"{type(e).__name__}: {e}"
try:
    from contrastive_nb.cli import main
    rc = main(['list'])
except Exception as e: rc = f"{type(e).__name__}: {e}"
print(json.dumps(dict(modules=mods, failed=failed, list_rc=rc,
                      leaked=sorted(n for n in blocked if sys.modules.get(n) is not None))))
'''

def _run_core_only(blocked):
    r = subprocess.run([sys.executable, '-c', CORE_ONLY, json.dumps(sorted(blocked))], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-4000:]
    return json.loads(r.stdout.strip().splitlines()[-1])

def test_every_module_imports_with_only_the_core_requirements():
    "Each module of the package, and `contrastive-nb list`, in a fresh interpreter where every installed distribution outside the core requirements' closure (accelerate, nbdev, pytest, lightly, ...) cannot be imported."
    core, owners = _closure(), _import_owners()
    blocked = {n for n, ds in owners.items() if not ds & core and n.isidentifier()}
    assert {'accelerate', 'nbdev', 'pytest'} <= blocked, 'the development tools should be installed where this test runs'
    out = _run_core_only(blocked)
    assert len(out['modules']) >= 25, out['modules']
    assert out['failed'] == {}, f"modules that need more than the core requirements: {out['failed']}"
    assert out['list_rc'] == 0 and out['leaked'] == []

def test_core_only_check_catches_a_missing_core_dependency():
    "The same check fails when a real core requirement is hidden: it can fail."
    out = _run_core_only(_import_owners().keys() & {'matplotlib'})
    assert any('matplotlib' in v for v in out['failed'].values()), out['failed']
    assert 'matplotlib' in out['list_rc']

def _imports(tree):
    "(top-level name, import node) for every absolute import in an AST."
    for node in ast.walk(tree):
        if isinstance(node, ast.Import): names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module: names = [node.module]
        else: continue
        for n in names: yield n.partition('.')[0], node

def _module_level(tree):
    "The import nodes that run when the module is imported: outside functions and classes' methods (inside if/try blocks too)."
    out, todo = set(), list(tree.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)): continue
        if isinstance(n, (ast.Import, ast.ImportFrom)): out.add(id(n))
        todo.extend(ast.iter_child_nodes(n))
    return out

LOCAL = {'contrastive_nb', '__future__', *(p.stem for p in (ROOT/'tests').glob('*.py')), *(p.stem for p in (ROOT/'tools').glob('*.py'))}   # the package, the tests' own helpers, tools/ (on the tests' path)
def _third_party(name): return name not in sys.stdlib_module_names and name not in LOCAL

def _code_of_notebook(p):
    "A notebook's code cells as Python: IPython magics and shell lines become `pass`."
    magic = lambda l: l[:len(l) - len(l.lstrip())] + 'pass' if l.lstrip().startswith(('%', '!')) else l
    cells = [''.join(c['source']) for c in read_nb(p)['cells'] if c['cell_type'] == 'code']
    return '\n'.join('\n'.join(map(magic, c.splitlines())) for c in cells)

def _library_import_problems(files, core, closures, owners):
    "What is wrong with the third-party imports of library modules `files` (see the test below)."
    problems = []
    for py in files:
        src = py.read_text(); tree = ast.parse(src); top = _module_level(tree)
        for name, node in _imports(tree):
            if not _third_party(name): continue
            where = f"{py.name}:{node.lineno} imports {name}"
            if name not in owners: problems.append(f"{where}, which no installed distribution provides"); continue
            ds = owners[name]
            if ds & core: continue
            if id(node) in top: problems.append(f"{where} at import time, but it is not a core requirement"); continue
            ok = [e for e, c in closures.items() if ds & c]
            if not ok: problems.append(f"{where}, which no extra brings in")
            elif not any(f"[{e}]" in src for e in ok): problems.append(f"{where}: its error should name the extra, one of {ok}")
    return problems

def test_extras_name_everything_their_modules_import():
    """Every import of a third-party module is covered by the install that runs it: the library's module-level imports by the core
    requirements; its imports inside functions (optional features) by the core or an extra, whose name the module states in its
    error message; the tests' and notebooks' imports by the `dev` extra (the benchmarks' and the lightly compat page's also by `bench`,
    whose lightly they compare against only when it is installed)."""
    owners, extras = _import_owners(), _extras()
    core = _closure(); closures = {e: _closure([e]) for e in extras}
    problems = _library_import_problems(sorted((ROOT/'contrastive_nb').rglob('*.py')), core, closures, owners)
    named = {e: {_norm(Requirement(r).name) for r in reqs} for e, reqs in extras.items()}
    for f, ex in [(p, ('dev', 'bench') if 'benchmarks' in p.parts or p.stem.endswith('_compat') else ('dev',)) for p in notebooks()] + \
                 [(p, ('dev',)) for p in sorted((ROOT/'tests').glob('*.py'))]:
        allowed = set().union(*(closures[e] for e in ex))
        src = _code_of_notebook(f) if f.suffix == '.ipynb' else f.read_text()
        for name, node in _imports(ast.parse(src)):
            if not _third_party(name): continue
            if name not in owners and any(_norm(name) in named[e] for e in ex): continue   # an extra's package not installed here (e.g. bench's lightly)
            if name not in owners or not owners[name] & allowed:
                problems.append(f"{f.relative_to(ROOT)} imports {name}, which the dev extra does not bring in")
    assert not problems, '\n'.join(problems)

def test_import_check_reports_each_kind_of_problem(tmp_path):
    "The check above can fail: a hard import of an extra's package, an optional one whose error names no extra, and one no extra brings."
    owners, extras = _import_owners(), _extras()
    core = _closure(); closures = {e: _closure([e]) for e in extras}
    (tmp_path/'a.py').write_text("import accelerate\n")
    (tmp_path/'b.py').write_text("def f():\n    import nbdev\n")
    (tmp_path/'c.py').write_text("def f():\n    import nbdev  # pip install 'contrastive_nb[docs]'\n")
    (tmp_path/'d.py').write_text("try:\n    import no_such_module_anywhere\nexcept ImportError: pass\n")
    (tmp_path/'e.py').write_text("import torch, os\nfrom fastai.learner import Learner\n")
    got = _library_import_problems(sorted(tmp_path.glob('*.py')), core, closures, owners)
    test = [g.split(':')[0] for g in got]
    assert test == ['a.py', 'b.py', 'd.py'], got
    assert 'not a core requirement' in got[0] and 'should name the extra' in got[1] and 'no installed distribution' in got[2]

def test_every_extra_is_declared_in_setup():
    "settings.ini's `*_requirements` are the package's extras, one for one."
    declared = set(md.metadata('contrastive_nb').get_all('Provides-Extra') or [])
    assert declared == set(_extras()) - {''}, (declared, _extras().keys())

def _readme_commands():
    "The README's two commands: the sh code lines that start with `pip install`."
    lines = [l.strip() for l in (ROOT/'README.md').read_text().splitlines()]
    return [l for l in lines if l.startswith('pip install -e ')]

def test_ci_runs_the_readme_commands_as_written():
    "`.ci/run` runs exactly the README's two commands, in order, the main job with `--scale smoke` added."
    main, tests = _readme_commands()
    assert 'contrastive-nb run' in main and 'pytest' in tests
    ci = (ROOT/'.ci'/'run').read_text()
    got = dict(re.findall(r"^(MAIN|TESTS)='(.*)'$", ci, re.M))
    assert got == dict(MAIN=main, TESTS=tests), got
    assert ci.index('eval "$MAIN --scale smoke"') < ci.index('eval "$TESTS"')
    assert 'python3 -m venv' in ci

def test_floor_stage_installs_the_stated_floors():
    "`.ci/floors.txt` pins each stated floor of settings.ini (to its lowest release of that series): the floors CI tests are the floors users are told."
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    floors = {_norm(r.name): r for r in map(Requirement, cfg['DEFAULT']['requirements'].split()) if r.specifier}
    lines = (l.split('#')[0].strip() for l in (ROOT/'.ci'/'floors.txt').read_text().splitlines())
    pins = {_norm(r.name): r for r in map(Requirement, filter(None, lines))}
    assert set(floors) >= {'torch', 'torchvision', 'fastai', 'fastcore'}, floors
    for name, req in floors.items():
        (spec,) = req.specifier
        assert spec.operator == '>=', f"{name}: a floor is stated as >=, got {spec}"
        assert name in pins, f".ci/floors.txt does not pin {name}"
        (pin,) = pins[name].specifier
        assert pin.operator == '==' and pin.version.split('.')[:len(spec.version.split('.'))] == spec.version.split('.'), (name, spec, pin)
    ci = (ROOT/'.ci'/'run').read_text()
    assert '-c .ci/floors.txt' in ci

def test_py_typed_marker_ships():
    "PEP 561: the marker is in the package, and setup.py installs it (so type checkers read the annotations)."
    from pathlib import Path
    assert (Path(contrastive_nb.__file__).parent/'py.typed').exists()
    assert "'py.typed'" in (ROOT/'setup.py').read_text()

def test_top_level_names_resolve_lazily():
    "The main entry points are attributes of the package, and importing it alone loads neither fastai nor torch."
    import subprocess, sys
    code = "import sys, contrastive_nb as c; print(sorted(m for m in ('fastai', 'torch') if m in sys.modules)); c.nt_xent; c.contrastive_learner; print('fastai' in sys.modules)"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.split('\n')
    assert out[0] == '[]' and out[1] == 'True', out

def test_ruff_finds_nothing():
    "`ruff check` (the rules in pyproject.toml's [tool.ruff]) over the library, the notebooks, tools/ and tests/: no syntax error and no undefined name lands."
    ruff = shutil.which('ruff')
    if ruff is None: pytest.skip("ruff is not installed (it is in the dev extra): the lint did not run")
    r = subprocess.run([ruff, 'check', '--output-format', 'concise', '.'], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
