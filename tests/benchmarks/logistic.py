"""Logistic regression by Newton's method: how evidence weights are fitted.

Both the plaintext baseline and (for hardened encodings) zichtlijn's
MatchPolicy weights are fitted this way on labelled candidate pairs of one
seed and evaluated on another, so neither is tuned on the data it is scored on.
"""

from __future__ import annotations

import numpy as np


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3,
                 iterations: int = 40) -> np.ndarray:
    """Weights w maximising the L2-penalised likelihood of y ~ sigmoid(x @ w).

    A small ridge keeps indicator columns that never fire (or perfectly
    separate, as an agreeing document number nearly does) finite.
    """
    w = np.zeros(x.shape[1])
    for _ in range(iterations):
        z = np.clip(x @ w, -40, 40)
        p = 1.0 / (1.0 + np.exp(-z))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w
