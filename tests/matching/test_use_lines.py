"""One reading of a text gives the text's vector and each line's, equal to the package's own
vectors for the text and for each line read alone."""

import json
from itertools import chain
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from matching import encoding
from matching.engine import encoder, use_lines
from matching.engine.passages import company_document, company_passages, idea_passages

DEV_SET = Path(__file__).parent / "data" / "matching_dev.json"
# Two vectors this close are the same vector (float32 sums taken in another order).
SAME = 1e-5


@pytest.fixture(scope="module")
def use():
    return encoding.get_model()[0]._use


def _dev_texts() -> tuple[list[list[str]], list[list[str]], list[str]]:
    """The development set's and the demo's ideas as passages, and its profiles as passages with
    their whole texts."""
    dev = json.loads(DEV_SET.read_text(encoding="utf-8"))
    demo = json.loads(settings.DEMO_DATA.read_text(encoding="utf-8"))
    ideas = [
        [p.text for p in idea_passages(title=i["title"], problem=i["body"], proposal="")]
        for i in dev["ideas"]
    ]
    ideas += [
        [p.text for p in idea_passages(title=i["title"], problem=i["problem"], proposal=i["proposal"])]
        for i in demo["ideas"]
    ]
    profiles = [
        dict(
            summary=c["summary"],
            description=c["description"],
            technologies=c["technologies"],
            domains=c["domains"],
            references=[],
        )
        for c in dev["companies"]
    ]
    return (
        ideas,
        [[p.text for p in company_passages(**profile)] for profile in profiles],
        [company_document(**profile) for profile in profiles],
    )


def _read_alone(use, texts):
    """Each text's vector and its lines' vectors, each text and each line read by the package."""
    return use.encode(texts), [use.encode(use_lines.text_lines(text)) for text in texts]


def _assert_same(use, texts):
    vectors, lines = use_lines.encode(use, texts)
    alone, lines_alone = _read_alone(use, texts)
    assert np.abs(vectors - alone).max() < SAME
    for text, read, expected in zip(texts, lines, lines_alone, strict=True):
        assert read.shape == expected.shape, text
        assert np.abs(read - expected).max() < SAME, text


def test_a_text_and_its_lines_read_once_equal_each_read_alone(use):
    ideas, _profiles, wholes = _dev_texts()
    _assert_same(use, ["\n".join(passages) for passages in ideas] + wholes)


