"""``JobClassifier``: normalisation + word TF-IDF + skill-lexicon features + a calibrated linear model.

One scikit-learn estimator, so it works with ``clone``, ``Pipeline``, ``GridSearchCV`` and
``cross_val_predict``. Inference in :mod:`jobclass.predict` does not call it row by row: it compiles
the fitted estimator into :class:`jobclass.compiled.CompiledModel`, which gives the same
probabilities (tested to 1e-9) without scikit-learn's per-call overhead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.validation import check_is_fitted

from .lexicon import Lexicon, load_lexicon
from .text import MAX_CHARS, Tokens, analyze
from .validation import check_texts

__all__ = ["JobClassifier", "LexiconFeatures"]


def _precomputed(terms: list[str]) -> list[str]:
    """TF-IDF analyzer for documents that are already term lists (module-level so it pickles)."""
    return terms




class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Skill-lexicon features of postings: per-skill counts, per-group counts, shares, densities.

    ``transform`` takes raw postings (str) or their :func:`jobclass.text.analyze` tokens.

    Parameters
    ----------
    lexicon : Lexicon or None
        The skill lexicon (``None``: the bundled one).
    weight : float
        Multiplies every lexicon feature, to balance them against the TF-IDF block.
    """

    def __init__(self, *, lexicon: Lexicon | None = None, weight: float = 1.0, kinds: tuple[str, ...] = ("group_share",)):
        self.lexicon = lexicon
        self.weight = weight
        self.kinds = kinds

    def fit(self, X: Any, y: Any = None) -> LexiconFeatures:
        self.lexicon_ = self.lexicon if self.lexicon is not None else load_lexicon()
        if not isinstance(self.lexicon_, Lexicon):
            raise TypeError(f"lexicon must be a jobclass.Lexicon or None; got {type(self.lexicon_).__name__}")
        bad = sorted(set(self.kinds) - set(Lexicon.FEATURE_KINDS))
        if bad or not isinstance(self.kinds, (tuple, list)):
            raise ValueError(f"lexicon feature kinds must be a tuple drawn from {Lexicon.FEATURE_KINDS}; got {self.kinds!r}")
        return self

    def transform(self, X: Any) -> sp.csr_matrix:
        check_is_fitted(self, "lexicon_")
        return self._matrix([self._row(doc if isinstance(doc, Tokens) else analyze(doc)) for doc in X])

    def _row(self, tokens: Tokens) -> tuple[list[int], list[float]]:
        lex = self.lexicon_
        return lex.features(lex.count(tokens), len(tokens), tuple(self.kinds))

    def _matrix(self, rows: list[tuple[list[int], list[float]]]) -> sp.csr_matrix:
        lex = self.lexicon_
        indptr, indices, data = [0], [], []
        for idx, val in rows:
            indices.extend(idx)
            data.extend(val)
            indptr.append(len(indices))
        m = sp.csr_matrix(
            (np.asarray(data, dtype=np.float64) * self.weight, np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(indptr) - 1, lex.n_features),
        )
        return m

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "lexicon_")
        return np.asarray(self.lexicon_.feature_names(), dtype=object)


