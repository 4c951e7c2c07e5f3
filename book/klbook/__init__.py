"""klbook: the tooling of the executable textbook on the Kullback–Leibler divergence.

The numbers of the book come from :mod:`kltools`, a library of its own; this package holds what
only the book needs: the explorers (:mod:`~klbook.explorers`), numbers and tables handed to the
prose (:mod:`~klbook.notebook`), the table of contents (:mod:`~klbook.toc`) and the directives of
the chapters (:mod:`~klbook.myst`), the exercise catalogue (:mod:`~klbook.exercises`), the
students' self-checks (:mod:`~klbook.selfcheck`, digests only) and, for instructors, the answer
keys' digests (:mod:`~klbook.answerkeys`), the student edition (:mod:`~klbook.student`), the
grader (:mod:`~klbook.grading`) and the install cell of the notebooks (:mod:`~klbook.install_cell`).
"""

from importlib.metadata import version

__version__ = version("klbook")
