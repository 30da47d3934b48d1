"""The online loaders (`mnist`, `cifar`, `imagenette`) against a local HTTP server on 127.0.0.1.

The server is started by the test and serves small archives in the real formats, generated here: MNIST's gzipped idx
files, the CIFAR-10/100 python tarballs, an Imagenette-style folder tarball. The loaders are pointed at it by
configuration (`mirror=` or `$CONTRASTIVE_NB_MIRROR`), exactly as a user points them at a lab mirror."""
import gzip, http.server, io, pickle, tarfile, threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from contrastive_nb.data import DataSourceError, cifar, imagenette, mnist, read_idx


class Server:
    "A threaded HTTP server on 127.0.0.1 serving `files` (name -> bytes), counting the requests per name."
    def __init__(self):
        self.files, self.hits, self.lie = {}, [], set()
        srv = self
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.lstrip('/')
                srv.hits.append(name)
                if name not in srv.files: self.send_error(404); return
                body = srv.files[name]
                self.send_response(200)
                # a server that promises more bytes than it sends: the connection closes early, as a dropped download does
                self.send_header('Content-Length', str(len(body) + (1000 if name in srv.lie else 0)))
                self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
    def close(self): self.httpd.shutdown(); self.httpd.server_close()


@pytest.fixture
def server():
    s = Server(); yield s; s.close()


def files_in(d): return sorted(str(p.relative_to(d)) for p in Path(d).rglob('*') if p.is_file())


# ---- archives in the real formats ----
def idx(a:np.ndarray)->bytes:
    "An idx file of unsigned bytes: magic 0x0000080N, N big-endian dimensions, the data."
    return bytes([0, 0, 8, a.ndim]) + b''.join(int(d).to_bytes(4, 'big') for d in a.shape) + a.astype(np.uint8).tobytes()

def mnist_files(n_train=12, n_test=6, seed=0):
    g = np.random.default_rng(seed)
    data = {s: (g.integers(0, 256, (n, 28, 28)), g.integers(0, 10, n)) for s, n in (('train', n_train), ('t10k', n_test))}
    files = {}
    for s, (x, y) in data.items():
        files[f'{s}-images-idx3-ubyte.gz'] = gzip.compress(idx(x))
        files[f'{s}-labels-idx1-ubyte.gz'] = gzip.compress(idx(y))
    return files, data

def tarball(members:dict)->bytes:
    "A .tar.gz of `members` (path -> bytes)."
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name); info.size = len(data); tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()

