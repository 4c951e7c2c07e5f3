"""A Sphinx extension that keeps the book's pages self-contained.

Jupyter Book 1 always loads sphinx-thebe, even with ``launch_buttons: thebe: false``. Its scripts
name a CDN URL and, with Sphinx 7, declare ``const THEBE_JS_URL`` twice on every page, which is
a console error. The book does not use thebe (Binder and Colab run the notebooks instead), so
its scripts and stylesheet are left out of every page.
"""

from __future__ import annotations


def _is_thebe(asset) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    app.connect("html-page-context", drop_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
