"""labs_utils.embeddings additions for lab 01: intrinsic_scores, nearest_words, neighbour_overlap, train_word2vec."""

from __future__ import annotations

import numpy as np
import pytest

from labs_utils import embeddings
from labs_utils.embeddings import keyed_vectors

# on the unit circle: a, b, c close together (angles 0, 10, 20 degrees), d and e far away (170, 180)
ANGLES = {"a": 0, "b": 10, "c": 20, "d": 170, "e": 180}


def _circle(angles):
    rad = np.deg2rad(list(angles.values()))
    return keyed_vectors(list(angles), np.stack([np.cos(rad), np.sin(rad)], axis=1))


def test_intrinsic_scores_names_each_score_and_its_coverage(monkeypatch):
    def similarity(kv, dataset="wordsim353"):
        return {"wordsim353": {"spearman": 0.5, "pairs_used": 111}, "simlex999": {"spearman": 0.2, "pairs_used": 395}}[
            dataset
        ]

    asked = {}

    def analogies(kv, restrict_vocab=None):
        asked["restrict_vocab"] = restrict_vocab
        return {"accuracy": 0.04, "questions_used": 3264}

    monkeypatch.setattr(embeddings, "evaluate_similarity", similarity)
    monkeypatch.setattr(embeddings, "evaluate_analogies", analogies)
    scores = embeddings.intrinsic_scores(_circle(ANGLES), restrict_vocab=1000)
    assert scores == {
        "wordsim": 0.5,
        "wordsim_pairs": 111,
        "simlex": 0.2,
        "simlex_pairs": 395,
        "analogy": 0.04,
        "analogy_questions": 3264,
    }
    assert asked["restrict_vocab"] == 1000


def test_nearest_words_excludes_the_word_itself():
    kv = _circle(ANGLES)
    assert embeddings.nearest_words(kv, ["a", "e"], k=2) == [{"b", "c"}, {"d", "c"}]
    assert embeddings.nearest_words(kv, [], k=2) == []


def test_neighbour_overlap_counts_shared_neighbours():
    same = embeddings.neighbour_overlap(_circle(ANGLES), _circle(ANGLES), ["a", "d"], k=2)
    np.testing.assert_allclose(same, [1.0, 1.0])
    other = _circle(dict(a=0, b=100, c=90, d=170, e=180))
    overlap = embeddings.neighbour_overlap(_circle(ANGLES), other, ["a", "e"], k=2)
    np.testing.assert_allclose(overlap, [1.0, 0.5])  # e: {d, c} against {d, b}


def test_nearest_words_bad_input_names_the_problem():
    kv = _circle(ANGLES)
    with pytest.raises(KeyError, match="not in the vectors.*zzz"):
        embeddings.nearest_words(kv, ["a", "zzz"])
    with pytest.raises(ValueError, match="k=5 must be at least 1 and below the 5 words"):
        embeddings.nearest_words(kv, ["a"], k=5)
    with pytest.raises(ValueError, match="k=0"):
        embeddings.neighbour_overlap(kv, kv, ["a"], k=0)


def test_train_word2vec_is_reproducible_and_keeps_only_the_given_words():
    rng = np.random.default_rng(0)
    docs = [list(rng.choice(["guitar", "strings", "pedal", "cable", "amp", "tuner"], size=12)) for _ in range(60)]
    first = embeddings.train_word2vec(docs, dim=8, window=2, epochs=2)
    again = embeddings.train_word2vec(docs, dim=8, window=2, epochs=2)
    assert sorted(first.wv.index_to_key) == ["amp", "cable", "guitar", "pedal", "strings", "tuner"]
    np.testing.assert_array_equal(first.wv.vectors, again.wv.vectors)  # one worker, stable hash
    kept = embeddings.train_word2vec(docs, dim=8, window=2, epochs=1, keep={"guitar", "amp"})
    assert sorted(kept.wv.index_to_key) == ["amp", "guitar"]
    with pytest.raises(ValueError, match="no words to train on"):
        embeddings.train_word2vec([[], []], dim=8, window=2)
