"""The matcher end to end in one process, with the real model and PostgreSQL + pgvector."""

import numpy as np
import psycopg
import pytest
from django.db import connection
from django.utils import translation

from ideas.models import Idea, IdeaStatus
from matching import encoding, pilotability, selectors, services
from matching.models import CachedVector, Embedding, EmbeddingScheme, Match, MatchStatus
from matching.reasons import reason_text
from tests.matching.conftest import make_idea

pytestmark = pytest.mark.django_db


def _ranked(idea: Idea) -> list[str]:
    return [m.company.slug for m in selectors.matches_for_idea(idea=idea)]


def test_each_idea_reaches_the_company_able_to_pilot_it(catalogue):
    ideas = catalogue["ideas"]

    assert _ranked(ideas["pills"])[0] == "gyeote-care"
    assert _ranked(ideas["pills_en"])[0] == "gyeote-care"  # English idea, Korean profile
    assert _ranked(ideas["crossing"])[0] == "sinhosup"
    assert _ranked(ideas["leaves"])[0] == "fieldsight"
    assert _ranked(ideas["underpass"])[0] == "mulbit"


def test_a_match_says_which_sentence_met_which_part_of_the_profile(catalogue):
    match = selectors.matches_for_idea(idea=catalogue["ideas"]["pills"]).first()
    idea = catalogue["ideas"]["pills"]

    assert match.reason["idea_text"] in f"{idea.title} {idea.problem} {idea.proposal}"
    assert match.reason["company_field"] in {"summary", "description", "technology", "domain", "reference"}
    with translation.override("ko"):
        assert "기업의" in reason_text(match.reason) and "이(가)" not in reason_text(match.reason)
    with translation.override("en"):
        assert " is close to the company's " in reason_text(match.reason)


def test_a_reason_quotes_a_clause_not_a_paragraph():
    from matching.reasons import PHRASE_CHARACTERS, short_phrase

    long_sentence = (
        "정해진 시간에 약을 내어주고, 복용하지 않으면 보호자 앱으로 알림을 보내며, "
        "한 달 동안의 복약 기록을 병원과 보건소에 보고서로 정리해 보내 드립니다."
    )

    assert short_phrase(long_sentence) == "정해진 시간에 약을 내어주고…"
    assert len(short_phrase("word " * 40)) <= PHRASE_CHARACTERS + 1
    assert short_phrase("pill dispensing") == "pill dispensing"


def test_a_reason_quotes_a_references_title_rather_than_the_start_of_its_text():
    from matching.reasons import short_phrase

    reference = (
        "독거 어르신 야간 생체신호 모니터링 실증. 독거 어르신 150명에게 스마트 링을 보급해 "
        "야간 심박 이상과 낙상을 보호자와 119에 알렸습니다."
    )

    assert short_phrase(reference) == "독거 어르신 야간 생체신호 모니터링 실증"
    assert short_phrase("Mid-career re-employment matching pilot. " + "Matched 540 job seekers. " * 4) == (
        "Mid-career re-employment matching pilot"
    )


def test_companies_see_their_ideas_ranked(catalogue):
    care = catalogue["companies"]["care"]

    ranked = [m.idea.title for m in selectors.matches_for_company(company=care)]

    assert set(ranked[:2]) == {"어머니가 약 드시는 걸 자꾸 잊으세요", "My father forgets his medicine"}


def test_published_ideas_become_matched(catalogue):
    assert Idea.objects.get(pk=catalogue["ideas"]["pills"].pk).status == IdeaStatus.MATCHED


def test_vectors_are_recomputed_only_when_the_text_changes(catalogue):
    idea = catalogue["ideas"]["pills"]
    original_title = idea.title
    original_vector = np.array(Embedding.objects.get(idea=idea).vector)
    cached_before = CachedVector.objects.count()

    _embedding, unchanged_run = services.embedding_refresh_for_idea(idea_id=idea.pk)
    idea.title = "어머니가 혈압약을 자주 빠뜨리세요"
    idea.save()
    _embedding, changed_run = services.embedding_refresh_for_idea(idea_id=idea.pk)

    assert (unchanged_run, changed_run) == (False, True)
    # The edited idea was encoded afresh: its whole-text vector and one per passage.
    passages = services.idea_content(idea)
    assert CachedVector.objects.count() == cached_before + len(passages) + 1
    assert Embedding.objects.get(idea=idea).passages.first().text == "어머니가 혈압약을 자주 빠뜨리세요"

    # Back to the first wording: recomputed from the cache, not the model.
    idea.title = original_title
    idea.save()
    _embedding, reverted_run = services.embedding_refresh_for_idea(idea_id=idea.pk)
    assert reverted_run is True
    assert CachedVector.objects.count() == cached_before + len(passages) + 1
    assert np.dot(np.array(Embedding.objects.get(idea=idea).vector), original_vector) > 0.9999


