"""The model is loaded once per process, however many threads ask for it at once."""

import threading

from matching import encoding
from matching.engine import universal_sentence_encoder


def test_threads_asking_at_once_share_one_load(monkeypatch):
    loads = []
    real_load = universal_sentence_encoder.load

    def counted_load():
        loads.append(1)
        return real_load()

    monkeypatch.setattr(universal_sentence_encoder, "load", counted_load)
    monkeypatch.setattr(encoding, "_model", None)
    start = threading.Barrier(3)
    models = []

    def ask():
        start.wait()
        models.append(encoding.get_model())

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(loads) == 1
    assert len(models) == 3 and all(model is models[0] for model in models)


def test_the_model_gives_unit_vectors_of_its_stated_length_from_the_pip_package():
    texts = ["어머니가 약 드시는 걸 자꾸 잊으세요", "My mother forgets her pills"]
    vectors = encoding.encode(texts, kind="query")

    assert vectors.shape == (2, universal_sentence_encoder.DIMENSIONS)
    assert abs(float((vectors**2).sum(axis=1)[0]) - 1.0) < 1e-5
    # The same meaning across languages lands close: the model is multilingual.
    assert float(vectors[0] @ vectors[1]) > 0.5
