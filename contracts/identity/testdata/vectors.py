#!/usr/bin/env python3
"""Computes the identity commitment test vectors independently of the Go code.

RFC 6962 by hand (hashlib only): leaf hash = SHA-256(0x00 || leaf), inner
hash = SHA-256(0x01 || left || right), and a tree of n > 1 leaves splits at
the largest power of two smaller than n. Leaf bytes as docs/identity.md
states them. Run: python3 contracts/identity/testdata/vectors.py
"""
import hashlib

DOMAIN = b"partychain/identity/v1"

# The vector: five fields; the salt of the k-th field in name order is 32
# bytes of value k.
FIELDS = [
    ("name", "张三"),
    ("id_number", "000000199005170000"),
    ("birth_date", "1990-05-17"),
    ("gender", "male"),
    ("phone", "+86 000 0000 0000"),
]


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def leaf(name, salt, value):
    n, v = name.encode(), value.encode("utf-8")
    return DOMAIN + uvarint(len(n)) + n + salt + uvarint(len(v)) + v


def sha(b):
    return hashlib.sha256(b).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if len(leaves) == 1:
        return sha(b"\x00" + leaves[0])
    k = split(len(leaves))
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(i, leaves):
    """Audit path of leaf i, from the leaf's sibling up to the root's child."""
    if len(leaves) == 1:
        return []
    k = split(len(leaves))
    if i < k:
        return path(i, leaves[:k]) + [mth(leaves[k:])]
    return path(i - k, leaves[k:]) + [mth(leaves[:k])]


def main():
    ordered = sorted(FIELDS, key=lambda f: f[0].encode())
    leaves = []
    for k, (name, value) in enumerate(ordered, start=1):
        leaves.append(leaf(name, bytes([k]) * 32, value))
    for (name, _), lf in zip(ordered, leaves):
        print(f"leaf  {name:<10} {lf.hex()}")
        lhash = sha(b"\x00" + lf).hex()
        print(f"lhash {name:<10} {lhash}")
    print("root", mth(leaves).hex())
    for i, (name, _) in enumerate(ordered):
        print(f"aunts {name:<10}", " ".join(a.hex() for a in path(i, leaves)))
    one = leaf("name", bytes([1]) * 32, "张三")
    print("root of the single field name=张三, salt 01*32:", mth([one]).hex())


main()
