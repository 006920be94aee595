import os
import pathlib

import pytest

import offline_reset as olr

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def repo() -> pathlib.Path:
    return REPO


@pytest.fixture(scope="session")
def ring():
    with olr.ServerKeyRing.generate(password_cost=olr.PasswordCost.minimum()) as r:
        yield r


@pytest.fixture(scope="session")
def machine(ring):
    with olr.Machine.enroll(ring.deployment_package) as m:
        yield m


NOW = 1_795_000_000
