"""Build the docs site without Quarto, and README.md from nbs/index.ipynb: nbdev's own processing, then nbconvert.

Development tooling, not part of the installed package. From the repository root, after `pip install -e ".[docs]"`:

    python tools/docsite.py              # the site into _site/, and README.md
    python tools/docsite.py --out DIR --no-readme

Where Quarto is installed, `nbdev-docs` builds the real site from the same notebooks. Tests: tests/test_docsite.py
(the pieces) and tests/test_docs.py (the whole site, also in a browser).
"""

from __future__ import annotations
import base64, html, importlib.util, re, shutil
from pathlib import Path
from fastcore.script import call_parse

__all__ = ['page_name', 'notebook_order', 'sidebar', 'process_notebooks', 'render_math', 'cell_options', 'apply_cell_options',
           'png_width', 'retina_width', 'captioned', 'strip_external_scripts', 'ipynb_links', 'offline_images',
           'site_links', 'link_attributes', 'unlink_missing', 'quarto_id', 'heading_ids', 'math_letter', 'math_letters',
           'inline_md', 'toc_html', 'search_records', 'render_page', 'build_site', 'docs_url', 'absolute_links',
           'render_readme', 'build_readme', 'build_docs_cli']

def page_name(nb:str|Path, # notebook path relative to the notebooks folder
             )->str: # the page's path in the site
    "Site path of a notebook: numeric prefixes dropped from each part, `.ipynb` → `.html`."
    parts = [re.sub(r'^\d+[a-z]?_', '', p) for p in Path(nb).with_suffix('.html').parts]
    return '/'.join(parts)

def notebook_order(nbs_path:str|Path, # the notebooks folder
                  )->list[Path]: # notebooks relative to `nbs_path`, reading order
    "Notebooks in reading order: `index.ipynb` first, then top-level notebooks, then each sub-folder, sorted by name."
    nbs_path = Path(nbs_path)
    nbs = [p.relative_to(nbs_path) for p in nbs_path.rglob('*.ipynb')
           if not any(part.startswith(('.', '_')) for part in p.relative_to(nbs_path).parts)]
    key = lambda p: (p.name != 'index.ipynb' or len(p.parts) > 1, len(p.parts) > 1, p.parts)
    return sorted(nbs, key=key)

def sidebar(nbs_path:str|Path, # the notebooks folder
           )->list: # [(section title or None, notebook relative to `nbs_path`)], in reading order
    "The pages in the order and sections of `sidebar.yml`, Quarto's own sidebar file, so both builds have one order; `notebook_order` where there is none."
    import yaml
    p = Path(nbs_path)/'sidebar.yml'
    if not p.exists(): return [(None, nb) for nb in notebook_order(nbs_path)]
    doc = yaml.safe_load(p.read_text(encoding='utf-8')) or {}
    out = []
    def walk(items, section):
        for it in items:
            if isinstance(it, str): out.append((section, Path(it)))
            elif isinstance(it, dict) and 'section' in it: walk(it.get('contents') or [], it['section'])
            elif isinstance(it, dict) and 'href' in it: out.append((section, Path(it['href'])))
            else: raise ValueError(f"{p}: a sidebar entry must be a notebook path, {{href: PATH}} or {{section: TITLE, contents: [...]}}; got {it!r}")
    walk(doc.get('website', {}).get('sidebar', {}).get('contents') or [], None)
    return out

def process_notebooks(force:bool=False, # reprocess every notebook, ignoring nbdev's cache
                      n_workers:int=1, # parallel workers for nbdev's processing
                     )->Path: # the folder of processed notebooks (`_proc`)
    "nbdev's docs pre-processing (what `nbdev-proc-nbs` does) without the Quarto install step."
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs
    import nbdev.doclinks
    cfg = get_config()
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    nbdev_sidebar.__wrapped__(path=cfg.nbs_path)
    return Path(proc_nbs(str(cfg.nbs_path), n_workers=n_workers, force=force))

_CODE_SPANS = re.compile(r'(```.*?```|`[^`\n]*`)', re.S)
_MATH = re.compile(r'\$\$(.+?)\$\$|(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])', re.S)
_SIZED = re.compile(r'\\[bB]ig{1,2}[lr]?\s*(?=\\[lr]Vert)')  # \big\lVert: latex2mathml knows \lVert but not the sized form

