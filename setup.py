"Packaging for contrastive_nb: metadata from settings.ini, version from contrastive_nb/__init__.py; the name, description and URLs are static in pyproject.toml's [project] (nbdev 3 reads them there), and setuptools applies them itself."
import re
from configparser import ConfigParser
from pathlib import Path
from setuptools import setup, find_packages

here = Path(__file__).parent
cfg = ConfigParser(delimiters=['='])
cfg.read(here/'settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

def _version():
    "The one source of truth for the version: `__version__` in the package's __init__.py (exported from nbs/24_package.ipynb)."
    txt = (here/cfg['lib_path']/'__init__.py').read_text(encoding='utf-8')
    m = re.search(r'^__version__\s*=\s*[\'"]([^\'"]+)[\'"]', txt, re.M)
    if m is None: raise RuntimeError(f"no __version__ in {cfg['lib_path']}/__init__.py")
    return m.group(1)

licenses = {'apache2': 'Apache-2.0'}   # SPDX expressions (setuptools deprecates licence classifiers)
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
lic = licenses[cfg['license']]
min_python = cfg['min_python']
py_versions = '3.10 3.11 3.12 3.13'.split()

requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
bench_requirements = cfg.get('bench_requirements', '').split()   # benchmark-only comparisons (lightly)
distributed_requirements = cfg.get('distributed_requirements', '').split()   # fastai's distrib_ctx / to_distributed (Accelerate)
docs_requirements = cfg.get('docs_requirements', '').split()   # tools/docsite.py: the offline site builder (development tooling)
scripts = [s.strip() for s in cfg.get('console_scripts', '').split() if s.strip()]

setup(
    version=_version(),
    long_description=(here/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    keywords=cfg['keywords'],
    author=cfg['author'], author_email=cfg['author_email'],
    license=lic,
    classifiers=['Development Status :: ' + statuses[int(cfg['status']) - 1], 'Intended Audience :: Science/Research',
                 'Natural Language :: ' + cfg['language'],
                 'Topic :: Scientific/Engineering :: Artificial Intelligence'] +
                ['Programming Language :: Python :: ' + v for v in py_versions[py_versions.index(min_python):]],
    packages=find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True,
    package_data={cfg['lib_path']: ['py.typed']},   # PEP 561: the package ships its type hints
    python_requires='>=' + min_python,
    install_requires=requirements,
    extras_require={'dev': dev_requirements, 'bench': bench_requirements, 'distributed': distributed_requirements,
                    'docs': docs_requirements},
    entry_points={'console_scripts': scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
)
