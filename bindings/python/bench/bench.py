"""Per-call cost through the Python binding (docs/PERFORMANCE.md); c_baseline.c times the same calls in C."""
import time

import offline_reset as olr

NOW = 1_795_000_000
ring = olr.ServerKeyRing.generate(password_cost=olr.PasswordCost.minimum())
m = olr.Machine.enroll(ring.deployment_package)
id_text = str(m.identification_code)
n = 200_000
t = time.perf_counter()
for _ in range(n):
    olr.IdentificationCode(id_text)
print(f"check {(time.perf_counter() - t) / n * 1e6:.3f} us")
SID = bytes.fromhex("010500000000000515000000dcf4dc3b833d2b46828ba62850040000")  # S-1-5-21-…-1104
account = olr.Account("alice", "CORP", SID)
seals = 30
t = time.perf_counter()
for _ in range(seals):
    code = ring.seal_reset_code(id_text, account, "Winter-Tulip-42", NOW)
print(f"seal {(time.perf_counter() - t) / seals * 1e3:.3f} ms")
t = time.perf_counter()
for _ in range(seals):
    m.open_reset_code_for_diagnostics(code, account, "Winter-Tulip-42", NOW)
print(f"open {(time.perf_counter() - t) / seals * 1e3:.3f} ms")
