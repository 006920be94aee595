"""Per-call cost through the Python binding (docs/PERFORMANCE.md); c_baseline.c times the same calls in C.

Each cheap call runs ``n`` times per round, 7 rounds: the best round's process CPU time per call
(what the call itself costs, little affected by other jobs on a shared machine; the median round
in brackets) and its wall time.
"""
import statistics
import sys
import time

import offline_reset as olr

NOW = 1_795_000_000
n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
ring = olr.ServerKeyRing.generate(password_cost=olr.PasswordCost.minimum())
m = olr.Machine.enroll(ring.deployment_package)
id_text = str(m.identification_code)
SID = bytes.fromhex("010500000000000515000000dcf4dc3b833d2b46828ba62850040000")  # S-1-5-21-…-1104
account = olr.Account("alice", "CORP", SID)
code = ring.seal_reset_code(id_text, account, "Winter-Tulip-42", NOW)
reset_text = str(code)


def per_call(label, fn, *args):
    cpu, wall = [], []
    for _ in range(7):
        t, c = time.perf_counter(), time.process_time()
        for _ in range(n):
            fn(*args)
        cpu.append((time.process_time() - c) / n * 1e6)
        wall.append((time.perf_counter() - t) / n * 1e6)
    print(f"{label} {min(cpu):.3f} us cpu (median {statistics.median(cpu):.3f}), {min(wall):.3f} us wall")


per_call("check", olr.IdentificationCode, id_text)  # the identification code check
per_call("reset_check", olr.ResetCode, reset_text)
per_call("name_problem", olr.name_problem, "alice")
per_call("status_message", olr.status_message, 7)
seals = 30
t = time.perf_counter()
for _ in range(seals):
    code = ring.seal_reset_code(id_text, account, "Winter-Tulip-42", NOW)
print(f"seal {(time.perf_counter() - t) / seals * 1e3:.3f} ms")
t = time.perf_counter()
for _ in range(seals):
    m.open_reset_code_for_diagnostics(code, account, "Winter-Tulip-42", NOW)
print(f"open {(time.perf_counter() - t) / seals * 1e3:.3f} ms")