def render_math(md:str, # markdown with $…$ / $$…$$ math
                where:str='', # for the error message, e.g. the notebook's name
               )->str: # the markdown with each formula replaced by MathML (code spans and blocks untouched)
    "LaTeX math → MathML at build time (browsers render MathML natively: no MathJax, no CDN). A formula that does not convert cleanly raises `ValueError`."
    try: from latex2mathml.converter import convert
    except ImportError as e: raise ImportError("the offline site builder needs its extra: pip install -e \".[docs]\" (latex2mathml renders the math)") from e
    def one(m):
        tex, display = (m.group(1), 'block') if m.group(1) is not None else (m.group(2), 'inline')
        try: out = convert(_SIZED.sub('', tex.strip()), display=display)
        except Exception as e: raise ValueError(f"{where}: cannot convert ${tex}$ to MathML: {e}") from None
        if '\\' in re.sub(r'<[^>]+>', '', out): raise ValueError(f"{where}: a LaTeX command in ${tex}$ has no MathML equivalent")
        return out
    parts = _CODE_SPANS.split(md)
    return ''.join(p if i % 2 else _MATH.sub(one, p) for i, p in enumerate(parts))

_OPTION = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_TEXT_OPTIONS = {'fig-cap', 'fig-alt', 'tbl-cap', 'label'}   # text, kept as written; the others are keywords, lowercased

def cell_options(src:str)->tuple: # ({option: value}, the source without its option lines)
    "Quarto cell options (`#| key: value` lines at the top of a code cell) and the code that follows them."
    lines, opts = src.split('\n'), {}
    while lines and _OPTION.match(lines[0]):
        k, v = _OPTION.match(lines.pop(0)).groups()
        v = v.strip('\'"')
        opts[k] = v if k in _TEXT_OPTIONS else v.lower()
    return opts, '\n'.join(lines)

def apply_cell_options(nb, where:str=''):
    "What Quarto does with a processed notebook, for nbconvert: `include: false` drops the cell, `echo: false` hides its code, `output: false` its outputs, `output: asis` shows printed text as markdown, `code-fold: true` folds the code under a 'Code' summary, `fig-cap` puts the cell's images in one captioned figure; markdown math becomes MathML."
    import nbformat
    cells = []
    for c in nb.cells:
        if c.cell_type == 'markdown': c.source = render_math(c.source, where)
        if c.cell_type != 'code': cells.append(c); continue
        opts, c.source = cell_options(c.source)
        if opts.get('include') == 'false': continue
        for o in c.outputs: retina_width(o)
        if opts.get('output') == 'false': c.outputs = []
        if opts.get('output') == 'asis':
            c.outputs = [nbformat.v4.new_output('display_data', data={'text/markdown': o.text}) if o.output_type == 'stream' else o for o in c.outputs]
        if opts.get('fig-cap'): c.outputs = captioned(c.outputs, opts['fig-cap'], where)
        if opts.get('code-fold') == 'true' and opts.get('echo') != 'false':
            cells.append(nbformat.v4.new_markdown_cell(f'<details class="cnb-fold"><summary>Code</summary><pre><code>{html.escape(c.source)}</code></pre></details>'))
            opts['echo'] = 'false'
        if opts.get('echo') == 'false': c.metadata.setdefault('transient', {})['remove_source'] = True  # nbconvert's templates honour it
        cells.append(c)
    nb.cells = cells
    return nb

_IMAGE_TYPES = ('image/png', 'image/jpeg')

def png_width(b64:str)->int:
    "The pixel width of a base64 PNG, read from its header."
    head = base64.b64decode(''.join(b64).replace('\n', '')[:32])
    if head[:8] != b'\x89PNG\r\n\x1a\n': raise ValueError("not a PNG: its first bytes are not the PNG signature")
    return int.from_bytes(head[16:20], 'big')

def retina_width(o):
    "Show a saved matplotlib PNG at half its pixel width: the notebooks' figures are drawn at twice the figure's dpi (retina), so at full width a figure's text is twice the page's. An output that states its width is left alone."
    if 'image/png' in o.get('data', {}) and not o.get('metadata', {}).get('image/png', {}).get('width'):
        o.setdefault('metadata', {}).setdefault('image/png', {})['width'] = png_width(o['data']['image/png']) // 2
    return o

