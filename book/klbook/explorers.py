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
    "distillation_temperature",
    "fisher_quadratic",
    "forward_reverse",
    "gaussian_mutual_information",
    "gaussian_separation",
    "kl_regularized_policy",
    "mean_field_gaussian",
    "model_selection_risk",
    "signal_detection",
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

    # Logarithmically spaced ends: D(P‖Q) grows only like p·log(1/q) as q → 0 (and like
    # (1 − p)·log(1/(1 − q)) as q → 1), so a linear grid stopping at 0.002 would draw a curve that
    # looks finite at the ends. With points down to 1e-300 (and up to 1 - 1e-15, the last float
    # below 1 worth using) the curve leaves the plot at both ends.
    left, right = np.logspace(-300, np.log10(0.002), 200), np.logspace(-15, np.log10(0.002), 60)
    grid = np.concatenate([left, np.linspace(0.002, 0.998, 400)[1:-1], 1 - right[::-1]])
    coin_p = np.array([p, 1 - p])
    coins_q = np.stack([grid, 1 - grid], axis=-1)

    def setup(fig):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.88)
        ax.plot(grid, kl(coin_p, coins_q), color="C0", label=r"$D(P\,\|\,Q)$, infinite at $q = 0, 1$")
        ax.plot(grid, kl(coins_q, coin_p), color="C1", label=r"$D(Q\,\|\,P)$")
        ax.set_ylim(0, 3)
        ax.set_xlim(-0.02, 1.02)  # keeps the vertical climbs at q = 0 and q = 1 off the frame
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
            mu_text = f"{mu_r:.2f}".replace("-0.00", "0.00")  # no negative zero in the legend
            reverse.set_label(f"reverse: N({mu_text}, {sigma_r:.2f}²), D(Q‖P) = {fit.fun:.3f}")
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
    from kltools import kl  # the entry point: kltools.discrete.kl takes arrays only

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


def _regression_kl_risk(n: int, sigma: float, degree: int) -> tuple[float, float]:
    """Exact KL risk and approximation part of the degree-``degree`` Gaussian polynomial fit.

    The model selection chapter's example: n design points evenly spaced on [-1, 1], true mean
    1 / (1 + 5 (x - 0.2)²), noise sd ``sigma``. With λ = ‖(I - H) m‖² / σ² and ν = n - p the risk is
    ½ (E log W - log n) + (n + p + λ) E[1/W] / 2 - ½, W noncentral χ²(ν, λ), a Poisson(λ/2) mixture.
    """
    from scipy import special

    x = np.linspace(-1, 1, n)
    m = 1 / (1 + 5 * (x - 0.2) ** 2)
    p, nu = degree + 1, n - degree - 1
    if nu <= 2:
        return np.nan, np.nan
    q, _ = np.linalg.qr(np.polynomial.legendre.legvander(x, degree))
    lam = np.sum((m - q @ (q.T @ m)) ** 2) / sigma**2
    half = lam / 2
    j = np.arange(max(0, int(half - 12 * np.sqrt(half) - 40)), int(half + 12 * np.sqrt(half) + 40))
    w = stats.poisson.pmf(j, half)
    e_log, e_inv = w @ (special.digamma(nu / 2 + j) + np.log(2)), w @ (1 / (nu + 2 * j - 2))
    return 0.5 * (e_log - np.log(n)) + (n + p + lam) / 2 * e_inv - 0.5, 0.5 * np.log1p(lam / n)


