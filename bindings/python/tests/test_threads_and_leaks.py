"""Threads sharing one key ring; no leaks over 100,000 calls."""

import gc
import resource
import sys
import threading

import pytest

import offline_reset as olr
from conftest import NOW, SID


def test_threads_share_a_ring(ring, machine):
    errors, codes = [], {}
    id_text = str(machine.identification_code)

    def work(n):
        try:
            codes[n] = ring.seal_reset_code(id_text, (f"user{n}", "CORP", SID), f"pw{n}", NOW)
            for _ in range(200):
                olr.IdentificationCode(id_text)
                ring.epochs
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    rotator = threading.Thread(target=lambda: [ring.retired_grace_seconds for _ in range(100)])
    for t in threads + [rotator]:
        t.start()
    for t in threads + [rotator]:
        t.join()
    assert not errors
    with olr.ReplayLedger(machine) as ledger:
        for n, code in codes.items():
            machine.redeem_reset_code(ledger, code, (f"user{n}", "CORP", SID), f"pw{n}", NOW)
        assert ledger.account_count == len(codes) == 8


def rss_kib():
    if sys.platform.startswith("linux"):
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_no_leak_in_100000_calls(ring, machine):
    id_text = str(machine.identification_code)
    package = ring.deployment_package
    blob = machine.export_plain()

    def round_(n):
        for _ in range(n):
            olr.IdentificationCode(id_text)
            try:
                olr.IdentificationCode(id_text[:-1] + "X")
            except olr.MistypedError:
                pass
            olr.Account("Jürgen", "CORP", SID)
        for _ in range(n // 10):
            with olr.Machine.from_bytes(blob) as m:
                m.identification_code
                olr.ReplayLedger(m).close()
            olr.check_deployment_package(package)

    round_(5_000)
    gc.collect()
    before = rss_kib()
    round_(28_000)  # 128,800 calls into the library (5,600 handles made and freed)
    gc.collect()
    grown = rss_kib() - before
    print(f"RSS grew {grown} KiB over 100,000 calls")
    assert grown < 1024
