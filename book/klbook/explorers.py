"""Explorers: a figure with a slider, live in Jupyter and pre-drawn in the static book.

An explorer is defined once, by a :class:`Parameter` (a name and a range) and a function that
draws the figure for one value of it. :meth:`Explorer.show` then displays it in both forms at
once, as two renderings of one output:

- live ipywidgets controls, which Jupyter, JupyterLab, Binder and Colab show: moving the slider
  redraws the figure in the kernel;
- a kernel-free sweep for the static site: the figure pre-drawn at a grid of values, with a
  slider and a play button in plain HTML and a few lines of JavaScript, which needs no kernel
  and no network (the idea of ``matplotlib.animation``'s ``to_jshtml``, without its CDN icons).

The book's build is configured to skip widget outputs (``nb_mime_priority_overrides`` in
``_config.yml``), so its pages show the sweep; a notebook front end prefers the widget.

The four explorers of the book are defined at the end of this module.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape as html_escape

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import optimize, stats

__all__ = [
    "Explorer",
    "Parameter",
    "bernoulli_asymmetry",
    "fisher_quadratic",
    "forward_reverse",
    "gaussian_mutual_information",
]


@dataclass(frozen=True)
class Parameter:
    """The quantity an explorer's slider moves: from ``low`` to ``high``, starting at ``initial``.

    The static sweep draws ``frames`` values, evenly spaced (``scale="linear"``) or evenly spaced
    in the logarithm (``scale="log"``); the live slider moves continuously.
    """

    name: str
    low: float
    high: float
    initial: float
    label: str = ""
    frames: int = 25
    scale: str = "linear"

    def __post_init__(self):
        if not self.low < self.high:
            raise ValueError(f"Parameter {self.name!r}: low must be below high ({self.low}, {self.high})")
        if not self.low <= self.initial <= self.high:
            raise ValueError(f"Parameter {self.name!r}: initial must lie in [low, high], got {self.initial}")
        if self.scale not in ("linear", "log") or (self.scale == "log" and self.low <= 0):
            raise ValueError(f"Parameter {self.name!r}: scale must be 'linear', or 'log' with low > 0")
        if self.frames < 2:
            raise ValueError(f"Parameter {self.name!r}: frames must be at least 2, got {self.frames}")

    def values(self) -> np.ndarray:
        """The values the static sweep is drawn at."""
        spaced = np.geomspace if self.scale == "log" else np.linspace
        return spaced(self.low, self.high, self.frames)


class Explorer:
    """A figure that depends on one parameter, shown with a control that moves it.

    Parameters
    ----------
    title : str
        What the explorer shows; also names its output.
    parameter : Parameter
        The quantity the slider moves.
    setup : callable
        ``setup(fig)`` draws what does not depend on the parameter on an empty
        ``matplotlib.figure.Figure`` and returns ``update(value)``, which moves the parts that do
        (line data, markers, titles) and returns them, as ``matplotlib.animation`` expects of a
        blitting animation. Every frame, live or pre-drawn, redraws only those artists over a
        background drawn once.
    figsize : (float, float), optional
        Size of the figure in inches.
    dpi : int, optional
        Resolution of the frames.

    Examples
    --------
    >>> from klbook.explorers import Explorer, Parameter
    >>> def setup(fig):
    ...     ax = fig.subplots()
    ...     line, = ax.plot([0, 1], [0, 0])
    ...     ax.set_ylim(0, 1)
    ...     def update(a):
    ...         line.set_ydata([0, a])
    ...         return [line]
    ...     return update
    >>> line = Explorer("A line", Parameter("a", 0.0, 1.0, initial=0.5, frames=3), setup)
    >>> png = line.frames().png(0.5)  # one live update
    >>> png[1:4]  # a PNG image
    b'PNG'
    """

    def __init__(self, title: str, parameter: Parameter, setup: Callable[[Figure], Callable[[float], None]],
                 figsize: tuple[float, float] = (6.4, 3.2), dpi: int = 72):
        self.title = title
        self.parameter = parameter
        self.setup = setup
        self.figsize = figsize
        self.dpi = dpi

    def figure(self) -> tuple[Figure, Callable[[float], list]]:
        """A new figure (with its own canvas, not pyplot's) and the function that updates it."""
        fig = Figure(figsize=self.figsize, dpi=self.dpi, facecolor="white")
        FigureCanvasAgg(fig)
        return fig, self.setup(fig)

    def frames(self) -> _Frames:
        """A drawer of frames for live updates: ``frames().png(value)`` gives one as PNG bytes."""
        return _Frames(*self.figure(), self.parameter.initial)

    def static_html(self) -> str:
        """The kernel-free sweep: the figure pre-drawn at every value, a slider and a play button.

        Plain HTML and a few lines of JavaScript, with the frames embedded as PNG data: it needs no
        kernel and no network. Element ids derive from the title, so two builds give the same page.
        """
        frames = self.frames()
        values = self.parameter.values()
        images = ["data:image/png;base64," + base64.b64encode(_palette_png(frames.png(v))).decode()
                  for v in values]
        labels = [f"{self.parameter.label or self.parameter.name} = {v:.3g}" for v in values]
        start = int(np.argmin(np.abs(values - self.parameter.initial)))
        return _SWEEP.format(
            id="explorer-" + hashlib.sha1(self.title.encode()).hexdigest()[:12],
            title=html_escape(self.title), frames=json.dumps(images), labels=json.dumps(labels),
            start=start, last=len(values) - 1, src=images[start], label=html_escape(labels[start]),
        )

    def live(self):
        """ipywidgets controls: a slider that redraws the figure in the kernel."""
        import ipywidgets as widgets

        p = self.parameter
        if p.scale == "log":
            low, high = np.log10(p.low), np.log10(p.high)
            slider = widgets.FloatLogSlider(value=p.initial, base=10, min=low, max=high,
                                            step=(high - low) / 200)
        else:
            slider = widgets.FloatSlider(value=p.initial, min=p.low, max=p.high, step=(p.high - p.low) / 200)
        slider.description = p.label or p.name
        frames = self.frames()
        image = widgets.Image(value=frames.png(p.initial), format="png")
        slider.observe(lambda change: setattr(image, "value", frames.png(change["new"])), "value")
        return widgets.VBox([slider, image])

    def show(self):
        """Display the explorer: live controls in Jupyter, the pre-drawn sweep in the book."""
        from IPython.display import display

        display(_BothForms(self))


def _palette_png(png: bytes) -> bytes:
    """A frame re-encoded with a palette of 64 colours: a third of the size, the same to the eye."""
    image = PIL.Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(64, method=PIL.Image.Quantize.MEDIANCUT, dither=PIL.Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


# The static sweep: an image, a slider over the frames, a play button and the current value.
_SWEEP = """<figure class="kltools-explorer" id="{id}">
<img src="{src}" alt="{title}, at {label}" style="max-width: 100%">
<figcaption style="display: flex; gap: 0.75em; align-items: center; justify-content: center">
<button type="button" aria-label="Play" title="Play">&#9654;</button>
<input type="range" min="0" max="{last}" step="1" value="{start}" aria-label="{title}: parameter">
<output style="color: #222; font-family: monospace; min-width: 9em">{label}</output>
</figcaption>
<script>
(function () {{
  const root = document.getElementById("{id}");
  const frames = {frames}, labels = {labels};
  const image = root.querySelector("img"), slider = root.querySelector("input");
  const output = root.querySelector("output"), button = root.querySelector("button");
  let timer = null;
  function show(i) {{
    slider.value = i;
    image.src = frames[i];
    image.alt = "{title}, at " + labels[i];
    output.textContent = labels[i];
  }}
  function stop() {{
    clearInterval(timer);
    timer = null;
    button.innerHTML = "&#9654;";
    button.setAttribute("aria-label", "Play");
  }}
  slider.addEventListener("input", function () {{ stop(); show(Number(slider.value)); }});
  button.addEventListener("click", function () {{
    if (timer !== null) {{ stop(); return; }}
    button.innerHTML = "&#10074;&#10074;";
    button.setAttribute("aria-label", "Pause");
    timer = setInterval(function () {{ show((Number(slider.value) + 1) % frames.length); }}, 250);
  }});
}})();
</script>
</figure>"""


class _Frames:
    """Frames drawn by blitting: what does not move is drawn once and kept as a background."""

    def __init__(self, fig: Figure, update: Callable[[float], list], initial: float):
        self.fig, self.update = fig, update
        for artist in update(initial):
            artist.set_animated(True)  # left out of the background
        fig.canvas.draw()
        self.background = fig.canvas.copy_from_bbox(fig.bbox)

    def png(self, value: float) -> bytes:
        """The figure at ``value``, as PNG bytes."""
        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        for artist in self.update(value):
            artist.set_animated(True)
            self.fig.draw_artist(artist)
        buffer = io.BytesIO()
        PIL.Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png")
        return buffer.getvalue()


class _BothForms:
    """One output with two renderings: the live widget and the static sweep."""

    def __init__(self, explorer: Explorer):
        self.explorer = explorer

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.explorer.static_html()}
        try:
            bundle.update(self.explorer.live()._repr_mimebundle_())
        except ImportError:  # no ipywidgets: the static sweep alone
            pass
        bundle["text/plain"] = f"Explorer: {self.explorer.title} (move the slider above the figure)"
        return bundle


# --- The book's explorers -----------------------------------------------------------------------


def bernoulli_asymmetry(p: float = 0.2) -> Explorer:
    """D(P‖Q) and D(Q‖P) for coins P = Bernoulli(p) and Q = Bernoulli(q), as q moves.

    >>> explorer = bernoulli_asymmetry()
    >>> explorer.parameter.name
    'q'
    """
    from kltools.discrete import kl

    grid = np.linspace(0.002, 0.998, 400)
    coin_p = np.array([p, 1 - p])
    coins_q = np.stack([grid, 1 - grid], axis=-1)

    def setup(fig):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.88)
        ax.plot(grid, kl(coin_p, coins_q), color="C0", label=r"$D(P\,\|\,Q)$")
        ax.plot(grid, kl(coins_q, coin_p), color="C1", label=r"$D(Q\,\|\,P)$")
        ax.set_ylim(0, 3)
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"q = Q(heads)   (P(heads) = {p:g})")
        ax.set_ylabel("divergence (nats)")
        ax.legend(loc="upper center")
        cursor = ax.axvline(0.5, color="0.5", lw=0.8)
        (points,) = ax.plot([], [], "o", color="k", ms=4)
        title = ax.set_title("", fontsize=10)

        def update(q):
            coin_q = [q, 1 - q]
            d_pq, d_qp = kl(coin_p, coin_q), kl(coin_q, coin_p)
            cursor.set_xdata([q, q])
            points.set_data([q, q], [d_pq, d_qp])
            title.set_text(f"q = {q:.3f}:  D(P‖Q) = {d_pq:.3f},  D(Q‖P) = {d_qp:.3f}")
            return [cursor, points, title]

        return update

    return Explorer("Bernoulli asymmetry", Parameter("q", 0.02, 0.98, initial=0.7, label="q"), setup)