def model_selection_risk(sigma: float = 0.2) -> Explorer:
    """KL risk of polynomial regression fits of degree 0-10, approximation plus estimation, as N moves.

    >>> explorer = model_selection_risk()
    >>> explorer.parameter.values()[:3]
    array([20., 40., 60.])
    """
    degrees = np.arange(11)

    def parts(n):
        risk, approximation = np.array([_regression_kl_risk(n, sigma, d) for d in degrees]).T
        return risk, approximation, risk - approximation

    def setup(fig):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.88)
        (total,) = ax.plot(degrees, np.ones(11), "o-", color="k", label="KL risk")
        (approx,) = ax.plot(degrees, np.ones(11), "s--", color="C0", ms=4, label="approximation")
        (estim,) = ax.plot(degrees, np.ones(11), "^--", color="C1", ms=4, label="estimation")
        (best,) = ax.plot([], [], "o", color="C3", ms=11, mfc="none", mew=2, label="smallest risk")
        ax.set_yscale("log")
        ax.set_ylim(1e-3, 20)
        ax.set_xticks(degrees)
        ax.set_xlabel("degree of the fitted polynomial")
        ax.set_ylabel("nats per observation")
        ax.legend(fontsize=8, loc="upper right", ncols=2)
        title = ax.set_title("", fontsize=10)

        def update(n):
            n = int(np.rint(n))
            risk, approximation, estimation = parts(n)
            total.set_ydata(risk)
            approx.set_ydata(approximation)
            estim.set_ydata(estimation)
            d = int(np.nanargmin(risk))
            best.set_data([d], [risk[d]])
            title.set_text(f"N = {n}, σ = {sigma:g}: smallest risk {risk[d]:.3f} nats at degree {d}")
            return [total, approx, estim, best, title]

        return update

    return Explorer("KL risk of polynomial fits", Parameter("N", 20, 400, initial=40, frames=20, label="N"),
                    setup)


def mean_field_gaussian(scales: tuple[float, float] = (1.0, 1.5)) -> Explorer:
    """Mean-field fits to a correlated bivariate normal P, in both directions, as ρ moves.

    P = N(0, Σ) with standard deviations ``scales`` and correlation ρ. Among normal distributions
    with independent coordinates, the reverse fit (minimising D(Q‖P)) has the variances 1/Λᵢᵢ,
    Λ = Σ⁻¹, and the forward fit (minimising D(P‖Q)) the marginal variances Σᵢᵢ.

    >>> explorer = mean_field_gaussian()
    >>> explorer.parameter.high
    0.95
    """
    s1, s2 = scales
    angle = np.linspace(0, 2 * np.pi, 200)
    circle = 2 * np.array([np.cos(angle), np.sin(angle)])  # Mahalanobis radius 2
    rhos = np.linspace(-0.95, 0.95, 191)

    def setup(fig):
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.3])
        fig.subplots_adjust(left=0.08, right=0.97, bottom=0.16, top=0.86, wspace=0.3)
        (p_line,) = left.plot([], [], color="k", label="P")
        (rev_line,) = left.plot([], [], color="C3", ls="--", label="reverse fit")
        (fwd_line,) = left.plot([], [], color="C0", label="forward fit")
        extent = 2.3 * max(s1, s2)
        left.set_xlim(-extent, extent)
        left.set_ylim(-extent, extent)
        left.set_aspect("equal")
        left.set_xlabel("x₁")
        left.set_ylabel("x₂")
        left.legend(fontsize=7, loc="lower right")
        right.plot(rhos, np.sqrt(1 - rhos**2), color="C3", ls="--", label="reverse: sd / marginal sd")
        right.axhline(1, color="C0", label="forward: sd / marginal sd")
        right.plot(rhos, -0.5 * np.log1p(-rhos**2), color="0.4", ls=":", label="min D, either direction")
        (dot,) = right.plot([], [], "o", color="C3", ms=4)
        right.set_ylim(0, 1.7)
        right.set_xlabel("correlation ρ")
        right.legend(fontsize=7, loc="upper center")
        title = fig.suptitle("", fontsize=10)

        def update(rho):
            cov = np.array([[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]])
            p_line.set_data(*(np.linalg.cholesky(cov) @ circle))
            reverse_sd = 1 / np.sqrt(np.diag(np.linalg.inv(cov)))
            rev_line.set_data(*(reverse_sd[:, None] * circle))
            fwd_line.set_data(*(np.array([s1, s2])[:, None] * circle))
            dot.set_data([rho], [np.sqrt(1 - rho * rho)])
            title.set_text(f"ρ = {rho:.2f}:  reverse sd = {reverse_sd[0]:.2f}, {reverse_sd[1]:.2f};  "
                           f"min D = {-0.5 * np.log1p(-rho * rho):.3f} nats")
            return [p_line, rev_line, fwd_line, dot, title]

        return update

    return Explorer("Mean-field fits to a correlated normal",
                    Parameter("rho", -0.95, 0.95, initial=0.8, label="ρ"), setup)


