"""The native library in the wheel (the rest of the package is declared in pyproject.toml).

Not a Python extension module: the crate's C ABI (../../Cargo.toml) as a shared library built
by setuptools-rust in release mode and loaded with ctypes. ``OLR_CARGO_FEATURES`` (cargo
features, separated by spaces or commas, e.g. ``pkcs11``) adds ``--features`` to that cargo
build; unset or empty, the default build. ``CARGO_TARGET_DIR`` is honoured by cargo itself.
"""

import os

from setuptools import setup
from setuptools_rust import Binding, RustExtension

features = os.environ.get("OLR_CARGO_FEATURES", "").replace(",", " ").split()

setup(
    rust_extensions=[
        RustExtension(
            "offline_reset._liboffline_reset",
            path="../../Cargo.toml",
            binding=Binding.NoBinding,
            features=features,
        )
    ],
)