# Expectations under a normal distribution by the trapezoidal rule on equally spaced points, which
# converges fast for smooth integrands (Trefethen and Weideman 2014); Gauss-Hermite nodes are
# inaccurate here, because log p bends sharply between the modes.
_NODES = np.linspace(-10.0, 10.0, 201)
_WEIGHTS = np.exp(-0.5 * _NODES**2)
_WEIGHTS /= _WEIGHTS.sum()


def _mixture_logpdf(x, separation, width):
    """log density of the mixture ½N(-s/2, w²) + ½N(s/2, w²)."""
    z1, z2 = (x + separation / 2) / width, (x - separation / 2) / width
    return np.logaddexp(-z1 * z1 / 2, -z2 * z2 / 2) - np.log(2 * width * np.sqrt(2 * np.pi))


def _reverse_objective(theta, separation, width):
    """D(Q‖P) for Q = N(mu, e^(2 log_sigma)): -H(Q) - E_Q[log p]."""
    mu, log_sigma = theta
    entropy_q = 0.5 * np.log(2 * np.pi * np.e) + log_sigma
    return -entropy_q - _WEIGHTS @ _mixture_logpdf(mu + np.exp(log_sigma) * _NODES, separation, width)


def _reverse_fit(separation, width):
    """The best reverse fit from two starts: on the right-hand mode, and broad in the middle."""
    starts = ([separation / 2, np.log(width)], [0.0, np.log(np.hypot(width, separation / 2))])
    fits = [optimize.minimize(_reverse_objective, start, args=(separation, width), method="BFGS")
            for start in starts]
    return min(fits, key=lambda fit: fit.fun)


