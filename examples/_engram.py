"""A stand-in for the `engram_client` package, enough for the examples.

It has the same names and return shapes as `engram_client` will have:

    Engram(url, api_key=None)
        .create_store(name, kind, dim, beta, **config)   # energy, kernel, features, seed, eps, orthogonal
        .store(name) -> Store
    Store.add(array, ids=None)
    Store.recall(queries, depth=1000, alpha=0.1, clamp=None, tolerance=0.0) -> Recall
        Recall.states [B, D], .energies [B, depth], .steps [B], .nearest [B] (mrdam rows; None for drdam)
    Store.energy(points, gradients=False) -> energies [B]  (or (energies [B], gradients [B, D]))

The examples take `Engram` from `_common.py`; once `engram_client` is installed, its one import line
there becomes `from engram_client import Engram`. (`Recall.energy`, `Recall.nearest_ids`, `Store.info`
and the deletes are extras the examples do not use.)

Requests go as JSON; recall and energy answers come back as `.npz` (Accept: application/x-npz), so the
numbers are float32 exactly as the server computed them.
"""

import io
from dataclasses import dataclass
from typing import Optional

import numpy as np
import requests


class EngramError(RuntimeError):
    """The server answered with an error (an RFC 9457 problem)."""

    def __init__(self, response: requests.Response):
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        super().__init__(f"{response.request.method} {response.url}: {response.status_code} {detail}")
        self.status = response.status_code


def _check(response: requests.Response) -> requests.Response:
    if response.status_code >= 400:
        raise EngramError(response)
    return response


def _rows(array) -> list:
    a = np.asarray(array, dtype=np.float32)
    if a.ndim == 1:
        a = a[None, :]
    return a.tolist()


@dataclass
class Recall:
    """The answer to a recall: final states [B, D], energy traces [B, depth], steps [B], final
    energies [B] and, for mrdam stores, the nearest memory's row [B] and id [B]."""

    states: np.ndarray
    energies: np.ndarray
    steps: np.ndarray
    energy: np.ndarray
    nearest: Optional[np.ndarray] = None
    nearest_ids: Optional[np.ndarray] = None


class Store:
    """One named store on an Engram server."""

    def __init__(self, client: "Engram", name: str):
        self.client = client
        self.name = name
        self.url = f"{client.url}/v1/stores/{name}"

    def info(self) -> dict:
        return _check(self.client.session.get(self.url)).json()

    def add(self, array, ids=None) -> dict:
        body = {"memories": _rows(array)}
        if ids is not None:
            body["ids"] = [str(i) for i in ids]
        return _check(self.client.session.post(f"{self.url}/memories", json=body)).json()

    def recall(self, queries, depth=1000, alpha=0.1, clamp=None, tolerance=0.0) -> Recall:
        body = {"queries": _rows(queries), "depth": int(depth), "alpha": float(alpha),
                "tolerance": float(tolerance), "trace": True}
        if clamp is not None:
            body["clamp"] = np.asarray(clamp, dtype=bool).tolist()
        response = _check(self.client.session.post(
            f"{self.url}/recall", json=body, headers={"Accept": "application/x-npz"}))
        z = np.load(io.BytesIO(response.content))
        return Recall(states=z["states"], energies=z["energies"], steps=z["steps"], energy=z["energy"],
                      nearest=z["nearest"] if "nearest" in z.files else None,
                      nearest_ids=z["nearest_id"] if "nearest_id" in z.files else None)

    def energy(self, points, gradients=False):
        body = {"points": _rows(points), "gradients": bool(gradients)}
        response = _check(self.client.session.post(
            f"{self.url}/energy", json=body, headers={"Accept": "application/x-npz"}))
        z = np.load(io.BytesIO(response.content))
        return (z["energies"], z["gradients"]) if gradients else z["energies"]

    def delete(self) -> None:
        response = self.client.session.delete(self.url)
        if response.status_code != 404:
            _check(response)


class Engram:
    """A connection to an Engram server at `url` (e.g. http://127.0.0.1:8080)."""

    def __init__(self, url: str, api_key: Optional[str] = None):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        if api_key:
            self.session.headers["api-key"] = api_key

    def create_store(self, name: str, kind: str, dim: int, beta: float, **config) -> Store:
        body = {"kind": kind, "dim": int(dim), "beta": float(beta)}
        body.update({k: v for k, v in config.items() if v is not None})
        _check(self.session.put(f"{self.url}/v1/stores/{name}", json=body))
        return Store(self, name)

    def store(self, name: str) -> Store:
        return Store(self, name)

    def delete_store(self, name: str) -> None:
        Store(self, name).delete()