def gaussian_separation(high: float = 4.0) -> Explorer:
    """Every divergence at once between N(0, 1) and N(μ, 1), as the separation μ moves.

    Closed forms: D = μ²/2 (either direction), D_½ = μ²/4, TV = 2Φ(μ/2) − 1, H² = 2(1 − e^(−μ²/8))
    (without the ½), χ² = e^(μ²) − 1 and W₁ = μ; the Jensen–Shannon divergence by quadrature.

    >>> explorer = gaussian_separation()
    >>> explorer.parameter.name
    'mu'
    """
    from scipy import special

    mus = np.linspace(0.0, high, 161)
    # JS by the trapezoidal rule on a fine grid: the integrand is smooth and decays like a normal
    # density, so the rule converges fast (to about 1e-12 here).
    grid = np.linspace(-12.0, high + 12.0, 6001)

    def jensen_shannon(mu):
        mu = np.atleast_1d(mu)[:, None]
        lp, lq = stats.norm.logpdf(grid)[None, :], stats.norm.logpdf(grid - mu)
        lm = np.logaddexp(lp, lq) - np.log(2)
        integrand = 0.5 * (np.exp(lp) * (lp - lm) + np.exp(lq) * (lq - lm))
        values = np.trapezoid(integrand, grid, axis=-1)
        return values if values.size > 1 else float(values[0])

    curves = {
        "KL  μ²/2": (0.5 * mus**2, "C0", "-"),
        "Rényi ½  μ²/4": (0.25 * mus**2, "C0", ":"),
        "χ²  e^(μ²) − 1": (np.expm1(mus**2), "C3", "-"),
        "H² (no ½)": (-2 * np.expm1(-(mus**2) / 8), "C2", "-"),
        "TV": (special.erf(mus / (2 * np.sqrt(2))), "C1", "-"),
        "JS (≤ log 2)": (jensen_shannon(mus), "C4", "-"),
        "W₁  μ": (mus, "k", "--"),
    }
    x = np.linspace(-4, high + 4, 400)

    def setup(fig):
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.4])
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.86, wspace=0.25)
        left.plot(x, stats.norm.pdf(x), color="k", label="P = N(0, 1)")
        (q_line,) = left.plot([], [], color="C1", label="Q = N(μ, 1)")
        left.set_xlim(x[0], x[-1])
        left.set_ylim(0, 0.5)
        left.set_xlabel("x")
        left.legend(fontsize=7, loc="upper right")
        for label, (values, color, style) in curves.items():
            right.plot(mus, values, color=color, ls=style, label=label)
        right.axhline(np.log(2), color="C4", lw=0.6)
        right.set_ylim(0, 3)
        right.set_xlim(0, high)
        right.set_xlabel("separation μ")
        right.legend(fontsize=6.5, loc="upper left", ncol=2)
        cursor = right.axvline(0, color="0.5", lw=0.8)
        title = fig.suptitle("", fontsize=9)

        def update(mu):
            q_line.set_data(x, stats.norm.pdf(x, mu))
            cursor.set_xdata([mu, mu])
            tv, h2 = special.erf(mu / (2 * np.sqrt(2))), -2 * np.expm1(-mu * mu / 8)
            title.set_text(f"μ = {mu:.2f}:  KL = {mu * mu / 2:.3f},  TV = {tv:.3f},  "
                           f"JS = {jensen_shannon(mu):.3f},  H² = {h2:.3f},  W₁ = {mu:.2f}")
            return [q_line, cursor, title]

        return update

    return Explorer("Divergences of two normal distributions",
                    Parameter("mu", 0.0, high, initial=1.0, label="μ"), setup, figsize=(7.6, 3.3))


