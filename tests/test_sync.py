"Library and notebooks in sync: nbdev-export and nbdev-clean change nothing in a copy of the working tree."
import shutil, subprocess
from conftest import ROOT

def _git(args, cwd): return subprocess.run(['git', *args], cwd=cwd, capture_output=True, text=True, check=True).stdout

def test_export_and_clean_leave_tree_unchanged(tmp_path):
    files = _git(['ls-files', '-co', '--exclude-standard', '-z'], ROOT).split('\0')
    for f in filter(None, files):
        src, dst = ROOT/f, tmp_path/f
        if not src.exists() and not src.is_symlink(): continue   # deleted but not yet committed
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink(): dst.symlink_to(src.readlink())
        else: shutil.copy2(src, dst)
    _git(['init', '-q'], tmp_path)
    _git(['add', '-A'], tmp_path)
    _git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'snapshot'], tmp_path)
    for cmd in ('nbdev-export', 'nbdev-clean'):
        subprocess.run([cmd], cwd=tmp_path, check=True, capture_output=True)
    status = _git(['status', '--porcelain'], tmp_path)
    assert status == '', f"nbdev-export/nbdev-clean changed files (run them and commit):\n{status}\n" + _git(['diff', '--stat'], tmp_path)