def test_a_batched_sweep_stores_what_embedding_one_by_one_stores(db):
    ideas = [make_idea(key) for key in ("pills", "leaves", "bus")]
    edited = ideas[0]
    services.embedding_refresh_for_idea(idea_id=edited.pk)
    edited.problem = "어머니가 아침 약을 드셨는지 저녁마다 전화로 여쭤봐야 해요."
    edited.save()

    computed = services.embedding_refresh_for_ideas(idea_ids=[idea.pk for idea in ideas])

    # The first idea's task embedded the two ideas waiting with its own; the edit is the one left.
    assert computed == 1
    for idea in ideas:
        embedding = Embedding.objects.get(idea=idea)
        passages = list(embedding.passages.order_by("position"))
        expected = services.idea_content(idea)
        assert [(p.field, p.text) for p in passages] == [(p.field, p.text) for p in expected]
        vectors = np.array([p.vector for p in passages])
        [(document, reference)] = encoding.encode_documents([[p.text for p in expected]], kind="query")
        assert np.min(np.sum(vectors * reference, axis=1)) > 0.9999
        assert np.dot(np.array(embedding.vector), document) > 0.9999
        assert embedding.text_hash == services.content_hash(expected)
        assert embedding.scheme == EmbeddingScheme.SENTENCES
    assert services.embedding_refresh_for_ideas(idea_ids=[idea.pk for idea in ideas]) == 0


def test_a_model_change_makes_every_vector_stale(catalogue, settings):
    assert services.stale_idea_ids() == []

    settings.EMBEDDING_MODEL = "another-model"
    encoding.model_name.cache_clear()
    try:
        stale = services.stale_idea_ids()
    finally:
        encoding.model_name.cache_clear()

    assert set(stale) == {idea.pk for idea in catalogue["ideas"].values()}


def test_ideas_embedded_passage_by_passage_are_re_embedded_and_keep_their_feedback(catalogue, carol):
    idea = catalogue["ideas"]["pills"]
    match = Match.objects.get(idea=idea, company__slug="gyeote-care")
    services.match_feedback(match=match, user=carol, status=MatchStatus.DISMISSED)
    embedding = Embedding.objects.get(idea=idea)
    text_hash = embedding.text_hash
    Embedding.objects.filter(pk=embedding.pk).update(scheme=EmbeddingScheme.PASSAGES)

    assert services.stale_idea_ids() == [idea.pk]
    assert services.stale_company_ids() == []
    services.matching_sweep()

    embedding.refresh_from_db()
    assert (embedding.scheme, embedding.text_hash) == (EmbeddingScheme.SENTENCES, text_hash)
    assert services.stale_idea_ids() == []
    # Same texts, so the company's "not a fit" still stands.
    assert Match.objects.get(pk=match.pk).status == MatchStatus.DISMISSED
    assert "gyeote-care" not in _ranked(idea)


def test_dismissed_match_stays_away_until_a_text_changes(catalogue, carol):
    idea = catalogue["ideas"]["pills"]
    match = Match.objects.get(idea=idea, company__slug="gyeote-care")

    services.match_feedback(match=match, user=carol, status=MatchStatus.DISMISSED)
    services.match_refresh_all()
    assert "gyeote-care" not in _ranked(idea)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.DISMISSED

    idea.proposal = "약 드실 시간에 약을 꺼내 주고, 안 드시면 저에게 문자를 보내 주는 기계가 있으면 좋겠어요."
    idea.save()
    services.embedding_refresh_for_idea(idea_id=idea.pk)
    services.match_refresh_all()

    assert _ranked(idea)[0] == "gyeote-care"
    assert Match.objects.get(pk=match.pk).status == MatchStatus.SUGGESTED


