"""tests/vectors/bindings.json through the Python API (docs/BINDINGS.md): every case."""

import json

import offline_reset as olr


def unhex(s):
    return None if s is None else bytes.fromhex(s)


def outcome(call):
    try:
        value = call()
        return {"status": 0, "details": {"mistyped_group": 0, "code_epoch": 0, "current_epoch": 0, "found_version": 0}, "value": value}
    except olr.OfflineResetError as e:
        assert type(e) is olr.error_class(e.status), "the status's own class"
        assert e.message == olr.status_message(e.status)
        return {"status": int(e.status), "details": e.details}


def policy(p):
    return {"reset_code_lifetime_minutes": p.reset_code_lifetime_minutes, "clock_skew_minutes": p.clock_skew_minutes}


def cost(c):
    return {"memory_kib": c.memory_kib, "iterations": c.iterations, "parallelism": c.parallelism}


def ring_value(r):
    return {
        "current_epoch": r.current_epoch,
        "epochs": r.epochs,
        "retired_grace_seconds": r.retired_grace_seconds,
        "policy": policy(r.policy),
        "password_cost": cost(r.password_cost()),
        "deployment_package": r.deployment_package,
    }


def machine_value(m):
    return {
        "identification_code": str(m.identification_code),
        "epoch": m.epoch,
        "policy": policy(m.policy),
        "password_cost": cost(m.password_cost),
    }


def account(i):
    """The account as the case gives it; the library checks names, then the SID."""
    return (i["username"], i["domain"], unhex(i["sid"]))


def seal(ring, i):
    code = olr.IdentificationCode(i["identification_code"])
    return str(ring.seal_reset_code(code, account(i), i["password"], i["now"]))


def open_(machine, ledger, i):
    code = olr.ResetCode(i["reset_code"])
    if ledger is None:
        a = machine.open_reset_code_for_diagnostics(code, account(i), i["password"], i["now"])
    else:
        a = machine.redeem_reset_code(ledger, code, account(i), i["password"], i["now"])
    return {"issued_at": a.issued_at, "expires_at": a.expires_at}


def ledger_value(led):
    return {"accounts": led.account_count, "codes": led.code_count, "generation": led.generation}


def redeem_sequence(m, i):
    """A new ledger for the machine, every step in order; then the ledger's counts and
    generation, which must survive a plain export and an import for the same machine with the
    generation as the minimum."""
    with olr.ReplayLedger(m) as led:
        steps = [outcome(lambda s=s: open_(m, led, s)) for s in i["steps"]]
        value = dict(ledger_value(led), steps=steps)
        exported = led.export_plain()
    with olr.ReplayLedger.from_bytes(exported, machine=m, minimum_generation=value["generation"]) as again:
        survived = ledger_value(again)
    assert survived == {k: value[k] for k in ("accounts", "codes", "generation")}, (survived, value)
    return value


def run(objects, op, i):
    def ring():
        return olr.ServerKeyRing.from_bytes(unhex(objects[i["ring"]]))

    def machine():
        return olr.Machine.from_bytes(unhex(objects[i["machine"]]))

    if op == "identification_code_check":
        return outcome(lambda: str(olr.IdentificationCode(i["text"])))
    if op == "reset_code_check":
        return outcome(lambda: str(olr.ResetCode(i["text"])))
    if op == "account_check":
        return outcome(lambda: olr.Account.check(i["username"], i["domain"], unhex(i["sid"])))
    if op == "account_normalize":
        def f():
            username, domain = olr.normalize_names(i["username"], i["domain"])
            return {"username": username, "domain": domain}
        return outcome(f)
    if op == "default_offline_domain":
        return outcome(lambda: olr.default_offline_domain(i["fqdn"]))
    if op == "name_problem":
        return outcome(lambda: int(olr.name_problem(i["text"])))
    if op == "deployment_package_check":
        def f():
            package = unhex(i["package_hex"]) if "package_hex" in i else i["package"]
            info = olr.check_deployment_package(package)
            return {"epoch": info.epoch, "policy": policy(info.policy)}
        return outcome(f)
    if op == "key_ring_generate":
        def f():
            p = olr.Policy(i["reset_code_lifetime_minutes"], i["clock_skew_minutes"])
            c = olr.PasswordCost(i["memory_kib"], i["iterations"], i["parallelism"])
            with olr.ServerKeyRing.generate(p, c) as r:
                return {"epochs": r.epochs, "policy": policy(r.policy), "password_cost": cost(r.password_cost())}
        return outcome(f)
    if op == "key_ring_import":
        def f():
            with olr.ServerKeyRing.from_bytes(unhex(i["bytes"]), unhex(i["wrapping_key"])) as r:
                return ring_value(r)
        return outcome(f)
    if op == "machine_import":
        def f():
            with olr.Machine.from_bytes(unhex(i["bytes"]), unhex(i["wrapping_key"])) as m:
                return machine_value(m)
        return outcome(f)
    if op == "replay_ledger_import":
        with machine() as m:
            def f():
                with olr.ReplayLedger.from_bytes(
                    unhex(i["bytes"]), unhex(i["wrapping_key"]), machine=m,
                    minimum_generation=i["minimum_generation"],
                ) as led:
                    return ledger_value(led)
            return outcome(f)
    if op == "redeploy":
        with machine() as m:
            def f():
                with m.redeploy(i["package"]) as new:
                    return {"epoch": new.epoch,
                            "same_identification_code": new.identification_code == m.identification_code}
            return outcome(f)
    if op == "deployment_package_fingerprint":
        return outcome(lambda: olr.deployment_package_fingerprint(i["package"]))
    if op == "seal":
        with ring() as r:
            return outcome(lambda: seal(r, i))
    if op == "open":
        with machine() as m:
            return outcome(lambda: open_(m, None, i))
    if op == "redeem_sequence":
        with machine() as m:
            return outcome(lambda: redeem_sequence(m, i))
    if op == "rotate_then_seal":
        with ring() as r:
            def f():
                r.retired_grace_seconds = i["grace_seconds"]
                epoch = r.rotate(i["rotate_at"])
                return {"epoch": epoch, "epochs": r.epochs, "seal": outcome(lambda: seal(r, i["seal"]))}
            return outcome(f)
    if op == "status_message":
        return outcome(lambda: olr.status_message(i["status"]))
    raise AssertionError(f"unknown op {op}")


def test_bindings_json(repo):
    data = json.loads((repo / "tests/vectors/bindings.json").read_text(encoding="utf-8"))
    assert data["abi_version"] == olr.ABI_VERSION, "bindings.json is for another C ABI"
    assert olr.abi_version() >> 16 == data["abi_version"] >> 16
    failures = []
    for case in data["cases"]:
        got = run(data["objects"], case["op"], case["inputs"])
        if got != case["expect"]:
            failures.append(f"{case['name']}: got {got}, expected {case['expect']}")
    print(f"bindings.json (Python): {len(data['cases']) - len(failures)} passed, {len(failures)} failed")
    assert not failures, "\n".join(failures)
