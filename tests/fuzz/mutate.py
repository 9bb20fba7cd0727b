"""A small structure-aware mutator: byte edits, JSON-ish token splices, crossover of seeds.
Deterministic for a given ``random.Random``."""

from __future__ import annotations

import random

TOKENS = [
    b"null",
    b"true",
    b"false",
    b"0",
    b"-0",
    b"1e400",
    b"-1e400",
    b"1e-400",
    b"18446744073709551616",
    b"18446744073709551615",
    b"-9223372036854775809",
    b"1" * 4301,
    b"-" + b"9" * 5000,
    b"0." + b"1" * 400 + b"e-9999999999",
    b"1.5",
    b"[]",
    b"{}",
    b'""',
    b'"\\ud800"',
    b'"\\u0000"',
    b'"\\x"',
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xc2\xb2",
    b"\x1b]0;x\x07",
    b'"\n"',
    b'"role"',
    b'"user"',
    b'"assistant"',
    b'"toolResult"',
    b'"content"',
    b'"type"',
    b'"text"',
    b'"thinking"',
    b'"toolCall"',
    b'"image"',
    b'"timestamp"',
    b'"usage"',
    b'"stopReason"',
    b'"extension"',
    b'"parent_id"',
    b'"message"',
    b'"loops"',
    b'"messages"',
    b'"id"',
    b",",
    b":",
    b"[" * 64,
    b"]" * 64,
    b"\n",
    b"\r\n",
    b" ",
    b"\t",
    b"\x00",
]


def mutate(data: bytes, rng: random.Random, seeds: tuple[bytes, ...]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 5))):
        op = rng.randrange(8)
        n = len(buf)
        pos = rng.randrange(n + 1)
        if op == 0 and n:  # flip a byte
            buf[rng.randrange(n)] = rng.randrange(256)
        elif op == 1:  # insert a token
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 2 and n:  # delete a span
            end = min(n, pos + rng.choice((1, 2, 8, 64)))
            del buf[pos:end]
        elif op == 3 and n:  # duplicate a span
            start = rng.randrange(n)
            end = min(n, start + rng.choice((1, 16, 256)))
            buf[pos:pos] = buf[start:end]
        elif op == 4 and seeds:  # crossover with another seed
            other = rng.choice(seeds)
            cut = rng.randrange(len(other) + 1)
            buf = buf[:pos] + bytearray(other[cut:])
        elif op == 5:  # replace a token-ish run with a token
            end = min(n, pos + rng.randrange(1, 12))
            buf[pos:end] = rng.choice(TOKENS)
        elif op == 6 and n:  # ASCII digit or quote noise
            buf[rng.randrange(n)] = rng.choice(b'0123456789"\\{}[],:-+.eE ')
        else:  # truncate
            buf = buf[:pos]
    return bytes(buf[: 1 << 20])