def captioned(outputs:list, # a code cell's outputs
              cap:str, # its `fig-cap` (markdown, one line)
              where:str='', # for the error message
             )->list:
    "The cell's image outputs as one `<figure class=\"cnb-fig\">` with the caption, where the first image was; other outputs unchanged. A `fig-cap` cell with no saved image is a headline figure that is missing, so it raises `ValueError`."
    import nbformat
    imgs = [o for o in outputs if any(m in o.get('data', {}) for m in _IMAGE_TYPES)]
    if not imgs: raise ValueError(f"{where}: a cell with `fig-cap: {cap}` has no saved image; run it with `nbdev-test --save` (and its flag)")
    alt = html.escape(re.sub(r'[`*]', '', cap))
    def width(o, m): w = o.get('metadata', {}).get(m, {}).get('width'); return f' width="{w}"' if w else ''
    tags = ''.join(f'<img src="data:{m};base64,{"".join(o["data"][m]).replace(chr(10), "")}"{width(o, m)} alt="{alt}">' for o in imgs for m in _IMAGE_TYPES if m in o['data'])
    fig = nbformat.v4.new_output('display_data', data={'text/html': f'<figure class="cnb-fig">{tags}<figcaption>{inline_md(cap)}</figcaption></figure>'})
    first = outputs.index(imgs[0])
    return [fig if i == first else o for i, o in enumerate(outputs) if i == first or o not in imgs]

_EXTERNAL_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>|<script\b[^>]*>(?:(?!</script>).)*?["\']https?://(?:(?!</script>).)*?</script>'
                              r'|<!-- Load mathjax -->|<!-- MathJax configuration -->\s*<script type="text/x-mathjax-config">.*?</script>\s*<!-- End of mathjax configuration -->', re.S | re.I)

def strip_external_scripts(page:str)->str:
    "Remove the `<script>`s nbconvert's template loads from CDNs (require.js, MathJax, widget managers, mermaid): the pages must work with no network and request nothing."
    return _EXTERNAL_SCRIPT.sub('', page)

_NB_LINK = re.compile(r'(<a\b[^>]*?\bhref=")(?![a-z]+:)([^"#]*?)\.ipynb(#[^"]*)?"')

def ipynb_links(page:str)->str:
    "Links between notebooks (`tutorials/x.ipynb`) point at their pages (`tutorials/x.html`, numeric prefixes dropped), as Quarto's do."
    return _NB_LINK.sub(lambda m: f'{m.group(1)}{page_name(m.group(2) + ".ipynb")}{m.group(3) or ""}"', page)   # tags only: code showing a link is left as written

_REMOTE_IMG = re.compile(r'<img\b[^>]*\bsrc="https?://[^"]*"[^>]*>', re.S)

def offline_images(page:str)->str:
    "Remote images (the Colab badges) become their alt text: the link around them still works, and nothing is fetched."
    def alt(m):
        a = re.search(r'\balt="([^"]*)"', m.group(0))
        return f'<span class="cnb-badge">{a.group(1) if a else "image"}</span>'
    return _REMOTE_IMG.sub(alt, page)

def site_links(page:str, # a page's HTML
               current:str, # the page's path in the site (`tutorials/x.html`)
               url:str, # the published site's address (`docs_url()`); '' leaves the page as it is
              )->str:
    "Links into the published site (nbdev's links from backticked names to their API entries) made relative to `current`, so the offline site never leaves itself."
    if not url: return page
    up = '../' * current.count('/')
    link = re.compile(r'(<a\b[^>]*?\bhref=")' + re.escape(url.rstrip('/')) + r'(?:/([^"]*))?"')
    return link.sub(lambda m: f'{m.group(1)}{up}{m.group(2) or "index.html"}"', page)

_LINK_ATTRS = re.compile(r'(<a\b[^>]*?)>((?:(?!</a>).)*)</a>\{((?:\s*(?:[\w-]+="[^"]*"|\.[\w-]+|#[\w-]+))+)\s*\}', re.S)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"|\.([\w-]+)|#([\w-]+)')

def link_attributes(page:str)->str:
    "Pandoc link attributes left as text after a link (`<a href=…>source</a>{target=\"_blank\" .c}`) moved onto the link: `key=\"value\"` pairs, `.class` and `#id`."
    def move(m):
        attrs, classes = [], []
        for k, v, cls, id_ in _ATTR.findall(m.group(3)):
            if k: attrs.append(f'{k}="{v}"')
            elif cls: classes.append(cls)
            else: attrs.append(f'id="{id_}"')
        if classes: attrs.append(f'class="{" ".join(classes)}"')
        return f'{m.group(1)} {" ".join(attrs)}>{m.group(2)}</a>'
    return _LINK_ATTRS.sub(move, page)

_DOC_LINK = re.compile(r'<a href="([^"#]*)#([^"]+)">(<code>([^<]*)</code>)</a>')

