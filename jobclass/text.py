"""Text normalisation: one function, ``normalize``, shared by training and every inference path.

Real postings arrive as scraped HTML, markdown, or text whose line breaks were lost ("AILocation:
Remote"), and a third of their length is often benefits and equal-opportunity text. ``normalize``
turns all of that into lowercase plain text so that the features describe the *work*:

1. HTML entities are decoded and tags removed; markdown emphasis, headings and links are dropped.
2. A few punctuated tech names become plain words ("C++" -> "cplusplus", "C#" -> "csharp",
   ".NET" -> "dotnet", "Ph.D." -> "phd") so that word tokenisers keep them.
3. Words glued across lost line breaks are split ("ResponsibilitiesBuild" -> "Responsibilities Build"),
   except known camel-case names (PyTorch, TensorFlow, LinkedIn...), which are kept whole.
4. Sentences that are boilerplate (equal opportunity, accommodation, benefits, privacy notices) are
   removed, so they cannot drive the answer.

It never truncates: the caller decides how much of a posting to read (see ``MAX_CHARS``).
"""

from __future__ import annotations

import html
import re

__all__ = ["MAX_CHARS", "normalize", "is_blank"]

#: How many characters of a posting the model reads. Real postings have a median of about
#: 3,300 characters and rarely pass 20,000; the cap keeps a 5 MB paste to a bounded time.
#: A Prediction says ``truncated=True`` when it applied.
MAX_CHARS = 60_000

_TAG = re.compile(r"<(?:/?(?:p|div|li|ul|ol|br|h[1-6]|tr|td|table|section|article)\b[^>]{0,200}|!--.*?--)>", re.I | re.S)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_MD_LINK = re.compile(r"\[([^\]\n]{0,200})\]\([^)\s]{0,500}\)")
_URL = re.compile(r"(?:https?://|www\.)\S+")
# Markdown and table punctuation that carries no words (str.replace per mark present is far
# faster than str.translate with a table for non-ASCII text).
_MD_MARKS = tuple("*_`~#|>•·▪►")

# Punctuated names that word tokenisers would otherwise break or lose. Each applies to lowercased
# text and only when its trigger substring is present (a cheap test), since regex passes dominate.
_SPECIAL = [
    (("c++",), re.compile(r"(?<![\w+])c\+\+(?!\w)"), " cplusplus "),
    (("c#",), re.compile(r"(?<![\w#])c#(?!\w)"), " csharp "),
    ((".net",), re.compile(r"(?<![\w.])\.net\b"), " dotnet "),
    (("ph.d", "ph. d"), re.compile(r"\bph\.\s?d\b\.?"), " phd "),
    (("m.s", "m. s"), re.compile(r"\bm\.\s?sc?\b\.?"), " msc "),
    (("b.s", "b. s"), re.compile(r"\bb\.\s?sc?\b\.?"), " bsc "),
    (("node.js",), re.compile(r"\bnode\.js\b"), " nodejs "),
    (("ci/cd", "ci /", "ci/ "), re.compile(r"\bci\s?/\s?cd\b"), " cicd "),
    (("a/b",), re.compile(r"\ba/b\b"), " abtest "),
    (("r&d",), re.compile(r"\br&d\b"), " rnd "),
]

# Camel-case names that are one word, not two glued by a lost line break.
_CAMEL_KEEP = frozenset(
    w.lower()
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
# A lowercase letter followed by an uppercase one, or two capitals before a capitalised word.
_GLUE_POINT = re.compile(r"[a-z][A-Z]|[A-Z][A-Z][a-z]{2}")

# Boilerplate sentences (equal opportunity, accommodation, benefits, privacy) are dropped. Substring
# keys on lowercased text: far cheaper than a regex alternation, and boilerplate is worded stably.
_BOILERPLATE_KEYS = (
    "equal opportunit", "equal employment", "eeo", "affirmative action", "without regard to",
    "regardless of race", "regardless of age", "regardless of gender", "regardless of sex",
    "sexual orientation", "gender identity", "veteran", "national origin", "genetic information",
    "reasonable accommodation", "accommodations", "e-verify", "background check", "drug screen",
    "drug test", "pay transparency", "privacy notice", "privacy policy", "cookie", "401(k)", "401k",
    "401 (k)", "dental", "paid time off", "parental leave", "maternity", "paternity", "health insurance",
    "life insurance", "disability insurance", "wellness", "gym membership", "commuter", "employee assistance",
    "tuition reimbursement", "unlimited vacation", "unlimited pto", "holidays per year", "recruitment agenc",
    "unsolicited", "all qualified applicants", "diverse workforce", "protected characteristic", "protected status",
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def _keep_camel(word: str) -> bool:
    return word.lower() in _CAMEL_KEEP


def _split_glued(text: str) -> str:
    """Insert a space where words were glued by a lost line break ("ResponsibilitiesBuild",
    "AILocation"), leaving known camel-case names whole. Splits only after 4+ lowercase letters:
    short prefixes are usually a brand's own casing ("spaCy", "GitHub")."""
    cuts: list[int] = []
    n = len(text)
    for m in _GLUE_POINT.finditer(text):
        i = m.start()
        if text[i].islower():
            if i < 3 or not text[i - 3 : i + 1].isalpha() or not text[i - 3 : i + 1].islower():
                continue
            cut = i + 1
        else:
            cut = i + 1  # between the acronym and the capitalised word: "AI|Location"
        a = cut - 1
        while a > 0 and text[a - 1].isalpha():
            a -= 1
        b = cut
        while b < n and text[b].isalpha():
            b += 1
        if not _keep_camel(text[a:b]):
            cuts.append(cut)
    if not cuts:
        return text
    pieces, last = [], 0
    for c in cuts:
        pieces.append(text[last:c])
        last = c
    pieces.append(text[last:])
    return " ".join(pieces)


def _drop_boilerplate(text: str) -> str:
    """Drop the sentences that contain a boilerplate key (only lines with a key are split)."""
    keys = [k for k in _BOILERPLATE_KEYS if k in text]
    if not keys:
        return text
    out = []
    for line in text.split("\n"):
        if any(k in line for k in keys):
            out.extend(s for s in _SENTENCE_END.split(line) if not any(k in s for k in keys))
        else:
            out.append(line)
    return "\n".join(out)


def normalize(text: str) -> str:
    """Return ``text`` as lowercase plain text with markup, glued words and boilerplate removed.

    >>> normalize("<p>ResponsibilitiesBuild <b>PyTorch</b> models &amp; ship C++ code.</p>")
    'responsibilities build pytorch models & ship cplusplus code.'
    """
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "<" in text:
        text = _TAG.sub("\n", text)
        text = _ANY_TAG.sub(" ", text)
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    text = _split_glued(text).lower()
    for triggers, pattern, repl in _SPECIAL:
        if any(t in text for t in triggers):
            text = pattern.sub(repl, text)
    for mark in _MD_MARKS:
        if mark in text:
            text = text.replace(mark, " ")
    return " ".join(_drop_boilerplate(text).split())


def is_blank(text: str) -> bool:
    """True when ``text`` has nothing for the model to read (empty or only whitespace/markup)."""
    return not text or text.isspace()
