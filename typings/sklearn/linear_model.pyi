"""scikit-learn (training only, `python -m bot train`): the API Vigia uses."""

from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike

class LogisticRegression:
    coef_: np.ndarray[Any, np.dtype[np.float64]]
    intercept_: np.ndarray[Any, np.dtype[np.float64]]
    def __init__(
        self,
        *,
        C: float = ...,
        class_weight: str | dict[Any, float] | None = ...,
        max_iter: int = ...,
        solver: str = ...,
        random_state: int | None = ...,
    ) -> None: ...
    def fit(self, X: Any, y: ArrayLike) -> Self: ...
    def predict_proba(self, X: Any) -> np.ndarray[Any, np.dtype[np.float64]]: ...
