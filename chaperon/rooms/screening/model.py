"""The abusive-language model: the linear SVM that ships inside the ``alt-profanity-check``
package (TF-IDF over words, five calibrated linear SVMs), read from the package's own files
once, then scored here in plain Python. Scikit-learn's own ``predict_proba`` takes about 4 ms
a message, mostly in its checks; the same sums over the dozen words of a chat message take a
few microseconds. Nothing is fetched: the weights are the installed package's.
"""

import math
import re
import threading
from dataclasses import dataclass

_TOKEN = re.compile(r"\b\w\w+\b")


@dataclass(frozen=True)
class Weights:
    # word -> (idf, idf times each classifier's coefficient)
    words: dict[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]
    # Each classifier's sigmoid calibration: p = 1 / (1 + exp(a * decision + b)).
    calibration: tuple[tuple[float, float], ...]


_loading = threading.Lock()
_loaded: Weights | None = None


def weights() -> Weights:
    """The package's model, loaded once per process (about a second: scikit-learn is imported
    to read it); a caller that comes while it loads waits for it."""
    global _loaded
    if _loaded is None:
        with _loading:
            if _loaded is None:
                _loaded = _load()
    return _loaded


def _load() -> Weights:
    from profanity_check import profanity_check as package  # slow: only when first needed

    vectorizer, model = package.vectorizer, package.model
    idf = vectorizer.idf_
    classifiers = model.calibrated_classifiers_
    coefficients = [classifier.estimator.coef_[0] for classifier in classifiers]
    words = {
        word: (float(idf[index]), tuple(float(idf[index] * c[index]) for c in coefficients))
        for word, index in vectorizer.vocabulary_.items()
    }
    return Weights(
        words=words,
        intercepts=tuple(float(c.estimator.intercept_[0]) for c in classifiers),
        calibration=tuple(
            (float(c.calibrators[0].a_), float(c.calibrators[0].b_)) for c in classifiers
        ),
    )


_warming = threading.Lock()
_warmed = False


def warm_in_background() -> None:
    """Load the model in a thread of its own, once per process, so that the first message a
    room screens does not wait the second it takes."""
    global _warmed
    with _warming:
        if _warmed:
            return
        _warmed = True
    threading.Thread(target=weights, name="screening-model", daemon=True).start()


def abusive(text: str) -> float:
    """The model's probability (0 to 1) that ``text`` is abusive or offensive language."""
    model = weights()
    counts: dict[str, int] = {}
    for token in _TOKEN.findall(text.lower()):
        if token in model.words:
            counts[token] = counts.get(token, 0) + 1
    norm = math.sqrt(sum((count * model.words[word][0]) ** 2 for word, count in counts.items()))
    total = 0.0
    for k, (intercept, (a, b)) in enumerate(zip(model.intercepts, model.calibration, strict=True)):
        dot = sum(count * model.words[word][1][k] for word, count in counts.items())
        decision = (dot / norm if norm else 0.0) + intercept
        total += 1.0 / (1.0 + math.exp(min(a * decision + b, 700.0)))  # no overflow
    return total / len(model.intercepts)
