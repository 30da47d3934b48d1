"""The offline site builder's pieces (tools/docsite.py), each against a small hand-made input. tests/test_docs.py builds the whole site."""
import base64, sys, tempfile
from pathlib import Path
import nbformat
import pytest
from fastcore.test import test_eq as eq, test_fail as fails  # not test_*: pytest would collect them

sys.path.insert(0, str(Path(__file__).resolve().parent.parent/'tools'))
pytest.importorskip('nbconvert')
from docsite import *  # noqa: E402,F403

def test_page_names_and_order():
    eq(page_name('00_core.ipynb'), 'core.html')
    eq(page_name('tutorials/01_randbit.ipynb'), 'tutorials/randbit.html')
    eq(page_name('index.ipynb'), 'index.html')
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        for f in ['index.ipynb', '01_b.ipynb', '00_a.ipynb', 'tutorials/00_t.ipynb', '.ipynb_checkpoints/x.ipynb', '_proc/y.ipynb']:
            (d/f).parent.mkdir(parents=True, exist_ok=True); (d/f).write_text('{}')
        eq([str(p) for p in notebook_order(d)], ['index.ipynb', '00_a.ipynb', '01_b.ipynb', 'tutorials/00_t.ipynb'])
        eq([(s, str(p)) for s, p in sidebar(d)], [(None, str(p)) for p in notebook_order(d)])   # no sidebar.yml: the folder's order
        (d/'sidebar.yml').write_text('website:\n  sidebar:\n    contents:\n      - index.ipynb\n      - section: Losses\n        contents:\n'
                                     '          - 01_b.ipynb\n          - href: 00_a.ipynb\n      - section: Tutorials\n        contents: [tutorials/00_t.ipynb]\n')
        eq([(s, str(p)) for s, p in sidebar(d)], [(None, 'index.ipynb'), ('Losses', '01_b.ipynb'), ('Losses', '00_a.ipynb'), ('Tutorials', 'tutorials/00_t.ipynb')])
        (d/'sidebar.yml').write_text('website:\n  sidebar:\n    contents:\n      - {text: x}\n')
        fails(lambda: sidebar(d), contains="a sidebar entry must be a notebook path")

def test_math_renders_offline():
    eq(render_math('no math here, `$x$` in code'), 'no math here, `$x$` in code')
    m = render_math(r'the loss $\mathcal L = -\log p$ and $$\frac{1}{2N}\sum_i \big\lVert z_i \big\rVert^2$$')
    assert m.count('<math') == 2 and 'display="block"' in m and '$' not in m
    assert '&#x02016;' in m  # \lVert, also in its \big form
    fails(lambda: render_math(r'$\notacommand x$', 'page.ipynb'), contains='page.ipynb: a LaTeX command')
    eq(render_math('costs $5 and $6'), 'costs $5 and $6')  # amounts of money are not math: a closing $ followed by a digit never closes a formula

def test_cell_options():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('#| echo: false\n#| output: asis\nshow_doc(f)', outputs=[nbformat.v4.new_output('stream', name='stdout', text='**bold**')]),
        nbformat.v4.new_code_cell('#| include: false\nsecret()'),
        nbformat.v4.new_code_cell('#| code-fold: true\nplot(<x>)'),
        nbformat.v4.new_code_cell('#| output: false\nnoisy()', outputs=[nbformat.v4.new_output('stream', name='stdout', text='noise')]),
        nbformat.v4.new_markdown_cell('$a^2$')])
    eq(cell_options('#| echo: false\n#| output: asis\nx = 1'), ({'echo': 'false', 'output': 'asis'}, 'x = 1'))
    cells = apply_cell_options(nb).cells
    eq([c.cell_type for c in cells], ['code', 'markdown', 'code', 'code', 'markdown'])  # include: false is gone, code-fold adds its <details>
    eq(cells[0].source, 'show_doc(f)'); eq(cells[0].metadata.transient, {'remove_source': True})
    eq(cells[0].outputs[0].data['text/markdown'], '**bold**')
    assert '<summary>Code</summary>' in cells[1].source and 'plot(&lt;x&gt;)' in cells[1].source and cells[2].metadata.transient['remove_source']
    eq(cells[3].outputs, []); assert '<math' in cells[4].source
    page = '<head><script src="https://cdnjs.example/require.js"></script><script type="module">import m from "https://cdn.example/m.mjs"; m()</script><script>local()</script><script>load("https://unpkg.com/w.js")</script></head>'
    eq(strip_external_scripts(page), '<head><script>local()</script></head>')
    eq(strip_external_scripts('<!-- MathJax configuration -->\n<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>\n<!-- End of mathjax configuration --><p>x</p>'), '<p>x</p>')
    eq(offline_images('<a href="https://colab.research.google.com/x"><img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a> <img src="data:image/png;base64,AA"/>'),
            '<a href="https://colab.research.google.com/x"><span class="cnb-badge">Open In Colab</span></a> <img src="data:image/png;base64,AA"/>')
    eq(ipynb_links('<a href="tutorials/generalized.ipynb#local-features">x</a> <a href="../03_ntxent.ipynb">y</a> <a href="https://colab.research.google.com/github/o/r/blob/main/nbs/03_ntxent.ipynb">z</a>'),
            '<a href="tutorials/generalized.html#local-features">x</a> <a href="../ntxent.html">y</a> <a href="https://colab.research.google.com/github/o/r/blob/main/nbs/03_ntxent.ipynb">z</a>')
    eq(ipynb_links('<pre>&lt;a href="x.ipynb"&gt;</pre>'), '<pre>&lt;a href="x.ipynb"&gt;</pre>')   # code that shows a link is not rewritten

