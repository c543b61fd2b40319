"""Text analysis: a raw posting in, the tokens the model reads out (as strings or 64-bit hashes).

Real postings arrive as scraped HTML, markdown, or text whose line breaks were lost ("AILocation:
Remote"), and a third of their length is often benefits and equal-opportunity text. ``analyze``
turns all of that into the words that describe the *work*:

1. HTML entities are decoded and tags removed; markdown links and URLs are dropped.
2. Words glued across lost line breaks are split ("ResponsibilitiesBuild" -> "responsibilities
   build"), except known camel-case names (PyTorch, TensorFlow, LinkedIn...), which are kept whole.
3. The text is lowercased, and a few punctuated tech names become plain words ("C++" ->
   "cplusplus", "C#" -> "csharp", ".NET" -> "dotnet", "Ph.D." -> "phd").
4. Tokens are runs of ``[0-9a-z_]`` and non-ASCII letters; punctuation, symbols, non-breaking
   spaces and emoji separate them.
5. Sentences with a boilerplate phrase (equal opportunity, accommodation, benefits, privacy
   notices) are removed, so they cannot drive the answer.

Why bytes and NumPy: this runs once per posting on every path (training, ``classify``, batch
labeling), and a regex-and-Counter version spent ~0.5 ms of pure Python on a 3,000-character
posting. Here the text is encoded once, and token boundaries, token hashes, bigram hashes and the
boilerplate test are array operations. A token's hash is a polynomial hash of its UTF-8 bytes,
finalised with a 64-bit mixer, so a term's hash can be computed from its string alone
(:func:`hash_terms`): that is how a fitted vocabulary of strings becomes a sorted array of hashes.

It never truncates on its own: the caller passes ``max_chars`` (see ``MAX_CHARS``).
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_CHARS", "Tokens", "analyze", "normalize", "hash_terms", "pair_hashes", "member"]

#: How many characters of a posting the model reads. Real postings have a median of about
#: 3,300 characters and rarely pass 20,000; the cap keeps a 5 MB paste to a bounded time.
#: A Prediction says ``truncated=True`` when it applied.
MAX_CHARS = 60_000

_TAG = re.compile(r"<(?:/?(?:p|div|li|ul|ol|br|h[1-6]|tr|td|table|section|article)\b[^>]{0,200}|!--.*?--)>", re.I | re.S)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_MD_LINK = re.compile(r"\[([^\]\n]{0,200})\]\([^)\s]{0,500}\)")
_URL = re.compile(r"(?:https?://|www\.)\S+")

# Punctuated names that the tokeniser would otherwise break or lose, on lowercased bytes. A regex
# scan costs ~20 ns per character, so each rewrite runs only when a one-byte gate and a literal
# trigger are present (memchr-fast), and the four dotted names share one pattern that starts with a
# literal "." (which re finds with a fast search): "m.s." -> "msc", "ph.d" -> "phd", ".net" ->
# "dotnet", "node.js" -> "nodejs".
_SPECIAL = [
    (b"+", (b"c++",), None, b" cplusplus "),
    (b"#", (b"c#",), None, b" csharp "),
    (b"/", (b"ci/", b"ci /"), re.compile(rb"\bci\s?/\s?cd\b"), b" cicd "),
    (b"/", (b"a/b",), re.compile(rb"\ba/b\b"), b" abtest "),
    (b"&", (b"r&d",), re.compile(rb"\br&d\b"), b" rnd "),
]
_DOTTED = re.compile(
    rb"\.(?:(?P<deg>(?<=\b[mb]\.)\s?sc?\b\.?)|(?P<phd>(?<=\bph\.)\s?d\b\.?)"
    rb"|(?P<net>(?<![\w.]\.)net\b)|(?P<js>(?<=\bnode\.)js\b))"
)
_DOTTED_REPL = {"deg": b"sc ", "phd": b"d ", "net": b" dotnet ", "js": b"js "}


def _dotted(m: re.Match) -> bytes:
    return _DOTTED_REPL[m.lastgroup]  # type: ignore[index]


# Camel-case names that are one word, not two glued by a lost line break.
_CAMEL_KEEP = frozenset(
    w.lower().encode()
    for w in """
    PyTorch TensorFlow TensorRT JavaScript TypeScript LinkedIn GitHub GitLab YouTube DeepMind OpenAI
    OpenCV OpenCL OpenMP OpenShift LangChain LangGraph LlamaIndex HuggingFace DeepSpeed SageMaker
    PostgreSQL MySQL MongoDB BigQuery BigTable DynamoDB CloudFormation ElasticSearch OpenSearch
    PowerBI PowerPoint SharePoint QuickSight RedShift SnowFlake DataBricks DataDog GitOps DevOps
    MLOps LLMOps AIOps DataOps FinOps MLflow KubeFlow MetaFlow AirFlow PySpark SparkML SciKit
    NumPy SciPy spaCy fastText JupyterLab MatLab FastAPI GraphQL NoSQL iOS macOS WordPress HubSpot NetSuite
    ServiceNow SalesForce MobileNet ResNet EfficientNet ImageNet AlexNet YOLOv ConvNet ConvNets
    TorchScript TorchServe TensorBoard WandB XGBoost LightGBM CatBoost GenAI ChatGPT DeepSeek
    AutoML AutoGen CrewAI VertexAI ComfyUI FlashAttention PaliGemma TinyML NeurIPS CoRL ICLR MLSys
    WebGL WebGPU CUDNN cuDNN cuBLAS NCCL OpenVINO CoreML TFLite LiteRT JetPack DeepStream
    PhD MSc BSc McKinsey PwC eBay iPhone iPad YoY QoQ SaaS PaaS IaaS FinTech HealthTech EdTech
    InsurTech PropTech AdTech MarTech RegTech BioTech MedTech GovTech LegalTech HRTech AgTech
    """.split()
)

# bytes.translate tables (one C pass instead of a NumPy gather). Case classes for glue detection:
# 1 = ASCII uppercase, 2 = ASCII lowercase. Word bytes after lowercasing: digits, a-z, underscore and
# every byte of a non-ASCII character (symbol characters are cleared separately, see _clear_symbols).
_CASE_TABLE = bytes(1 if 65 <= i <= 90 else 2 if 97 <= i <= 122 else 0 for i in range(256))
_WORD_TABLE = bytes(1 if chr(i).isdigit() or 97 <= i <= 122 or i == 95 or i >= 128 else 0 for i in range(256))
_ALPHA = frozenset(range(65, 91)) | frozenset(range(97, 123))

# Boilerplate phrases: a sentence holding one is dropped. Matched on token hashes (one, two or three
# tokens), so each spelling the corpus and real postings use is listed.
_BOILERPLATE = """
equal opportunity|equal opportunities|equal employment|eeo|eeoc|affirmative action|without regard to
regardless of race|regardless of age|regardless of gender|regardless of sex|sexual orientation
gender identity|veteran|veterans|national origin|genetic information|reasonable accommodation
reasonable accommodations|accommodations|e verify|everify|background check|background checks
drug screen|drug screening|drug test|drug testing|pay transparency|privacy notice|privacy policy
cookie|cookies|401 k|401k|dental|paid time off|parental leave|maternity|paternity|health insurance
life insurance|disability insurance|wellness|gym membership|commuter|commuter benefits
employee assistance|tuition reimbursement|unlimited vacation|unlimited pto|holidays per year
recruitment agency|recruitment agencies|unsolicited|all qualified applicants|diverse workforce
protected characteristic|protected characteristics|protected status
"""

# Hash constants: an odd multiplier for the polynomial (invertible mod 2**64) and the finaliser
# of MurmurHash3 / SplitMix64. NumPy's uint64 array arithmetic wraps mod 2**64, which is the point.
_P = 0x100000001B3
_P_INV = pow(_P, -1, 1 << 64)
_LEN_MUL = np.uint64(0x9E3779B97F4A7C15)
_PAIR_MUL = np.uint64(0xC2B2AE3D27D4EB4F)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)

_tables_lock = threading.Lock()
_POW = np.ones(1, dtype=np.uint64)
_IPOW = np.ones(1, dtype=np.uint64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i (mod 2**64) for i < n, grown on demand and shared (read-only) by threads."""
    global _POW, _IPOW
    pw, ip = _POW, _IPOW
    if len(pw) >= n:
        return pw, ip
    with _tables_lock:
        if len(_POW) < n:
            size = max(n, 2 * len(_POW), 1 << 14)
            pw = np.empty(size, dtype=np.uint64)
            ip = np.empty(size, dtype=np.uint64)
            pw[0] = ip[0] = 1
            pw[1:] = np.uint64(_P)
            ip[1:] = np.uint64(_P_INV)
            np.cumprod(pw, out=pw)
            np.cumprod(ip, out=ip)
            _IPOW, _POW = ip, pw  # assign the inverse first: readers check _POW's length
        return _POW, _IPOW


