#!/usr/bin/env bash
# Execute the notebooks' `#| gpu` cells on a machine with a CUDA GPU and save their outputs into the notebooks,
# so that the docs site shows real GPU-scale figures.
#
#   bash tools/run_gpu_cells.sh                       # every notebook that has a `#| gpu` cell
#   bash tools/run_gpu_cells.sh nbs/tutorials/two_digits.ipynb ...
#
# Only the `#| gpu` cells (and the ordinary cells, which are fast) run: `#| slow` cells are skipped and keep the
# outputs saved on the CPU machine. When $OUT is set (the project's device tool), each saved notebook is also copied
# there so it can be brought back. Packages the GPU machine lacks travel as wheels in `.whl/` (`tools/gpu_wheels.sh`; they are
# installed first, without network). Each experiment's gpu preset is sized for one H100; a cell that must finish
# inside a time limit can be run per notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA GPU on this machine: the #| gpu cells need one')"
if compgen -G ".whl/*.whl" > /dev/null; then python -m pip install -q --no-index --no-deps .whl/*.whl; fi
python -m pip install -q --no-deps --no-build-isolation -e .
if [ "$#" -gt 0 ]; then nbs=("$@"); else mapfile -t nbs < <(grep -l '"#| gpu' -r nbs --include='*.ipynb' | sort); fi
for nb in "${nbs[@]}"; do
  echo "== $nb ($(date -u +%H:%M:%S))"
  nbdev-test "$nb" --flags gpu --save --cell-timeout 0 --do-print
  if [ -n "${OUT:-}" ]; then cp "$nb" "$OUT/"; fi
done