# Lines shorter than the layers' reach, blank lines, lines the tokenizer finds nothing on, and a
# text longer than a micro-batch.
EDGE_CASES = [
    "OCR\nBuses at night leave riders in the dark at every stop.",
    "Smart parking\n주차할 곳을 찾느라 골목을 몇 바퀴씩 돕니다.",
    "a\nb\n" + "a line long enough to have a middle that the whole text reads as the line does",
    "x\ny z",
    "a\n\n  \nb c d e f g h i j k",
    "filler words here\n\u200b\nand the rest of the text after a zero-width line",
    "a\n\x1c\nb c d e f g h i j",
    "한 줄",
    "",
    "\n\n",
    "\n".join(["긴 문장입니다 " * 80, "short", "another sentence that is long enough to have a middle"]),
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_each_text_read_first_in_its_batch(use, text):
    # First in its call: the first line of a batch starts at row 1, where a slice could wrap round.
    _assert_same(use, [text])


def test_edge_cases_after_other_texts_in_one_batch(use):
    _assert_same(use, ["Some text first.\nWith two lines.", *EDGE_CASES])


def test_many_texts_read_in_groups_with_their_last_layers_in_chunks(use, monkeypatch):
    # A call looks up the distinct tokens of a group of texts at a time, and runs the model's last
    # layers on a chunk of texts at a time: groups and chunks this small put every kind of text
    # at their edges.
    monkeypatch.setattr(use_lines, "_GROUP_TOKENS", 40)
    _assert_same(use, ["Some text first.\nWith two lines.", *EDGE_CASES, "마지막 글\n두 줄"])


def test_random_lines_of_every_short_length(use):
    rng = np.random.default_rng(3)
    words = ["버스", "the", "stop", "정류장", "밤", "light", "AI", "a", "돌봄", "sensor", "\u200b", "x"]
    texts = [
        "\n".join(" ".join(rng.choice(words, size=rng.integers(1, 12))) for _ in range(rng.integers(1, 6)))
        for _ in range(120)
    ]
    for start in range(0, len(texts), 10):
        _assert_same(use, texts[start : start + 10])


def test_lines_get_the_token_ids_the_package_gives_them(use):
    ideas, profiles, wholes = _dev_texts()
    rng = np.random.default_rng(7)
    # Characters the normaliser rewrites or drops (full-width and compatibility forms, combining
    # marks, zero-width and control characters, odd spaces, emoji), the word-start mark itself,
    # and Hangul syllables the vocabulary lacks (the library gives one unknown token for a run of
    # them, the package one each).
    alphabet = [
        *"aZ 9가힣ㄱㅏ、。Ａｚ①ﬁ\u0301\u200b\u00a0\u3000\t\x1c\x7f😀é()▁",
        *map(chr, rng.integers(0xAC00, 0xD7A4, size=200)),
    ]
    noise = ["".join(rng.choice(alphabet, size=rng.integers(0, 40))) for _ in range(1000)]
    lines = [*chain.from_iterable(ideas + profiles), *wholes, *EDGE_CASES, *noise]
    assert use_lines._tokens(use, lines) == [
        use._tokenizer.encode(line, out_type=int, add_bos=True, add_eos=True) for line in lines
    ]
    assert [use_lines._normalised(line) for line in lines] == [
        use._tokenizer._normalizer.normalize(line) for line in lines
    ]


def test_lines_with_pieces_that_trade_places_or_marks_written_out_get_the_packages_ids(use):
    # Runs of one character or syllable split in pieces of equal total score ("!!" "!!!" or
    # "!!!" "!!"), and the marks' pieces written in the text, which the package's tokenizer reads
    # as marks and the library never does.
    rng = np.random.default_rng(11)
    units = [*"a!*.-=~m0?ㅋㅎ^#", "ha", "ab", "ㅋㅋ", "하하", "<s>", "</s>", "<unk>", " ", "셨"]
    runs = [
        "".join(str(rng.choice(units)) * int(rng.integers(1, 40)) for _ in range(rng.integers(1, 4)))
        for _ in range(2000)
    ]
    lines = [
        "!!!!!!!!",
        "*************",
        "aaaaaaaa",
        "mmmmmmm",
        "0" * 31,
        "We need this <s>now</s>",
        "x<unk>y",
        "＜s＞",
        *runs,
    ]
    assert use_lines._tokens(use, lines) == [
        use._tokenizer.encode(line, out_type=int, add_bos=True, add_eos=True) for line in lines
    ]
    _assert_same(use, ["!!!!!!!!", "Title\n*************\nmmmmmmm", "a <s> b\n</s>"])


def test_text_lines_skip_lines_with_nothing_to_read():
    assert use_lines.text_lines("a\n\n \n\u200b\nb") == ["a", "b"]
    assert use_lines.text_lines("") == [""]


def test_documents_get_the_vectors_of_reading_the_whole_text_and_each_passage_apart():
    model = encoding.get_model()
    ideas, profiles, wholes = _dev_texts()

    def apart(documents, texts):
        whole_vectors = encoder.encode(model, texts, prefix="", batch_size=32)
        return [
            (whole, encoder.encode(model, passages, prefix="", batch_size=32))
            for whole, passages in zip(whole_vectors, documents, strict=True)
        ]

    for documents, texts in ((ideas, None), (profiles, wholes)):
        read = encoder.encode_documents(model, documents, prefix="", batch_size=32, wholes=texts)
        expected = apart(documents, texts or ["\n".join(passages) for passages in documents])
        for (whole, passages), (whole_apart, passages_apart) in zip(read, expected, strict=True):
            assert np.abs(whole - whole_apart).max() < SAME
            assert passages.shape == passages_apart.shape
            assert np.abs(passages - passages_apart).max() < SAME


def test_a_profiles_tag_list_which_is_no_line_of_its_text_is_read_apart():
    model = encoding.get_model()
    profile = dict(
        summary="Computer vision for factories.",
        description="We inspect welds with cameras.",
        technologies=["computer vision", "deep learning"],
        domains=["manufacturing"],
        references=[],
    )
    passages = [p.text for p in company_passages(**profile)]
    tag_list = "computer vision, deep learning, manufacturing"
    assert tag_list in passages and tag_list not in company_document(**profile).split("\n")
    # An idea titled in two words, alone in its call (its title is the batch's first line).
    [(_whole, title_and_more)] = encoder.encode_documents(
        model, [["Smart parking", "Drivers circle the block looking for a space."]], prefix="", batch_size=32
    )
    assert (
        np.abs(
            title_and_more[0] - encoder.encode(model, ["Smart parking"], prefix="", batch_size=32)[0]
        ).max()
        < SAME
    )

    # Beside a document that has the same text as a line: each document's own lines count.
    other = ["A firm that writes its tags on one line.", tag_list]
    [(_whole, vectors), (_other_whole, other_vectors)] = encoder.encode_documents(
        model,
        [passages, other],
        prefix="",
        batch_size=32,
        wholes=[company_document(**profile), "\n".join(other)],
    )

    [alone] = encoder.encode(model, [tag_list], prefix="", batch_size=32)
    assert np.abs(vectors[passages.index(tag_list)] - alone).max() < SAME
    assert np.abs(other_vectors[1] - alone).max() < SAME
