"""Ideas are encoded in one pass over the whole text, each passage pooled from its own tokens."""

import numpy as np
import pytest

from matching import encoding
from matching.engine import encoder as engine_encoder
from matching.models import CachedVector

PILLS = ["My mother takes five pills a day.", "She forgets them every morning."]
KEYS = ["My father keeps losing his house keys.", "She forgets them every morning."]


def test_the_whole_text_vector_is_what_plain_encode_gives_for_the_text():
    [(document, passages)] = encoding.encode_documents([PILLS], kind="query")
    [plain] = encoding.encode(["\n".join(PILLS)], kind="query")

    assert passages.shape == (2, plain.shape[0])
    assert float(document @ plain) > 0.9999
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)


def test_a_passage_is_read_in_the_context_of_its_document():
    [(_pills, in_pills), (_keys, in_keys)] = encoding.encode_documents([PILLS, KEYS], kind="query")
    [medication] = encoding.encode(["reminders to take medication"], kind="passage")
    [lost_keys] = encoding.encode(["finding lost keys"], kind="passage")

    # The same sentence, "She forgets them every morning.", means pills in one idea and keys in
    # the other.
    assert float(in_pills[1] @ in_keys[1]) < 0.999
    assert float(in_pills[1] @ medication) > float(in_keys[1] @ medication)
    assert float(in_keys[1] @ lost_keys) > float(in_pills[1] @ lost_keys)


def test_a_document_longer_than_the_model_reads_is_split_between_whole_passages():
    long = [
        f"{n}번째 문장입니다. 광주 버스 정류장마다 더위를 피할 스마트 쉼터가 필요합니다." for n in range(80)
    ]
    model = encoding.get_model()

    windows = engine_encoder.windows(model, [long], encoding.prefix_for("query"))
    [(document, passages)] = encoding.encode_documents([long], kind="query")

    assert len(windows) > 1
    assert [n for window in windows for n in window.passages] == list(range(len(long)))
    for window in windows:
        assert len(model.tokenizer(window.text)["input_ids"]) <= model.max_seq_length
        assert [window.text[start:end] for start, end in window.spans] == [long[n] for n in window.passages]
    assert passages.shape[0] == len(long)
    assert np.isfinite(passages).all() and np.isfinite(document).all()
    # A later window is read on its own, as if it were the document.
    last = windows[-1].passages
    [(_document, alone)] = encoding.encode_documents([long[last.start : last.stop]], kind="query")
    assert np.min(np.sum(passages[last.start : last.stop] * alone, axis=1)) > 0.9999


def test_a_document_needs_a_passage():
    assert encoding.encode_documents([], kind="query") == []
    with pytest.raises(ValueError):
        encoding.encode_documents([PILLS, []], kind="query")


@pytest.mark.django_db
def test_documents_are_cached_whole():
    first = encoding.encode_documents_cached([PILLS], kind="query")
    cached = CachedVector.objects.count()

    again = encoding.encode_documents_cached([PILLS], kind="query")
    # One changed sentence changes the context of the other: both are encoded afresh.
    edited = encoding.encode_documents_cached([[PILLS[0], "She forgets them every evening."]], kind="query")

    assert cached == len(PILLS) + 1
    assert np.array_equal(first[0][1], again[0][1]) and np.array_equal(first[0][0], again[0][0])
    assert CachedVector.objects.count() == cached + len(PILLS) + 1
    assert float(edited[0][1][0] @ first[0][1][0]) < 0.9999


@pytest.mark.parametrize(
    "passages",
    [
        ["AI", "돌봄 로봇이 필요해요.", "Ideas in English too."],
        ["어머니가 약을 자꾸 잊으세요", "아침 약을 드셨는지 알려 주면 좋겠어요.", "2026년, 광주."],
    ],
)
def test_each_passage_is_pooled_from_exactly_its_own_tokens(passages):
    model = encoding.get_model()
    prefix = encoding.prefix_for("query")
    [window] = engine_encoder.windows(model, [passages], prefix)
    tokenized = model.tokenizer(window.text, return_offsets_mapping=True)
    owners = engine_encoder.token_owners(window, np.array(tokenized["offset_mapping"]), prefix)
    ids = np.array(tokenized["input_ids"])

    # Every token of a passage, its first word included, and nothing else.
    assert [model.tokenizer.decode(ids[owners == n]).strip() for n in range(len(passages))] == passages
    assert model.tokenizer.decode(ids[owners == -1], skip_special_tokens=True).strip() == prefix.strip()