def test_not_a_fit_holds_when_the_company_edits_its_profile(catalogue, carol):
    idea = catalogue["ideas"]["pills"]
    care = catalogue["companies"]["care"]
    match = Match.objects.get(idea=idea, company=care)
    services.match_feedback(match=match, user=carol, status=MatchStatus.DISMISSED)

    care.description = "약 드실 시간을 알려 드리고, 드시지 않으면 보호자에게 바로 알려 드립니다."
    care.technologies = ["복약 디스펜서", "음성 알림"]
    care.save()
    services.embedding_refresh_for_company(company_id=care.pk)
    services.match_refresh_for_company(company_id=care.pk)

    assert Match.objects.get(pk=match.pk).status == MatchStatus.DISMISSED
    assert "gyeote-care" not in _ranked(idea)


def test_interest_is_kept_with_its_message_and_lifts_similar_ideas(catalogue, carol):
    care = catalogue["companies"]["care"]
    match = Match.objects.get(idea=catalogue["ideas"]["pills"], company=care)
    similar = catalogue["ideas"]["pills_en"]
    before = Match.objects.get(idea=similar, company=care).score

    services.match_feedback(
        match=match, user=carol, status=MatchStatus.INTERESTED, message="복약기 30대 지원 가능"
    )
    services.match_refresh_all()

    kept = Match.objects.get(pk=match.pk)
    assert (kept.status, kept.message) == (MatchStatus.INTERESTED, "복약기 30대 지원 가능")
    assert Match.objects.get(idea=similar, company=care).score > before


def test_a_profile_edit_changes_the_company_matches(catalogue):
    farm = catalogue["companies"]["farm"]
    farm.summary = "Early warning of floods in underpasses from water-level sensors."
    farm.description = "We close flooded roads automatically before cars drive in."
    farm.technologies = ["water-level sensors", "flood warning"]
    farm.domains = ["flood"]
    farm.save()

    services.embedding_refresh_for_company(company_id=farm.pk)
    services.match_refresh_for_company(company_id=farm.pk)

    ranked = [m.idea.title for m in selectors.matches_for_company(company=farm)]
    assert ranked[0] == "비만 오면 잠기는 굴다리"


def test_a_new_idea_is_placed_without_rescoring_the_others(catalogue):
    other_scores = dict(Match.objects.exclude(idea__title__startswith="Grandma").values_list("pk", "score"))
    idea = make_idea("pills", status=IdeaStatus.PUBLISHED)
    idea.title = "Grandma forgets her pills"
    idea.save()

    services.embedding_refresh_for_idea(idea_id=idea.pk)
    matches = services.match_refresh_for_idea(idea_id=idea.pk)

    assert matches and sorted(matches, key=lambda m: m.rank_for_idea)[0].company.slug == "gyeote-care"
    unchanged = dict(Match.objects.filter(pk__in=other_scores).values_list("pk", "score"))
    # A row re-ranked is written again with its score as this refresh summed it (float32 dot
    # products in batches of another shape); no other idea was rescored.
    assert all(
        abs(unchanged[pk] - score) <= services.SCORE_TOLERANCE
        for pk, score in other_scores.items()
        if pk in unchanged
    )


def test_duplicates_are_found_across_languages(catalogue):
    found = selectors.ideas_similar_to(
        title="My mother keeps forgetting her pills",
        problem="She lives alone and cannot remember whether she took her blood pressure medicine.",
    )

    assert found[0].idea.title in {"어머니가 약 드시는 걸 자꾸 잊으세요", "My father forgets his medicine"}
    assert {c.idea.title for c in found[:2]} == {
        "어머니가 약 드시는 걸 자꾸 잊으세요",
        "My father forgets his medicine",
    }
    assert found[0].similarity >= found[-1].similarity
    assert found[0].likely_duplicate


def test_nothing_is_offered_as_similar_when_nothing_is_close(catalogue):
    assert (
        selectors.ideas_similar_to(
            title="공공 수영장을 저녁까지 열어 주세요", problem="주말 저녁에 수영하고 싶어요."
        )
        == []
    )