def unlink_missing(pages:dict, # page path in the site -> its HTML, every page of the site
                  )->dict:
    "The pages with each nbdev doc link (`<a href=\"p.html#name\"><code>name</code></a>`) whose target page has no such id made plain code."
    import posixpath
    ids = {rel: set(re.findall(r'\bid="([^"]+)"', page)) for rel, page in pages.items()}
    def fixer(rel):
        def fix(m):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.group(1))) if m.group(1) else rel
            name = html.unescape(m.group(4)).removesuffix('()').lower()
            is_doc_link = m.group(2).split('.')[-1] == name.split('.')[-1]   # `nt_xent` → #nt_xent, `RandBit.to` → #randbit.to
            return m.group(3) if is_doc_link and target in ids and m.group(2) not in ids[target] else m.group(0)
        return fix
    return {rel: _DOC_LINK.sub(fixer(rel), page) for rel, page in pages.items()}

_ANCHOR = re.compile(r'<a class="anchor-link" href="#[^"]*">.*?</a>', re.S)
_HEADING = re.compile(r'<h([1-6])\b([^>]*?)\bid="([^"]*)"([^>]*)>(.*?)</h\1>', re.S)

def _text(fragment:str)->str: return html.unescape(re.sub(r'<[^>]+>', '', _ANCHOR.sub('', fragment))).strip()   # an HTML fragment's text, without the ¶ anchor

def quarto_id(text:str, # a heading's text (tags and entities allowed)
             )->str: # the id pandoc, and so Quarto, gives it
    "Pandoc's automatic identifier: markup and punctuation dropped (keeping `_`, `-`, `.`), spaces → `-`, lower case, nothing before the first letter."
    t = _text(text).lower()
    t = re.sub(r'[^\w\s.-]', '', t)
    t = re.sub(r'\s+', '-', t)
    while t and not t[0].isalpha(): t = t[1:]   # identifiers start with a letter
    return t or 'section'

def heading_ids(page:str, # a page's HTML (nbconvert gives headings ids of its own)
               )->tuple: # (the page with Quarto-style ids and in-page links, [(level, id, text)] of its headings)
    "Give every heading the id Quarto would (so links written for the Quarto site work here), repeated ids numbered as pandoc does (`-1`, `-2`), and point in-page links and anchors at them."
    seen, renamed, heads = {}, {}, []
    def one(m):
        level, pre, old, post, inner = m.groups()
        inner = _ANCHOR.sub('', inner)
        text = _text(inner)
        new = quarto_id(inner)
        if new in seen: seen[new] += 1; new = f'{new}-{seen[new]}'
        else: seen[new] = 0
        renamed.setdefault(old, new); heads.append((int(level), new, text))
        return f'<h{level}{pre}id="{new}"{post}>{inner}<a class="anchor-link" href="#{new}">¶</a></h{level}>'
    page = _HEADING.sub(one, page)
    page = re.sub(r'(<a\b[^>]*?\bhref=")#([^"]+)"', lambda m: f'{m.group(1)}#{renamed.get(html.unescape(m.group(2)), m.group(2))}"', page)  # tags only, not code that shows one
    return page, heads


_MATH_ALPHA = {'bold': (0x1D400, 0x1D7CE), 'italic': (0x1D434, None), 'bold-italic': (0x1D468, None), 'script': (0x1D49C, None),
               'bold-script': (0x1D4D0, None), 'fraktur': (0x1D504, None), 'double-struck': (0x1D538, 0x1D7D8), 'bold-fraktur': (0x1D56C, None),
               'sans-serif': (0x1D5A0, 0x1D7E2), 'bold-sans-serif': (0x1D5D4, 0x1D7EC), 'sans-serif-italic': (0x1D608, None),
               'sans-serif-bold-italic': (0x1D63C, None), 'monospace': (0x1D670, 0x1D7F6)}
_MATH_HOLES = {('italic', 'h'): 'ℎ', **{('script', k): v for k, v in zip('BEFHILMRego', 'ℬℰℱℋℐℒℳℛℯℊℴ')},
               **{('fraktur', k): v for k, v in zip('CHIRZ', 'ℭℌℑℜℨ')}, **{('double-struck', k): v for k, v in zip('CHNPQRZ', 'ℂℍℕℙℚℝℤ')}}

