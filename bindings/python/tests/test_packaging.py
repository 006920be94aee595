"""The installed wheel (run_tests.sh installs it): tagged py3-none-<platform>, the library named
without a CPython suffix, the [test] extra declared. Skipped when the package is imported from
the source tree (PYTHONPATH=src)."""

import pathlib
import re
import sys

import pytest

import offline_reset as olr

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = None


def installed():
    from importlib import metadata

    try:
        dist = metadata.distribution("offline-reset")
    except metadata.PackageNotFoundError:
        return None
    here = pathlib.Path(olr.__file__).resolve().parent
    if pathlib.Path(dist.locate_file("offline_reset")).resolve() != here:
        return None  # another copy is installed; this run imports the source tree
    return dist


def test_wheel_is_tagged_py3_none_platform():
    dist = installed()
    if dist is None:
        pytest.skip("offline_reset is imported from the source tree, not installed from the wheel")
    wheel = dist.read_text("WHEEL")
    tags = re.findall(r"^Tag: (\S+)$", wheel, re.M)
    assert tags, wheel
    for tag in tags:
        python, abi, platform = tag.split("-")
        assert (python, abi) == ("py3", "none"), tag
        assert platform != "any" and not platform.startswith("manylinux"), tag  # auditwheel is not run
    assert "Root-Is-Purelib: false" in wheel
    names = [str(f) for f in dist.files if "_liboffline_reset" in str(f)]
    suffix = {"win32": ".dll", "darwin": ".dylib"}.get(sys.platform, ".so")
    assert names == ["offline_reset/_liboffline_reset" + suffix], names
    # The metadata declares the test extra.
    assert "test" in (dist.metadata.get_all("Provides-Extra") or [])
    assert any(r.startswith("pytest") and "extra == \"test\"" in r for r in dist.requires or []), dist.requires


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11")
def test_pyproject_declares_the_test_extra_and_setup_keeps_builds_out_of_tree():
    root = pathlib.Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(r.startswith("pytest") for r in project["optional-dependencies"]["test"])
    setup = (root / "setup.py").read_text(encoding="utf-8")
    assert '"build_base"' in setup and '"egg_base"' in setup and "CARGO_TARGET_DIR" in setup
