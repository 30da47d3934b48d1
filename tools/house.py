"""The house measures of issue 32, rerunnable: `python tools/house.py` from the repository root.

Prints, for the notebooks' export cells and the exported library:
- definitions (top-level `def`/`class`) per export cell, and lines per export cell;
- library lines longer than 120 characters (the generated `_modidx.py` left out);
- imports of a private name (`_x`) from another module of the package;
- import circles between the package's modules (function-level imports included).
`duplicates --repo contrastive_nb --most 40` gives the fourth measure (repeated blocks).
"""
import ast, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT/'contrastive_nb'

def export_cells():
    for nb in sorted((ROOT/'nbs').rglob('*.ipynb')):
        if '.ipynb_checkpoints' in nb.parts: continue
        for c in json.loads(nb.read_text())['cells']:
            src = ''.join(c['source'])
            first = [l for l in src.splitlines() if l.startswith('#|')]
            if c['cell_type'] == 'code' and any(l.replace(' ', '') in ('#|export', '#|exporti') for l in first): yield nb, src

def definitions(src:str)->int:
    code = '\n'.join(l for l in src.splitlines() if not l.startswith('%'))
    return sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in ast.parse(code).body)

def modules():
    for p in sorted(PKG.rglob('*.py')):
        if p.name == '_modidx.py': continue
        yield '.'.join(p.relative_to(ROOT).with_suffix('').parts).removesuffix('.__init__'), p

def resolve(mod:str, node:ast.ImportFrom, is_pkg:bool)->str|None:
    if node.level == 0: return node.module if (node.module or '').startswith('contrastive_nb') else None
    base = mod.split('.') if is_pkg else mod.split('.')[:-1]
    base = base[:len(base) - node.level + 1]
    return '.'.join(base + ([node.module] if node.module else []))

def imports():
    "(importer, imported module, names) for every import of a package module"
    mods = dict(modules())
    for mod, p in mods.items():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom):
                tgt = resolve(mod, node, p.name == '__init__.py')
                if tgt is None: continue
                names = [a.name for a in node.names]
                if tgt not in mods:  # `from . import x` or `from .repro import huang`
                    for n in names:
                        if f'{tgt}.{n}' in mods: yield mod, f'{tgt}.{n}', []
                    continue
                yield mod, tgt, names
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith('contrastive_nb.') and a.name in mods: yield mod, a.name, []

def private_imports():
    return sorted({(m, t, n) for m, t, ns in imports() for n in ns
                   if n.startswith('_') and not n.startswith('__') and t != m})

def circles():
    graph = {}
    for m, t, _ in imports():
        if t != m and not m.startswith(t + '.') and not (t == 'contrastive_nb'): graph.setdefault(m, set()).add(t)
    found, seen = [], set()
    def walk(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cyc = path[path.index(nxt):]
                key = frozenset(cyc)
                if key not in seen: seen.add(key); found.append(cyc + [nxt])
            elif len(path) < 8: walk(nxt, path + [nxt])
    for m in sorted(graph): walk(m, [m])
    return found

if __name__ == '__main__':
    cells = list(export_cells())
    defs = [definitions(s) for _, s in cells]
    lines = [len(s.splitlines()) for _, s in cells]
    multi = sum(d > 1 for d in defs)
    print(f"export cells: {len(cells)}; definitions per cell {sum(defs)/len(cells):.2f} "
          f"(cells with more than one: {multi}); lines per cell {sum(lines)/len(cells):.1f}")
    long = [(p, i, len(l)) for _, p in modules() for i, l in enumerate(p.read_text().splitlines(), 1) if len(l) > 120]
    total = sum(len(p.read_text().splitlines()) for _, p in modules())
    print(f"library lines over 120 characters: {len(long)} of {total}" +
          (f" (longest {max(n for *_, n in long)})" if long else ''))
    priv = private_imports()
    print(f"private names imported across modules: {len(priv)}")
    for m, t, n in priv: print(f"  {m} <- {t}.{n}")
    cyc = circles()
    print(f"import circles: {len(cyc)}")
    for c in cyc: print('  ' + ' -> '.join(c))
    if '--strict' in sys.argv and (priv or cyc or long): sys.exit(1)