def test_staff_duplicate_candidates_for_an_idea(catalogue):
    found = selectors.duplicates_for_idea(idea=catalogue["ideas"]["pills"])

    assert found[0].idea == catalogue["ideas"]["pills_en"]
    assert catalogue["ideas"]["pills"] not in [c.idea for c in found]


def test_a_queue_of_ideas_gets_the_same_duplicates_with_one_more_query_per_idea(catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queue = [catalogue["ideas"][key] for key in ("pills", "crossing", "leaves", "bus")]
    alone = {idea.pk: selectors.duplicates_for_idea(idea=idea) for idea in queue}

    with CaptureQueriesContext(connection) as one:
        selectors.duplicates_for_ideas(ideas=queue[:1])
    with CaptureQueriesContext(connection) as four:
        together = selectors.duplicates_for_ideas(ideas=queue)

    def key(found):
        return [(c.idea.pk, c.similarity) for c in found]

    assert {pk: key(found) for pk, found in together.items()} == {
        pk: key(found) for pk, found in alone.items()
    }
    # Only the index search runs once per idea; vectors and statistics are loaded once.
    assert len(four) - len(one) == len(queue) - 1


def test_matching_state_is_pending_until_the_latest_text_is_ranked(catalogue, api):
    idea = catalogue["ideas"]["bus"]
    assert api().get(f"/api/v1/ideas/{idea.pk}/").json()["matching_state"] == "done"

    idea.problem = "정류장에 안내판이 없어서 버스가 언제 오는지 알 수가 없어요."
    idea.save()
    assert api().get(f"/api/v1/ideas/{idea.pk}/").json()["matching_state"] == "pending"

    services.embedding_refresh_for_idea(idea_id=idea.pk)
    services.match_refresh_for_idea(idea_id=idea.pk)
    assert api().get(f"/api/v1/ideas/{idea.pk}/matches/").json()["state"] == "done"


def test_company_members_are_told_of_new_strong_matches(catalogue, carol):
    from accounts.models import Notification

    told = Notification.objects.filter(user=carol, kind="strong_match")

    assert told.count() == 1
    assert "곁에케어" in told.get().title
    assert "My father forgets his medicine" in told.get().body

    services.match_refresh_all()
    assert told.count() == 1  # the same matches again are not news


@pytest.fixture
def carol_reads_english(carol):
    carol.preferred_language = "en"
    carol.save()
    return carol


def test_a_member_who_reads_english_is_told_of_strong_matches_in_english(carol_reads_english, catalogue):
    from accounts.models import Notification

    told = Notification.objects.get(user=carol_reads_english, kind="strong_match")

    assert told.title == "1 new strong match for 곁에케어"


def test_followers_are_told_when_an_idea_is_matched(db, carol):
    from accounts.models import Notification
    from tests.accounts.factories import UserFactory
    from tests.matching.conftest import make_company

    follower = UserFactory()
    idea = make_idea("pills")
    idea.status = IdeaStatus.PUBLISHED
    idea.save()
    idea.follows.create(user=follower)
    company = make_company("care")
    services.embedding_refresh_for_company(company_id=company.pk)
    services.embedding_refresh_for_idea(idea_id=idea.pk)

    services.match_refresh_all()

    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.MATCHED
    assert Notification.objects.filter(user=follower, kind="idea_status").count() == 1


def test_a_burst_is_embedded_in_one_model_call_skipping_ideas_another_worker_claimed(db, monkeypatch):
    first, second, claimed = (make_idea(key) for key in ("pills", "leaves", "bus"))
    # The pilot margin's prototypes are encoded once per process: not part of the burst's calls.
    pilotability._prototype_sides()
    calls = []
    encode_documents = encoding.encode_documents
    monkeypatch.setattr(
        encoding,
        "encode_documents",
        lambda documents, **kw: calls.append(len(documents)) or encode_documents(documents, **kw),
    )
    other_worker = psycopg.connect(**connection.get_connection_params(), autocommit=False)
    try:
        other_worker.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [services._EMBEDDING_CLAIM_CLASS, claimed.pk]
        )
        _embedding, computed = services.embedding_refresh_for_idea(idea_id=first.pk)
    finally:
        # Rolled back before closing: the claim is then released when the next call claims.
        other_worker.rollback()
        other_worker.close()

    assert computed is True
    assert calls == [2]
    assert Embedding.objects.filter(idea=second).exists()
    assert not Embedding.objects.filter(idea=claimed).exists()
    # Its claim released, the idea still waiting goes with the next task's batch; its own task
    # then finds its vectors current.
    assert services.embedding_refresh_for_idea(idea_id=second.pk)[1] is False
    assert calls == [2, 1]
    assert Embedding.objects.filter(idea=claimed).exists()
    assert services.embedding_refresh_for_idea(idea_id=claimed.pk)[1] is False
    assert calls == [2, 1]


