"""The fast inference path: a fitted ``JobClassifier`` compiled to plain arrays.

scikit-learn spends most of a single ``predict_proba`` call on input validation and on generic
``Pipeline`` plumbing. ``CompiledModel`` does only the arithmetic: one pass of
:func:`jobclass.text.analyze` (token and bigram hashes as arrays), a binary search of those hashes
in the sorted hashes of the vocabulary, and a sparse dot product with coefficients that already
include the calibration temperature. It gives the estimator's probabilities to 1e-9
(tested), imports no scikit-learn, and is saved as a ``.npz`` of plain arrays that loads without
pickle, so loading it runs no code.
"""

from __future__ import annotations

import hashlib
import json
import math
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .lexicon import Lexicon
from .text import analyze, hash_terms

__all__ = ["CompiledModel", "compile_model", "Row"]

COMPILED_FORMAT = 2
_SCORE_BLOCK = 256
_EMPTY_COLS = np.zeros(0, dtype=np.intp)
_EMPTY_VALS = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Row:
    """One posting as the model sees it: sparse feature columns and values, plus what was read."""

    cols: np.ndarray
    vals: np.ndarray
    skills: dict[int, int]
    truncated: bool
    blank: bool


class CompiledModel:
    """Inference-only form of a fitted :class:`jobclass.JobClassifier` (build with :func:`compile_model`)."""

    def __init__(
        self,
        *,
        classes: list[str],
        terms: list[str],
        idf: np.ndarray,
        coef_t: np.ndarray,
        intercept: np.ndarray,
        lexicon: Lexicon,
        lexicon_weight: float,
        lexicon_kinds: tuple[str, ...],
        ngram_range: tuple[int, int],
        max_chars: int,
        metadata: dict[str, Any] | None = None,
    ):
        if tuple(ngram_range) not in ((1, 1), (1, 2)):
            raise ValueError(f"the compiled path supports ngram_range (1, 1) or (1, 2); got {ngram_range}")
        self.classes = tuple(classes)
        self.terms = terms
        self.idf = np.ascontiguousarray(idf, dtype=np.float64)
        self.coef_t = np.ascontiguousarray(coef_t, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.lexicon = lexicon
        self.lexicon_weight = float(lexicon_weight)
        self.lexicon_kinds = tuple(lexicon_kinds)
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.max_chars = int(max_chars)
        self.metadata = dict(metadata or {})
        self.n_tfidf = len(terms)
        # The vocabulary as sorted term hashes (and the column of each): a posting's terms are
        # found with one vectorised binary search instead of a dict look-up per term.
        h = hash_terms(terms)
        order = np.argsort(h, kind="stable")
        self._keys = h[order]
        self._key_cols = order.astype(np.intp)
        if len(self._keys) > 1 and bool((self._keys[1:] == self._keys[:-1]).any()):
            raise ValueError("two vocabulary terms share a 64-bit hash; this model cannot be compiled")
        # Softmax is unchanged by adding the same number to every class, so the coefficient minus its
        # mean over classes is each feature's real push toward one class against the others.
        self._centered = self.coef_t - self.coef_t.mean(axis=1, keepdims=True)
        self._lex_names = lexicon.feature_names()

    # -- features -------------------------------------------------------------------------------
    def row(self, text: str) -> Row:
        """Features of one raw posting (the same numbers ``JobClassifier.transform`` gives)."""
        tk = analyze(text, self.max_chars)
        # Sorted needles: consecutive binary searches then walk nearby paths of the key array, which
        # stays in cache (unsorted, each search missed cache on a different path).
        th = np.sort(tk.term_hashes(self.ngram_range[1] == 2))
        c, v = _EMPTY_COLS, _EMPTY_VALS
        if len(th):
            keys = self._keys
            pos = np.searchsorted(keys, th)
            pos[pos == len(keys)] = 0
            pos = pos[keys[pos] == th]
            if len(pos):
                # Distinct columns and their counts by sort + run boundaries (np.unique's
                # general-purpose wrapper costs more than the work on ~1,000 values).
                ids = np.sort(self._key_cols[pos])
                first = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
                c = ids[first]
                tf = np.diff(first, append=len(ids))
                v = (np.log(tf) + 1.0) * self.idf[c]
                v /= math.sqrt(float(v @ v))
        skills = self.lexicon.count(tk.hashes)
        if skills:
            lcols, lvals = self.lexicon.features(skills, len(tk), self.lexicon_kinds)
            c = np.concatenate([c, np.asarray(lcols, dtype=np.intp) + self.n_tfidf])
            v = np.concatenate([v, np.asarray(lvals) * self.lexicon_weight])
        return Row(c, v, skills, tk.truncated, not len(tk))

    # -- prediction -----------------------------------------------------------------------------
    def scores(self, rows: list[Row]) -> np.ndarray:
        """Calibrated class scores for feature rows, shape (n_rows, n_classes)."""
        n, k = len(rows), len(self.classes)
        out = np.tile(self.intercept, (n, 1))
        if n == 1:
            r = rows[0]
            if len(r.cols):
                out[0] += r.vals @ self.coef_t[r.cols]
            return out
        # Blocks of rows keep the gathered coefficients small (a 2,000-row chunk at once would
        # materialise ~2M x n_classes floats, twice).
        for lo in range(0, n, _SCORE_BLOCK):
            block = [(i, r) for i, r in enumerate(rows[lo : lo + _SCORE_BLOCK], lo) if len(r.cols)]
            if not block:
                continue
            lengths = np.fromiter((len(r.cols) for _, r in block), dtype=np.intp, count=len(block))
            cols = np.concatenate([r.cols for _, r in block])
            vals = np.concatenate([r.vals for _, r in block])
            offsets = np.zeros(len(block), dtype=np.intp)
            np.cumsum(lengths[:-1], out=offsets[1:])
            # Every row in the block has at least one feature, so reduceat sums exactly its own.
            out[[i for i, _ in block]] += np.add.reduceat(self.coef_t[cols] * vals[:, None], offsets, axis=0)
        return out

    @staticmethod
    def softmax(scores: np.ndarray) -> np.ndarray:
        s = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(s)
        return p / p.sum(axis=1, keepdims=True)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities for a list of raw postings, columns in ``self.classes`` order."""
        return self.softmax(self.scores([self.row(t) for t in texts]))

    def evidence(self, row: Row, label_index: int, *, top: int = 8) -> tuple[tuple[str, float], ...]:
        """The features of ``row`` that pushed hardest toward class ``label_index``, strongest first."""
        if not len(row.cols) or top <= 0:
            return ()
        contrib = row.vals * self._centered[row.cols, label_index]
        if len(contrib) > top:  # only the top few need sorting
            part = np.argpartition(-contrib, top - 1)[:top]
            order = part[np.argsort(-contrib[part], kind="stable")]
        else:
            order = np.argsort(-contrib, kind="stable")
        out = []
        for i in order:
            w = float(contrib[i])
            if w <= 0:
                break
            out.append((self.feature_name(int(row.cols[i])), round(w, 4)))
        return tuple(out)

    def feature_name(self, col: int) -> str:
        if col < self.n_tfidf:
            return self.terms[col]
        return self._lex_names[col - self.n_tfidf]

    def explain(self, text: str, *, top: int = 8) -> tuple[tuple[str, float], ...]:
        row = self.row(text)
        k = int(np.argmax(self.scores([row])[0]))
        return self.evidence(row, k, top=top)

    # -- storage --------------------------------------------------------------------------------
    def save(self, path: str | Path) -> str:
        """Write the model as a compressed ``.npz`` of plain arrays; return its sha256."""
        meta = {
            "compiled_format": COMPILED_FORMAT,
            "classes": list(self.classes),
            "lexicon": self.lexicon.to_dict(),
            "lexicon_weight": self.lexicon_weight,
            "lexicon_kinds": list(self.lexicon_kinds),
            "ngram_range": list(self.ngram_range),
            "max_chars": self.max_chars,
            "metadata": self.metadata,
        }
        terms = "\n".join(self.terms).encode("utf-8")
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                terms=np.frombuffer(terms, dtype=np.uint8),
                idf=self.idf,
                coef_t=self.coef_t,
                intercept=self.intercept,
                # No sort_keys: the lexicon's skill and group order defines the feature columns.
                meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            )
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    @classmethod
    def load(cls, path: str | Path) -> CompiledModel:
        """Read a model written by :meth:`save` (no pickle: loading runs no code)."""
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("compiled_format") != COMPILED_FORMAT:
                raise ValueError(
                    f"{path}: compiled model format {meta.get('compiled_format')!r}, expected {COMPILED_FORMAT}; "
                    "rebuild it with this version of jobclass"
                )
            raw_terms = z["terms"].tobytes().decode("utf-8")
            terms = raw_terms.split("\n") if raw_terms else []
            lex = meta["lexicon"]
            return cls(
                classes=meta["classes"],
                terms=terms,
                idf=z["idf"],
                coef_t=z["coef_t"],
                intercept=z["intercept"],
                lexicon=Lexicon(lex["skills"], lex["groups"]),
                lexicon_weight=meta["lexicon_weight"],
                lexicon_kinds=tuple(meta["lexicon_kinds"]),
                ngram_range=tuple(meta["ngram_range"]),
                max_chars=meta["max_chars"],
                metadata=meta.get("metadata", {}),
            )

    def __repr__(self) -> str:
        return f"CompiledModel(classes={list(self.classes)}, {self.n_tfidf} terms, {len(self.lexicon)} skills)"


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def compile_model(estimator: Any) -> CompiledModel:
    """Compile a fitted :class:`jobclass.JobClassifier` (cached until the estimator is refitted)."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, "classifier_")
    hit = _CACHE.get(estimator)
    if hit is not None and hit[0] is estimator.classifier_:
        return hit[1]
    vec = estimator.vectorizer_
    terms = [""] * len(vec.vocabulary_)
    for t, i in vec.vocabulary_.items():
        terms[i] = t
    clf = estimator.classifier_
    coef, intercept = clf.coef_, clf.intercept_
    if coef.shape[0] == 1:  # binary LogisticRegression stores one row: score(class 1) = -score(class 0)
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    t = float(estimator.temperature_)
    compiled = CompiledModel(
        classes=[str(c) for c in estimator.classes_],
        terms=terms,
        idf=vec.idf_,
        coef_t=(coef / t).T,
        intercept=intercept / t,
        lexicon=estimator.lexicon_,
        lexicon_weight=estimator.lexicon_weight,
        lexicon_kinds=tuple(estimator.lexicon_features),
        ngram_range=tuple(estimator.ngram_range),
        max_chars=estimator.max_chars,
    )
    _CACHE[estimator] = (clf, compiled)
    return compiled