def math_letter(ch:str, variant:str)->str:
    "`ch` in the Unicode mathematical alphabet `variant` (`double-struck` R → ℝ); `ch` itself where that alphabet has no such letter."
    if (variant, ch) in _MATH_HOLES: return _MATH_HOLES[variant, ch]
    if variant not in _MATH_ALPHA or not ch.isascii(): return ch
    base, digits = _MATH_ALPHA[variant]
    if ch.isupper(): return chr(base + ord(ch) - 65)
    if ch.islower(): return chr(base + 26 + ord(ch) - 97)
    if ch.isdigit() and digits: return chr(digits + ord(ch) - 48)
    return ch

_STYLED = re.compile(r'<(mi|mn|mtext)([^>]*?)\s+mathvariant="([a-z-]+)"([^>]*)>([^<]*)</\1>')

def math_letters(page:str)->str:
    "Styled MathML letters (`double-struck`, `script`, `bold`, …) as the Unicode characters they stand for: MathML Core browsers honour only `normal`, and would show ℝ as R."
    def one(m):
        tag, pre, var, post, text = m.groups()
        if var == 'normal': return m.group(0)
        attrs = pre + post + (' mathvariant="normal"' if tag == 'mi' else '')   # one letter of a mi is italic by default; these letters are not
        return f'<{tag}{attrs}>{"".join(math_letter(c, var) for c in text)}</{tag}>'
    return _STYLED.sub(one, page)


def inline_md(text:str)->str:
    "A one-line description as HTML: escaped, with `code`, **bold** and *emphasis* rendered (page subtitles come from the notebooks' `>` lines, which are markdown)."
    parts = re.split(r'(`[^`]*`)', text)
    out = []
    for i, p in enumerate(parts):
        if i % 2: out.append(f'<code>{html.escape(p[1:-1])}</code>'); continue
        p = html.escape(p, quote=False)
        p = re.sub(r'\*\*(?=\S)(.+?)(?<=\S)\*\*', r'<strong>\1</strong>', p)
        p = re.sub(r'(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])', r'<em>\1</em>', p)
        out.append(p)
    return ''.join(out)


def toc_html(heads:list, # (level, id, text) from `heading_ids`
             levels=(2, 3))->str:
    "The page's table of contents: its `##` and `###` headings (`###` indented), in a `<details>` that is open on wide screens and folded on narrow ones."
    items = [(l, i, t) for l, i, t in heads if l in levels]
    if not items: return ''
    lis = ''.join(f'<li class="cnb-toc-{l}"><a href="#{i}">{html.escape(t)}</a></li>' for l, i, t in items)
    return f'<details class="cnb-toc" open><summary>On this page</summary><ul>{lis}</ul></details>'

_NOT_TEXT = re.compile(r'<(script|style|math|svg|pre|textarea)\b.*?</\1>|<img\b[^>]*>', re.S | re.I)

def search_records(page:str, # a page's HTML, after `heading_ids`
                   href:str, # the page's path in the site
                   title:str, # the page's title
                   max_chars:int=2000, # text kept per section
                  )->list: # [{'u': href#id, 'p': title, 'h': heading, 't': text}]
    "The page split at its `##`/`###` headings for the search index: each section's visible prose (no code, math, scripts or images), whitespace collapsed."
    body = re.split(r'<body\b[^>]*>', page, maxsplit=1)[-1]
    cuts = [(m.start(), m.group(3), _text(m.group(5))) for m in _HEADING.finditer(body) if m.group(1) in '23']
    bounds = [(0, '', '')] + cuts
    out = []
    for (start, hid, head), nxt in zip(bounds, bounds[1:] + [(len(body), None, None)]):
        text = re.sub(r'<[^>]+>', ' ', _NOT_TEXT.sub(' ', body[start:nxt[0]]))
        text = re.sub(r'\s+', ' ', html.unescape(text).replace('¶', '')).strip()
        if head: text = text[len(head):].strip() if text.startswith(head) else text
        if text or head: out.append(dict(u=href + (f'#{hid}' if hid else ''), p=title, h=head, t=text[:max_chars]))
    return out


def _front_matter(nb)->dict:
    "Pop the YAML front-matter raw cell nbdev puts first; return it as a dict."
    import yaml
    if nb.cells and nb.cells[0].cell_type == 'raw' and nb.cells[0].source.lstrip().startswith('---'):
        src = nb.cells.pop(0).source.strip().strip('-')
        return yaml.safe_load(src) or {}
    return {}