def cifar_tarball(n_classes, per_file=4, seed=0):
    "The python-pickle release: the same files, keys and layout (N x 3072 uint8 rows, channel-major), fewer images."
    g = np.random.default_rng(seed)
    top = 'cifar-10-batches-py' if n_classes == 10 else 'cifar-100-python'
    names = ([f'data_batch_{i}' for i in range(1, 6)] + ['test_batch']) if n_classes == 10 else ['train', 'test']
    members, data = {}, {}
    for name in names:
        x, y = g.integers(0, 256, (per_file, 3072), dtype=np.uint8), g.integers(0, n_classes, per_file)
        d = {'data': x, 'batch_label': name}
        if n_classes == 10: d['labels'] = y.tolist()
        else: d['fine_labels'], d['coarse_labels'] = y.tolist(), (y // 5).tolist()
        members[f'{top}/{name}'] = pickle.dumps(d); data[name] = (x, y)
    if n_classes == 10: members[f'{top}/batches.meta'] = pickle.dumps({'label_names': [f'c{i}' for i in range(10)]})
    else: members[f'{top}/meta'] = pickle.dumps({'fine_label_names': [f'f{i}' for i in range(100)], 'coarse_label_names': [f'k{i}' for i in range(20)]})
    return tarball(members), data

def jpeg(color, size=(40, 30)):
    buf = io.BytesIO(); Image.new('RGB', size, color).save(buf, 'JPEG', quality=95); return buf.getvalue()

def imagenette_tarball():
    members = {}
    for split, n in (('train', 3), ('val', 2)):
        for wnid, color in (('n01440764', (200, 30, 30)), ('n02102040', (30, 30, 200))):
            for i in range(n): members[f'imagenette2-160/{split}/{wnid}/{wnid}_{i}.JPEG'] = jpeg(color)
    return tarball(members)


# ---- MNIST ----
def test_mnist_from_local_server(server, tmp_path):
    files, data = mnist_files()
    server.files.update(files)
    tr = mnist(path=tmp_path, mirror=server.url)
    te = mnist(path=tmp_path, train=False, mirror=server.url)
    assert tr.x.shape == (12, 1, 28, 28) and tr.x.dtype == torch.uint8
    assert torch.equal(tr.x[:, 0], torch.from_numpy(data['train'][0].astype(np.uint8)))
    assert tr.y.tolist() == data['train'][1].tolist() and te.y.tolist() == data['t10k'][1].tolist()
    assert sorted(server.hits) == sorted(files)  # each file fetched once
    mnist(path=tmp_path, mirror=server.url)  # already there: nothing is downloaded again
    assert len(server.hits) == 4
    assert files_in(tmp_path) == sorted(f'MNIST/raw/{f}' for f in files)

def test_mnist_mirror_from_environment(server, tmp_path, monkeypatch):
    files, data = mnist_files(seed=1)
    server.files.update(files)
    monkeypatch.setenv('CONTRASTIVE_NB_MIRROR', server.url)
    assert mnist(path=tmp_path, train=False).y.tolist() == data['t10k'][1].tolist()

@pytest.mark.parametrize('damage', ['truncated', 'dropped', 'header', 'missing'])
def test_mnist_bad_download_leaves_nothing(server, tmp_path, damage):
    files, data = mnist_files()
    bad = dict(files)
    name = 'train-labels-idx1-ubyte.gz'
    if damage == 'truncated': bad[name] = files[name][: len(files[name]) // 2]  # a cut gzip stream
    if damage == 'dropped': server.lie.add(name)  # the connection closes before Content-Length bytes arrive
    if damage == 'header': bad[name] = gzip.compress(idx(data['train'][1])[:-3])  # valid gzip, idx shorter than its header says
    if damage == 'missing': del bad[name]  # HTTP 404
    server.files.update(bad)
    with pytest.raises(DataSourceError) as e: mnist(path=tmp_path, mirror=server.url)
    msg = str(e.value)
    assert f'downloading {server.url}/{name} failed' in msg and 'Nothing was kept' in msg, msg
    if damage == 'missing': assert '404' in msg
    if damage == 'header': assert 'the header says [12]' in msg
    # the images file that arrived intact is kept; nothing half-written is
    assert files_in(tmp_path) == ['MNIST/raw/train-images-idx3-ubyte.gz']
    # the next run with a good server completes and reads the right data: nothing poisoned it
    server.files.update(files); server.lie.clear()
    assert mnist(path=tmp_path, mirror=server.url).y.tolist() == data['train'][1].tolist()

def test_mnist_reads_unpacked_files(tmp_path):
    "A folder torchvision downloaded holds the unpacked files: they are read without a download."
    _, data = mnist_files()
    raw = tmp_path/'MNIST'/'raw'; raw.mkdir(parents=True)
    for kind, a in (('images-idx3', data['t10k'][0]), ('labels-idx1', data['t10k'][1])): (raw/f't10k-{kind}-ubyte').write_bytes(idx(a))
    assert mnist(path=tmp_path, train=False, download=False).y.tolist() == data['t10k'][1].tolist()
    (raw/'t10k-labels-idx1-ubyte').write_bytes(idx(data['t10k'][1])[:-1])
    with pytest.raises(DataSourceError, match='the header says'): mnist(path=tmp_path, train=False, download=False)

def test_read_idx_rejects_other_files(tmp_path):
    p = tmp_path/'x'; p.write_bytes(b'PK\x03\x04 not idx')
    with pytest.raises(ValueError, match='not an idx file'): read_idx(p)


# ---- CIFAR ----
@pytest.mark.parametrize('n_classes', [10, 100])
def test_cifar_from_local_server(server, tmp_path, n_classes):
    tgz, data = cifar_tarball(n_classes)
    server.files[f'cifar-{n_classes}-python.tar.gz'] = tgz
    tr = cifar(n_classes, path=tmp_path, mirror=server.url)
    te = cifar(n_classes, path=tmp_path, train=False, mirror=server.url)
    train_names = [f'data_batch_{i}' for i in range(1, 6)] if n_classes == 10 else ['train']
    x = np.concatenate([data[n][0] for n in train_names]).reshape(-1, 3, 32, 32)
    assert tr.x.shape == (len(x), 3, 32, 32) and torch.equal(tr.x, torch.from_numpy(x))
    assert tr.y.tolist() == np.concatenate([data[n][1] for n in train_names]).tolist()
    assert len(te) == 4 and len(tr.classes) == n_classes
    if n_classes == 100:
        assert tr.labels['coarse'].tolist() == (tr.y // 5).tolist() and len(tr.coarse_classes) == 20
    assert server.hits == [f'cifar-{n_classes}-python.tar.gz']  # one download serves both splits
    top = 'cifar-10-batches-py' if n_classes == 10 else 'cifar-100-python'
    assert not [f for f in files_in(tmp_path) if not f.startswith(top) and not f.endswith('.tar.gz')]  # no temporary folder left

@pytest.mark.parametrize('damage', ['truncated', 'wrong'])
def test_cifar_bad_archive_leaves_nothing(server, tmp_path, damage):
    tgz, data = cifar_tarball(10)
    server.files['cifar-10-python.tar.gz'] = tgz[: len(tgz) // 2] if damage == 'truncated' else tarball({'cifar-10-batches-py/readme': b'hi'})
    with pytest.raises(DataSourceError) as e: cifar(10, path=tmp_path, mirror=server.url)
    assert 'cifar-10-python.tar.gz' in str(e.value) and 'Nothing was kept' in str(e.value)
    if damage == 'wrong': assert 'lacks cifar-10-batches-py/data_batch_1' in str(e.value)
    assert files_in(tmp_path) == []
    server.files['cifar-10-python.tar.gz'] = tgz
    assert len(cifar(10, path=tmp_path, train=False, mirror=server.url)) == 4


# ---- Imagenette ----
def test_imagenette_from_local_server(server, tmp_path, monkeypatch):
    server.files['imagenette2-160.tgz'] = imagenette_tarball()
    monkeypatch.setenv('CONTRASTIVE_NB_DATA', str(tmp_path))  # where downloads go
    tr = imagenette(size=24, mirror=server.url)
    va = imagenette(split='val', size=24, mirror=server.url)
    assert tr.x.shape == (6, 3, 24, 24) and len(va) == 4 and tr.classes == ['n01440764', 'n02102040']
    assert tr.x[tr.y == 0, 0].float().mean() > 150 and tr.x[tr.y == 1, 2].float().mean() > 150  # red class, blue class
    assert server.hits == ['imagenette2-160.tgz']

def test_imagenette_truncated_archive_leaves_nothing(server, tmp_path, monkeypatch):
    good = imagenette_tarball()
    server.files['imagenette2-160.tgz'] = good[: len(good) - 200]
    monkeypatch.setenv('CONTRASTIVE_NB_DATA', str(tmp_path))
    with pytest.raises(DataSourceError, match='imagenette2-160.tgz'): imagenette(size=24, mirror=server.url)
    assert files_in(tmp_path) == []
    server.files['imagenette2-160.tgz'] = good
    assert len(imagenette(size=24, mirror=server.url)) == 6


# ---- Fashion-MNIST ----
from contrastive_nb.data import fashion_mnist, FASHION_CLASSES, SOURCES, DEBIAN_FASHION_MNIST

def test_fashion_mnist_from_local_server(server, tmp_path, monkeypatch):
    "No local copy: the four files are fetched from the mirror's fashion-mnist/ folder into data_home()/FashionMNIST/raw, once."
    monkeypatch.setenv('CONTRASTIVE_NB_DATA', str(tmp_path))
    monkeypatch.setattr('contrastive_nb.sources.DEBIAN_FASHION_MNIST', tmp_path/'no-debian-here')
    files, data = mnist_files(seed=2)
    server.files.update({f'fashion-mnist/{k}': v for k, v in files.items()})
    tr, te = fashion_mnist(mirror=server.url), fashion_mnist(train=False, mirror=server.url)
    assert torch.equal(tr.x[:, 0], torch.from_numpy(data['train'][0].astype(np.uint8)))
    assert te.y.tolist() == data['t10k'][1].tolist() and tr.classes == list(FASHION_CLASSES)
    assert sorted(server.hits) == sorted(f'fashion-mnist/{f}' for f in files)
    fashion_mnist(mirror=server.url); assert len(server.hits) == 4   # already there
    assert files_in(tmp_path) == sorted(f'FashionMNIST/raw/{f}' for f in files)

def test_fashion_mnist_bad_download_leaves_nothing(server, tmp_path, monkeypatch):
    monkeypatch.setattr('contrastive_nb.sources.DEBIAN_FASHION_MNIST', tmp_path/'no-debian-here')
    files, _ = mnist_files()
    server.files.update({f'fashion-mnist/{k}': v[:len(v) // 2] for k, v in files.items()})  # cut gzip streams
    with pytest.raises(DataSourceError, match='could not load|downloading'): fashion_mnist(path=tmp_path, mirror=server.url)
    assert files_in(tmp_path) == []

def test_fashion_mnist_looks_in_path_then_data_home_then_debian(tmp_path, monkeypatch):
    "The search order: `path` (flat or FashionMNIST/raw), else data_home()'s torchvision layout, else Debian's folder; MNIST takes a flat folder too."
    sets = {name: mnist_files(n_train=n, n_test=3, seed=n)[1] for name, n in (('flat', 5), ('home', 6), ('debian', 7))}
    def write(folder, data):
        folder.mkdir(parents=True, exist_ok=True)
        for s, (x, y) in data.items():
            (folder/f'{s}-images-idx3-ubyte.gz').write_bytes(gzip.compress(idx(x))); (folder/f'{s}-labels-idx1-ubyte').write_bytes(idx(y))
    write(tmp_path/'flat', sets['flat']); write(tmp_path/'home'/'FashionMNIST'/'raw', sets['home']); write(tmp_path/'debian', sets['debian'])
    monkeypatch.setattr('contrastive_nb.sources.DEBIAN_FASHION_MNIST', tmp_path/'debian')
    monkeypatch.setenv('CONTRASTIVE_NB_DATA', str(tmp_path/'nothing'))
    assert len(fashion_mnist(download=False)) == 7                               # only Debian's folder has it
    monkeypatch.setenv('CONTRASTIVE_NB_DATA', str(tmp_path/'home'))
    assert len(fashion_mnist(download=False)) == 6                               # data_home() comes first
    assert len(fashion_mnist(path=tmp_path/'flat', download=False)) == 5         # then `path`, a flat folder
    assert len(fashion_mnist(path=tmp_path/'home', download=False)) == 6         # or one with FashionMNIST/raw
    assert len(mnist(path=tmp_path/'flat', download=False)) == 5                 # MNIST reads a flat folder too
    with pytest.raises(DataSourceError, match="Looked in"): fashion_mnist(path=tmp_path/'nothing', download=False)

def test_fashion_mnist_sources_are_separate_from_mnist():
    "Both releases use the same file names: each has its own URL and MD5."
    for f in ('train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'):
        assert SOURCES[f][0] != SOURCES['fashion-mnist/' + f][0] and SOURCES[f][1] != SOURCES['fashion-mnist/' + f][1]

@pytest.mark.skipif(not (DEBIAN_FASHION_MNIST/'train-images-idx3-ubyte.gz').exists(), reason="dataset-fashion-mnist is not installed (.ci/run installs it)")
def test_fashion_mnist_from_debian_package(tmp_path, monkeypatch):
    monkeypatch.setenv('CONTRASTIVE_NB_DATA', str(tmp_path))
    tr, te = fashion_mnist(download=False), fashion_mnist(train=False, download=False)
    assert (len(tr), len(te)) == (60000, 10000) and tr.x.dtype == torch.uint8
    assert torch.bincount(tr.y).tolist() == [6000] * 10 and torch.bincount(te.y).tolist() == [1000] * 10
