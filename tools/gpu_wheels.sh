#!/usr/bin/env bash
# Download, into .whl/ (git-ignored), the wheels the GPU machine lacks: it has PyTorch, torchvision, matplotlib,
# scikit-image and scikit-learn but no network, and no fastai, nbdev or lightly. `tools/run_gpu_cells.sh` installs
# them there with --no-deps. Versions are the ones this project is tested with. The device machine's Python is 3.12:
#   bash tools/gpu_wheels.sh            # then carry .whl with the working tree
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(fastai==2.8.12 fastcore==2.2.39 fastdownload==0.0.8 fastprogress==1.1.6 fasttransform==0.0.5 plum-dispatch==2.9.0 beartype==0.23.1
      nbdev==3.3.26 execnb==0.3.4 ghapi==2.1.4 astunparse==1.6.3 watchdog==7.1.0 asttokens==3.0.1 executing==2.2.1
      ipython==8.12.3 jedi==0.20.0 parso==0.8.7 traitlets==5.15.0 decorator==5.2.1 matplotlib-inline==0.2.2 pexpect==4.8.0 ptyprocess==0.7.0
      prompt_toolkit==3.0.52 wcwidth==0.7.0 stack-data==0.6.3 pure_eval==0.2.3 backcall pickleshare
      mlxtend==0.25.0 lightly==1.6.0)  # lightly.loss and lightly.transforms need none of its other dependencies (lightning-utilities is there)
mkdir -p .whl
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl "${PKGS[@]}"
du -sh .whl
