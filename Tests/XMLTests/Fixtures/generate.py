#!/usr/bin/env python3
"""Writes the hostile XML corpus (run from this folder: python3 generate.py).

Each document is one attack from ../shared/research/security-reliability.md §5.3; the
tests in XMLTests assert that every one is refused within 100 ms and 20 MB.
"""
import os

def write(name, data):
    with open(os.path.join("hostile", name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

write("xxe-file.xml", '<?xml version="1.0"?>\n<!DOCTYPE lead [\n  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n<lead>&secret;</lead>\n')
write("xxe-network.xml", '<?xml version="1.0"?>\n<!DOCTYPE lead [\n  <!ENTITY remote SYSTEM "http://127.0.0.1:9/x">\n]>\n<lead>&remote;</lead>\n')
write("external-dtd.xml", '<?xml version="1.0"?>\n<!DOCTYPE lead SYSTEM "http://127.0.0.1:9/lead.dtd">\n<lead/>\n')
write("parameter-entity.xml", '<?xml version="1.0"?>\n<!DOCTYPE lead [\n  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/p.dtd">\n  %remote;\n]>\n<lead/>\n')
laughs = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', '  <!ENTITY lol "lol">']
for i in range(1, 10):
    prev = "lol" if i == 1 else f"lol{i-1}"
    laughs.append(f'  <!ENTITY lol{i} "' + f"&{prev};" * 10 + '">')
laughs += [']>', '<lolz>&lol9;</lolz>', '']
write("billion-laughs.xml", "\n".join(laughs))
write("quadratic-blowup.xml", '<?xml version="1.0"?>\n<!DOCTYPE kaboom [\n  <!ENTITY a "' + "x" * 50_000 + '">\n]>\n<kaboom>' + "&a;" * 10_000 + '</kaboom>\n')
write("deep-nesting.xml", '<?xml version="1.0"?>\n' + "<a>" * 10_000 + "</a>" * 10_000 + "\n")
write("huge-attribute.xml", '<?xml version="1.0"?>\n<lead note="' + "A" * 200_000 + '"/>\n')
write("many-attributes.xml", '<?xml version="1.0"?>\n<lead ' + " ".join(f'a{i}="1"' for i in range(50_000)) + '/>\n')
write("invalid-utf8.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<lead>\n  <name>caf\xc3</name>\n</lead>\n')
write("overlong-utf8.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<lead><name>\xc0\xbcscript</name></lead>\n')
write("long-name.xml", '<?xml version="1.0"?>\n<' + "n" * 60_000 + '/>\n')
write("utf16.xml", '<?xml version="1.0" encoding="UTF-16"?>\n<lead/>\n'.encode("utf-16"))
