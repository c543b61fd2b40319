"""The skill lexicon: canonical skills with aliases and a group each, and the matcher.

The lexicon is data (``jobclass/lexicon.json``): a user can read it, copy it, add skills and pass
their own to :class:`jobclass.JobClassifier`. Matching works on the tokens of
:func:`jobclass.text.normalize` output, so it is case-insensitive and word-bounded by construction,
and punctuated names match in all their spellings ("C++", "Ph.D.", "CI/CD" are normalised before
matching). A trailing plural "s" is matched too.

This module imports no scikit-learn: the fast inference path uses it directly.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from itertools import compress
from itertools import count as count_from
from importlib import resources
from pathlib import Path
from typing import Any

from .text import normalize

__all__ = ["Lexicon", "load_lexicon", "tokenize"]

_WORD = re.compile(r"\w+")


def tokenize(clean_text: str) -> list[str]:
    """Split normalised text into word tokens (the lexicon's and the TF-IDF's shared tokeniser)."""
    return _WORD.findall(clean_text)


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
        # first token -> (skill of the one-token alias or None, {second token: [(rest, skill)]}),
        # longest first: two levels keep common first tokens ("data", "machine") cheap to resolve.
        index: dict[str, tuple[int | None, dict[str, list[tuple[tuple[str, ...], int]]]]] = {}
        seen: set[tuple[str, ...]] = set()
        for i, name in enumerate(self.skills):
            for alias in [name, *skills[name].get("aliases", [])]:
                for toks in _variants(tokenize(normalize(str(alias)))):
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

    # -- matching -------------------------------------------------------------------------------
    def count(self, tokens: list[str]) -> dict[int, int]:
        """Count skill matches in a token list: skill index -> count.

        At each position the longest alias wins and matching resumes after it, so overlapping
        aliases are not double counted.
        """
        index = self._index
        # Positions whose token starts some alias, found with C-level map/compress (the hot path).
        starts = list(compress(count_from(0), map(index.get, tokens)))
        found: dict[int, int] = {}
        free = 0  # first position not consumed by an earlier match
        n = len(tokens)
        for i in starts:
            if i < free:
                continue
            single, multi = index[tokens[i]]
            skill, length = single, 1
            if multi and i + 1 < n:
                for rest, s in multi.get(tokens[i + 1], ()):
                    k = len(rest)
                    if not k or (i + 1 + k < n and tuple(tokens[i + 2 : i + 2 + k]) == rest):
                        skill, length = s, 2 + k
                        break
            if skill is not None:
                found[skill] = found.get(skill, 0) + 1
                free = i + length
        return found

    def match(self, text: str) -> dict[str, dict[str, int]]:
        """Skills found in raw ``text``, grouped: ``{group: {skill: count}}``, most frequent first."""
        return self.group_counts(self.count(tokenize(normalize(text))))

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