_CSS = """
body { margin: 0; }
.cnb-layout { display: flex; align-items: flex-start; }
.cnb-nav { position: sticky; top: 0; flex: 0 0 15rem; height: 100vh; overflow-y: auto; box-sizing: border-box;
           padding: 1.2rem 1rem; background: #f6f7f9; border-right: 1px solid #e1e4e8;
           font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 0.92rem; }
.cnb-nav a { display: block; padding: 0.22rem 0.4rem; color: #24292f; text-decoration: none; border-radius: 4px; }
.cnb-nav a:hover { background: #e6e9ee; }
.cnb-nav a.cnb-current { background: #dbe7fb; font-weight: 600; }
.cnb-nav .cnb-section { margin: 0.9rem 0 0.2rem; font-weight: 600; color: #57606a; text-transform: uppercase; font-size: 0.75rem; }
.cnb-nav .cnb-site { font-weight: 700; font-size: 1.05rem; margin-bottom: 0.6rem; }
.cnb-search input { width: 100%; box-sizing: border-box; padding: 0.3rem 0.45rem; border: 1px solid #d0d7de; border-radius: 4px; font: inherit; }
#cnb-hits { margin: 0.3rem 0 0.5rem; font-size: 0.85rem; color: #57606a; }
#cnb-hits a { padding: 0.18rem 0.4rem; line-height: 1.25; }
#cnb-hits small { color: #6e7781; }
.cnb-toggle, .cnb-toggle-label { display: none; }
.cnb-main { order: 2; flex: 1 1 auto; min-width: 0; padding: 1rem 2rem 3rem; max-width: 70rem; }
.cnb-aside { order: 3; position: sticky; top: 0; flex: 0 0 14rem; max-height: 100vh; overflow-y: auto; box-sizing: border-box;
             padding: 1.2rem 0.8rem; font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 0.85rem; }
.cnb-toc summary { cursor: pointer; font-weight: 600; color: #57606a; }
.cnb-toc ul { list-style: none; padding-left: 0; margin: 0.4rem 0; }
.cnb-toc a { display: block; padding: 0.12rem 0; color: #24292f; text-decoration: none; }
.cnb-toc a:hover { text-decoration: underline; }
.cnb-toc .cnb-toc-3 { padding-left: 0.9rem; }
.cnb-title { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; }
.cnb-title h1 { margin-bottom: 0.2rem; }
.cnb-title .cnb-desc { color: #57606a; font-size: 1.1rem; margin-top: 0; }
.cnb-main pre { overflow-x: auto; white-space: pre; max-width: 100%; }  /* long code lines scroll instead of being cut off */
.cnb-main .jp-Cell, .cnb-main .jp-InputArea, .cnb-main .jp-OutputArea, .cnb-main .jp-OutputArea-output, .cnb-main .jp-InputArea-editor { min-width: 0; max-width: 100%; overflow-x: auto; }
.cnb-main math[display="block"] { margin: 0.8em 0; overflow-x: auto; overflow-y: hidden; }
.cnb-main img { max-width: 100%; height: auto; }
.cnb-fold summary { cursor: pointer; color: #57606a; }
.cnb-fig { margin: 0.6rem 0 1.2rem; }
.cnb-fig figcaption { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 0.9rem; color: #57606a; margin-top: 0.3rem; }
.cnb-badge { display: inline-block; padding: 0 0.4em; border: 1px solid #d0d7de; border-radius: 4px; font-size: 0.8rem; background: #f6f8fa; }
@media (max-width: 56rem) {  /* narrow screens: the sidebar folds behind a button above the page, the contents above the text */
  .cnb-layout { flex-direction: column; align-items: stretch; }
  .cnb-nav { position: static; height: auto; flex: none; width: 100%; border-right: none; border-bottom: 1px solid #e1e4e8; padding: 0.6rem 1rem; }
  .cnb-toggle-label { display: inline-block; cursor: pointer; padding: 0.2rem 0.6rem; border: 1px solid #d0d7de; border-radius: 4px; background: #fff; }
  .cnb-links { display: none; }
  .cnb-toggle:checked ~ .cnb-links { display: block; }
  .cnb-aside { order: 1; position: static; flex: none; width: 100%; max-height: none; padding: 0.5rem 1rem 0; }
  .cnb-main { order: 2; padding: 0.5rem 1rem 2rem; }
}
"""

