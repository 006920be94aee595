"""The native library in the wheel (the rest of the package is declared in pyproject.toml).

Not a Python extension module: the crate's C ABI (../../Cargo.toml) as a shared library built
by setuptools-rust in release mode and loaded with ctypes. ``OLR_CARGO_FEATURES`` (cargo
features, separated by spaces or commas, e.g. ``pkcs11``) adds ``--features`` to that cargo
build; unset or empty, the default build.

- Wheel tag ``py3-none-<platform>``: the package is pure Python (ctypes) plus a shared library
  that does not link libpython, so one wheel serves every CPython 3 (and PyPy) on the platform.
  The platform stays the plain one (``linux_x86_64``): a ``manylinux`` tag is only true after
  ``auditwheel repair`` checked the library's glibc symbol versions, which this build does not
  run.
- The library is named ``_liboffline_reset.so`` (``.dylib``, ``.dll``), not with the
  interpreter's extension suffix (``.cpython-311-x86_64-linux-gnu.so``), which would claim a
  CPython ABI it does not have.
- Nothing is written into the source tree: setuptools' ``build`` directory and the
  ``.egg-info`` go to a temporary directory (removed when the build ends), and cargo's target
  directory is ``$CARGO_TARGET_DIR`` when set (keep one to make rebuilds incremental), else a
  temporary directory as well (a cold build).
"""

import atexit
import os
import shutil
import sys
import tempfile

from setuptools import setup
from setuptools_rust import Binding, RustExtension
from setuptools_rust.build import build_rust

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

features = os.environ.get("OLR_CARGO_FEATURES", "").replace(",", " ").split()

_scratch = tempfile.mkdtemp(prefix="offline-reset-python-build-")
atexit.register(shutil.rmtree, _scratch, True)
if not os.environ.get("CARGO_TARGET_DIR"):
    # Read by cargo, which setuptools-rust starts from this process.
    os.environ["CARGO_TARGET_DIR"] = os.path.join(_scratch, "cargo-target")


class bdist_wheel_py3_none(bdist_wheel):
    """``py3-none-<platform>``: no CPython ABI, only the platform of the shared library."""

    def get_tag(self):
        _python, _abi, plat = super().get_tag()
        return "py3", "none", plat


_LIBRARY_SUFFIX = ".dll" if sys.platform == "win32" else ".dylib" if sys.platform == "darwin" else ".so"


class build_rust_plain_library(build_rust):
    """Names the library ``_liboffline_reset<.so|.dylib|.dll>`` (the binding globs
    ``_liboffline_reset*``)."""

    def get_dylib_ext_path(self, ext, target_fname):
        path = super().get_dylib_ext_path(ext, target_fname)
        directory, name = os.path.split(path)
        return os.path.join(directory, name.split(".", 1)[0] + _LIBRARY_SUFFIX)


# In the repository the crate is two folders up; in the sdist (scripts/package.sh) it is
# copied into rust/, so the sdist builds from itself alone.
_CRATE = "rust/Cargo.toml" if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rust", "Cargo.toml")) else "../../Cargo.toml"

setup(
    rust_extensions=[
        RustExtension(
            "offline_reset._liboffline_reset",
            path=_CRATE,
            binding=Binding.NoBinding,
            features=features,
        )
    ],
    cmdclass={"bdist_wheel": bdist_wheel_py3_none, "build_rust": build_rust_plain_library},
    options={
        "build": {"build_base": os.path.join(_scratch, "build")},
        "egg_info": {"egg_base": _scratch},
    },
)