class JobClassifier(ClassifierMixin, BaseEstimator):
    """Job-posting classifier: TF-IDF + skill lexicon + multinomial logistic regression.

    Parameters
    ----------
    ngram_range : tuple of int
        Word n-grams for TF-IDF: (1, 2), unigrams and bigrams (the default), or (1, 1).
    min_df : int or float
        Ignore terms in fewer documents than this.
    max_df : float
        Ignore terms in more than this fraction of documents (boilerplate words).
    max_features : int or None
        Keep at most this many TF-IDF terms (by corpus frequency).
    lexicon : Lexicon or None
        The skill lexicon for keyword features (``None``: the bundled ``lexicon.json``).
    lexicon_weight : float
        Scale of the lexicon features relative to the L2-normalised TF-IDF row.
    lexicon_features : tuple of str
        Which lexicon feature blocks to use, from ``("skill_count", "group_count", "group_share",
        "group_density")``. The default, group shares only, generalised best to real postings
        (see the README's "Model" section for the measurement).
    C : float
        Inverse regularisation strength of the logistic regression.
    class_weight : "balanced", dict or None
        Passed to ``LogisticRegression``.
    calibrate : bool
        Fit a temperature on cross-validated scores so probabilities are calibrated.
    max_chars : int
        Characters of each posting the model reads (see :data:`jobclass.text.MAX_CHARS`).
    random_state : int
        Seed for the calibration folds (the solver itself is deterministic).
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float = 2,
        max_df: float = 0.9,
        max_features: int | None = 150_000,
        lexicon: Lexicon | None = None,
        lexicon_weight: float = 2.0,
        lexicon_features: tuple[str, ...] = ("group_share",),
        C: float = 4.0,
        class_weight: str | dict | None = "balanced",
        calibrate: bool = True,
        max_chars: int = MAX_CHARS,
        random_state: int = 0,
    ):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.lexicon = lexicon
        self.lexicon_weight = lexicon_weight
        self.lexicon_features = lexicon_features
        self.C = C
        self.class_weight = class_weight
        self.calibrate = calibrate
        self.max_chars = max_chars
        self.random_state = random_state

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    # -- fitting --------------------------------------------------------------------------------
    def _features(self, texts: list[str], *, fit: bool) -> sp.csr_matrix:
        """TF-IDF and lexicon blocks from one analysis per posting. The vectorizer consumes a
        generator, so only one posting's terms exist at a time (a list of every posting's terms
        took gigabytes at 100,000 postings)."""
        bigrams = tuple(self.ngram_range) == (1, 2)
        lex = self.lexicon_features_
        if fit:
            lex.fit(None)
        lex_rows: list[tuple[list[int], list[float]]] = []

        def terms() -> Any:
            for text in texts:
                tk = analyze(text, self.max_chars)
                lex_rows.append(lex._row(tk))
                yield tk.terms(bigrams)

        a = self.vectorizer_.fit_transform(terms()) if fit else self.vectorizer_.transform(terms())
        return sp.hstack([a, lex._matrix(lex_rows)], format="csr")

    def fit(self, X: Any, y: Any) -> JobClassifier:
        """Fit on postings ``X`` (list-like of str) and labels ``y``. Returns ``self``."""
        texts = check_texts(X)
        y = np.asarray(list(y), dtype=object)
        if len(y) != len(texts):
            raise ValueError(f"X and y must have the same length; got {len(texts)} texts and {len(y)} labels")
        if tuple(self.ngram_range) not in ((1, 1), (1, 2)):
            raise ValueError(f"ngram_range must be (1, 1) or (1, 2); got {self.ngram_range!r}")
        # Terms come from jobclass.text.analyze (the same tokens the compiled path hashes), so the
        # vectorizer only builds the vocabulary and the idf weights.
        self.vectorizer_ = TfidfVectorizer(
            analyzer=_precomputed,
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float64,
        )
        self.lexicon_features_ = LexiconFeatures(lexicon=self.lexicon, weight=self.lexicon_weight, kinds=tuple(self.lexicon_features))
        Z = self._features(texts, fit=True)
        self.lexicon_ = self.lexicon_features_.lexicon_
        clf = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)
        self.classifier_ = clf.fit(Z, y)
        self.classes_ = self.classifier_.classes_
        self.temperature_ = 1.0
        if self.calibrate:
            self.temperature_ = self._fit_temperature(Z, y)
        return self

    def _fit_temperature(self, Z: sp.csr_matrix, y: np.ndarray) -> float:
        """Temperature that minimises the log-loss of out-of-fold scores (a one-parameter calibration
        that keeps the model linear, so explanations and the fast path stay exact)."""
        _, counts = np.unique(y, return_counts=True)
        k = int(min(5, counts.min()))
        if k < 2:
            return 1.0
        folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=self.random_state)
        base = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)
        scores = cross_val_predict(base, Z, y, cv=folds, method="decision_function")
        target = np.searchsorted(self.classes_, y)
        grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 400))
        best, best_loss = 1.0, np.inf
        for t in grid:
            s = scores / t
            s = s - s.max(axis=1, keepdims=True)
            logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
            loss = -logp[np.arange(len(target)), target].mean()
            if loss < best_loss:
                best, best_loss = float(t), loss
        return best

    # -- prediction -----------------------------------------------------------------------------
    def transform(self, X: Any) -> sp.csr_matrix:
        """The model's feature matrix for postings ``X`` (TF-IDF block, then lexicon block)."""
        check_is_fitted(self, "classifier_")
        return self._features(check_texts(X), fit=False)

    def decision_function(self, X: Any) -> np.ndarray:
        """Calibrated class scores (logits divided by the temperature), one column per class."""
        check_is_fitted(self, "classifier_")
        s = self.classifier_.decision_function(self.transform(X)) / self.temperature_
        if s.ndim == 1:  # two classes: scikit-learn returns one column, score(class 1) - score(class 0)
            s = np.column_stack([-s / 2, s / 2])
        return s

    def predict_proba(self, X: Any) -> np.ndarray:
        s = self.decision_function(X)
        s = s - s.max(axis=1, keepdims=True)
        p = np.exp(s)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        scores = self.decision_function(X)  # first: raises NotFittedError on an unfitted model
        return self.classes_[np.argmax(scores, axis=1)]

    def get_feature_names_out(self) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        return np.concatenate(
            [self.vectorizer_.get_feature_names_out(), self.lexicon_features_.get_feature_names_out()]
        )

    def explain(self, text: str, *, top: int = 8) -> list[tuple[str, float]]:
        """The ``top`` features that pushed ``text`` toward its predicted class, with their weights.

        Each weight is feature value x (class coefficient - mean coefficient over classes), divided
        by the temperature: the feature's real share of the predicted class's calibrated score.
        """
        from .compiled import compile_model

        return list(compile_model(self).explain(text, top=top))
