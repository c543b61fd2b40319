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
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MD_MARK = re.compile(r"[*_`~#|>]{1,}")

# Punctuated names that word tokenisers would otherwise break or lose.
_SPECIAL = [
    (re.compile(r"(?<![\w+])c\+\+(?!\w)", re.I), " cplusplus "),
    (re.compile(r"(?<![\w#])c#(?!\w)", re.I), " csharp "),
    (re.compile(r"(?<![\w.])\.net\b", re.I), " dotnet "),
    (re.compile(r"\bph\.\s?d\b\.?", re.I), " phd "),
    (re.compile(r"\bm\.\s?sc?\b\.?", re.I), " msc "),
    (re.compile(r"\bb\.\s?sc?\b\.?", re.I), " bsc "),
    (re.compile(r"\bnode\.js\b", re.I), " nodejs "),
    (re.compile(r"\bci\s?/\s?cd\b", re.I), " cicd "),
    (re.compile(r"\ba/b\b", re.I), " abtest "),
    (re.compile(r"\br&d\b", re.I), " rnd "),
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
    NumPy SciPy JupyterLab MatLab FastAPI GraphQL NoSQL iOS macOS WordPress HubSpot NetSuite
    ServiceNow SalesForce MobileNet ResNet EfficientNet ImageNet AlexNet YOLOv ConvNet ConvNets
    TorchScript TorchServe TensorBoard WandB XGBoost LightGBM CatBoost GenAI ChatGPT DeepSeek
    AutoML AutoGen CrewAI VertexAI ComfyUI FlashAttention PaliGemma TinyML NeurIPS CoRL ICLR MLSys
    WebGL WebGPU CUDNN cuDNN cuBLAS NCCL OpenVINO CoreML TFLite LiteRT JetPack DeepStream
    PhD MSc BSc McKinsey PwC eBay iPhone iPad YoY QoQ SaaS PaaS IaaS FinTech HealthTech EdTech
    InsurTech PropTech AdTech MarTech RegTech BioTech MedTech GovTech LegalTech HRTech AgTech
    """.split()
)
_GLUE_LOWER_UPPER = re.compile(r"\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b")
_GLUE_ACRONYM = re.compile(r"\b([A-Z]{2,})([A-Z][a-z]{2,}[A-Za-z]*)\b")
_SPLIT_POINTS = re.compile(r"(?<=[a-z])(?=[A-Z])")

_BOILERPLATE = re.compile(
    r"equal (?:employment )?opportunit|\beeo\b|affirmative action|without regard to|regardless of (?:race|age|gender|sex)"
    r"|sexual orientation|gender identity|veteran status|protected (?:veteran|characteristic|status|class)"
    r"|national origin|genetic information|reasonable accommodation|accommodations? (?:for|during) (?:the )?(?:application|interview|hiring)"
    r"|e-verify|background check|drug (?:screen|test)|pay transparency|privacy (?:notice|policy)|cookies?\b"
    r"|401\s?\(?k\)?|dental|paid time off|\bpto\b|parental leave|maternity|paternity|health insurance|medical, dental"
    r"|life insurance|disability insurance|wellness (?:program|stipend|allowance)|gym membership|commuter benefit"
    r"|employee assistance program|tuition reimbursement|unlimited (?:vacation|pto)|holidays? per year"
    r"|recruitment agencies|unsolicited resumes|all qualified applicants|diverse (?:and inclusive )?workforce",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_SPACE = re.compile(r"\s+")


def _split_glued(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.lower() in _CAMEL_KEEP:
        return word
    return _SPLIT_POINTS.sub(" ", word)


def _split_acronym(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.lower() in _CAMEL_KEEP:
        return word
    return f"{match.group(1)} {match.group(2)}"


def _drop_boilerplate(text: str) -> str:
    if not _BOILERPLATE.search(text):
        return text
    return "\n".join(s for s in _SENTENCE_END.split(text) if not _BOILERPLATE.search(s))


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
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    for pattern, repl in _SPECIAL:
        text = pattern.sub(repl, text)
    text = _MD_MARK.sub(" ", text)
    text = _GLUE_LOWER_UPPER.sub(_split_glued, text)
    text = _GLUE_ACRONYM.sub(_split_acronym, text)
    text = _drop_boilerplate(text)
    return _SPACE.sub(" ", text).strip().lower()


def is_blank(text: str) -> bool:
    """True when ``text`` has nothing for the model to read (empty or only whitespace/markup)."""
    return not text or text.isspace()
