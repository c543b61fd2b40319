"""The walkthrough notebook runs top to bottom and shows the evaluation table and its plots."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "walkthrough.ipynb"
KERNEL = "python3"


def _require_kernel() -> None:
    """Fail, rather than skip, when the notebook cannot be executed here."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError as exc:  # pragma: no cover - only without the test extra
        pytest.fail(f"executing the notebook needs jupyter_client/nbclient/ipykernel: pip install -e '.[test]' ({exc})")
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.fail(
            f"Jupyter kernel {KERNEL!r} not found for this Python; install ipykernel into the environment "
            "(pip install -e '.[test]') or register it with `python -m ipykernel install --sys-prefix`."
        )


def _texts(nb) -> str:
    """All text output (stream and text/plain) of every code cell, joined."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif "data" in out:
                parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.slow
def test_walkthrough_notebook_runs(tmp_path: Path) -> None:
    _require_kernel()
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook with outputs cleared"

    # Raises CellExecutionError (with the failing cell and traceback) if any cell errors.
    NotebookClient(nb, timeout=300, kernel_name=KERNEL, resources={"metadata": {"path": str(tmp_path)}}).execute()

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = _texts(nb)
    assert "macro-F1" in text
    assert "confusion (rows: true, columns: predicted)" in text
    assert "min_confidence  coverage  accuracy  macro-F1" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3, f"expected the confusion, top-terms and coverage plots; got {len(images)} image(s)"
    # The notebook writes only into its own temporary folder, never next to the notebook or in the cwd.
    assert not list(tmp_path.iterdir())
