import numpy as np

from matching.engine import ranking
from matching.engine.passages import company_passages, idea_passages, split_sentences


def test_sentences_split_on_korean_and_english_endings_and_short_fragments_join():
    text = "버스가 안 와요. 너무 추워요! 네.\nThe stop has no sign? OK."

    assert split_sentences(text) == ["버스가 안 와요.", "너무 추워요! 네.", "The stop has no sign? OK."]


def test_profile_passages_name_their_field():
    passages = company_passages(
        summary="복약 디스펜서",
        description="약을 내어줍니다. 보호자에게 알립니다.",
        technologies=["pill dispensing"],
        domains=["elderly care"],
        references=[("북구 실증", "30가구")],
    )

    assert [p.field for p in passages] == [
        "summary",
        "description",
        "description",
        "technology",
        "domain",
        "reference",
    ]
    assert passages[-1].text == "북구 실증. 30가구"


def test_idea_passages_keep_title_problem_and_proposal():
    passages = idea_passages(title="제목", problem="문제가 있어요. 정말 불편해요.", proposal="해결해 주세요.")

    assert [p.field for p in passages] == ["title", "problem", "problem", "proposal"]


def _side(docs: list[list[list[float]]], fields=None) -> ranking.Side:
    passages = [np.array(p, dtype=np.float32) for doc in docs for p in doc]
    passages = [p / np.linalg.norm(p) for p in passages]
    offsets = np.cumsum([0] + [len(doc) for doc in docs])
    doc_vectors = [np.mean(passages[offsets[n] : offsets[n + 1]], axis=0) for n in range(len(docs))]
    return ranking.Side(
        doc=np.stack([v / np.linalg.norm(v) for v in doc_vectors]).astype(np.float32),
        passages=np.stack(passages).astype(np.float32),
        offsets=offsets,
        fields=fields or ["description"] * len(passages),
    )


def test_standardising_per_company_demotes_a_hub_profile():
    # Company 0 leans towards idea 0 and away from the rest; company 1 is equally close to all.
    ideas = _side([[[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]] * 3)
    companies = _side([[[0.5, 0.0, -0.866]], [[1, 1, 1]]])
    views = ranking.views(ideas, companies, tag_fields=("technology",))

    raw_best = views.doc[0].argmax()
    fused_best = ranking.fuse(views, ranking.column_stats(views))[0].argmax()

    assert raw_best == 1  # the hub wins on plain cosine
    assert fused_best == 0  # the specialist wins once each company is judged against its spread


def test_passage_view_takes_each_idea_sentence_best_profile_passage():
    ideas = _side([[[1, 0, 0], [0, 1, 0]]])
    companies = _side([[[1, 0, 0], [0, 1, 0], [0, 0, 1]]])

    views = ranking.views(ideas, companies, tag_fields=())

    assert np.isclose(views.passages[0, 0], 1.0)


def test_top_k_skips_blocked_cells_and_orders_best_first():
    scores = np.array([[0.1, 0.9, 0.5, 0.7]])
    blocked = np.array([[False, True, False, False]])

    assert ranking.top_k(scores, 2, axis=1, blocked=blocked).tolist() == [[3, 2]]
    assert ranking.top_k(scores, 5, axis=1).tolist() == [[1, 3, 2, 0]]