def signal_detection(alpha: float = 0.05, max_n: int = 40) -> Explorer:
    """A known signal in white Gaussian noise: the ROC curve and the Stein exponent as the SNR d moves.

    With d = ‖s‖/σ, the optimal detector's ROC curve is P_D = Q(Q⁻¹(P_F) − d) (Q the normal tail
    function), and the divergence between the two hypotheses is d²/2. The right panel shows the
    best miss probability at false-alarm level ``alpha`` after n independent repetitions,
    β_n = Φ(Q⁻¹(alpha) − d√n), against exp(−n d²/2).

    >>> explorer = signal_detection()
    >>> explorer.parameter.high
    4.0
    """
    false_alarm = np.concatenate([np.geomspace(1e-6, 0.01, 60), np.linspace(0.01, 1.0, 200)[1:]])
    repetitions = np.arange(1, max_n + 1)
    z_alpha = stats.norm.isf(alpha)

    def setup(fig):
        left, right = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.97, bottom=0.16, top=0.86, wspace=0.32)
        for d in (0.5, 1.0, 2.0, 3.0):
            left.plot(false_alarm, stats.norm.sf(stats.norm.isf(false_alarm) - d), color="0.8", lw=1)
        left.plot([0, 1], [0, 1], color="0.6", ls=":", lw=0.8)
        (roc,) = left.plot([], [], color="C0", lw=2)
        left.set_xlabel("false-alarm probability $P_F$")
        left.set_ylabel("detection probability $P_D$")
        left.set_xlim(0, 1)
        left.set_ylim(0, 1.01)
        (miss,) = right.plot([], [], "o", color="C1", ms=3, label=f"best β_n at α = {alpha}")
        (slope,) = right.plot([], [], color="C2", ls="--", label="exp(−n d²/2)")
        right.set_yscale("log")
        right.set_ylim(1e-30, 1.5)
        right.set_xlim(0, max_n + 1)
        right.set_xlabel("repetitions n")
        right.set_ylabel("miss probability")
        right.legend(fontsize=8, loc="lower left")
        title = fig.suptitle("", fontsize=10)

        def update(d):
            roc.set_data(false_alarm, stats.norm.sf(stats.norm.isf(false_alarm) - d))
            miss.set_data(repetitions, stats.norm.cdf(z_alpha - d * np.sqrt(repetitions)))
            slope.set_data(repetitions, np.exp(-repetitions * d * d / 2))
            area = stats.norm.cdf(d / np.sqrt(2))
            title.set_text(f"d = {d:.2f}:  D = d²/2 = {d * d / 2:.3f} nats,  area under the ROC {area:.3f}")
            return [roc, miss, slope, title]

        return update

    return Explorer("Detecting a known signal in Gaussian noise",
                    Parameter("d", 0.25, 4.0, initial=1.5, label="d"), setup, figsize=(7.6, 3.3))


def kl_regularized_policy(reward: tuple[float, ...] = (0.0, 0.4, 0.1, 1.0, -0.5, 1.2),
                          reference: tuple[float, ...] = (0.30, 0.25, 0.20, 0.12, 0.08, 0.05)) -> Explorer:
    """The optimum π* ∝ π_ref·exp(r/β) of E_π[r] − β D(π‖π_ref), as the strength β of the penalty moves.

    Left: π_ref and π* over the actions (large β keeps π* at π_ref, small β puts it on the action of
    largest reward). Right: the expected reward of π* against its divergence from π_ref, the best
    reward any policy reaches within that divergence, with π*_β marked.

    >>> explorer = kl_regularized_policy()
    >>> explorer.parameter.scale
    'log'
    """
    r, ref = np.asarray(reward, dtype=float), np.asarray(reference, dtype=float)
    actions = np.arange(len(r))

    def optimum(beta):
        w = np.log(ref) + r / beta
        w = np.exp(w - w.max())
        return w / w.sum()

    def divergence(pi):
        return float(np.sum(pi * np.log(pi / ref), where=pi > 0))

    curve = [optimum(b) for b in np.geomspace(0.01, 100.0, 300)]
    kls = [divergence(p) for p in curve]
    rewards = [float(p @ r) for p in curve]

    def setup(fig):
        left, right = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.08, right=0.97, bottom=0.17, top=0.85, wspace=0.3)
        left.bar(actions, ref, width=0.8, color="none", edgecolor="0.4", label="π_ref")
        bars = left.bar(actions, ref, width=0.5, color="C0", label="π*")
        left.set_xticks(actions, [f"{a}\nr={v:g}" for a, v in zip(actions, r, strict=True)], fontsize=7)
        left.set_ylim(0, 1)
        left.set_ylabel("probability")
        left.legend(fontsize=7, loc="upper left")
        right.plot(kls, rewards, color="0.4")
        right.axhline(r.max(), color="0.6", ls=":", lw=0.8)
        (dot,) = right.plot([], [], "o", color="C0", ms=5)
        right.set_xlabel("D(π*‖π_ref) (nats)")
        right.set_ylabel("expected reward of π*")
        title = fig.suptitle("", fontsize=10)

        def update(beta):
            pi = optimum(beta)
            for bar, h in zip(bars, pi, strict=True):
                bar.set_height(h)
            d, e = divergence(pi), float(pi @ r)
            dot.set_data([d], [e])
            title.set_text(f"β = {beta:.3g}:  E r = {e:.3f},  D(π*‖π_ref) = {d:.3f} nats")
            return [*bars, dot, title]

        return update

    return Explorer("The KL-regularized optimum",
                    Parameter("beta", 0.02, 20.0, initial=0.5, label="β", scale="log"), setup,
                    figsize=(7.6, 3.3))


