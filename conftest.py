"""How ``make test`` shares its tests among the machine's cores (pytest-xdist, ``--dist loadscope``).

A scope runs whole, in order, in one worker. As pytest-xdist draws them, a scope is a test file
(its module-scoped fixtures, such as the student edition, are made once) and a notebook (nbval runs
its cells one after another in one kernel); here the browser tests of the site make one scope per
page (they share the loaded page), so that pages are audited on every core at once.

The longest scopes are handed out first, so that no core is left with one of them at the end: the
student edition (its build executes every student notebook), then the notebooks, then the pages,
then everything else, in the order collected.
"""

from __future__ import annotations

import pytest
from klbook import toc

SITE_TESTS = "tests/book/test_site.py"
FIRST = ("tests/book/test_student.py", ".ipynb", SITE_TESTS)


def rank(nodeid: str) -> int:
    path = nodeid.partition("::")[0]
    return next((i for i, end in enumerate(FIRST) if path.endswith(end)), len(FIRST))


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: rank(item.nodeid))  # stable: the order within a scope is kept


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # hand the scopes out in the order set above
    pages = sorted(toc.documents(config.rootpath), key=len, reverse=True)

    class PerPage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path, _, test = nodeid.partition("::")
            parameters = test.partition("[")[2]
            page = next((page for page in pages if parameters.startswith(page)), None)
            return f"{path}::{page}" if path == SITE_TESTS and page else super()._split_scope(nodeid)

    return PerPage(config, log)
