"""The explorer mechanism: one definition, a live widget and a kernel-free sweep."""

from __future__ import annotations

import re

import numpy as np
import pytest
from klbook import explorers
from klbook.explorers import Explorer, Parameter

# Every explorer the module defines for the book: all its public functions but the two classes.
BOOK_EXPLORERS = [getattr(explorers, name) for name in explorers.__all__
                  if name not in ("Explorer", "Parameter")]


def line(frames: int = 5) -> Explorer:
    def setup(fig):
        ax = fig.subplots()
        ax.set_ylim(0, 1)
        (drawn,) = ax.plot([0, 1], [0, 0])

        def update(a):
            drawn.set_ydata([0, a])
            return [drawn]

        return update

    return Explorer("A line", Parameter("a", 0.0, 1.0, initial=0.5, frames=frames), setup)


@pytest.mark.parametrize("make", BOOK_EXPLORERS, ids=lambda f: f.__name__)
def test_static_sweep_is_self_contained(make):
    explorer = make()
    html = explorer.static_html()
    assert re.search(r"https?://", html) is None, "the sweep must not load anything from the network"
    frames = re.findall(r"data:image/png;base64,", html)
    assert len(frames) == explorer.parameter.frames + 1  # every frame, and the first shown in <img>
    assert 'type="range"' in html and "<button" in html


def test_static_sweep_is_the_same_every_time():
    assert line().static_html() == line().static_html()


@pytest.mark.parametrize("make", BOOK_EXPLORERS, ids=lambda f: f.__name__)
def test_frames_differ_along_the_parameter(make):
    explorer = make()
    frames = explorer.frames()
    low, high = explorer.parameter.values()[[0, -1]]
    assert frames.png(low) != frames.png(high)


def test_live_slider_redraws_the_figure():
    widget = line().live()
    slider, image = widget.children
    before = image.value
    slider.value = 0.9
    assert image.value != before
    assert slider.min == 0.0 and slider.max == 1.0 and slider.value == 0.9


def test_log_parameter_gets_a_log_slider():
    slider, _ = explorers.fisher_quadratic().live().children
    assert type(slider).__name__ == "FloatLogSlider"
    assert slider.value == pytest.approx(0.3, rel=1e-12, abs=0)


def test_one_output_holds_both_forms():
    bundle = explorers._BothForms(line(frames=3))._repr_mimebundle_()
    assert {"text/html", "application/vnd.jupyter.widget-view+json", "text/plain"} <= set(bundle)
    assert bundle["text/plain"].startswith("Explorer: A line")


def test_log_sweep_is_evenly_spaced_in_the_logarithm():
    values = Parameter("t", 1e-3, 1.0, initial=0.1, frames=4, scale="log").values()
    assert np.allclose(np.diff(np.log10(values)), 1.0, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (dict(low=1.0, high=0.0, initial=0.5), "low must be below high"),
        (dict(low=0.0, high=1.0, initial=2.0), "initial must lie in"),
        (dict(low=0.0, high=1.0, initial=0.5, scale="log"), "scale must be"),
        (dict(low=0.1, high=1.0, initial=0.5, scale="square"), "scale must be"),
        (dict(low=0.0, high=1.0, initial=0.5, frames=1), "frames must be at least 2"),
    ],
)
def test_bad_parameters_are_rejected(arguments, message):
    with pytest.raises(ValueError, match=message):
        Parameter("a", **arguments)
