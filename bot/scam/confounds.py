"""Does length or style decide? The check `python -m bot train` prints: how well a text's
length alone, and its length and style together, tell scams from legit texts, and how well
the text model does among texts of similar length and within one kind of text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bot.scam.corpus import Case

__all__ = ["confound_report", "style_features"]


def style_features(text: str) -> list[float]:
    """What a text looks like, not what it says: its length and the mix of its characters."""
    size = max(1, len(text))
    words = text.split()
    return [
        math.log(size),
        sum(ch.isupper() for ch in text) / size,
        sum(ch.isdigit() for ch in text) / size,
        sum(not ch.isalnum() and not ch.isspace() for ch in text) / size,
        (text.count("!") + text.count("?") + text.count("¡") + text.count("¿")) / size,
        text.count("\n") / size,
        sum(len(word) for word in words) / max(1, len(words)),
        sum(not ch.isascii() for ch in text) / size,
    ]


def confound_report(cases: Sequence[Case], probabilities: np.ndarray, folds: int) -> list[str]:
    """Whether length or style alone could tell scams from legit texts in this corpus, and
    whether the model still tells them apart among texts of the same length."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.preprocessing import StandardScaler

    from bot.scam.evaluate import roc_auc

    labels = np.array([case.is_scam for case in cases])
    style = StandardScaler().fit_transform([style_features(case.text) for case in cases])
    lines = []
    for name, columns in (("length alone", style[:, :1]), ("length and style", style)):
        guessed = cross_val_predict(
            LogisticRegression(), columns, labels, cv=folds, method="predict_proba"
        )[:, 1]
        lines.append(f"  ROC-AUC of {name}: {roc_auc(list(labels), list(guessed)):.3f}")
    lines.append(f"  ROC-AUC of the text model: {roc_auc(list(labels), list(probabilities)):.3f}")
    lengths = style[:, 0]
    quartile = np.digitize(lengths, np.quantile(lengths, [0.25, 0.5, 0.75]))
    within = [
        roc_auc(list(labels[quartile == q]), list(probabilities[quartile == q])) for q in range(4)
    ]
    lines.append(
        "  ROC-AUC of the text model among texts of similar length (quartiles, short to long): "
        + ", ".join("n/a" if auc is None else f"{auc:.3f}" for auc in within)
    )
    kinds = np.array([case.kind for case in cases])
    by_kind = []
    for kind in sorted(set(kinds)):
        auc = roc_auc(list(labels[kinds == kind]), list(probabilities[kinds == kind]))
        if auc is not None:
            by_kind.append(f"{kind} {auc:.3f} ({int((kinds == kind).sum())})")
    lines.append("  ROC-AUC of the text model within one kind of text: " + ", ".join(by_kind))
    return lines