def forward_reverse(width: float = 1.2) -> Explorer:
    """A Gaussian Q fitted to a two-component mixture P, by forward and by reverse KL.

    The mixture is ½N(-s/2, w²) + ½N(s/2, w²) with w = ``width``, and the slider moves the
    separation s. The forward fit (minimizing D(P‖Q)) matches the mixture's mean and variance;
    the reverse fit (minimizing D(Q‖P)) is found numerically from two starts, the right-hand mode
    and a broad fit in the middle, and the better one is shown: it stays broad until the modes
    are about 5.6 widths apart, where sitting on one mode becomes the better fit.

    >>> explorer = forward_reverse()
    >>> explorer.parameter.high
    8.0
    """
    x = np.linspace(-9, 9, 400)

    def setup(fig):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.88)
        mixture = ax.fill_between(x, 0 * x, color="0.85", label="P (mixture)")
        (forward,) = ax.plot(x, 0 * x, color="C0")
        (reverse,) = ax.plot(x, 0 * x, color="C3", ls="--")
        ax.set_ylim(0, 0.45)
        ax.set_xlim(-9, 9)
        ax.set_xlabel("x")
        ax.set_ylabel("density")
        title = ax.set_title("", fontsize=10)

        def update(separation):
            # Forward: Q matches the mean 0 and the variance w² + s²/4 of P (moment matching), and
            # D(P‖Q) = E_P[log p - log q] is averaged over the two components by Gauss-Hermite.
            sigma_f = np.hypot(width, separation / 2)
            xs = np.concatenate([-separation / 2 + width * _NODES, separation / 2 + width * _NODES])
            log_q = stats.norm.logpdf(xs, 0, sigma_f)
            weights = np.concatenate([_WEIGHTS, _WEIGHTS]) / 2
            d_forward = weights @ (_mixture_logpdf(xs, separation, width) - log_q)
            fit = _reverse_fit(separation, width)
            mu_r, sigma_r = fit.x[0], np.exp(fit.x[1])
            mixture.set_data(x, 0 * x, np.exp(_mixture_logpdf(x, separation, width)))
            forward.set_ydata(stats.norm.pdf(x, 0, sigma_f))
            forward.set_label(f"forward: N(0, {sigma_f:.2f}²), D(P‖Q) = {d_forward:.3f}")
            reverse.set_ydata(stats.norm.pdf(x, mu_r, sigma_r))
            reverse.set_label(f"reverse: N({mu_r:.2f}, {sigma_r:.2f}²), D(Q‖P) = {fit.fun:.3f}")
            legend = ax.legend(loc="upper left", fontsize=8, frameon=False)
            title.set_text(f"separation of the modes s = {separation:.2f}")
            return [mixture, forward, reverse, legend, title]

        return update

    separation = Parameter("separation", 0.0, 8.0, initial=6.0, label="s")
    return Explorer("Forward and reverse KL", separation, setup)


