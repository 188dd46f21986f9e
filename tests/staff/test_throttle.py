"""Failed sign-ins, per user name and per address, in a file every worker process shares."""

from __future__ import annotations

import subprocess
import sys

from cisem_graph.staff.throttle import FILE_NAME, SigninThrottle

WINDOW = 900.0
T0 = 1_000_000.0


def test_the_limit_holds_per_name_and_per_address(tmp_path):
    throttle = SigninThrottle(tmp_path, attempts=3, window=WINDOW)
    keys = ["user:maria", "address:203.0.113.7"]
    for i in range(3):
        assert throttle.wait(keys, T0 + i) == 0
        throttle.failed(keys, T0 + i)
    assert throttle.wait(keys, T0 + 3) == WINDOW - 3  # until the oldest failure leaves the window
    # the same name from another address, another name from the same address: both refused
    assert throttle.wait(["user:maria", "address:198.51.100.1"], T0 + 3) > 0
    assert throttle.wait(["user:luca", "address:203.0.113.7"], T0 + 3) > 0
    assert throttle.wait(["user:luca", "address:198.51.100.1"], T0 + 3) == 0
    assert throttle.wait(keys, T0 + WINDOW + 1) == 0  # the window passed


def test_a_good_sign_in_forgets_the_name_but_not_the_address(tmp_path):
    throttle = SigninThrottle(tmp_path, attempts=2, window=WINDOW)
    throttle.failed(["user:maria", "address:203.0.113.7"], T0)
    throttle.failed(["user:maria", "address:203.0.113.7"], T0 + 1)
    throttle.succeeded("user:maria")
    assert throttle.wait(["user:maria"], T0 + 2) == 0
    assert throttle.wait(["address:203.0.113.7"], T0 + 2) > 0


def test_the_file_keeps_no_names_or_addresses_and_another_process_sees_it(tmp_path):
    throttle = SigninThrottle(tmp_path, attempts=2, window=WINDOW)
    throttle.failed(["user:maria", "address:203.0.113.7"])
    text = (tmp_path / FILE_NAME).read_text()
    assert "maria" not in text and "203.0.113.7" not in text
    other = subprocess.run([sys.executable, "-c", (
        "from cisem_graph.staff.throttle import SigninThrottle;"
        f"t = SigninThrottle({str(tmp_path)!r}, attempts=2, window={WINDOW});"
        "t.failed(['user:maria']); print(t.wait(['user:maria']) > 0)")],
        capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "True"
    assert throttle.wait(["user:maria"]) > 0
