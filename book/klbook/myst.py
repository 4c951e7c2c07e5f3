"""Directives in MyST Markdown, found as MyST finds them: the one parser of the book's directives.

MyST parses Markdown with markdown-it-py; a directive is a fenced block (backticks, or colons with
the ``colon_fence`` extension) whose info string starts with ``{name}``. :func:`directives` reads
the tokens that markdown-it produces, so a directive is found wherever CommonMark puts a fence
(inside list items, block quotes, with any indentation), and inside other directives too, since
their bodies are parsed again. Options are read as MyST reads them: ``:key: value`` lines at the
top of the body, or a YAML block between ``---`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

__all__ = ["Directive", "directives"]

_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<argument>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
_PARSER = MarkdownIt("commonmark").use(colon_fence_plugin)


@dataclass(frozen=True)
class Directive:
    """One directive: its name and argument, its options and body, and where it is.

    ``start`` and ``end`` are line numbers of the text it was found in: the fence opens on line
    ``start`` and the directive ends before line ``end``. ``depth`` is 0 for a directive at the top
    level and grows by one inside each enclosing directive.
    """

    name: str
    argument: str
    options: dict = field(hash=False)
    body: str
    start: int
    end: int
    depth: int = 0


def _options(content: str) -> tuple[dict, str]:
    lines = content.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                return yaml.safe_load("\n".join(lines[1:i])) or {}, "\n".join(lines[i + 1:])
        return {}, content
    options, i = {}, 0
    while i < len(lines) and (match := _OPTION.match(lines[i].strip())):
        options[match["key"]] = match["value"]
        i += 1
    return options, "\n".join(lines[i:])


def directives(text: str, *, offset: int = 0, depth: int = 0) -> list[Directive]:
    """Every directive of the MyST text ``text``, nested ones included, in the order they open.

    >>> text = ("1. a list item\\n\\n   :::{note}\\n   ```{solution} ex-1\\n   :class: dropdown\\n"
    ...         "   Hidden.\\n   ```\\n   :::\\n")
    >>> [(d.name, d.argument, d.options, d.start, d.depth) for d in directives(text)]
    [('note', '', {}, 2, 0), ('solution', 'ex-1', {'class': 'dropdown'}, 3, 1)]
    """
    found: list[Directive] = []
    for token in _PARSER.parse(text):
        if token.type not in ("fence", "colon_fence") or token.map is None:
            continue
        match = _INFO.match(token.info.strip())
        if match is None:
            continue
        options, body = _options(token.content)
        start, end = token.map[0] + offset, token.map[1] + offset
        found.append(Directive(match["name"], match["argument"].strip(), options, body, start, end, depth))
        found += directives(token.content, offset=start + 1, depth=depth + 1)
    return found
