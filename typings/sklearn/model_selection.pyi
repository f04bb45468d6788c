from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

_Indices = np.ndarray[Any, np.dtype[np.intp]]

class StratifiedGroupKFold:
    def __init__(
        self, n_splits: int = ..., shuffle: bool = ..., random_state: int | None = ...
    ) -> None: ...
    def split(
        self, X: ArrayLike, y: ArrayLike, groups: ArrayLike
    ) -> Iterator[tuple[_Indices, _Indices]]: ...

def cross_val_predict(
    estimator: object, X: Any, y: ArrayLike, *, cv: int = ..., method: str = ...
) -> np.ndarray[Any, np.dtype[np.float64]]: ...
