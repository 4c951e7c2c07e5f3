"""A Sphinx extension that fixes two defects of the Jupyter Book 1 toolchain for this book.

1. Jupyter Book 1 always loads sphinx-thebe, even with ``launch_buttons: thebe: false``. Its
   scripts name a CDN URL and, with Sphinx 7, declare ``const THEBE_JS_URL`` twice on every page,
   which is a console error. The book does not use thebe (Binder and Colab run the notebooks), so
   its scripts and stylesheet are left out of every page.
2. MyST-NB merges the printed output of a cell by stripping each chunk the kernel sent and adding a
   newline after it, so a line that happened to arrive in two chunks is shown broken in two, and
   two builds of the same notebook can differ. The chunks of each stream are joined exactly first,
   as nbval does, and MyST-NB's own merge then only tidies the end of the text.
"""

from __future__ import annotations

from myst_nb.core import render


def _is_thebe(asset) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


_myst_nb_coalesce = render.coalesce_streams


def coalesce_streams(outputs):
    """Join the chunks of each output stream exactly, then let MyST-NB tidy the result."""
    joined, streams = [], {}
    for output in outputs or []:
        if output["output_type"] == "stream" and output["name"] in streams:
            streams[output["name"]]["text"] += output["text"]
        else:
            if output["output_type"] == "stream":
                streams[output["name"]] = output
            joined.append(output)
    return _myst_nb_coalesce(joined)


def setup(app):
    app.connect("html-page-context", drop_thebe)
    render.coalesce_streams = coalesce_streams
    return {"parallel_read_safe": True, "parallel_write_safe": True}
