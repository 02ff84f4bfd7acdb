"""Tables and a picture of the peer benchmark: one table per algorithm (each library's sign
and verify rate, ours ÷ the best peer, ours ÷ the bare primitive), the targets, and an SVG of
the same next to Benchmarks/RESULTS.md.

Usage: python3 report.py RESULTS.txt OUT.svg   (lines "NAME ALG sign verify")"""
import sys
from collections import defaultdict

lines = [line.split() for line in open(sys.argv[1]) if len(line.split()) == 4]
rates = defaultdict(dict)  # alg -> name -> (sign, verify)
for name, alg, sign, verify in lines:
    rates[alg][name] = (float(sign), float(verify))

PEERS = ["jsonwebtoken", "golang-jwt", "libjwt"]
LABELS = {"SessionCore": "SessionCore", "bare": "bare primitive (openssl speed's way)", "raw": "raw OpenSSL via EVP_DigestSign/Verify",
          "jsonwebtoken": "jsonwebtoken 8.2 (Rust, ring)", "golang-jwt": "golang-jwt 4.4 (Go)", "libjwt": "libjwt 1.10 (C)"}


def fmt(rate):
    if rate >= 1e6:
        return f"{rate / 1e6:.2f} M/s"
    if rate >= 1e3:
        return f"{rate / 1e3:.1f} k/s"
    return f"{rate:.0f} /s"


targets = []
for alg, table in rates.items():
    print(f"\n### {alg}\n")
    print("| library | sign | verify |")
    print("| --- | ---: | ---: |")
    for name in ["bare", "raw", "SessionCore"] + PEERS:
        if name in table:
            sign, verify = table[name]
            print(f"| {LABELS[name]} | {fmt(sign)} | {fmt(verify)} |")
    ours = table.get("SessionCore")
    peers = {n: table[n] for n in PEERS if n in table}
    if ours and peers:
        for index, op in enumerate(["sign", "verify"]):
            best_name = max(peers, key=lambda n: peers[n][index])
            best = peers[best_name][index]
            ratio = ours[index] / best
            bare = table.get("bare", (0, 0))[index]
            limit = 0.5 if (alg, op) == ("HS256", "verify") else 0.8 if alg != "HS256" else None
            line = f"- {alg} {op}: ours ÷ best peer ({best_name}) {ratio:.2f}× — {'met' if ratio >= 1 else '**missed**'}"
            if limit and bare:
                line += f"; ours ÷ bare {ours[index] / bare:.2f}× (target ≥ {limit}×) — {'met' if ours[index] / bare >= limit else '**missed**'}"
            targets.append(line)
print("\nTargets (≥ 1.0 × the best peer; HS256 verify ≥ 0.5 × bare; asymmetric ≥ 0.8 × bare):")
for line in targets:
    print(line)

# The picture: per algorithm, each library's verify and sign as bars relative to the bare primitive.
names = ["bare", "SessionCore"] + PEERS
colours = {"bare": "#999999", "SessionCore": "#1f77b4", "jsonwebtoken": "#ff7f0e", "golang-jwt": "#2ca02c", "libjwt": "#d62728"}
width, row, bar = 760, 120, 14
height = 60 + row * len(rates) * 2
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
       f'<text x="10" y="20" font-size="15">JWT sign and verify per second, one thread, relative to the bare primitive (= 100 %)</text>']
y = 45
for alg in rates:
    for index, op in enumerate(["sign", "verify"]):
        bare = rates[alg].get("bare", (1, 1))[index] or 1
        svg.append(f'<text x="10" y="{y + 12}" font-weight="bold">{alg} {op}</text>')
        for offset, name in enumerate(n for n in names if n in rates[alg]):
            value = rates[alg][name][index]
            share = value / bare
            length = min(share, 1.2) / 1.2 * 480
            top = y + 18 + offset * (bar + 2)
            svg.append(f'<rect x="190" y="{top}" width="{length:.1f}" height="{bar}" fill="{colours[name]}"/>')
            svg.append(f'<text x="100" y="{top + 11}">{name if name != "bare" else "bare"}</text>')
            svg.append(f'<text x="{195 + length:.1f}" y="{top + 11}">{fmt(value)} ({share * 100:.0f} %)</text>')
        y += row
svg.append("</svg>")
open(sys.argv[2], "w").write("\n".join(svg) + "\n")
