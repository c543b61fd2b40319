"""``labels_from_titles``: turn job titles into training labels, leaving unclear titles out.

This is how a scraped export whose only label is the employer's title becomes training data. The
rules are deliberately conservative: a title is mapped only when it names the role plainly, and
anything unclear ("AI Engineer", "Applied Scientist", "Data Scientist", "Research Engineer") maps to
``None`` and is left out of training. Titles are loose (see LABELS.md), so these labels are noisy:
evaluate a model trained on them against postings labeled by reading the work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["labels_from_titles", "label_from_title", "TITLE_RULES"]

_AI = r"(?:machine[\s-]*learning|\bml\b|\bai\b|artificial intelligence|deep[\s-]*learning|data scien|\bllm|genai|generative)"

#: (label, pattern, unless) in priority order: the first rule whose pattern matches and whose
#: ``unless`` pattern does not match gives the label.
TITLE_RULES: tuple[tuple[str, str, str | None], ...] = (
    # Not the roles even though they say "research" or "scientist".
    ("out_of_scope", r"\b(?:ux|user|market|clinical|survey|marketing) research", None),
    ("dl_researcher", r"\bresearch(?:er)?\s+scientist|\bresearcher\b|\bpost[\s-]?doc|\bpostdoctoral|\bresearch fellow", r"\b(?:ux|user|market)\b"),
    ("dl_engineer", r"\b(?:deep[\s-]*learning|computer[\s-]*vision|\bcv\b|nlp|natural language|perception|speech|asr|vision)\b.*\b(?:engineer|developer)\b", None),
    ("dl_engineer", r"\b(?:engineer|developer)\b.*\b(?:deep[\s-]*learning|computer[\s-]*vision|nlp|natural language processing|perception|speech recognition)\b", None),
    ("ml_engineer", r"\b(?:machine[\s-]*learning|ml)\s*(?:ops|platform|infrastructure|infra)?\s*engineer|\bmlops\b|\bml\s*ops\b|machine learning operations", None),
    (
        "out_of_scope",
        r"\b(?:data|business|bi|reporting|financial|marketing|product|operations) analyst|\banalytics engineer|\bbusiness intelligence|\bbi developer"
        r"|\bdata engineer|\betl developer|\bdata architect|\bdatabase administrator|\bproduct manager|\bproduct owner|\bproject manager|\bscrum master"
        r"|\b(?:account executive|sales|recruiter|talent acquisition|marketing manager|customer success)"
        r"|\b(?:front[\s-]*end|back[\s-]*end|full[\s-]*stack|web|mobile|ios|android|java|\.net|php|ruby|qa|test|devops|site reliability|embedded) (?:software )?(?:engineer|developer)"
        r"|\bsoftware (?:engineer|developer)\b|\bnurse\b|\baccountant\b|\bdesigner\b|\btechnician\b",
        _AI,
    ),
)
_COMPILED = tuple((label, re.compile(p, re.I), re.compile(u, re.I) if u else None) for label, p, u in TITLE_RULES)


def label_from_title(title: object) -> str | None:
    """The label a single title maps to, or ``None`` when the title does not say plainly."""
    if not isinstance(title, str) or not title.strip():
        return None
    for label, pattern, unless in _COMPILED:
        if pattern.search(title) and not (unless and unless.search(title)):
            return label
    return None


def labels_from_titles(titles: Iterable[object]) -> list[str | None]:
    """Map job titles to labels (``None`` = unclear, leave out of training), one per title, in order.

    >>> labels_from_titles(["Senior Machine Learning Engineer", "Computer Vision Engineer",
    ...                     "Research Scientist, LLMs", "Data Analyst", "AI Engineer"])
    ['ml_engineer', 'dl_engineer', 'dl_researcher', 'out_of_scope', None]
    """
    if isinstance(titles, (str, bytes)):
        raise TypeError("labels_from_titles expects a list-like of titles; got a single string. Use label_from_title(title)")
    return [label_from_title(t) for t in titles]