def fisher_quadratic() -> Explorer:
    """D(N(0, 1) ‖ N(t/√2, (1 + t/√2)²)) against its quadratic approximation ½ t² vᵀ I v.

    The step t moves the mean and the scale of a normal distribution together (direction
    v = (1, 1)/√2 in (loc, scale)); the Fisher information is I = diag(1, 2).

    >>> explorer = fisher_quadratic()
    >>> explorer.parameter.scale
    'log'
    """
    from kltools.discrete import kl

    direction = np.array([1.0, 1.0]) / np.sqrt(2)
    quadratic_coefficient = 0.5 * direction @ np.diag([1.0, 2.0]) @ direction  # ½ vᵀ I v

    def divergence(t):
        loc, scale = np.array([0.0, 1.0]) + t * direction
        return kl(stats.norm(0, 1), stats.norm(loc, scale))

    steps = np.geomspace(1e-3, 1.0, 60)
    divergences = np.array([divergence(t) for t in steps])
    quadratic = quadratic_coefficient * steps**2

    def setup(fig):
        left, right = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.86, wspace=0.35)
        left.plot(steps, divergences, color="C0", label="KL")
        left.plot(steps, quadratic, color="C1", ls="--", label="½ t² vᵀIv")
        left.set_xscale("log")
        left.set_yscale("log")
        left.set_xlabel("step t")
        left.set_ylabel("nats")
        left.legend(fontsize=8)
        right.plot(steps, divergences / quadratic, color="C2")
        right.axhline(1, color="0.5", lw=0.8)
        right.set_xscale("log")
        right.set_xlabel("step t")
        right.set_ylabel("KL / quadratic")
        (on_left,) = left.plot([], [], "o", color="k", ms=4)
        (on_right,) = right.plot([], [], "o", color="k", ms=4)
        title = fig.suptitle("", fontsize=10)

        def update(t):
            d = divergence(t)
            ratio = d / (quadratic_coefficient * t * t)
            on_left.set_data([t], [d])
            on_right.set_data([t], [ratio])
            title.set_text(f"t = {t:.3g}:  KL = {d:.3g},  KL / quadratic = {ratio:.4f}")
            return [on_left, on_right, title]

        return update

    return Explorer("KL against its Fisher quadratic",
                    Parameter("t", 1e-3, 1.0, initial=0.3, label="t", scale="log"), setup)