def _bimodal_teacher_logits(classes: int = 30) -> np.ndarray:
    # Two bumps, at class 7 (the larger) and class 21, scaled so that at T = 1 the teacher is sharp.
    k = np.arange(classes, dtype=float)
    return 6.0 * np.logaddexp(-((k - 7) ** 2) / 4.5, np.log(0.6) - (k - 21) ** 2 / 8.0)


def _student_log_probs(eta, u):
    # A student with two parameters: logits eta[0] u + eta[1] u^2 (a discretized normal when eta[1] < 0).
    logits = eta[0] * u + eta[1] * u**2
    m = logits.max()
    return logits - m - np.log(np.sum(np.exp(logits - m)))


def _student_fits(log_p, u):
    # The forward fit D(p‖q) (convex in eta, gradient E_q t − E_p t) and the best of two reverse fits
    # D(q‖p) (gradient Cov_q(t, log q − log p)), started at either bump; t = (u, u²).
    stats_t = np.stack([u, u**2])
    p = np.exp(log_p)

    def forward(eta):
        log_q = _student_log_probs(eta, u)
        return float(p @ (log_p - log_q)), stats_t @ (np.exp(log_q) - p)

    def reverse(eta):
        log_q = _student_log_probs(eta, u)
        q, gap = np.exp(log_q), log_q - log_p
        value = float(q @ gap)
        return value, stats_t @ (q * (gap - value))

    fwd = optimize.minimize(forward, [0.0, -1.0], jac=True, method="BFGS")
    starts = [[-2 * c / 0.05, -1 / 0.05] for c in (u[np.argmax(p)], u[np.argmax(np.where(u > 0, p, 0))])]
    rev = min((optimize.minimize(reverse, s0, jac=True, method="BFGS") for s0 in starts), key=lambda r: r.fun)
    return fwd, rev


def distillation_temperature(teacher_logits=None) -> Explorer:
    """A bimodal teacher softened by the temperature T, and a unimodal student fitted both ways.

    The teacher's distribution is p_T = softmax(z/T); the student's logits are quadratic in k. Blue
    steps: p_T. Orange: the student minimizing D(p_T‖q) (it covers both bumps); green: the one
    minimizing D(q‖p_T) (it sits on one bump).

    >>> explorer = distillation_temperature()
    >>> explorer.parameter.scale
    'log'
    """
    z = _bimodal_teacher_logits() if teacher_logits is None else np.asarray(teacher_logits, dtype=float)
    k = np.arange(z.size, dtype=float)
    u = (k - k.mean()) / 10.0

    def setup(fig):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.87)
        (teacher,) = ax.plot(k, np.zeros_like(k), drawstyle="steps-mid", color="C0", lw=2,
                             label="teacher $p_T$")
        (fwd_line,) = ax.plot(k, np.zeros_like(k), "o-", color="C1", ms=3, label="student, forward KL")
        (rev_line,) = ax.plot(k, np.zeros_like(k), "s--", color="C2", ms=3, label="student, reverse KL")
        ax.set_ylim(0, 0.75)
        ax.set_xlabel("class k")
        ax.set_ylabel("probability")
        ax.legend(fontsize=8, loc="upper right")
        title = ax.set_title("", fontsize=10)

        def update(t):
            log_p = z / t - z.max() / t
            log_p -= np.log(np.sum(np.exp(log_p)))
            fwd, rev = _student_fits(log_p, u)
            teacher.set_ydata(np.exp(log_p))
            fwd_line.set_ydata(np.exp(_student_log_probs(fwd.x, u)))
            rev_line.set_ydata(np.exp(_student_log_probs(rev.x, u)))
            title.set_text(f"T = {t:.3g}:  min D(p_T‖q) = {fwd.fun:.3f},  min D(q‖p_T) = {rev.fun:.3f} nats")
            return [teacher, fwd_line, rev_line, title]

        return update

    return Explorer("Distillation at temperature T",
                    Parameter("T", 0.5, 10.0, initial=2.0, label="T", scale="log", frames=17), setup,
                    figsize=(7.2, 3.3))