def _mix(x: np.ndarray) -> np.ndarray:
    """64-bit finaliser (in place on a fresh array): spreads the polynomial hash over all bits."""
    x ^= x >> _S33
    x *= _MIX1
    x ^= x >> _S33
    x *= _MIX2
    x ^= x >> _S33
    return x


def pair_hashes(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Hash of a token sequence extended by one token: ``pair(hash("a"), hash("b"))`` is the hash
    of the bigram "a b"; ``pair(pair(a, b), c)`` of the trigram."""
    return _mix(left * _PAIR_MUL + right)


def _span_hashes(a: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hashes of the byte spans ``a[s:e]``: sum of byte * P**j over the span, then mixed with the length."""
    n = len(a)
    pw, ip = _powers(n + 1)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(a * pw[:n], out=prefix[1:])
    poly = (prefix[ends] - prefix[starts]) * ip[starts]
    return _mix(poly + (ends - starts).astype(np.uint64) * _LEN_MUL)


def member(sorted_keys: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Boolean mask: which values of ``x`` are in ``sorted_keys`` (a sorted uint64 array)."""
    if not len(sorted_keys) or not len(x):
        return np.zeros(len(x), dtype=bool)
    pos = np.searchsorted(sorted_keys, x)
    pos[pos == len(sorted_keys)] = 0
    return sorted_keys[pos] == x


def _clean_markup(text: str) -> str:
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "<" in text:
        text = _TAG.sub("\n", text)
        text = _ANY_TAG.sub(" ", text)
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    return text


def _split_glued(b: bytes) -> bytes:
    """Insert a space where words were glued by a lost line break: after 4+ lowercase letters before
    a capital ("ResponsibilitiesBuild"), or between an acronym and a capitalised word ("AILocation"),
    leaving known camel-case names whole (short lowercase prefixes are usually a brand's own casing:
    "spaCy", "GitHub")."""
    if len(b) < 4 or b.islower():
        return b
    c = np.frombuffer(b.translate(_CASE_TABLE), dtype=np.uint8)
    lo, up = c == 2, c == 1
    after_lower = np.flatnonzero(lo[:-4] & lo[1:-3] & lo[2:-2] & lo[3:-1] & up[4:]) + 4
    acronym = np.flatnonzero(up[:-3] & up[1:-2] & lo[2:-1] & lo[3:]) + 1
    if not len(after_lower) and not len(acronym):
        return b
    cuts = []
    n = len(b)
    for cut in sorted(set(after_lower.tolist()) | set(acronym.tolist())):
        s, e = cut - 1, cut
        while s > 0 and b[s - 1] in _ALPHA:
            s -= 1
        while e < n and b[e] in _ALPHA:
            e += 1
        if b[s:e].lower() not in _CAMEL_KEEP:
            cuts.append(cut)
    if not cuts:
        return b
    bounds = [0, *cuts, n]
    return b" ".join(b[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1))


def _clear_symbols(a: np.ndarray, word: np.ndarray) -> None:
    """Mark the bytes of non-ASCII punctuation and symbols as separators: U+0080-U+00BF (NBSP, ·, ®,
    «»), U+2000-U+2BFF (dashes, quotes, bullets, arrows, ™), U+3000-U+303F, U+FE00-U+FE0F, U+FEFF,
    and emoji (U+1F000-U+1FFFF). Works on the few lead bytes only, not on the whole text."""
    lead = np.flatnonzero(a >= 0xC2)
    if not len(lead):
        return
    ap = np.append(a, np.zeros(3, dtype=np.uint8))  # so that lead + 2 is always in range
    l0, l1, l2 = ap[lead], ap[lead + 1], ap[lead + 2]
    e2 = l0 == 0xE2
    for span, sel in (
        (2, (l0 == 0xC2) & (l1 < 0xC0)),
        (3, (e2 & (l1 < 0xB0)) | ((l0 == 0xE3) & (l1 == 0x80)) | ((l0 == 0xEF) & (((l1 == 0xB8) & (l2 < 0x90)) | ((l1 == 0xBB) & (l2 == 0xBF))))),
        (4, (l0 == 0xF0) & (l1 == 0x9F)),
    ):
        p = lead[sel]
        if len(p):
            for k in range(span):
                word[p + k] = 0


@dataclass(frozen=True, slots=True)
class Tokens:
    """A posting's tokens as the model reads them (boilerplate sentences already removed).

    ``data`` is the processed UTF-8 text; token ``i`` is ``data[starts[i]:ends[i]]`` and its hash is
    ``hashes[i]``. ``truncated`` says the posting was cut at ``max_chars``.
    """

    data: bytes
    starts: np.ndarray
    ends: np.ndarray
    hashes: np.ndarray
    truncated: bool

    def __len__(self) -> int:
        return len(self.hashes)

    def strings(self) -> list[str]:
        d = self.data
        return [d[s:e].decode("utf-8") for s, e in zip(self.starts.tolist(), self.ends.tolist())]

    def is_word(self) -> np.ndarray:
        """Mask of the tokens the TF-IDF block uses: two bytes or more (single letters and digits
        carry no role signal; "r" and "c" still reach the skill lexicon)."""
        return (self.ends - self.starts) > 1

    def term_hashes(self, bigrams: bool = True) -> np.ndarray:
        """Hashes of the TF-IDF terms: every word, then every pair of neighbouring words."""
        w = self.hashes[self.is_word()]
        if not bigrams or len(w) < 2:
            return w
        return np.concatenate([w, pair_hashes(w[:-1], w[1:])])

    def terms(self, bigrams: bool = True) -> list[str]:
        """The TF-IDF terms as strings, in the order of :meth:`term_hashes`."""
        keep = self.is_word().tolist()
        words = [s for s, k in zip(self.strings(), keep) if k]
        if bigrams and len(words) > 1:
            return words + [f"{a} {b}" for a, b in zip(words, words[1:])]
        return words


_EMPTY_I = np.zeros(0, dtype=np.intp)
_EMPTY_H = np.zeros(0, dtype=np.uint64)


def _tokenize_bytes(low: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    a = np.frombuffer(low, dtype=np.uint8)
    w = np.frombuffer(b"\0" + low.translate(_WORD_TABLE) + b"\0", dtype=np.int8)
    if not low.isascii():
        w = w.copy()
        _clear_symbols(a, w[1:-1])
    # The flags are padded with 0 on both sides, so the changes alternate start, end, start, end...
    edges = np.flatnonzero(w[1:] != w[:-1])
    starts, ends = edges[0::2], edges[1::2]
    if not len(starts):
        return a, _EMPTY_I, _EMPTY_I, _EMPTY_H
    return a, starts, ends, _span_hashes(a, starts, ends)


def hash_terms(terms: list[str]) -> np.ndarray:
    """Hashes of terms given as strings: a term is one token or several joined by single spaces
    ("machine learning"). Equal to the hashes :func:`analyze` gives the same tokens in a posting."""
    out = np.empty(len(terms), dtype=np.uint64)
    # Blocks keep the power tables (sized by the longest buffer hashed) small.
    for lo in range(0, len(terms), 2048):
        block = terms[lo : lo + 2048]
        a = np.frombuffer("\n".join(block).encode("utf-8"), dtype=np.uint8)
        newline = np.flatnonzero(a == 10)
        sep = np.flatnonzero((a == 32) | (a == 10))
        starts = np.concatenate(([0], sep + 1))
        ends = np.append(sep, len(a))
        h = _span_hashes(a, starts, ends)
        # Token -> its term (newlines before it), then each term's first token and token count.
        term_of = np.searchsorted(newline, starts)
        first = np.searchsorted(term_of, np.arange(len(block)))
        ntok = np.diff(np.append(first, len(h)))
        acc = h[first]
        for k in range(1, int(ntok.max())):
            sel = np.flatnonzero(ntok > k)
            acc[sel] = pair_hashes(acc[sel], h[first[sel] + k])
        out[lo : lo + len(block)] = acc
    return out


def _phrase_index(phrases: str) -> tuple[np.ndarray, dict[int, list[tuple[int, ...]]]]:
    """Boilerplate phrases as token hashes: a sorted array of first tokens, and first token -> the
    rest of each phrase (``()`` for a one-token phrase)."""
    rest: dict[int, list[tuple[int, ...]]] = {}
    for phrase in re.split(r"[|\n]", phrases):
        if phrase.strip():
            h = hash_terms(phrase.split()).tolist()
            rest.setdefault(h[0], []).append(tuple(h[1:]))
    return np.array(sorted(rest), dtype=np.uint64), rest


_BP_FIRST, _BP_REST = _phrase_index(_BOILERPLATE)
# Sentence classes: 1 = . ! ? ;  2 = line break  3 = other white space.
_SENTENCE_TABLE = bytes(
    1 if chr(i) in ".!?;" else 2 if chr(i) in "\n\r" else 3 if chr(i) in " \t\f\v" else 0 for i in range(256)
)


def _boilerplate_mask(low: bytes, starts: np.ndarray, h: np.ndarray) -> np.ndarray | None:
    """Tokens to keep (a mask), or None when no sentence holds a boilerplate phrase."""
    cand = np.flatnonzero(member(_BP_FIRST, h))
    if not len(cand):
        return None
    n = len(h)
    hit = []
    for i, first in zip(cand.tolist(), h[cand].tolist()):
        for rest in _BP_REST[first]:
            k = len(rest)
            if not k or (i + k < n and tuple(h[i + 1 : i + 1 + k].tolist()) == rest):
                hit.append(i)
                break
    if not hit:
        return None
    # A sentence ends at a line break, or at . ! ? ; followed by white space.
    c = np.frombuffer(low.translate(_SENTENCE_TABLE), dtype=np.uint8)
    ends = np.flatnonzero((c[:-1] == 2) | ((c[:-1] == 1) & (c[1:] >= 2)))
    sentence = np.searchsorted(ends, starts)
    bad = np.zeros(len(ends) + 1, dtype=bool)
    bad[sentence[hit]] = True
    return ~bad[sentence]


def analyze(text: str, max_chars: int = MAX_CHARS) -> Tokens:
    """The tokens of a raw posting (its first ``max_chars`` characters) that the model reads."""
    truncated = len(text) > max_chars
    if truncated:
        text = text[:max_chars]
    if not text or text.isspace():
        return Tokens(b"", _EMPTY_I, _EMPTY_I, _EMPTY_H, truncated)
    b = _split_glued(_clean_markup(text).encode("utf-8", "replace"))
    if b.isascii():
        low = b.lower()
    else:  # non-ASCII capitals need Unicode lowercasing
        low = b.decode("utf-8").lower().encode("utf-8", "replace")
    if b"." in low:
        low = _DOTTED.sub(_dotted, low)
    for gate, triggers, pattern, repl in _SPECIAL:
        if gate in low:
            for t in triggers:
                if t in low:
                    # A plain replace for the two that need no word boundary check.
                    low = pattern.sub(repl, low) if pattern is not None else low.replace(t, repl)
                    break
    a, starts, ends, h = _tokenize_bytes(low)
    if len(h):
        keep = _boilerplate_mask(low, starts, h)
        if keep is not None:
            starts, ends, h = starts[keep], ends[keep], h[keep]
    return Tokens(low, starts, ends, h, truncated)


def normalize(text: str, max_chars: int = MAX_CHARS) -> str:
    """The words of ``text`` that the model reads, lowercased and joined by single spaces.

    >>> normalize("<p>ResponsibilitiesBuild <b>PyTorch</b> models &amp; ship C++ code.</p>")
    'responsibilities build pytorch models ship cplusplus code'
    """
    return " ".join(analyze(text, max_chars).strings())

