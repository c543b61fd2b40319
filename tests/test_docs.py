"""The README's commands are the ones CI runs; the package imports cheaply."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:bash|sh)\n(.*?)\n```", block, flags=re.S)


def test_ci_runs_the_readme_test_command() -> None:
    install, tests = _readme_commands()[:2]
    assert "pytest" in tests and "pip install" in install
    assert tests.strip() in (ROOT / ".ci" / "run").read_text()


def test_readme_install_command_labels_with_the_bundled_model() -> None:
    install = _readme_commands()[0]
    assert "jobclass label" in install


def test_import_is_cheap() -> None:
    code = "import sys, jobclass; print(sorted(m for m in ('pandas', 'sklearn', 'dask', 'matplotlib', 'scipy') if m in sys.modules)); print(jobclass.predict._DEFAULT)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]" and out[1] == "None"


def test_classify_does_not_import_sklearn_or_pandas() -> None:
    code = "import sys, jobclass; jobclass.classify('Train PyTorch models'); print(sorted(m for m in ('pandas', 'sklearn') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_all_names_resolve() -> None:
    import jobclass

    for name in jobclass.__all__:
        assert getattr(jobclass, name) is not None, name
