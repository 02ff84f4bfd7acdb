"""wrk's summary on stdin → "requests/s|p50|p99|non-2xx"."""
import re
import sys

text = sys.stdin.read()


def latency(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m:
        return "?"
    value, unit = float(m.group(1)), m.group(2)
    ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return f"{ms:.2f} ms"


rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
print(f"{float(rps.group(1)):,.0f}" if rps else "0", latency("50%"), latency("99%"), bad.group(1) if bad else "0", sep="|")
