#!/usr/bin/python3
"""The layers point only downward (docs/architecture.md): a file of src/<layer>/ or include/dixc/<layer>/ includes
dixc headers of its own layer, of a layer to its left, or of par/ and util/ (beside every layer); par/ and util/
include only each other. Usage: layering_test.py SOURCE_DIR. Exits 1 and names every include that breaks the rule."""
import os
import re
import sys

ORDER = ["chem", "integrals", "grid", "xc", "scf", "response", "data", "calc", "ml", "workflow", "app"]
BESIDE = {"par", "util"}
INCLUDE = re.compile(r'\s*#\s*include\s*"dixc/([a-z_]+)/')


def allowed(layer, dep):
    if dep == layer:
        return True
    if layer in BESIDE:
        return dep in BESIDE
    if dep in BESIDE:
        return True
    return dep in ORDER and layer in ORDER and ORDER.index(dep) < ORDER.index(layer)


def violations(root):
    found = []
    for base in ("src", os.path.join("include", "dixc")):
        for layer in sorted(os.listdir(os.path.join(root, base))):
            directory = os.path.join(root, base, layer)
            if not os.path.isdir(directory):
                continue
            if layer not in ORDER and layer not in BESIDE:
                found.append(f"{base}/{layer}: not a known layer (add it to docs/architecture.md and this test)")
                continue
            for name in sorted(os.listdir(directory)):
                with open(os.path.join(directory, name), errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m and not allowed(layer, m.group(1)):
                            found.append(f"{base}/{layer}/{name}:{number}: {layer} includes dixc/{m.group(1)}/")
    return found


if __name__ == "__main__":
    bad = violations(sys.argv[1])
    for line in bad:
        print(line)
    print(f"{len(bad)} include(s) against the layer order {' -> '.join(ORDER)} (par, util beside)")
    sys.exit(1 if bad else 0)
