"""One reading of a text gives the text's vector and each line's, equal to the package's own
vectors for the text and for each line read alone."""

import json
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


def test_a_text_and_its_lines_read_once_equal_each_read_alone(use):
    ideas, _profiles, wholes = _dev_texts()
    texts = ["\n".join(passages) for passages in ideas] + wholes
    texts += [
        "한 줄",  # one line
        "a\n\n  \nb",  # blank lines between
        "x\ny z",  # lines shorter than the layers reach
        "\n".join(["긴 문장입니다 " * 60, "short", "another sentence that is long enough to have a middle"]),
    ]

    vectors, lines = use_lines.encode(use, texts)

    assert np.abs(vectors - use.encode(texts)).max() < SAME
    alone = use.encode([line for text in texts for line in use_lines.text_lines(text)])
    assert np.abs(np.concatenate(lines) - alone).max() < SAME
    assert [len(v) for v in lines] == [len(use_lines.text_lines(text)) for text in texts]


def test_text_lines_skip_blank_lines_and_keep_a_text_without_any():
    assert use_lines.text_lines("a\n\n \nb") == ["a", "b"]
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