def test_site_links_become_relative():
    u = 'https://o.github.io/r'
    eq(site_links('<a href="https://o.github.io/r/ntxent.html#nt_xent">x</a> <a href="https://o.github.io/r">i</a> <a class="k" href="https://o.github.io/r/tutorials/a.html">t</a>', 'tutorials/b.html', u),
            '<a href="../ntxent.html#nt_xent">x</a> <a href="../index.html">i</a> <a class="k" href="../tutorials/a.html">t</a>')
    page = '<a href="https://o.github.io/rx/a.html">other site</a> <a href="https://github.com/o/r/blob/main/r/ntxent.py#L22">source</a> <pre>&lt;a href="https://o.github.io/r/a.html"&gt;</pre>'
    eq(site_links(page, 'index.html', u), page)   # another site, the source, and code showing a link are left alone
    eq(site_links('<a href="https://o.github.io/r/a.html">x</a>', 'a.html', ''), '<a href="https://o.github.io/r/a.html">x</a>')

def test_link_attributes():
    eq(link_attributes('<p><a href="https://g/x.py#L22">source</a>{target="_blank" style="float:right; font-size:smaller"}</p>'),
            '<p><a href="https://g/x.py#L22" target="_blank" style="float:right; font-size:smaller">source</a></p>')
    eq(link_attributes('<a href="#a">x</a>{.k #i}'), '<a href="#a" id="i" class="k">x</a>')
    eq(link_attributes('<a href="#a">x</a> {not attributes} and a set {1, 2}'), '<a href="#a">x</a> {not attributes} and a set {1, 2}')

def test_missing_doc_links_are_unlinked():
    pages = {'a.html': '<h3 id="nt_xent">nt_xent</h3> <a href="a.html#_helper"><code>_helper</code></a> <a href="#nt_xent"><code>nt_xent()</code></a>',
             'tutorials/b.html': '<a href="../a.html#nt_xent"><code>nt_xent</code></a> <a href="../a.html#_gone"><code>_gone</code></a> <a href="../a.html#no-section">the section</a> <a href="../c.html#x"><code>x</code></a>'}
    eq(unlink_missing(pages), {'a.html': '<h3 id="nt_xent">nt_xent</h3> <code>_helper</code> <a href="#nt_xent"><code>nt_xent()</code></a>',
                                     'tutorials/b.html': '<a href="../a.html#nt_xent"><code>nt_xent</code></a> <code>_gone</code> <a href="../a.html#no-section">the section</a> <a href="../c.html#x"><code>x</code></a>'})
    # a prose link to a missing section, and a link to a missing page, stay: the site check reports them

def test_heading_ids():
    eq(quarto_id('Local features: does a global loss learn where the objects are?'), 'local-features-does-a-global-loss-learn-where-the-objects-are')
    eq(quarto_id('At CPU scale (saved output)'), 'at-cpu-scale-saved-output')
    eq(quarto_id('2. Digit canvases'), 'digit-canvases')               # nothing before the first letter
    eq(quarto_id('τ → 0: <code>nt_xent</code>'), 'τ-0-nt_xent')       # tags dropped, letters of any script kept, `_` kept
    eq(quarto_id('1 + 1'), 'section')
    page = ('<h2 id="Smoke-test">Smoke test<a class="anchor-link" href="#Smoke-test">¶</a></h2><a href="#Smoke-test">up</a>'
            '<h3 id="Smoke-test">Smoke test</h3><h1 id="x">A &amp; B</h1>')
    new, heads = heading_ids(page)
    eq(heads, [(2, 'smoke-test', 'Smoke test'), (3, 'smoke-test-1', 'Smoke test'), (1, 'a-b', 'A & B')])
    assert '<a href="#smoke-test">up</a>' in new and heading_ids('<pre>&lt;a href="#Smoke-test"&gt;</pre>')[0] == '<pre>&lt;a href="#Smoke-test"&gt;</pre>' and 'href="#Smoke-test"' not in new and new.count('class="anchor-link"') == 3

