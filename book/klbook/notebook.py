"""Small helpers for the book's notebooks: numbers handed to the prose, and tables.

Every number in the book's text is computed by the code beside it and handed over with MyST-NB's
``glue``; :func:`glue_number` rounds it first, so that the stored output of the notebook (which
the tests compare with a fresh run) does not depend on the last bits of a floating-point result.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

from IPython.display import Markdown

__all__ = ["glue_number", "glue_sweep", "markdown_table"]


def glue_number(name: str, value: float, digits: int = 6) -> None:
    """Glue ``value``, rounded to ``digits`` significant digits, under ``name`` for the prose.

    Integers (Python's or NumPy's) are glued as they are.

    In a Markdown cell, ``{glue:text}`name:.4f``` then prints it with four decimals. Outside a
    Jupyter Book build (in Binder, say) nothing visible happens.

    Examples
    --------
    >>> from klbook.notebook import glue_number
    >>> glue_number("example", 0.12345678901)  # shown in the text as {glue:text}`example:.4f`
    """
    from myst_nb import glue  # only the book's notebooks need MyST-NB

    glue(name, int(value) if isinstance(value, Integral) else float(f"{value:.{digits}g}"), display=False)


def glue_sweep(parameter, prefix: str = "sweep") -> None:
    """Glue what an explorer's pre-drawn sweep covers, for the prose that describes the web page.

    ``parameter`` is the explorer's :class:`klbook.explorers.Parameter`; it is glued as
    ``{prefix}_frames`` (how many values are drawn), ``{prefix}_low`` and ``{prefix}_high``.

    Examples
    --------
    >>> from klbook.explorers import Parameter
    >>> from klbook.notebook import glue_sweep
    >>> glue_sweep(Parameter("d", 0.25, 4.0, initial=1.5))  # {glue:text}`sweep_frames` values, ...
    """
    for name in ("frames", "low", "high"):
        glue_number(f"{prefix}_{name}", getattr(parameter, name))


def markdown_table(header: Sequence, rows: Sequence[Sequence], align: str | None = None) -> Markdown:
    """A Markdown table with one ``header`` row, for ``IPython.display.display``.

    ``align`` gives one letter per column: ``l``, ``c`` or ``r`` (default: all ``c``). Cells may
    hold math such as ``$H(P)$``; for the book to render it, give the cell the metadata
    ``"mystnb": {"markdown_format": "myst"}``.

    Examples
    --------
    >>> from klbook.notebook import markdown_table
    >>> print(markdown_table(["x", "$p(x)$"], [["a", 0.5], ["b", 0.5]], align="lr").data)
    | x | $p(x)$ |
    | :- | -: |
    | a | 0.5 |
    | b | 0.5 |
    """
    align = align or "c" * len(header)
    if len(align) != len(header) or set(align) - set("lcr"):
        raise ValueError(f"align must give one letter (l, c or r) per column ({len(header)}), got {align!r}")
    rule = [{"l": ":-", "c": ":-:", "r": "-:"}[a] for a in align]
    lines = [header, rule, *rows]
    return Markdown("\n".join("| " + " | ".join(str(cell) for cell in line) + " |" for line in lines))