_JS = r"""(() => {
  const toc = document.querySelector('.cnb-toc');
  if (toc && window.matchMedia('(max-width: 56rem)').matches) toc.removeAttribute('open');
  const q = document.getElementById('cnb-q'), hits = document.getElementById('cnb-hits');
  if (!q) return;
  const show = () => {
    const words = q.value.toLowerCase().split(/\s+/).filter(w => w.length > 1);
    hits.replaceChildren();
    if (!words.length || !window.CNB_SEARCH) return;
    const found = [];
    for (const r of window.CNB_SEARCH) {
      const head = (r.p + ' ' + r.h).toLowerCase(), text = r.t.toLowerCase();
      if (!words.every(w => head.includes(w) || text.includes(w))) continue;
      let score = 0;
      for (const w of words) score += (head.includes(w) ? 20 : 0) + text.split(w).length - 1;
      found.push([score, r]);
    }
    found.sort((a, b) => b[0] - a[0]);
    for (const [, r] of found.slice(0, 12)) {
      const a = document.createElement('a'), page = document.createElement('small');
      a.href = q.dataset.up + r.u; a.textContent = r.h || r.p;
      if (r.h) { page.textContent = r.p.split(':')[0]; a.append(document.createElement('br'), page); }
      hits.appendChild(a);
    }
    if (!found.length) hits.textContent = 'No match';
  };
  q.addEventListener('input', show);
  show();
})();"""

def _nav_html(pages, # (href, title, section or None) of every page
              current:str, site_title:str)->str:
    "Sidebar: the site's name, the search box, then every page under its section, linked relative to the page `current`; on narrow screens the links fold behind a button (a checkbox, so it works without a script)."
    up = '../' * current.count('/')
    links, section = [], None
    for href, title, sec in pages:
        if sec != section and sec is not None: links.append(f'<div class="cnb-section">{html.escape(sec)}</div>')
        section = sec
        cls = ' class="cnb-current"' if href == current else ''
        links.append(f'<a href="{up}{href}"{cls}>{html.escape(title)}</a>')
    return (f'<nav class="cnb-nav"><div class="cnb-site"><a href="{up}index.html">{html.escape(site_title)}</a></div>'
            f'<div class="cnb-search"><input type="search" id="cnb-q" placeholder="Search" aria-label="Search the site" data-up="{up}" autocomplete="off">'
            '<div id="cnb-hits"></div></div>'
            '<input type="checkbox" id="cnb-nav-toggle" class="cnb-toggle"><label for="cnb-nav-toggle" class="cnb-toggle-label">☰ Pages</label>'
            '<div class="cnb-links">' + '\n'.join(links) + '</div></nav>')

_CELL_KEYS = {'code': {'cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count'},
              'markdown': {'cell_type', 'id', 'metadata', 'source', 'attachments'},
              'raw': {'cell_type', 'id', 'metadata', 'source', 'attachments'}}

def _read_proc(path):
    "Read a processed notebook, keeping only the keys nbformat allows on each cell."
    import nbformat
    nb = nbformat.read(str(path), as_version=4)
    for c in nb.cells:
        for k in set(c) - _CELL_KEYS[c.cell_type]: del c[k]
        c.metadata.pop('execution', None)  # nbdev-test timings, not in nbformat's schema
    return nb

def render_page(nb_path:str|Path, # a processed notebook (from `process_notebooks`)
                pages:list, # (href, title, section or None) of every page, for the navigation bar
                current:str, # this page's href
                site_title:str='contrastive_nb',
                search:list|None=None, # if given, the page's search records are appended to it
                site_url:str='', # the published site's address: links into it become relative (`site_links`)
               )->str: # the page's HTML
    "One processed notebook as a self-contained HTML page: the site navigation with its search box, the page's contents, Quarto-style heading ids."
    from nbconvert import HTMLExporter
    nb = _read_proc(nb_path)
    fm = _front_matter(nb)
    apply_cell_options(nb, Path(nb_path).name)
    title, desc = fm.get('title', Path(nb_path).stem), fm.get('description', '')
    exp = HTMLExporter(template_name='lab', exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exp.from_notebook_node(nb)
    body, heads = heading_ids(math_letters(body))
    if search is not None: search.extend(search_records(body, current, title))
    head = f'<div class="cnb-title"><h1>{html.escape(title)}</h1>' + (f'<p class="cnb-desc">{inline_md(desc)}</p>' if desc else '') + '</div>'
    up = '../' * current.count('/')
    wrap = f'<div class="cnb-layout">{_nav_html(pages, current, site_title)}<aside class="cnb-aside">{toc_html(heads)}</aside><main class="cnb-main">{head}'
    body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + wrap, body, count=1)
    body = body.replace('</body>', f'</main></div><script src="{up}search.js"></script><script>{_JS}</script></body>', 1)
    body = re.sub(r'<title>.*?</title>', f'<title>{html.escape(title)} – {html.escape(site_title)}</title>', body, count=1, flags=re.S)
    return link_attributes(site_links(ipynb_links(offline_images(strip_external_scripts(body))), current, site_url)).replace('</head>', f'<style>{_CSS}</style></head>', 1)

