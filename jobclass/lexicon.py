"""The skill lexicon: canonical skills with aliases and a group each, and the matcher.

The lexicon is data (``jobclass/lexicon.json``): a user can read it, copy it, add skills and pass
their own to :class:`jobclass.JobClassifier`. Matching works on the token hashes of
:func:`jobclass.text.analyze`, so it is case-insensitive and word-bounded by construction, and
punctuated names match in all their spellings ("C++", "Ph.D.", "CI/CD" are rewritten before
matching). A trailing plural "s" is matched too.

This module imports no scikit-learn: the fast inference path uses it directly.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .text import Tokens, analyze, hash_terms, member

__all__ = ["Lexicon", "load_lexicon"]


class Lexicon:
    """A skill lexicon: ``skills`` maps a canonical skill to ``{"group": ..., "aliases": [...]}``.

    Parameters
    ----------
    skills : mapping
        Canonical skill name -> ``{"group": group_id, "aliases": [alias, ...]}``. The canonical name
        itself is always matched too.
    groups : mapping
        Group id -> one-line description. Every skill's group must be listed.
    """

    def __init__(self, skills: Mapping[str, Mapping[str, Any]], groups: Mapping[str, str]):
        self._build(skills, groups)

    def __getstate__(self) -> dict[str, Any]:
        # Pickle the data only; the matcher index is rebuilt on load, so a model pickled by one
        # jobclass version does not carry that version's internal index layout.
        return {"data": self._data}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._build(state["data"]["skills"], state["data"]["groups"])

    def _build(self, skills: Mapping[str, Mapping[str, Any]], groups: Mapping[str, str]) -> None:
        if not isinstance(skills, Mapping) or not isinstance(groups, Mapping):
            raise TypeError(
                f"Lexicon expects two mappings (skills, groups); got {type(skills).__name__} and {type(groups).__name__}"
            )
        unknown = sorted({str(v.get("group")) for v in skills.values()} - set(groups))
        if unknown:
            raise ValueError(f"lexicon skills use groups that are not declared: {unknown}; declared: {sorted(groups)}")
        self.groups: tuple[str, ...] = tuple(groups)
        self.group_descriptions: dict[str, str] = dict(groups)
        self.skills: tuple[str, ...] = tuple(skills)
        self.skill_group: tuple[int, ...] = tuple(self.groups.index(skills[s]["group"]) for s in self.skills)
        self._data = {"groups": dict(groups), "skills": {k: {"group": v["group"], "aliases": list(v.get("aliases", []))} for k, v in skills.items()}}
        # first token hash -> (skill of the one-token alias or None, {second token hash: [(rest,
        # skill)]}), longest first: two levels keep common first tokens ("data", "machine") cheap.
        index: dict[int, tuple[int | None, dict[int, list[tuple[tuple[int, ...], int]]]]] = {}
        seen: set[tuple[int, ...]] = set()
        variants = [
            (i, variant)
            for i, name in enumerate(self.skills)
            for alias in [name, *skills[name].get("aliases", [])]
            for variant in _variants(analyze(str(alias)).strings())
        ]
        # Every distinct token hashed in one call (one call per alias cost ~0.15 s of cold start).
        vocab = sorted({t for _, v in variants for t in v})
        token_hash = dict(zip(vocab, hash_terms(vocab).tolist()))
        for i, variant in variants:
            toks = tuple(token_hash[t] for t in variant)
            if not toks or toks in seen:
                continue
            seen.add(toks)
            single, multi = index.get(toks[0], (None, {}))
            if len(toks) == 1:
                single = i if single is None else single
            else:
                multi.setdefault(toks[1], []).append((toks[2:], i))
            index[toks[0]] = (single, multi)
        for _, multi in index.values():
            for cands in multi.values():
                cands.sort(key=lambda c: -len(c[0]))
        self._index = index
        self._first = np.array(sorted(index), dtype=np.uint64)

    # -- matching -------------------------------------------------------------------------------
    def count(self, tokens: Tokens | np.ndarray) -> dict[int, int]:
        """Count skill matches in a posting's tokens (:func:`jobclass.text.analyze` output, or its
        ``hashes``): skill index -> count.

        At each position the longest alias wins and matching resumes after it, so overlapping
        aliases are not double counted.
        """
        h = tokens.hashes if isinstance(tokens, Tokens) else tokens
        starts = np.flatnonzero(member(self._first, h))  # positions whose token starts some alias
        if not len(starts):
            return {}
        index = self._index
        n = len(h)
        # The candidates' tokens and the tokens after them, as Python ints in two C-level calls.
        here = h[starts].tolist()
        after = h[np.minimum(starts + 1, n - 1)].tolist()
        found: dict[int, int] = {}
        free = 0  # first position not consumed by an earlier match
        for i, tok, nxt in zip(starts.tolist(), here, after):
            if i < free:
                continue
            single, multi = index[tok]
            skill, length = single, 1
            if multi and i + 1 < n:
                for rest, s in multi.get(nxt, ()):
                    k = len(rest)
                    if not k or (i + 1 + k < n and tuple(h[i + 2 : i + 2 + k].tolist()) == rest):
                        skill, length = s, 2 + k
                        break
            if skill is not None:
                found[skill] = found.get(skill, 0) + 1
                free = i + length
        return found

    def match(self, text: str) -> dict[str, dict[str, int]]:
        """Skills found in raw ``text``, grouped: ``{group: {skill: count}}``, most frequent first."""
        return self.group_counts(self.count(analyze(text)))

    def group_counts(self, counts: Mapping[int, int]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for skill, c in sorted(counts.items(), key=lambda kv: (-kv[1], self.skills[kv[0]])):
            out.setdefault(self.groups[self.skill_group[skill]], {})[self.skills[skill]] = c
        return out

    # -- features -------------------------------------------------------------------------------
    #: Feature blocks a model can use, in column order.
    FEATURE_KINDS = ("skill_count", "group_count", "group_share", "group_density")

    @property
    def n_features(self) -> int:
        return len(self.skills) + 3 * len(self.groups)

    def feature_names(self) -> list[str]:
        g = self.groups
        return (
            [f"skill:{s}" for s in self.skills]
            + [f"group:{x}" for x in g]
            + [f"group_share:{x}" for x in g]
            + [f"group_density:{x}" for x in g]
        )

    def features(self, counts: Mapping[int, int], n_tokens: int, kinds: tuple[str, ...] = ("group_share",)) -> tuple[list[int], list[float]]:
        """Sparse lexicon feature row for one document: (column indices, values).

        ``kinds`` picks the blocks: ``skill_count`` (``log1p`` count per skill), ``group_count``
        (``log1p`` count per group), ``group_share`` (each group's share of all skill matches) and
        ``group_density`` (``log1p`` of group matches per 100 tokens). The default is shares only:
        on real postings they generalise best, because a share does not grow with the length of a
        posting or with how much company and benefits text surrounds the job (README, "Model").
        """
        if not counts:
            return [], []
        n_s, n_g = len(self.skills), len(self.groups)
        gsum = [0] * n_g
        idx: list[int] = []
        val: list[float] = []
        want_skill = "skill_count" in kinds
        for skill in sorted(counts):
            c = counts[skill]
            gsum[self.skill_group[skill]] += c
            if want_skill:
                idx.append(skill)
                val.append(math.log1p(c))
        if "group_count" in kinds:
            for g, c in enumerate(gsum):
                if c:
                    idx.append(n_s + g)
                    val.append(math.log1p(c))
        if "group_share" in kinds:
            total = sum(gsum)
            for g, c in enumerate(gsum):
                if c:
                    idx.append(n_s + n_g + g)
                    val.append(c / total)
        if "group_density" in kinds:
            per100 = 100.0 / max(n_tokens, 100)
            for g, c in enumerate(gsum):
                if c:
                    idx.append(n_s + 2 * n_g + g)
                    val.append(math.log1p(c * per100))
        return idx, val

    # -- identity -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "groups": dict(self._data["groups"]), "skills": json.loads(json.dumps(self._data["skills"]))}

    @property
    def sha256(self) -> str:
        """Hash of the lexicon's content and order (order defines feature columns; recorded in model cards)."""
        blob = json.dumps(self._data, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()

    def __len__(self) -> int:
        return len(self.skills)

    def __repr__(self) -> str:
        return f"Lexicon({len(self.skills)} skills in {len(self.groups)} groups, sha256={self.sha256[:12]})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and other.sha256 == self.sha256

    __hash__ = None  # type: ignore[assignment]


def _variants(toks: list[str]) -> list[tuple[str, ...]]:
    """The alias and its plural/singular twin, so 'GPU' matches 'GPUs' and 'agents' matches 'agent'."""
    if not toks:
        return []
    base = tuple(toks)
    last = toks[-1]
    if last.endswith("s") and len(last) > 3 and not last.endswith("ss"):
        return [base, (*toks[:-1], last[:-1])]
    if last.isalpha() and len(last) > 2:
        return [base, (*toks[:-1], last + "s")]
    return [base]


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load a lexicon from a JSON file (``None``: the bundled ``jobclass/lexicon.json``).

    The file has ``{"groups": {id: description}, "skills": {name: {"group": id, "aliases": [...]}}}``.
    """
    if path is None:
        raw = resources.files("jobclass").joinpath("lexicon.json").read_text(encoding="utf-8")
        where = "the bundled lexicon"
    else:
        raw = Path(path).read_text(encoding="utf-8")
        where = str(path)
    try:
        data = json.loads(raw)
        return Lexicon(data["skills"], data["groups"])
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(
            f"{where} is not a valid lexicon: expected JSON with 'groups' and 'skills' mappings ({exc})"
        ) from exc