def test_math_letters():
    eq(math_letters('<mi mathvariant="double-struck">R</mi><mi mathvariant="script">L</mi><mn mathvariant="double-struck">1</mn>'),
            '<mi mathvariant="normal">ℝ</mi><mi mathvariant="normal">ℒ</mi><mn>𝟙</mn>')
    eq(math_letters('<mi mathvariant="bold">z</mi><mi mathvariant="normal">s</mi><mi mathvariant="script">α</mi>'),
            '<mi mathvariant="normal">𝐳</mi><mi mathvariant="normal">s</mi><mi mathvariant="normal">α</mi>')   # non-ASCII letters are left as they are
    eq([math_letter(c, 'double-struck') for c in 'ERZ'], ['𝔼', 'ℝ', 'ℤ']); eq(math_letter('x', 'no-such'), 'x')

def test_inline_markdown():
    eq(inline_md('The `nt_xent` loss, **all** of it, *not* 2*3*4 <x>'),
            'The <code>nt_xent</code> loss, <strong>all</strong> of it, <em>not</em> 2*3*4 &lt;x&gt;')
    eq(inline_md('`a*b*` and `<i>`'), '<code>a*b*</code> and <code>&lt;i&gt;</code>')   # nothing inside code is rendered

def test_png_width_and_captions():
    b64 = base64.b64encode(b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + (600).to_bytes(4, 'big') + (400).to_bytes(4, 'big') + bytes(17)).decode()   # the header of a 600 × 400 PNG
    eq(png_width(b64), 600)
    fails(lambda: png_width(base64.b64encode(b'GIF89a' + bytes(30)).decode()), contains='not a PNG')
    png = lambda: nbformat.v4.new_output('display_data', data={'image/png': b64 + '\n', 'text/plain': '<Figure>'})
    eq(retina_width(png()).metadata, {'image/png': {'width': 300}})   # drawn at twice the dpi: shown at half its pixels
    eq(retina_width(nbformat.v4.new_output('display_data', data={'image/png': b64}, metadata={'image/png': {'width': 50}})).metadata['image/png'], {'width': 50})
    fig = nbformat.v4.new_code_cell('#| echo: false\n#| fig-cap: The `tau-sweep` at *full* scale\nshow()', outputs=[nbformat.v4.new_output('stream', name='stdout', text='table'), png(), png()])
    out = apply_cell_options(nbformat.v4.new_notebook(cells=[fig])).cells[0].outputs
    eq([o.output_type for o in out], ['stream', 'display_data'])
    img = f'<img src="data:image/png;base64,{b64}" width="300" alt="The tau-sweep at full scale">'
    eq(out[1].data['text/html'], f'<figure class="cnb-fig">{img}{img}<figcaption>The <code>tau-sweep</code> at <em>full</em> scale</figcaption></figure>')   # the caption keeps its case and renders its markdown
    fails(lambda: apply_cell_options(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('#| fig-cap: Gone\nshow()')]), 'p.ipynb'), contains='p.ipynb: a cell with `fig-cap: Gone` has no saved image')

def test_contents_and_search():
    eq(toc_html([(1, 'a', 'A'), (2, 'b', 'B & C'), (3, 'c', 'C'), (4, 'd', 'D')]),
            '<details class="cnb-toc" open><summary>On this page</summary><ul><li class="cnb-toc-2"><a href="#b">B &amp; C</a></li>'
            '<li class="cnb-toc-3"><a href="#c">C</a></li></ul></details>')
    eq(toc_html([(1, 'a', 'A')]), '')
    page = ('<html><head><style>x{}</style></head><body><p>intro</p><h2 id="one">One<a class="anchor-link" href="#one">¶</a></h2>'
            '<p>uniformity &amp; tolerance</p><pre>code()</pre><math><mi>x</mi></math><h3 id="two">Two</h3><p>more</p></body></html>')
    eq(search_records(page, 'p.html', 'Page'),
            [dict(u='p.html', p='Page', h='', t='intro'), dict(u='p.html#one', p='Page', h='One', t='uniformity & tolerance'),
             dict(u='p.html#two', p='Page', h='Two', t='more')])

def test_readme_links_are_absolute():
    u = 'https://o.github.io/r'
    eq(absolute_links('[Core](00_core.ipynb), [x](tutorials/wang_liu.ipynb#the-recipe), [c](https://colab.research.google.com/x/01_a.ipynb), `a.ipynb`', u),
            '[Core](https://o.github.io/r/core.html), [x](https://o.github.io/r/tutorials/wang_liu.html#the-recipe), [c](https://colab.research.google.com/x/01_a.ipynb), `a.ipynb`')
    eq(absolute_links('[Core](00_core.ipynb)', ''), '[Core](00_core.ipynb)')
    eq(docs_url(), 'https://contrastive-nb.github.io/contrastive_nb')