def build_site(out:str|Path='_site', # output folder (created; replaced if it exists)
               force:bool=False, # reprocess every notebook
              )->list[Path]: # the pages written
    "Process the notebooks with nbdev and render every one to a static HTML page under `out`, in the sidebar's order and sections, with the search index `search.js`."
    import json
    from nbdev.config import get_config
    cfg = get_config()
    proc = process_notebooks(force=force)
    side = sidebar(cfg.nbs_path)
    listed, found = [str(nb) for _, nb in side], [str(nb) for nb in notebook_order(cfg.nbs_path)]
    if sorted(listed) != sorted(found):
        raise ValueError(f"{cfg.nbs_path/'sidebar.yml'} must list every notebook once: missing {sorted(set(found) - set(listed))}, "
                         f"not a notebook {sorted(set(listed) - set(found))}, repeated {sorted({n for n in listed if listed.count(n) > 1})}")
    pages = [(page_name(nb), _front_matter(_read_proc(proc/nb)).get('title', nb.stem), sec) for sec, nb in side]
    out = Path(out)
    if out.exists(): shutil.rmtree(out)
    written, search, url = [], [], docs_url()
    rendered = {href: render_page(proc/nb, pages, href, cfg.title, search=search, site_url=url) for (_, nb), (href, _, _) in zip(side, pages)}
    for href, page in unlink_missing(rendered).items():
        dest = out/href
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(page, encoding='utf-8')
        written.append(dest)
    (out/'search.js').write_text('window.CNB_SEARCH = ' + json.dumps(search, ensure_ascii=False) + ';\n', encoding='utf-8')
    return written

_BANNER = '<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->'

def docs_url()->str:
    "The published site's address: `Documentation` in pyproject.toml's `[project.urls]`, as nbdev reads it; '' if there is none."
    from nbdev.config import get_config
    return get_config().doc_url.rstrip('/')

_MD_NB_LINK = re.compile(r'\]\((?![a-z]+:)([^)\s#]+?)\.ipynb(#[^)\s]*)?\)')

def absolute_links(md:str, # markdown whose links to notebooks are relative (`00_core.ipynb`, `tutorials/x.ipynb#a`)
                   url:str, # the site's address
                  )->str:
    "Relative links to notebooks as links to their pages on the published site: the README is read on GitHub and PyPI, away from the site, while the notebooks link relatively so that both builds stay on the site."
    return _MD_NB_LINK.sub(lambda m: f"]({url}/{page_name(m.group(1) + '.ipynb')}{m.group(2) or ''})", md) if url else md

def render_readme(force:bool=False)->str:
    "README.md text rendered from the processed `index.ipynb`."
    from nbconvert import MarkdownExporter
    from nbdev.config import get_config
    cfg = get_config()
    nb = _read_proc(process_notebooks(force=force)/cfg.readme_nb)
    fm = _front_matter(nb)
    nb.cells = [c for c in nb.cells if not (c.cell_type == 'markdown' and c.source.strip() == _BANNER)]
    md, _ = MarkdownExporter(exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    head = f"# {fm.get('title', cfg.title)}\n\n" + (f"> {fm['description']}\n\n" if fm.get('description') else '')
    md = absolute_links(re.sub(r'\n{3,}', '\n\n', md).strip(), docs_url())
    return f"{_BANNER}\n\n{head}{md}\n"

def build_readme(force:bool=False)->Path:
    "Write README.md at the project root from `index.ipynb`."
    from nbdev.config import get_config
    p = get_config().config_path/'README.md'
    p.write_text(render_readme(force=force), encoding='utf-8')
    return p

@call_parse
def build_docs_cli(out:str='_site', # output folder for the HTML site
                   force:bool=False, # reprocess every notebook
                   no_readme:bool=False, # do not rewrite README.md
                  ):
    "Build the offline HTML docs site from the notebooks' saved outputs, and README.md from index.ipynb."
    missing = [m for m in ('nbconvert', 'latex2mathml') if importlib.util.find_spec(m) is None]
    if missing: raise SystemExit(f"tools/docsite.py needs {', '.join(missing)}: pip install -e \".[docs]\"")
    pages = build_site(out, force=force)
    if not no_readme: print(f"wrote {build_readme()}")
    print(f"wrote {len(pages)} pages to {out}/ (open {out}/index.html)")


if __name__ == '__main__': build_docs_cli()