def gaussian_mutual_information(n: int = 500, seed: int = 2004) -> Explorer:
    """Mutual information of a bivariate normal with correlation ρ, and a sample of it.

    The same seeded noise is used for every ρ, so that the points move smoothly with the slider.

    >>> explorer = gaussian_mutual_information()
    >>> explorer.parameter.low
    -0.95
    """
    from kltools.estimators import mutual_information_from_samples

    z = np.random.default_rng(seed).standard_normal((2, n))
    rhos = np.linspace(-0.99, 0.99, 200)

    def setup(fig):
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.4])
        fig.subplots_adjust(left=0.08, right=0.97, bottom=0.16, top=0.86, wspace=0.3)
        (sample,) = left.plot(z[0], z[1], ".", ms=2, color="C0")
        left.set_xlim(-4, 4)
        left.set_ylim(-4, 4)
        left.set_aspect("equal")
        left.set_xlabel("x")
        left.set_ylabel("y")
        right.plot(rhos, -0.5 * np.log1p(-rhos**2), color="C1", label="−½ log(1 − ρ²)")
        (exact,) = right.plot([], [], "o", color="k", ms=4)
        (estimated,) = right.plot([], [], "x", color="C3", ms=6, label=f"KSG estimate, n = {n}")
        right.set_ylim(0, 2)
        right.set_xlabel("correlation ρ")
        right.set_ylabel("I(X; Y) (nats)")
        right.legend(fontsize=8, loc="upper center")
        title = fig.suptitle("", fontsize=10)

        def update(rho):
            y = rho * z[0] + np.sqrt(1 - rho * rho) * z[1]
            info = -0.5 * np.log1p(-rho * rho)
            estimate = mutual_information_from_samples(z[0], y, k=3)
            sample.set_ydata(y)
            exact.set_data([rho], [info])
            estimated.set_data([rho], [estimate])
            title.set_text(f"ρ = {rho:.2f}:  I = {info:.3f} nats,  estimate {estimate:.3f}")
            return [sample, exact, estimated, title]

        return update

    return Explorer("Mutual information of a bivariate normal",
                    Parameter("rho", -0.95, 0.95, initial=0.6, label="ρ"), setup)
