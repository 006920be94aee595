import pathlib

import pytest

import offline_reset as olr

REPO = pathlib.Path(__file__).resolve().parents[3]


def make_sid(*sub_authorities: int, authority: int = 5) -> bytes:
    """A binary SID (revision 1): S-1-<authority>-<sub_authorities...>."""
    return (bytes([1, len(sub_authorities)]) + authority.to_bytes(6, "big")
            + b"".join(s.to_bytes(4, "little") for s in sub_authorities))


#: S-1-5-21-1000-2000-3000-1104 and -1105: two domain users.
SID = make_sid(21, 1000, 2000, 3000, 1104)
OTHER_SID = make_sid(21, 1000, 2000, 3000, 1105)


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