def test_a_reason_quotes_what_a_company_did_rather_than_the_sentence_introducing_it(catalogue):
    from tests.companies.factories import CompanyFactory

    radiology = CompanyFactory(
        name="빛결메디칼AI",
        slug="bitgyeol",
        summary="흉부 X-ray에서 폐결절과 결핵 의심 소견을 자동 검출하는 판독 보조 소프트웨어",
        description=(
            "빛결메디칼AI는 2022년 서울에서 광주 북구 첨단지구로 본사를 이전한 의료영상 AI 기업입니다. "
            "직원은 40명입니다."
        ),
        technologies=["medical imaging"],
        domains=["healthcare"],
    )
    radiology.references.create(
        title="동네 의원 원격 판독 연계 실증",
        description="지역 의원 12곳의 엑스레이를 클라우드에서 판독 보조했습니다.",
    )
    idea = make_idea("pills")
    idea.title = "동네 병원 엑스레이 결과를 큰 병원 가기 전에 빨리 알고 싶어요"
    idea.problem = "북구 동네 의원에서 엑스레이를 찍어도 결과를 들으려면 큰 병원에 다시 가야 해요."
    idea.proposal = "동네 의원에서 찍은 사진을 AI가 먼저 봐 주고 결과를 바로 설명해 주면 좋겠어요."
    idea.save()
    services.embedding_refresh_for_company(company_id=radiology.pk)
    services.embedding_refresh_for_idea(idea_id=idea.pk)
    services.match_refresh_all(rewrite=True)

    reason = Match.objects.get(idea=idea, company=radiology).reason

    assert "본사를 이전한" not in reason["company_text"]
    assert reason["company_field"] in {"reference", "summary", "technology"}
    # The introduction stays among the other passages the pair met.
    assert any("본사를 이전한" in passage["text"] for passage in reason["also"])


def test_refresh_matching_with_rewrite_writes_every_ranked_reason_again(catalogue):
    from io import StringIO

    from django.core.management import call_command

    ranked = Match.objects.filter(rank_for_idea__isnull=False)
    reasons = dict(ranked.values_list("pk", "reason"))
    ranked.update(reason={})

    # Without it a refresh writes only the rankings that changed: here none.
    call_command("refresh_matching", stdout=StringIO())
    assert not any(Match.objects.filter(pk__in=reasons).values_list("reason", flat=True))

    out = StringIO()
    call_command("refresh_matching", "--rewrite", stdout=out)

    assert dict(Match.objects.filter(pk__in=reasons).values_list("pk", "reason")) == reasons
    assert "rewritten" in out.getvalue()


def test_a_reason_does_not_end_a_sentence_at_an_abbreviation():
    from matching.reasons import short_phrase

    assert short_phrase(
        "Founded in 2019 with Dr. Park of the university hospital, it reads chest X-rays for clinics."
    ) == ("Founded in 2019 with Dr. Park of the university hospital…")


def test_a_passage_introduces_a_company_only_where_its_name_stands_as_a_word(db):
    from matching.embeddings import Loaded
    from matching.engine import ranking
    from tests.companies.factories import CompanyFactory

    care = CompanyFactory(name="Care", slug="care")
    texts = ["Care moved to Cheomdan in 2022.", "Pill dispensers for home healthcare.", "Care robots"]
    companies = Loaded(
        side=ranking.Side(
            doc=np.zeros((1, 2), dtype=np.float32),
            passages=np.zeros((3, 2), dtype=np.float32),
            offsets=np.array([0, 3]),
            fields=["description", "summary", "technology"],
        ),
        owner_ids=[care.pk],
        embeddings=[],
        texts=texts,
    )

    # The third names it too, but a technology tag says what it does, not who it is.
    assert services._introductions(companies, np.array([0])).tolist() == [1.0, 0.0, 0.0, 0.0]


def test_a_profile_is_scored_on_its_tag_list_and_a_reason_quotes_single_tags(catalogue):
    from matching.embeddings import load_companies

    care = catalogue["companies"]["care"]
    stored = [p.field for p in Embedding.objects.get(company=care).passages.order_by("position")]
    assert "tags" in stored and "technology" in stored

    companies = load_companies()
    column = companies.owner_ids.index(care.pk)
    scored = companies.side.fields[companies.side.passage_range(column)]
    quoted = companies.for_reasons.side.fields[companies.for_reasons.side.passage_range(column)]
    assert "tags" in scored and not {"technology", "domain"} & set(scored)
    assert "tags" not in quoted and "technology" in quoted
    assert len(companies.for_reasons.texts) == len(companies.for_reasons.side.fields)

    # The whole text is what it was: every tag on its own line, not the list as well.
    embedding = Embedding.objects.get(company=care)
    [(document, _vectors)] = encoding.encode_documents(
        [["-"]], kind="passage", wholes=[services.company_whole_text(care)]
    )
    assert np.dot(np.array(embedding.vector), document) > 0.9999
    assert ", " not in services.company_whole_text(care).split("\n")[-1]

    reasons = Match.objects.exclude(rank_for_idea=None).values_list("reason", flat=True)
    assert reasons and not any(reason["company_field"] == "tags" for reason in reasons)
    assert not any(also["field"] == "tags" for reason in reasons for also in reason["also"])


def test_scoring_a_profile_reads_its_tag_list_not_each_tag(catalogue):
    """The similarities move with the list's vector."""
    from dataclasses import replace

    from matching.embeddings import load_companies, load_ideas
    from matching.engine import ranking

    ideas, companies = load_ideas(), load_companies()
    before = ranking.similarity(ideas.side, companies.side)
    tag_lists = [n for n, field in enumerate(companies.side.fields) if field == "tags"]
    assert tag_lists
    without_lists = companies.side.passages.copy()
    without_lists[tag_lists] = 0.0
    changed = ranking.similarity(ideas.side, replace(companies.side, passages=without_lists))
    assert not np.allclose(before, changed)


def test_the_vector_cache_tells_apart_documents_whose_whole_texts_differ(db):
    passages = [["Flood sensors for underpasses", "rainfall nowcasting, hydrology"]]

    [(plain, _)] = encoding.encode_documents_cached(passages, kind="passage")
    [(given, _)] = encoding.encode_documents_cached(
        passages, kind="passage", wholes=["Flood sensors for underpasses\nrainfall nowcasting\nhydrology"]
    )
    [(again, _)] = encoding.encode_documents_cached(
        passages, kind="passage", wholes=["Flood sensors for underpasses\nrainfall nowcasting\nhydrology"]
    )

    assert np.dot(plain, given) < 0.9999
    assert np.array_equal(given, again)


def test_after_the_upgrade_to_tag_lists_the_sweep_embeds_profiles_again_and_refreshes(catalogue):
    import importlib

    from django.apps import apps

    from matching.models import MatchingState, Passage

    care = catalogue["companies"]["care"]
    embedding = Embedding.objects.get(company=care)
    # A profile embedded before: its tags one by one, no list, and its content hash of then.
    Passage.objects.filter(embedding=embedding, field="tags").delete()
    Embedding.objects.filter(pk=embedding.pk).update(text_hash="embedded-before-the-tag-list")
    MatchingState.objects.update(needs_full_refresh=False)

    # Its text did not change, so nothing tells the sweep without the migration's flag...
    assert services.matching_sweep()["companies_embedded"] == 0
    importlib.import_module("matching.migrations.0016_profiles_scored_on_their_tag_list").refresh_in_full(
        apps, None
    )
    swept = services.matching_sweep()

    assert swept["companies_embedded"] == 1
    assert Passage.objects.filter(embedding__company=care, field="tags").exists()
    assert not MatchingState.objects.get().needs_full_refresh
